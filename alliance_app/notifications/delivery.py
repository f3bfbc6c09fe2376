"""The worker's side of the outbox: claim a due message, render it in the
recipient's language, hand it to SMTP, record what happened. Delivery is at
least once: a worker killed after the server accepted a message but before
the row says so sends it again, with the same Message-ID, which receivers use
to drop the copy."""
import logging
import smtplib
import socket
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from ..core.db import utcnow
from ..extensions import db
from .models import Message, MessageStatus
from .registry import KINDS

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_BATCH = 500


class PermanentFailure(Exception):
    """The message will never go through as it is (bad address, refused for good)."""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each temporary failure, at most 2 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def render(message: Message, *, reveal: bool = True):
    """(subject, text, html, attachments) as the recipient will get them, or
    PermanentFailure when what the message is about is gone. reveal=False: the
    secret of a confidential kind replaced by a placeholder (registry.Kind)."""
    kind = KINDS.get(message.kind)
    if kind is None:
        raise PermanentFailure(f"Unknown kind of message: {message.kind}")
    with force_locale(message.locale):
        params = message.params or {}
        context = kind.context(params, reveal=reveal) if kind.confidential else kind.context(params)
        if context is None:
            raise PermanentFailure("What the message is about no longer exists.")
        context = {**context, "recipient_name": message.recipient_name, "message": message}
        subject = " ".join(str(kind.subject(context)).split())  # one line, whatever the data holds
        text = render_template(f"mail/{kind.template}.txt", **context)
        html = render_template(f"mail/{kind.template}.html", **context)
        attachments = kind.attachments(context)
    return subject[:300], text, html, attachments


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.queued, Message.next_attempt_at <= now,
               or_(Message.claimed_until.is_(None), Message.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=current_app.config["MESSAGE_CLAIM_SECONDS"]),
                attempts=Message.attempts + 1))
    db.session.commit()
    return result.rowcount == 1


def _connection():
    """SMTP as the settings say now (not as they were at start-up), always real SMTP:
    Flask-Mailman would otherwise keep mail in memory while testing."""
    from flask_mailman.backends.smtp import EmailBackend

    config = current_app.config
    return EmailBackend(host=config["MAIL_SERVER"], port=config.get("MAIL_PORT") or 25,
                        username=config.get("MAIL_USERNAME") or "", password=config.get("MAIL_PASSWORD") or "",
                        use_tls=bool(config.get("MAIL_USE_TLS")), use_ssl=bool(config.get("MAIL_USE_SSL")),
                        timeout=config.get("MAIL_TIMEOUT"), fail_silently=False)


def _send(message: Message, subject: str, text: str, html: str, attachments) -> None:
    from flask_mailman import EmailMultiAlternatives

    sender = current_app.config.get("MAIL_DEFAULT_SENDER")
    email = EmailMultiAlternatives(subject=subject, body=text, from_email=sender,
                                   to=[_address(message.recipient_name, message.recipient_email)],
                                   headers={"Message-ID": message.message_id}, connection=_connection())
    email.attach_alternative(html, "text/html")
    for attachment in attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    email.send()


def _address(name: str, email: str) -> str:
    from email.headerregistry import Address

    # Address() encodes the display name (RFC 2047) and refuses CR/LF in it.
    clean = " ".join((name or "").split()).replace('"', "")
    local, _, domain = email.rpartition("@")
    return str(Address(display_name=clean, username=local, domain=domain))


def _classify(exc: Exception) -> tuple[bool, str]:
    """(permanent, reason) of an SMTP failure: 5xx is for good, the rest is worth a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return all(code >= 500 for code in codes), f"Recipient refused: {exc.recipients}"
    if isinstance(exc, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPResponseException)):
        return exc.smtp_code >= 500, f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
    if isinstance(exc, (ValueError, UnicodeError)):
        return True, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, (OSError, socket.timeout, smtplib.SMTPException)):
        return False, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def deliver(message_id: int) -> None:
    if not _claim(message_id):
        return  # sent already, not due yet, or another worker has it
    message = db.session.get(Message, message_id)
    try:
        subject, text, html, attachments = render(message)
    except PermanentFailure as exc:
        _finish(message, MessageStatus.failed, str(exc))
        return
    if KINDS[message.kind].confidential:  # the outbox keeps what was sent, but for the secret
        message.subject, message.body_text, message.body_html = render(message, reveal=False)[:3]
    else:
        message.subject, message.body_text, message.body_html = subject, text, html
    if not current_app.config.get("MAIL_SERVER"):
        _finish(message, MessageStatus.not_sent, None)
        return
    try:
        _send(message, subject, text, html, attachments)
    except Exception as exc:  # every failure is recorded; none is lost
        permanent, reason = _classify(exc)
        if permanent or message.attempts >= MAX_ATTEMPTS:
            _finish(message, MessageStatus.failed, reason)
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            _finish(message, MessageStatus.queued, reason)
        log.warning("Message %s to %s: %s", message.id, message.recipient_email, reason)
        return
    message.sent_at = utcnow()
    _finish(message, MessageStatus.sent, None)


def _finish(message: Message, status: MessageStatus, error: str | None) -> None:
    message.status = status
    message.last_error = error
    message.claimed_until = None
    db.session.commit()


def due_ids(limit: int = SWEEP_BATCH) -> list[int]:
    now = utcnow()
    return list(db.session.scalars(
        select(Message.id).where(Message.status == MessageStatus.queued, Message.next_attempt_at <= now,
                                 or_(Message.claimed_until.is_(None), Message.claimed_until < now))
        .order_by(Message.next_attempt_at, Message.id).limit(limit)))


def sweep() -> int:
    """Queue every message that is due: those the web process could not queue,
    those a killed worker left, and those waiting for a retry."""
    from ..core import queue

    ids = due_ids()
    db.session.rollback()
    for message_id in ids:
        queue.enqueue("deliver", message_id)
    return len(ids)


def resend(message: Message) -> Message:
    """Queue the message again now (same Message-ID: a duplicate is recognised)."""
    message.status = MessageStatus.queued
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    message.last_error = None
    from .outbox import SESSION_KEY

    db.session.info.setdefault(SESSION_KEY, []).append(message)
    return message
