"""What the events API answers: events with their organizers, sessions, agenda
items and participants, and people."""
import marshmallow as ma

from ...events.models import AgendaKind, EventStatus, OrganizerRole, ParticipantPart
from ..common import PageSchema
from ..fields import Moment, OrganizationRefSchema

STATUSES = [status.value for status in EventStatus]
ROLES = [role.value for role in OrganizerRole]
KINDS = [kind.value for kind in AgendaKind]
PARTS = [part.value for part in ParticipantPart]


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
    reminder_days = ma.fields.Integer(allow_none=True, metadata={
        "description": "Days before the start that confirmed delegates are reminded by email; 0 or null: none"})
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
