"""Writing a message is one INSERT in the transaction of the change that
causes it: rolled back with it, or committed with it and then queued for the
worker. Nothing here renders or sends (that is delivery.py, in the worker)."""
import logging
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from sqlalchemy import event, inspect

from ..core import queue
from ..extensions import db
from .models import Message, MessageStatus

log = logging.getLogger(__name__)

SESSION_KEY = "alliance_new_messages"


def recipient_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"Invalid address: {exc}"
    return None


def notify(kind: str, email: str | None, *, name: str = "", locale: str | None = None, about: Any = None,
           **params) -> Message | None:
    """Queue one message. No address: nothing (a delegate may have none); an
    address that cannot be one: a failed message, visible, and the change
    that caused it goes through all the same."""
    email = (email or "").strip()
    if not email:
        return None
    problem = recipient_problem(email)
    message = Message(kind=kind, recipient_email=email[:254], recipient_name=(name or "")[:200],
                      locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"], params=params,
                      about_type=getattr(about, "__tablename__", None), about_id=getattr(about, "id", None),
                      about_label=str(about)[:300] if about is not None else "",
                      status=MessageStatus.failed if problem else MessageStatus.queued, last_error=problem)
    db.session.add(message)
    if not problem:
        db.session.info.setdefault(SESSION_KEY, []).append(message)
    return message


@event.listens_for(db.session, "after_commit")
def _queue_committed(session):
    messages = session.info.pop(SESSION_KEY, None)
    if not messages or not has_app_context():
        return
    for message in messages:
        # The id was given at flush; a queue that cannot be reached leaves the row for the sweep.
        identity = inspect(message).identity
        if identity:
            queue.enqueue("deliver", identity[0])


@event.listens_for(db.session, "after_rollback")
def _forget_rolled_back(session):
    # Savepoints roll back too: keep only what is still in the session.
    messages = session.info.get(SESSION_KEY)
    if messages:
        session.info[SESSION_KEY] = [m for m in messages if m in session]
