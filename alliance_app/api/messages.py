"""The outbox in the JSON API (the secretariat only; no token → 401, a member → 403).

* GET /messages: every message, the latest first, paginated; filters `status`,
  `kind` (exact) and `recipient` (part of the address).
* POST /messages/<id>/resend: queue the message again now, with the same
  Message-ID (a receiver drops a second copy); 409 when the address cannot
  receive mail (correct it where it comes from: the next message uses it).
"""
import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..core.permissions import secretariat_required
from ..notifications import services
from ..notifications.models import Message, MessageStatus
from . import API_PREFIX
from .common import PageArgsSchema, PageSchema, paginated
from .fields import Choice, Moment, Text
from .resource import Lookup, operation_for

blp = Blueprint("api_messages", __name__, url_prefix=API_PREFIX,
                description="Messages to delegates and contacts: the outbox, and sending one again")
operation = operation_for(blp, {
    403: "Not the secretariat",
    404: "No such message",
    409: "The address cannot receive mail",
})

STATUSES = [status.value for status in MessageStatus]


class MessageSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "What the message is, e.g. registration_confirmed"})
    recipient = ma.fields.String(attribute="recipient_email")
    subject = ma.fields.String(metadata={"description": "As rendered for the last attempt; empty until then"})
    status = ma.fields.String(metadata={"enum": STATUSES, "description": "not_sent: no mail server configured; "
                                                                         "rendered and kept"})
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    created_at = Moment()
    sent_at = Moment()


class MessagePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(MessageSchema))


class MessageListArgsSchema(PageArgsSchema):
    status = Choice(STATUSES, "Only this status")
    kind = Text(60, metadata={"description": "Only this kind"})
    recipient = Text(254, metadata={"description": "Only addresses containing this text"})


MESSAGE = Lookup(Message, "message_id")


@blp.route("/messages", endpoint="messages")
class Messages(MethodView):

    @operation(access=secretariat_required, query=MessageListArgsSchema, response=MessagePageSchema,
               errors=(401, 403))
    def get(self, args):
        """Messages, the latest first (secretariat only)."""
        filters = {key: args[key].strip() for key in services.FILTERS if args.get(key)}
        return paginated(services.message_query(filters), args["page"], args["per_page"])


@blp.route("/messages/<int:message_id>/resend", endpoint="resend")
class MessageResend(MethodView):

    @operation(access=secretariat_required, load=MESSAGE, response=MessageSchema, errors=(401, 403, 404, 409))
    def post(self, message):
        """Queue the message again now (secretariat only); the answer is the message, queued."""
        return services.resend_message(message, current_user)
