"""Messages through a real SMTP server: what arrives (headers, encoding, parts,
the ticket), and what happens when the server refuses, fails or is not there."""
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus
from alliance_app.registrations import services

from .servers import free_port
from .smtp import SmtpServer


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config.update(server.config())
        yield server


@pytest.fixture
def open_event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return event


def register(event, actor, db, name="王小明", email="wang@example.com", mobile="13800000031"):
    registration = services.register(event, {"name": name, "mobile": mobile, "category": "enterprise",
                                             "email": email}, actor)
    db.session.commit()
    message = db.session.scalars(select(Message).where(Message.recipient_email == email)
                                 .order_by(Message.id.desc())).first()
    return registration, message


def test_the_confirmation_arrives_whole(smtp, people, open_event, db):
    registration, message = register(open_event, people.staff, db)
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status == MessageStatus.sent and message.sent_at is not None
    [received] = smtp.inbox.received
    mail = received.message
    assert received.rcpt_tos == ["wang@example.com"]
    assert mail["Message-ID"] == message.message_id
    assert str(mail["Subject"]) == f"报名已确认：{open_event.title}"
    assert b"=?utf-8?" in received.raw.split(b"\r\n\r\n")[0].lower()  # RFC 2047 in the raw headers
    assert mail["To"].addresses[0].display_name == "王小明"
    assert mail["From"].addresses[0].display_name == "秘书处"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "王小明" in text and "王小明" in html and "<script" not in html
    [ticket] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert ticket.get_filename() == f"ticket-{registration.ticket_code}.pdf"
    from .test_registration_documents import decode_qr_codes

    [code] = decode_qr_codes(ticket.get_content())
    assert code.text == f"http://localhost/t/1/{registration.ticket_code}"


def test_a_name_cannot_add_headers_or_recipients(smtp, people, open_event, db):
    _, message = register(open_event, people.staff, db, name="王\r\nBcc: victim@example.com")
    delivery.deliver(message.id)
    [received] = smtp.inbox.received
    assert received.rcpt_tos == ["wang@example.com"] and received.message["Bcc"] is None


@pytest.mark.parametrize("answer, status", [("451 4.3.0 try later", MessageStatus.queued),
                                            ("550 5.1.1 no such user", MessageStatus.failed)])
def test_a_refused_recipient_is_retried_or_failed_by_its_code(smtp, people, open_event, db, answer, status):
    smtp.inbox.refuse_with = answer
    _, message = register(open_event, people.staff, db)
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (status, 1)
    assert answer[:3] in message.last_error
    if status == MessageStatus.queued:
        assert message.next_attempt_at > utcnow()
        delivery.deliver(message.id)  # not due yet: nothing happens
        db.session.refresh(message)
        assert message.attempts == 1
        smtp.inbox.refuse_with = None
        message.next_attempt_at = utcnow()
        db.session.commit()
        delivery.deliver(message.id)
        db.session.refresh(message)
        assert message.status == MessageStatus.sent and len(smtp.inbox.received) == 1


def test_a_server_that_is_down_leaves_a_retrying_message(app, people, open_event, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    _, message = register(open_event, people.staff, db)
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status == MessageStatus.queued and "Connection" in message.last_error
    assert delivery.due_ids() == []  # waits for its backoff


def test_a_server_that_never_answers_times_out_and_retries(app, people, open_event, db):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts, never speaks
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=1)
        _, message = register(open_event, people.staff, db)
        delivery.deliver(message.id)
        db.session.refresh(message)
        assert message.status == MessageStatus.queued and "timed out" in message.last_error.lower()
    finally:
        silent.close()


def test_a_message_is_claimed_by_one_worker_only(smtp, people, open_event, db, app):
    _, message = register(open_event, people.staff, db)
    def worker():
        with app.app_context():
            delivery.deliver(message.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(smtp.inbox.received) == 1


def test_a_cancellation_that_promotes_sends_the_promotion_with_the_ticket(smtp, people, open_event, db):
    open_event.capacity = 2  # the fixture's delegate and one more
    db.session.commit()
    seated, _ = register(open_event, people.staff, db, name="甲", email="a@example.com", mobile="13800000041")
    waiting, message = register(open_event, people.staff, db, name="乙", email="b@example.com", mobile="13800000042")
    assert message.kind == "registration_waitlisted"
    services.cancel(db.session.get(type(seated), seated.id), people.staff)
    db.session.commit()
    for row in db.session.scalars(select(Message).order_by(Message.id)):
        delivery.deliver(row.id)
    kinds = {(r.rcpt_tos[0], r.message["Subject"].split("：")[0]) for r in smtp.inbox.received}
    assert ("a@example.com", "报名已取消") in kinds and ("b@example.com", "已为您留出席位") in kinds
    [promotion] = [r.message for r in smtp.inbox.received if r.message["Subject"].startswith("已为您留出席位")]
    assert [part.get_filename() for part in promotion.iter_attachments()] == [f"ticket-{waiting.ticket_code}.pdf"]
