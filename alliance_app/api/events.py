"""Events in the JSON API: events, their organizers, sessions, agenda items and
participants, and the people who speak at them.

Access:

* reading events (the list, one event, its organizers): anyone, with or
  without a token, for published events. Drafts and cancelled events belong
  to the secretariat: for anyone else they are a 404, as on the HTML pages
  (``Event.can_view``), and the list leaves them out. The secretariat's list
  shows every event and may be filtered by ``status``.
* every write, and people (a person's title and bio are data about a private
  individual; speakers appear publicly only through published events): the
  secretariat only. No token → 401, a member account → 403, checked before
  the URL's object is looked up.

Times are ISO 8601. Output is in UTC ("2027-06-16T01:00:00Z"). Input should
carry its offset ("2027-06-16T09:00:00+08:00" or "...Z"); a time without an
offset is taken as local time (Asia/Shanghai), as in the HTML forms.

Input is strict, as in the organizations API: the body must be a JSON object
(400 otherwise), unknown fields and wrong types are refused with 422 per
field; the events services check the rest (lengths, control characters,
windows, overlaps, slugs) and answer 422 per field, naming the other record
where there is one, or 409 for a duplicate organizer or participant. Each
request calls one service and commits once, or writes nothing.
"""
import marshmallow as ma
from flask import Response, abort, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..events import services
from ..events.models import (AgendaItem, AgendaKind, AgendaParticipant, Event, EventOrganizer, EventSession,
                             EventStatus, OrganizerRole, ParticipantPart, Person)
from ..extensions import db
from ..core.permissions import MAX_ID, secretariat_required
from . import API_PREFIX, ApiErrorSchema
from .common import (PageArgsSchema, PageSchema, StrictSchema, _pk, _save, error_responses, json_body, paginated,
                     with_object)
from .fields import Choice, Count, Id, Moment, OrganizationRefSchema, Text, no_control_characters

blp = Blueprint("api_events", __name__, url_prefix=API_PREFIX,
                description="Events, their organizers, sessions, agenda items and speakers")

STATUSES = [status.value for status in EventStatus]
ROLES = [role.value for role in OrganizerRole]
KINDS = [kind.value for kind in AgendaKind]
PARTS = [part.value for part in ParticipantPart]

# Anyone may call the public reads; a token only shows the secretariat more.
PUBLIC = [{}, {"bearerAuth": []}]

# --- output -------------------------------------------------------------------------------------

class PersonRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    title = ma.fields.String(allow_none=True, metadata={"description": "As printed on the programme"})


class OrganizerSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    role = ma.fields.String(metadata={"enum": ROLES, "description": "In the conventional order of precedence"})
    position = ma.fields.Integer(metadata={"description": "Order within the role"})
    organization = ma.fields.Nested(OrganizationRefSchema)


class ParticipantSchema(ma.Schema):
    id = ma.fields.Integer()
    item_id = ma.fields.Integer(attribute="agenda_item_id")
    part = ma.fields.String(metadata={"enum": PARTS})
    position = ma.fields.Integer()
    person = ma.fields.Nested(PersonRefSchema)


class ItemSchema(ma.Schema):
    id = ma.fields.Integer()
    session_id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": KINDS})
    title = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    starts_at = Moment()
    ends_at = Moment()
    participants = ma.fields.List(ma.fields.Nested(ParticipantSchema))


class SessionSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = Moment()
    ends_at = Moment()
    room = ma.fields.String(allow_none=True)
    capacity = ma.fields.Integer(allow_none=True)
    host_organization = ma.fields.Nested(OrganizationRefSchema, allow_none=True)
    items = ma.fields.List(ma.fields.Nested(ItemSchema), metadata={"description": "In time order"})


class EventSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String(metadata={"description": "The event's address: /events/<slug>"})
    title = ma.fields.String()
    theme = ma.fields.String(allow_none=True)
    starts_at = Moment()
    ends_at = Moment()
    venue = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    capacity = ma.fields.Integer(allow_none=True)
    registration_opens_at = Moment()
    registration_closes_at = Moment(metadata={"description": "When missing, registration closes as the "
                                                             "event starts"})
    status = ma.fields.String(metadata={"enum": STATUSES})
    created_at = Moment()
    updated_at = Moment()


