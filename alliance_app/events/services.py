"""Event services: events, organizers, sessions, agenda items, people, cloning.
They flush, never commit."""
import re
from datetime import datetime
from typing import Any, Mapping

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.errors import ServiceError
from ..extensions import db
from ..members.models import Organization
from ..core.validation import Problems, datetime_value, enum_value, int_value, line, text
from .models import (AgendaItem, AgendaKind, AgendaParticipant, Event, EventOrganizer, EventSession, EventStatus,
                     OrganizerRole, ParticipantPart, Person)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROLE_RANK = {role: rank for rank, role in enumerate(OrganizerRole)}


def _raise(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


def _organization(problems: Problems, field: str, value: Any, *, optional: bool = False) -> Organization | None:
    number = int_value(problems, field, value, minimum=1, maximum=2**31 - 1)
    if number is None:
        if not optional and field not in problems:
            problems.add(field, _l("This field is required."))
        return None
    org = db.session.get(Organization, number)
    if org is None:
        problems.add(field, _l("There is no organization with the id %(id)s.", id=number))
    return org


def _window(problems: Problems, values: dict, start: str, end: str) -> None:
    if values.get(start) and values.get(end) and values[end] <= values[start]:
        problems.add(end, _l("The end must be after the start."))


def _check_capacity(problems: Problems, values: dict, current) -> None:
    """A capacity cannot go below the seats already taken."""
    if current is not None and values.get("capacity") is not None and values["capacity"] < current.seats_taken:
        problems.add("capacity", _l("%(n)d seats are taken already; the capacity cannot be lower.",
                                    n=current.seats_taken))


def hhmm(moment: datetime) -> str:
    return format_datetime(moment, "HH:mm")


# --- events ------------------------------------------------------------------------------------

EVENT_FIELDS = ("slug", "title", "theme", "starts_at", "ends_at", "venue", "address", "city", "description",
                "capacity", "registration_opens_at", "registration_closes_at")


def clean_event(data: Mapping[str, Any], *, partial: bool = False, current: Event | None = None):
    problems = Problems()
    for field in data:
        if field not in EVENT_FIELDS:
            problems.add(field, _l("Unknown field."))
    present = set(data) & set(EVENT_FIELDS) if partial else set(EVENT_FIELDS)
    out: dict[str, Any] = {}
    for field, limit, required in (("title", 200, True), ("theme", 200, False), ("venue", 200, False),
                                   ("address", 300, False), ("city", 50, False)):
        if field in present:
            out[field] = line(problems, field, data.get(field), limit, required=required)
    if "slug" in present:
        slug = line(problems, "slug", data.get("slug"), 80, required=True)
        if slug is not None:
            slug = slug.lower()
            if not SLUG_RE.match(slug) or len(slug) < 3:
                problems.add("slug", _l("Use 3 to 80 lower-case letters, digits and hyphens, e.g. battery-2026."))
            out["slug"] = slug
    if "description" in present:
        out["description"] = text(problems, "description", data.get("description"), 10_000)
    if "capacity" in present:
        out["capacity"] = int_value(problems, "capacity", data.get("capacity"), minimum=0, maximum=1_000_000)
    for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if field in present:
            out[field] = datetime_value(problems, field, data.get(field), required=field in ("starts_at", "ends_at"))
    merged = {field: getattr(current, field) for field in EVENT_FIELDS} if current else {}
    merged.update(out)
    _check_capacity(problems, out, current)
    _window(problems, merged, "starts_at", "ends_at")
    _window(problems, merged, "registration_opens_at", "registration_closes_at")
    if merged.get("registration_closes_at") and merged.get("ends_at") and \
            merged["registration_closes_at"] > merged["ends_at"]:
        problems.add("registration_closes_at", _l("Registration must close before the event ends."))
    if out.get("slug"):
        query = select(Event).where(Event.slug == out["slug"])
        if current is not None:
            query = query.where(Event.id != current.id)
        other = db.session.scalar(query)
        if other is not None:
            problems.add("slug", _l("This address is used by %(title)s already.", title=other.title))
    return out, problems


def create_event(data: Mapping[str, Any], actor=None) -> Event:
    values, problems = clean_event(data)
    _raise(problems)
    event = Event(**values, status=EventStatus.draft)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: Mapping[str, Any], actor=None) -> Event:
    values, problems = clean_event(data, partial=True, current=event)
    # A refused time (out of range, not a time) is None in `values`: its message says enough.
    if ("starts_at" in values or "ends_at" in values) and not problems:
        starts, ends = values.get("starts_at", event.starts_at), values.get("ends_at", event.ends_at)
        for session in event.sessions:
            if session.starts_at < starts or session.ends_at > ends:
                problems.add("starts_at", _l("The session %(title)s (%(start)s–%(end)s) would fall outside the event.",
                                             title=session.title, start=format_datetime(session.starts_at, "MM-dd HH:mm"),
                                             end=hhmm(session.ends_at)))
    _raise(problems)
    for field, value in values.items():
        setattr(event, field, value)
    db.session.flush()
    return event


