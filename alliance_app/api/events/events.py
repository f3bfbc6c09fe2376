"""The events themselves: the list, one event, its status and its copy."""
from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from ...core.permissions import secretariat_required
from ...events import services
from ...events.models import Event, EventStatus
from ..common import PageArgsSchema, StrictSchema, paginated
from ..fields import Choice, Count, Moment, Text
from ..resource import Lookup, anyone
from . import EVENT_LOAD, HIDDEN_EVENT, blp, operation, visible_event
from .schemas import STATUSES, EventDetailSchema, EventPageSchema


class EventListArgsSchema(PageArgsSchema):
    status = Choice(STATUSES, "Only events in this status (the secretariat; everyone else sees published "
                              "events only)")


class EventWriteSchema(StrictSchema):
    """Fields as the services take them; what is missing is left unchanged (PATCH)."""

    slug = Text(80, allow_none=False,
                metadata={"description": "3 to 80 lower-case letters, digits and hyphens; unique"})
    title = Text(200, allow_none=False)
    theme = Text(200)
    starts_at = Moment(allow_none=False)
    ends_at = Moment(allow_none=False, metadata={"description": "After starts_at; every session stays within"})
    venue = Text(200)
    address = Text(300)
    city = Text(50)
    description = Text(10_000)
    capacity = Count("Seats; none for no limit")
    registration_opens_at = Moment()
    registration_closes_at = Moment(metadata={"description": "After registration_opens_at, not after ends_at"})
    reminder_days = Count("Days before the start that confirmed delegates are reminded by email, 0 to 30; "
                          "0 or null: no reminder. Not given when creating: 1")


class EventCreateSchema(EventWriteSchema):
    slug = Text(80, required=True, allow_none=False,
                metadata={"description": "3 to 80 lower-case letters, digits and hyphens; unique"})
    title = Text(200, required=True, allow_none=False)
    starts_at = Moment(required=True, allow_none=False)
    ends_at = Moment(required=True, allow_none=False, metadata={"description": "After starts_at"})


class EventUpdateSchema(EventWriteSchema):
    pass


class EventStatusSchema(StrictSchema):
    status = Choice(STATUSES, "draft and cancelled hide the event from the public", required=True)


class EventCloneSchema(StrictSchema):
    title = Text(200, required=True, allow_none=False)
    slug = Text(80, required=True, allow_none=False, metadata={"description": "The copy's own, unique"})
    starts_at = Moment(required=True, allow_none=False,
                       metadata={"description": "When the copy starts; every time of the event moves with it"})


EVENT = Lookup(Event, "event_id")


def event_location(event):
    return url_for("api_events.event", event_id=event.id)


@blp.route("/events", endpoint="events")
class Events(MethodView):

    @operation(access=anyone, query=EventListArgsSchema, response=EventPageSchema, errors=(401,))
    def get(self, args):
        """Events, the latest first, paginated; no token needed.

        Everyone sees published events; the secretariat also sees drafts and
        cancelled events and may filter by `status`. Organizers and sessions
        are not included: ask for one event."""
        query = select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
        if not (current_user.is_authenticated and current_user.is_secretariat):
            query = query.where(Event.status == EventStatus.published)
        if args.get("status"):
            query = query.where(Event.status == EventStatus(args["status"]))
        return paginated(query, args["page"], args["per_page"])

    @operation(access=secretariat_required, body=EventCreateSchema, response=EventDetailSchema, status=201,
               reload=EVENT_LOAD, location=event_location, errors=(400, 401, 403))
    def post(self, data):
        """Create an event (secretariat only); it starts as a draft.

        A slug already used is refused with 422 naming the other event."""
        return services.create_event(data, current_user)


@blp.route("/events/<int:event_id>", endpoint="event")
class EventById(MethodView):

    @operation(access=anyone, load=visible_event(), response=EventDetailSchema, errors=(401, HIDDEN_EVENT))
    def get(self, event):
        """One event with its organizers, sessions, agenda items and their
        participants; no token needed for a published event."""
        return event

    @operation(access=secretariat_required, load=EVENT, body=EventUpdateSchema, response=EventDetailSchema,
               reload=EVENT_LOAD, errors=(400, 401, 403, 404))
    def patch(self, data, event):
        """Change the fields sent (secretariat only); the others stay as they are.

        Moving the event's times is refused while a session would fall outside
        (the session is named). The status changes through /status."""
        return services.update_event(event, data, current_user)


@blp.route("/events/<int:event_id>/status", endpoint="event_status")
class EventStatusView(MethodView):

    @operation(access=secretariat_required, load=EVENT, body=EventStatusSchema, response=EventDetailSchema,
               reload=EVENT_LOAD, errors=(400, 401, 403, 404))
    def post(self, data, event):
        """Publish, cancel or return an event to draft (secretariat only).

        Only published events are shown to the public and to members."""
        return services.set_event_status(event, data["status"], current_user)


@blp.route("/events/<int:event_id>/clone", endpoint="event_clone")
class EventClone(MethodView):

    @operation(access=secretariat_required, load=EVENT, body=EventCloneSchema, response=EventDetailSchema,
               status=201, reload=EVENT_LOAD, location=event_location, errors=(400, 401, 403, 404))
    def post(self, data, event):
        """Copy an event as a draft (secretariat only): its fields, organizers,
        sessions and agenda items, without participants, every time moved so
        the copy starts at `starts_at`."""
        return services.clone_event(event, data, current_user)