class EventDetailSchema(EventSchema):
    organizers = ma.fields.List(ma.fields.Nested(OrganizerSchema),
                                metadata={"description": "By role in the conventional order (guiding, host, "
                                                         "co_organizer, supporting, sponsor), then position"})
    sessions = ma.fields.List(ma.fields.Nested(SessionSchema), metadata={"description": "In time order"})


class EventPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(EventSchema))


class PersonSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    title = ma.fields.String(allow_none=True, metadata={"description": "As printed on the programme"})
    organization = ma.fields.Nested(OrganizationRefSchema, allow_none=True)
    bio = ma.fields.String(allow_none=True)
    created_at = Moment()
    updated_at = Moment()


class PersonPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(PersonSchema))


# --- input --------------------------------------------------------------------------------------

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


class OrganizerCreateSchema(StrictSchema):
    organization_id = Id("An organization of the directory", required=True)
    role = Choice(ROLES, "The organizer's role", required=True)


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


class PersonListArgsSchema(PageArgsSchema):
    q = Text(100, allow_none=False, validate=no_control_characters,
             metadata={"description": "Part of the name"})


class PersonWriteSchema(StrictSchema):
    name = Text(100, allow_none=False)
    title = Text(300, metadata={"description": "As printed on the programme, e.g. 副会长"})
    organization_id = Id("The person's organization, if it is in the directory", allow_none=True)
    bio = Text(5000)


class PersonCreateSchema(PersonWriteSchema):
    name = Text(100, required=True, allow_none=False)


# --- helpers ------------------------------------------------------------------------------------

def visible_or_404(event: Event | None) -> Event:
    if event is None or not event.can_view(current_user):
        abort(404)
    return event


ITEM_LOAD = (selectinload(AgendaItem.participants).selectinload(AgendaParticipant.person),)
SESSION_LOAD = (selectinload(EventSession.host_organization),
                selectinload(EventSession.items).options(*ITEM_LOAD))
EVENT_LOAD = (selectinload(Event.organizers).selectinload(EventOrganizer.organization),
              selectinload(Event.sessions).options(*SESSION_LOAD))


def _loaded(model, object_id, options):
    """One object with everything its response shows, in a fixed number of queries
    (one per relationship level, whatever the number of sessions or items)."""
    if not 0 < object_id <= MAX_ID:
        return None
    return db.session.scalar(select(model).where(model.id == object_id).options(*options)
                             .execution_options(populate_existing=True))


def event_detail(event_id):
    return _loaded(Event, event_id, EVENT_LOAD)


def no_content():
    return Response(status=204)


ERRORS = {
    400: "The body is not a JSON object",
    401: "Missing, invalid or revoked token",
    403: "Not the secretariat",
    404: "No such record",
    409: "Already listed (the record is named)",
}
ERRORS_404_EVENT = dict(schema=ApiErrorSchema, description="No such event, or one the caller may not see "
                                                           "(a draft or a cancelled event)")
responds = error_responses(blp, ERRORS)


# --- events -------------------------------------------------------------------------------------

@blp.route("/events", endpoint="events")
class Events(MethodView):

    @blp.doc(security=PUBLIC)
    @blp.arguments(EventListArgsSchema, location="query")
    @blp.response(200, EventPageSchema)
    @responds(401)
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

    @secretariat_required
    @json_body
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventDetailSchema)
    @responds(400, 401, 403)
    def post(self, data):
        """Create an event (secretariat only); it starts as a draft.

        A slug already used is refused with 422 naming the other event."""
        event = _save(lambda: services.create_event(data, current_user))
        return event_detail(_pk(event)), 201, {"Location": url_for("api_events.event", event_id=_pk(event))}


@blp.route("/events/<int:event_id>", endpoint="event")
class EventById(MethodView):

    @blp.doc(security=PUBLIC)
    @blp.response(200, EventDetailSchema)
    @responds(401)
    @blp.alt_response(404, **ERRORS_404_EVENT)
    def get(self, event_id):
        """One event with its organizers, sessions, agenda items and their
        participants; no token needed for a published event."""
        return visible_or_404(event_detail(event_id))

    @secretariat_required
    @with_object(Event, "event_id", "event")
    @json_body
    @blp.arguments(EventUpdateSchema)
    @blp.response(200, EventDetailSchema)
    @responds(400, 401, 403, 404)
    def patch(self, data, event):
        """Change the fields sent (secretariat only); the others stay as they are.

        Moving the event's times is refused while a session would fall outside
        (the session is named). The status changes through /status."""
        _save(lambda: services.update_event(event, data, current_user))
        return event_detail(_pk(event))


