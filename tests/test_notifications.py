"""The outbox: a message is a row of the change's own transaction, rendered and
sent by the worker; without a mail server it is kept, previewable, not sent."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus
from alliance_app.registrations import services

from . import factories
from .conftest import login


@pytest.fixture
def open_event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.capacity = 2
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return event


def messages(db, **where):
    query = select(Message).order_by(Message.id)
    for key, value in where.items():
        query = query.where(getattr(Message, key) == value)
    return db.session.scalars(query).all()


def test_a_registration_queues_the_delegates_message_in_its_own_transaction(client, people, open_event, db):
    login(client, people.member_a)
    response = client.post(f"/events/{open_event.slug}/register", data={
        "delegates-0-name": "张三", "delegates-0-mobile": "13800000001", "delegates-0-email": "zhang@example.com",
        "delegates-0-category": "enterprise",
        "delegates-1-name": "李四", "delegates-1-mobile": "13800000002", "delegates-1-category": "enterprise"})
    assert response.status_code == 302
    queued = messages(db)
    assert [(m.kind, m.recipient_email) for m in queued] == [
        ("registration_confirmed", "zhang@example.com"), ("registration_batch", people.member_a.email)]
    assert all(m.status == MessageStatus.queued for m in queued)


def test_a_refused_registration_leaves_no_message(client, people, open_event, db):
    login(client, people.member_a)
    client.post(f"/events/{open_event.slug}/register", data={
        "delegates-0-name": "张三", "delegates-0-mobile": "13800000001", "delegates-0-email": "zhang@example.com",
        "delegates-1-name": "李四", "delegates-1-mobile": "12345"})
    assert messages(db) == []


def test_without_a_mail_server_the_message_is_kept_rendered_and_not_sent(app, people, open_event, db):
    registration = services.register(open_event, {"name": "王五", "mobile": "13800000003", "category": "enterprise",
                                                  "email": "wang@example.com"}, people.staff)
    db.session.commit()
    message = messages(db, recipient_email="wang@example.com")[0]
    assert message.kind == "registration_confirmed"
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status == MessageStatus.not_sent and message.attempts == 1
    assert open_event.title in message.subject and "王五" in message.body_text
    assert registration.ticket_code not in message.body_text  # the code travels in the attached ticket only
    assert "http://localhost/events/" in message.body_text


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x\r\nBcc: victim@example.com"])
def test_an_address_that_cannot_be_one_is_a_failed_message_not_a_failed_change(people, db, email):
    from alliance_app.notifications.outbox import notify

    people.org_a.phone = "0551-1"
    message = notify("registration_confirmed", email, name="赵六", about=people.registration_a,
                     registration_id=people.registration_a.id)
    db.session.commit()
    assert db.session.get(type(people.org_a), people.org_a.id).phone == "0551-1"
    assert message.status == MessageStatus.failed and message.last_error.startswith("Invalid address")


def test_no_address_no_message(people, db):
    from alliance_app.notifications.outbox import notify

    assert notify("registration_confirmed", None, registration_id=people.registration_a.id) is None
    assert notify("registration_confirmed", "  ", registration_id=people.registration_a.id) is None


def test_the_secretariat_sees_previews_and_resends(client, people, open_event, db):
    services.register(open_event, {"name": "王五", "mobile": "13800000003", "category": "enterprise",
                                   "email": "wang@example.com"}, people.staff)
    db.session.commit()
    message = messages(db)[0]
    delivery.deliver(message.id)
    login(client, people.staff)
    listing = client.get("/admin/messages").get_data(as_text=True)
    assert "wang@example.com" in listing and "未发送" in listing
    detail = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "王五" in detail and "ticket-" in detail
    preview = client.get(f"/admin/messages/{message.id}/preview")
    assert preview.status_code == 200 and "王五" in preview.get_data(as_text=True)
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    assert client.post(f"/admin/messages/{message.id}/resend").status_code == 302
    assert db.session.get(Message, message.id).status == MessageStatus.queued


SECRETARIAT = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
AUTHZ_ROWS = {
    ("notifications.message_list", "GET"): ("/admin/messages", SECRETARIAT),
    ("notifications.message_detail", "GET"): ("/admin/messages/99999", dict(SECRETARIAT, staff=404, admin=404)),
    ("notifications.message_preview", "GET"): ("/admin/messages/99999/preview", dict(SECRETARIAT, staff=404, admin=404)),
    ("notifications.message_resend", "POST"): ("/admin/messages/99999/resend", dict(SECRETARIAT, staff=404, admin=404)),
}