def set_event_status(event: Event, status: EventStatus | str, actor=None) -> Event:
    problems = Problems()
    status = enum_value(problems, "status", EventStatus, status)
    _raise(problems)
    event.status = status
    db.session.flush()
    return event


def clone_event(event: Event, data: Mapping[str, Any], actor=None) -> Event:
    """Next year's meeting: organizers, sessions and the agenda skeleton (no
    people), moved so that the new event starts at `starts_at`."""
    problems = Problems()
    starts_at = datetime_value(problems, "starts_at", data.get("starts_at"), required=True)
    title = line(problems, "title", data.get("title"), 200, required=True)
    _raise(problems)
    shift = starts_at - event.starts_at
    moved = lambda moment: moment + shift if moment else None  # noqa: E731
    values = {field: getattr(event, field) for field in EVENT_FIELDS}
    values.update(title=title, slug=data.get("slug"), starts_at=starts_at, ends_at=moved(event.ends_at),
                  registration_opens_at=moved(event.registration_opens_at),
                  registration_closes_at=moved(event.registration_closes_at))
    copy = create_event(values, actor)
    for organizer in event.organizers:
        copy.organizers.append(EventOrganizer(organization_id=organizer.organization_id, role=organizer.role,
                                              role_rank=organizer.role_rank, position=organizer.position))
    for session in event.sessions:
        new_session = EventSession(title=session.title, starts_at=moved(session.starts_at),
                                   ends_at=moved(session.ends_at), room=session.room,
                                   host_organization_id=session.host_organization_id, capacity=session.capacity)
        copy.sessions.append(new_session)
        for item in session.items:
            new_session.items.append(AgendaItem(starts_at=moved(item.starts_at), ends_at=moved(item.ends_at),
                                                kind=item.kind, title=item.title, description=item.description,
                                                position=item.position))
    db.session.flush()
    return copy


# --- organizers ----------------------------------------------------------------------------------

def add_organizer(event: Event, data: Mapping[str, Any], actor=None) -> EventOrganizer:
    problems = Problems()
    org = _organization(problems, "organization_id", data.get("organization_id"))
    role = enum_value(problems, "role", OrganizerRole, data.get("role"))
    _raise(problems)
    if any(o.organization_id == org.id and o.role == role for o in event.organizers):
        raise ServiceError(_l("%(name)s is already listed in this role.", name=org.name), field="organization_id",
                           status=409)
    position = max([o.position for o in event.organizers if o.role == role], default=-1) + 1
    organizer = EventOrganizer(organization=org, role=role, role_rank=ROLE_RANK[role], position=position)
    event.organizers.append(organizer)
    db.session.flush()
    return organizer


def move_organizer(organizer: EventOrganizer, direction: str, actor=None) -> None:
    """Swap with the neighbour in the same role ("up" or "down")."""
    siblings = [o for o in organizer.event.organizers if o.role == organizer.role]
    siblings.sort(key=lambda o: (o.position, o.id))
    for index, sibling in enumerate(siblings):
        sibling.position = index
    index = siblings.index(organizer)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index].position, siblings[other].position = other, index
    db.session.flush()
    db.session.expire(organizer.event, ["organizers"])


def remove_organizer(organizer: EventOrganizer, actor=None) -> None:
    db.session.delete(organizer)
    db.session.flush()


# --- sessions --------------------------------------------------------------------------------------

SESSION_FIELDS = ("title", "starts_at", "ends_at", "room", "host_organization_id", "capacity")


