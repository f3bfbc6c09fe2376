"""The sessions of an event, their agenda items and the items' participants."""
from flask.views import MethodView
from flask_login import current_user

from ...core.permissions import secretariat_required
from ...events import services
from ...events.models import AgendaItem, AgendaParticipant, Event, EventSession
from ..common import StrictSchema
from ..fields import Choice, Count, Id, Moment, Text
from ..resource import Lookup
from . import ITEM_LOAD, SESSION_LOAD, blp, operation
from .schemas import KINDS, PARTS, ItemSchema, ParticipantSchema, SessionSchema


class SessionWriteSchema(StrictSchema):
    title = Text(200, allow_none=False)
    starts_at = Moment(allow_none=False, metadata={"description": "Within the event"})
    ends_at = Moment(allow_none=False, metadata={"description": "Within the event; every agenda item stays "
                                                                "within the session"})
    room = Text(100)
    host_organization_id = Id("The organization hosting this session, if any", allow_none=True)
    capacity = Count("Seats; none for no limit")


class SessionCreateSchema(SessionWriteSchema):
    title = Text(200, required=True, allow_none=False)
    starts_at = Moment(required=True, allow_none=False, metadata={"description": "Within the event"})
    ends_at = Moment(required=True, allow_none=False, metadata={"description": "Within the event"})


class ItemWriteSchema(StrictSchema):
    kind = Choice(KINDS, "What happens in this slot")
    title = Text(300, allow_none=False)
    description = Text(5000)
    starts_at = Moment(allow_none=False, metadata={"description": "Within the session, overlapping no other "
                                                                  "item of the session"})
    ends_at = Moment(allow_none=False, metadata={"description": "Within the session, overlapping no other item "
                                                                "of the session"})


class ItemCreateSchema(ItemWriteSchema):
    kind = Choice(KINDS, "What happens in this slot", required=True)
    title = Text(300, required=True, allow_none=False)
    starts_at = Moment(required=True, allow_none=False, metadata={"description": "Within the session"})
    ends_at = Moment(required=True, allow_none=False, metadata={"description": "Within the session"})


class ParticipantCreateSchema(StrictSchema):
    person_id = Id("A person of /api/v1/people", required=True)
    part = Choice(PARTS, "Default speaker")


SESSION = Lookup(EventSession, "session_id")
ITEM = Lookup(AgendaItem, "item_id")


# --- sessions ------------------------------------------------------------------------------------

@blp.route("/events/<int:event_id>/sessions", endpoint="sessions")
class EventSessions(MethodView):

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=SessionCreateSchema,
               response=SessionSchema, status=201, reload=SESSION_LOAD, errors=(400, 401, 403, 404))
    def post(self, data, event):
        """Add a session (secretariat only); it must fall within the event."""
        return services.add_session(event, data, current_user)


@blp.route("/sessions/<int:session_id>", endpoint="session")
class SessionById(MethodView):

    @operation(access=secretariat_required, load=SESSION, body=SessionWriteSchema, response=SessionSchema,
               reload=SESSION_LOAD, errors=(400, 401, 403, 404))
    def patch(self, data, session):
        """Change the fields sent (secretariat only). The session stays within
        the event, and its agenda items within the session (the item that
        would fall outside is named)."""
        return services.update_session(session, data, current_user)

    @operation(access=secretariat_required, load=SESSION, status=204, errors=(401, 403, 404))
    def delete(self, session):
        """Delete a session with its agenda (secretariat only)."""
        return services.delete_session(session, current_user)


# --- agenda items --------------------------------------------------------------------------------

@blp.route("/sessions/<int:session_id>/items", endpoint="items")
class SessionItems(MethodView):

    @operation(access=secretariat_required, load=SESSION, body=ItemCreateSchema, response=ItemSchema,
               status=201, reload=ITEM_LOAD, errors=(400, 401, 403, 404))
    def post(self, data, session):
        """Add an agenda item (secretariat only). It must fall within the
        session and overlap no other item: 422 naming the other item."""
        return services.add_item(session, data, current_user)


@blp.route("/items/<int:item_id>", endpoint="item")
class ItemById(MethodView):

    @operation(access=secretariat_required, load=ITEM, body=ItemWriteSchema, response=ItemSchema,
               reload=ITEM_LOAD, errors=(400, 401, 403, 404))
    def patch(self, data, item):
        """Change the fields sent (secretariat only), with the same rules as
        for a new item."""
        return services.update_item(item, data, current_user)

    @operation(access=secretariat_required, load=ITEM, status=204, errors=(401, 403, 404))
    def delete(self, item):
        """Delete an agenda item with its participants (secretariat only)."""
        return services.delete_item(item, current_user)


# --- participants --------------------------------------------------------------------------------

@blp.route("/items/<int:item_id>/participants", endpoint="participants")
class ItemParticipants(MethodView):

    @operation(access=secretariat_required, load=ITEM, body=ParticipantCreateSchema, response=ParticipantSchema,
               status=201, errors=(400, 401, 403, 404, 409))
    def post(self, data, item):
        """Put a person on an agenda item (secretariat only). The same person
        twice in one part is 409."""
        return services.add_participant(item, data, current_user)


@blp.route("/participants/<int:participant_id>", endpoint="participant")
class ParticipantById(MethodView):

    @operation(access=secretariat_required, load=Lookup(AgendaParticipant, "participant_id"), status=204,
               errors=(401, 403, 404))
    def delete(self, participant):
        """Take a person off an agenda item (secretariat only); the person stays."""
        return services.remove_participant(participant, current_user)