@blp.route("/events/<int:event_id>/status", endpoint="event_status")
class EventStatusView(MethodView):

    @secretariat_required
    @with_object(Event, "event_id", "event")
    @json_body
    @blp.arguments(EventStatusSchema)
    @blp.response(200, EventDetailSchema)
    @responds(400, 401, 403, 404)
    def post(self, data, event):
        """Publish, cancel or return an event to draft (secretariat only).

        Only published events are shown to the public and to members."""
        _save(lambda: services.set_event_status(event, data["status"], current_user))
        return event_detail(_pk(event))


@blp.route("/events/<int:event_id>/clone", endpoint="event_clone")
class EventClone(MethodView):

    @secretariat_required
    @with_object(Event, "event_id", "event")
    @json_body
    @blp.arguments(EventCloneSchema)
    @blp.response(201, EventDetailSchema)
    @responds(400, 401, 403, 404)
    def post(self, data, event):
        """Copy an event as a draft (secretariat only): its fields, organizers,
        sessions and agenda items, without participants, every time moved so
        the copy starts at `starts_at`."""
        copy = _save(lambda: services.clone_event(event, data, current_user))
        return event_detail(_pk(copy)), 201, {"Location": url_for("api_events.event", event_id=_pk(copy))}


# --- organizers ----------------------------------------------------------------------------------

@blp.route("/events/<int:event_id>/organizers", endpoint="organizers")
class EventOrganizers(MethodView):

    @blp.doc(security=PUBLIC)
    @blp.response(200, OrganizerSchema(many=True))
    @responds(401)
    @blp.alt_response(404, **ERRORS_404_EVENT)
    def get(self, event_id):
        """The event's organizers in the conventional order; no token needed
        for a published event."""
        return visible_or_404(_loaded(Event, event_id, EVENT_LOAD[:1])).organizers

    @secretariat_required
    @with_object(Event, "event_id", "event")
    @json_body
    @blp.arguments(OrganizerCreateSchema)
    @blp.response(201, OrganizerSchema)
    @responds(400, 401, 403, 404, 409)
    def post(self, data, event):
        """Add an organizer (secretariat only), last in its role. The same
        organization twice in one role is 409."""
        return _save(lambda: services.add_organizer(event, data, current_user)), 201


@blp.route("/organizers/<int:organizer_id>", endpoint="organizer")
class OrganizerById(MethodView):

    @secretariat_required
    @with_object(EventOrganizer, "organizer_id", "organizer")
    @blp.response(204)
    @responds(401, 403, 404)
    def delete(self, organizer):
        """Remove an organizer from its event (secretariat only); the organization stays."""
        _save(lambda: services.remove_organizer(organizer, current_user))
        return no_content()


# --- sessions ------------------------------------------------------------------------------------

@blp.route("/events/<int:event_id>/sessions", endpoint="sessions")
class EventSessions(MethodView):

    @secretariat_required
    @with_object(Event, "event_id", "event")
    @json_body
    @blp.arguments(SessionCreateSchema)
    @blp.response(201, SessionSchema)
    @responds(400, 401, 403, 404)
    def post(self, data, event):
        """Add a session (secretariat only); it must fall within the event."""
        session = _save(lambda: services.add_session(event, data, current_user))
        return _loaded(EventSession, _pk(session), SESSION_LOAD), 201


@blp.route("/sessions/<int:session_id>", endpoint="session")
class SessionById(MethodView):

    @secretariat_required
    @with_object(EventSession, "session_id", "session")
    @json_body
    @blp.arguments(SessionWriteSchema)
    @blp.response(200, SessionSchema)
    @responds(400, 401, 403, 404)
    def patch(self, data, session):
        """Change the fields sent (secretariat only). The session stays within
        the event, and its agenda items within the session (the item that
        would fall outside is named)."""
        _save(lambda: services.update_session(session, data, current_user))
        return _loaded(EventSession, _pk(session), SESSION_LOAD)

    @secretariat_required
    @with_object(EventSession, "session_id", "session")
    @blp.response(204)
    @responds(401, 403, 404)
    def delete(self, session):
        """Delete a session with its agenda (secretariat only)."""
        _save(lambda: services.delete_session(session, current_user))
        return no_content()