def clean_session(event: Event, data: Mapping[str, Any], *, current: EventSession | None = None,
                  partial: bool = False):
    problems = Problems()
    for field in data:
        if field not in SESSION_FIELDS:
            problems.add(field, _l("Unknown field."))
    present = set(data) & set(SESSION_FIELDS) if partial else set(SESSION_FIELDS)
    out: dict[str, Any] = {}
    if "title" in present:
        out["title"] = line(problems, "title", data.get("title"), 200, required=True)
    if "room" in present:
        out["room"] = line(problems, "room", data.get("room"), 100)
    for field in ("starts_at", "ends_at"):
        if field in present:
            out[field] = datetime_value(problems, field, data.get(field), required=True)
    if "capacity" in present:
        out["capacity"] = int_value(problems, "capacity", data.get("capacity"), minimum=0, maximum=1_000_000)
    if "host_organization_id" in present:
        host = _organization(problems, "host_organization_id", data.get("host_organization_id"), optional=True)
        out["host_organization_id"] = host.id if host else None
    merged = {f: getattr(current, f) for f in SESSION_FIELDS} if current else {}
    merged.update(out)
    _check_capacity(problems, out, current)
    _window(problems, merged, "starts_at", "ends_at")
    if merged.get("starts_at") and merged.get("ends_at") and not problems:
        if merged["starts_at"] < event.starts_at or merged["ends_at"] > event.ends_at:
            problems.add("starts_at", _l("A session must fall within the event (%(start)s to %(end)s).",
                                         start=format_datetime(event.starts_at, "yyyy-MM-dd HH:mm"),
                                         end=format_datetime(event.ends_at, "yyyy-MM-dd HH:mm")))
        if current is not None:
            for item in current.items:
                if item.starts_at < merged["starts_at"] or item.ends_at > merged["ends_at"]:
                    problems.add("starts_at", _l("The agenda item %(title)s (%(start)s–%(end)s) would fall outside "
                                                 "the session.", title=item.title, start=hhmm(item.starts_at),
                                                 end=hhmm(item.ends_at)))
    return out, problems


def add_session(event: Event, data: Mapping[str, Any], actor=None) -> EventSession:
    values, problems = clean_session(event, data)
    _raise(problems)
    session = EventSession(**values)
    event.sessions.append(session)
    db.session.flush()
    return session


def update_session(session: EventSession, data: Mapping[str, Any], actor=None) -> EventSession:
    values, problems = clean_session(session.event, data, current=session, partial=True)
    _raise(problems)
    for field, value in values.items():
        setattr(session, field, value)
    db.session.flush()
    return session


def delete_session(session: EventSession, actor=None) -> None:
    db.session.delete(session)
    db.session.flush()


# --- agenda items ----------------------------------------------------------------------------------

ITEM_FIELDS = ("starts_at", "ends_at", "kind", "title", "description")


def clean_item(session: EventSession, data: Mapping[str, Any], *, current: AgendaItem | None = None,
               partial: bool = False):
    problems = Problems()
    for field in data:
        if field not in ITEM_FIELDS:
            problems.add(field, _l("Unknown field."))
    present = set(data) & set(ITEM_FIELDS) if partial else set(ITEM_FIELDS)
    out: dict[str, Any] = {}
    if "title" in present:
        out["title"] = line(problems, "title", data.get("title"), 300, required=True)
    if "description" in present:
        out["description"] = text(problems, "description", data.get("description"), 5000)
    if "kind" in present:
        out["kind"] = enum_value(problems, "kind", AgendaKind, data.get("kind"))
    for field in ("starts_at", "ends_at"):
        if field in present:
            out[field] = datetime_value(problems, field, data.get(field), required=True)
    merged = {f: getattr(current, f) for f in ITEM_FIELDS} if current else {}
    merged.update(out)
    _window(problems, merged, "starts_at", "ends_at")
    if merged.get("starts_at") and merged.get("ends_at") and not problems:
        start, end = merged["starts_at"], merged["ends_at"]
        if start < session.starts_at or end > session.ends_at:
            problems.add("starts_at", _l("An agenda item must fall within its session (%(start)s–%(end)s).",
                                         start=hhmm(session.starts_at), end=hhmm(session.ends_at)))
        for other in session.items:
            if other is current:
                continue
            if start < other.ends_at and other.starts_at < end:
                problems.add("starts_at", _l("This overlaps %(title)s (%(start)s–%(end)s).", title=other.title,
                                             start=hhmm(other.starts_at), end=hhmm(other.ends_at)))
    return out, problems


def add_item(session: EventSession, data: Mapping[str, Any], actor=None) -> AgendaItem:
    values, problems = clean_item(session, data)
    _raise(problems)
    item = AgendaItem(**values)
    session.items.append(item)
    db.session.flush()
    return item


def update_item(item: AgendaItem, data: Mapping[str, Any], actor=None) -> AgendaItem:
    values, problems = clean_item(item.session, data, current=item, partial=True)
    _raise(problems)
    for field, value in values.items():
        setattr(item, field, value)
    db.session.flush()
    return item


def delete_item(item: AgendaItem, actor=None) -> None:
    db.session.delete(item)
    db.session.flush()


