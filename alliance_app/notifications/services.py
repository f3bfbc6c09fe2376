"""What the secretariat does with messages (the views, the API and the CLI call these)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..core.errors import ServiceError
from ..extensions import db
from .delivery import resend
from .models import Message, MessageStatus
from .outbox import recipient_problem

FILTERS = ("status", "kind", "recipient")


def message_query(filters: dict):
    query = select(Message).order_by(Message.id.desc())
    if filters.get("status") in MessageStatus.__members__:
        query = query.where(Message.status == MessageStatus(filters["status"]))
    if filters.get("kind"):
        query = query.where(Message.kind == filters["kind"])
    if filters.get("recipient"):
        query = query.where(Message.recipient_email.contains(filters["recipient"], autoescape=True))
    return query


def resend_message(message: Message, actor) -> Message:
    if recipient_problem(message.recipient_email):
        raise ServiceError(_l("This address cannot receive mail: correct it where it comes from; the next "
                              "message will use it."), status=409)
    resend(message)
    record(db.session, "message_resent", message, actor=actor)
    return message