# --- agenda items --------------------------------------------------------------------------------

@blp.route("/sessions/<int:session_id>/items", endpoint="items")
class SessionItems(MethodView):

    @secretariat_required
    @with_object(EventSession, "session_id", "session")
    @json_body
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    @responds(400, 401, 403, 404)
    def post(self, data, session):
        """Add an agenda item (secretariat only). It must fall within the
        session and overlap no other item: 422 naming the other item."""
        item = _save(lambda: services.add_item(session, data, current_user))
        return _loaded(AgendaItem, _pk(item), ITEM_LOAD), 201


@blp.route("/items/<int:item_id>", endpoint="item")
class ItemById(MethodView):

    @secretariat_required
    @with_object(AgendaItem, "item_id", "item")
    @json_body
    @blp.arguments(ItemWriteSchema)
    @blp.response(200, ItemSchema)
    @responds(400, 401, 403, 404)
    def patch(self, data, item):
        """Change the fields sent (secretariat only), with the same rules as
        for a new item."""
        _save(lambda: services.update_item(item, data, current_user))
        return _loaded(AgendaItem, _pk(item), ITEM_LOAD)

    @secretariat_required
    @with_object(AgendaItem, "item_id", "item")
    @blp.response(204)
    @responds(401, 403, 404)
    def delete(self, item):
        """Delete an agenda item with its participants (secretariat only)."""
        _save(lambda: services.delete_item(item, current_user))
        return no_content()


@blp.route("/items/<int:item_id>/participants", endpoint="participants")
class ItemParticipants(MethodView):

    @secretariat_required
    @with_object(AgendaItem, "item_id", "item")
    @json_body
    @blp.arguments(ParticipantCreateSchema)
    @blp.response(201, ParticipantSchema)
    @responds(400, 401, 403, 404, 409)
    def post(self, data, item):
        """Put a person on an agenda item (secretariat only). The same person
        twice in one part is 409."""
        return _save(lambda: services.add_participant(item, data, current_user)), 201


@blp.route("/participants/<int:participant_id>", endpoint="participant")
class ParticipantById(MethodView):

    @secretariat_required
    @with_object(AgendaParticipant, "participant_id", "participant")
    @blp.response(204)
    @responds(401, 403, 404)
    def delete(self, participant):
        """Take a person off an agenda item (secretariat only); the person stays."""
        _save(lambda: services.remove_participant(participant, current_user))
        return no_content()


# --- people --------------------------------------------------------------------------------------

@blp.route("/people", endpoint="people")
class People(MethodView):

    @secretariat_required
    @blp.arguments(PersonListArgsSchema, location="query")
    @blp.response(200, PersonPageSchema)
    @responds(401, 403)
    def get(self, args):
        """Speakers and guests by name, paginated (secretariat only: their
        details are about private individuals; the public sees speakers
        through published events)."""
        query = select(Person).options(selectinload(Person.organization)).order_by(Person.name, Person.id)
        if args.get("q"):
            query = query.where(Person.name.contains(args["q"], autoescape=True))
        return paginated(query, args["page"], args["per_page"])

    @secretariat_required
    @json_body
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    @responds(400, 401, 403)
    def post(self, data):
        """Add a person (secretariat only), to be put on agenda items of any event."""
        person = _save(lambda: services.create_person(data, current_user))
        return person, 201, {"Location": url_for("api_events.person", person_id=_pk(person))}


@blp.route("/people/<int:person_id>", endpoint="person")
class PersonById(MethodView):

    @secretariat_required
    @with_object(Person, "person_id", "person")
    @blp.response(200, PersonSchema)
    @responds(401, 403, 404)
    def get(self, person):
        """One person (secretariat only)."""
        return person

    @secretariat_required
    @with_object(Person, "person_id", "person")
    @json_body
    @blp.arguments(PersonWriteSchema)
    @blp.response(200, PersonSchema)
    @responds(400, 401, 403, 404)
    def patch(self, data, person):
        """Change the fields sent (secretariat only); every event showing the
        person shows the change."""
        return _save(lambda: services.update_person(person, data, current_user))