def move_item(item: AgendaItem, direction: str, actor=None) -> None:
    """Swap an item's time slot with its neighbour's, keeping both durations and
    the gap between them, so the agenda stays free of overlaps."""
    items = sorted(item.session.items, key=lambda i: (i.starts_at, i.id))
    index = items.index(item)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(items):
        return
    first, second = sorted((items[index], items[other_index]), key=lambda i: i.starts_at)
    gap = second.starts_at - first.ends_at
    start = first.starts_at
    second_duration, first_duration = second.ends_at - second.starts_at, first.ends_at - first.starts_at
    second.starts_at, second.ends_at = start, start + second_duration
    first.starts_at = second.ends_at + gap
    first.ends_at = first.starts_at + first_duration
    db.session.flush()
    db.session.expire(item.session, ["items"])


# --- people ------------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "title", "organization_id", "bio")


def clean_person(data: Mapping[str, Any], *, partial: bool = False):
    problems = Problems()
    for field in data:
        if field not in PERSON_FIELDS:
            problems.add(field, _l("Unknown field."))
    present = set(data) & set(PERSON_FIELDS) if partial else set(PERSON_FIELDS)
    out: dict[str, Any] = {}
    if "name" in present:
        out["name"] = line(problems, "name", data.get("name"), 100, required=True)
    if "title" in present:
        out["title"] = line(problems, "title", data.get("title"), 300)
    if "bio" in present:
        out["bio"] = text(problems, "bio", data.get("bio"), 5000)
    if "organization_id" in present:
        org = _organization(problems, "organization_id", data.get("organization_id"), optional=True)
        out["organization_id"] = org.id if org else None
    return out, problems


def create_person(data: Mapping[str, Any], actor=None) -> Person:
    values, problems = clean_person(data)
    _raise(problems)
    person = Person(**values)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, data: Mapping[str, Any], actor=None) -> Person:
    values, problems = clean_person(data, partial=True)
    _raise(problems)
    for field, value in values.items():
        setattr(person, field, value)
    db.session.flush()
    return person


def add_participant(item: AgendaItem, data: Mapping[str, Any], actor=None) -> AgendaParticipant:
    problems = Problems()
    person_id = int_value(problems, "person_id", data.get("person_id"), minimum=1, maximum=2**31 - 1)
    part = enum_value(problems, "part", ParticipantPart, data.get("part") or "speaker")
    person = db.session.get(Person, person_id) if person_id else None
    if person_id and person is None:
        problems.add("person_id", _l("There is no person with the id %(id)s.", id=person_id))
    elif person_id is None and "person_id" not in problems:
        problems.add("person_id", _l("This field is required."))
    _raise(problems)
    if any(p.person_id == person.id and p.part == part for p in item.participants):
        raise ServiceError(_l("%(name)s is already listed in this part.", name=person.name), field="person_id",
                           status=409)
    participant = AgendaParticipant(person=person, part=part, position=len(item.participants))
    item.participants.append(participant)
    db.session.flush()
    return participant


def remove_participant(participant: AgendaParticipant, actor=None) -> None:
    db.session.delete(participant)
    db.session.flush()


def published_events() -> list[Event]:
    return list(db.session.scalars(
        select(Event).where(Event.status == EventStatus.published).order_by(Event.starts_at.desc())))


# The whole programme in one query per level (organizers, sessions, items,
# participants and their people), whatever its size: lazy loading took one
# query per session, item and speaker (42 for the demo meeting).
AGENDA_LOAD = (
    selectinload(Event.organizers).selectinload(EventOrganizer.organization),
    selectinload(Event.sessions).options(
        selectinload(EventSession.host_organization),
        selectinload(EventSession.items).selectinload(AgendaItem.participants)
        .selectinload(AgendaParticipant.person)),
)


def event_by_slug(slug: str, *, with_agenda: bool = False) -> Event | None:
    """The event; `with_agenda` loads what its page, programme and calendar show."""
    query = select(Event).where(Event.slug == slug[:80].lower())
    if with_agenda:
        query = query.options(*AGENDA_LOAD)
    return db.session.scalar(query)



def rotate_screen_token(event: Event, actor=None) -> str:
    """A new secret for the ceremony screen's link; screens opened with the old one go blank."""
    import secrets

    event.screen_token = secrets.token_urlsafe(24)
    db.session.flush()
    return event.screen_token


def set_publish_totals(event: Event, publish: bool, actor=None) -> Event:
    event.publish_totals = bool(publish)
    db.session.flush()
    return event
