"""Event services: events, organizers, cloning, and the queries the pages use.
Sessions and agenda items are in agenda_services.py, people in
people_services.py; their functions are importable from here too, so that
callers have one `services` for the whole event. They flush, never commit."""
import re
from functools import lru_cache
from typing import Any, Mapping

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as orm_event
from sqlalchemy import Select, bindparam, func, inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.validation import Problems, datetime_value, enum_value, int_value, line, text
from ..extensions import db
from ..members.models import Organization
from .agenda_services import (ITEM_FIELDS, SESSION_FIELDS, add_item, add_session, clean_item,  # noqa: F401
                              clean_session, delete_item, delete_session, move_item, update_item, update_session)
from .checks import (apply_changes, check_capacity, check_window, fields_to_clean, hhmm, organization_field,
                     raise_problems)
from .models import (MAX_REMINDER_DAYS, AgendaItem, AgendaParticipant, Event, EventOrganizer, EventSession,
                     EventStatus, OrganizerRole, Person)
from .people_services import (PERSON_FIELDS, add_participant, clean_person, create_person,  # noqa: F401
                              remove_participant, update_person)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROLE_RANK = {role: rank for rank, role in enumerate(OrganizerRole)}


# --- events ------------------------------------------------------------------------------------

EVENT_FIELDS = ("slug", "title", "theme", "starts_at", "ends_at", "venue", "address", "city", "description",
                "capacity", "registration_opens_at", "registration_closes_at", "reminder_days")
DEFAULT_REMINDER_DAYS = 1


def clean_event(data: Mapping[str, Any], *, partial: bool = False, current: Event | None = None):
    problems = Problems()
    present = fields_to_clean(problems, data, EVENT_FIELDS, partial)
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
    if "reminder_days" in present:
        # Not given when creating: the default; given empty (or 0): no reminder.
        out["reminder_days"] = int_value(problems, "reminder_days", data.get("reminder_days"), minimum=0,
                                         maximum=MAX_REMINDER_DAYS) if "reminder_days" in data \
            else DEFAULT_REMINDER_DAYS
    for field in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if field in present:
            out[field] = datetime_value(problems, field, data.get(field), required=field in ("starts_at", "ends_at"))
    merged = {field: getattr(current, field) for field in EVENT_FIELDS} if current else {}
    merged.update(out)
    check_capacity(problems, out, current)
    check_window(problems, merged, "starts_at", "ends_at")
    check_window(problems, merged, "registration_opens_at", "registration_closes_at")
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
    raise_problems(problems)
    event = Event(**values, status=EventStatus.draft)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: Mapping[str, Any], actor=None) -> Event:
    """Change the fields given; delegates are told of a new time or venue."""
    values, problems = clean_event(data, partial=True, current=event)
    # A refused time (out of range, not a time) is None in `values`: its message says enough.
    if ("starts_at" in values or "ends_at" in values) and not problems:
        starts, ends = values.get("starts_at", event.starts_at), values.get("ends_at", event.ends_at)
        for session in event.sessions:
            if session.starts_at < starts or session.ends_at > ends:
                problems.add("starts_at", _l("The session %(title)s (%(start)s–%(end)s) would fall outside the event.",
                                             title=session.title, start=format_datetime(session.starts_at, "MM-dd HH:mm"),
                                             end=hhmm(session.ends_at)))
    raise_problems(problems)
    # Here, not at the top: events/messages.py needs the registrations package, whose views need this module.
    from .messages import details, tell_delegates_of_change

    before = details(event)
    apply_changes(event, values)
    tell_delegates_of_change(event, before)
    return event


def set_event_status(event: Event, status: EventStatus | str, actor=None) -> Event:
    problems = Problems()
    status = enum_value(problems, "status", EventStatus, status)
    raise_problems(problems)
    event.status = status
    db.session.flush()
    return event


def clone_event(event: Event, data: Mapping[str, Any], actor=None) -> Event:
    """Next year's meeting: organizers, sessions and the agenda skeleton (no
    people), moved so that the new event starts at `starts_at`."""
    problems = Problems()
    starts_at = datetime_value(problems, "starts_at", data.get("starts_at"), required=True)
    title = line(problems, "title", data.get("title"), 200, required=True)
    raise_problems(problems)
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
    _copy_questions_and_fees(event, copy, shift)
    db.session.flush()
    return copy


def _copy_questions_and_fees(event: Event, copy: Event, shift) -> None:
    """Next year's meeting asks the same 回执 questions and charges the same fees
    until someone changes them."""
    from ..finance.fees import copy_fees
    from ..registrations.question_services import copy_questions

    copy_questions(event, copy)
    copy_fees(event, copy, shift)


# --- organizers ----------------------------------------------------------------------------------

def add_organizer(event: Event, data: Mapping[str, Any], actor=None) -> EventOrganizer:
    problems = Problems()
    org = organization_field(problems, "organization_id", data.get("organization_id"))
    role = enum_value(problems, "role", OrganizerRole, data.get("role"))
    raise_problems(problems)
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


def published_events() -> Select:
    """The public list, the latest first (the id orders events that start together, for stable pages)."""
    return select(Event).where(Event.status == EventStatus.published).order_by(Event.starts_at.desc(),
                                                                                Event.id.desc())


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


@lru_cache(maxsize=2)
def _event_by_slug_statement(with_agenda: bool):
    """Built once with a bound slug: building the five loader options and the
    statement's cache key on each request cost about as much as one of its
    queries (benchmarks/pages.py, issue 21 item 4)."""
    query = select(Event).where(Event.slug == bindparam("slug"))
    return query.options(*AGENDA_LOAD) if with_agenda else query


def event_by_slug(slug: str, *, with_agenda: bool = False) -> Event | None:
    """The event; `with_agenda` loads what its page, programme and calendar show."""
    return db.session.scalar(_event_by_slug_statement(with_agenda), {"slug": slug[:80].lower()})


@lru_cache(maxsize=1)
def _page_stamp_statement():
    """Built once: making a statement of a dozen subqueries and its cache key
    cost more than running it (benchmarks/pages.py)."""
    # The event read once (one bound slug): every count below refers to this row.
    ev = select(Event.id, Event.status, Event.updated_at).where(Event.slug == bindparam("slug")).cte("ev")
    event_id = select(ev.c.id).scalar_subquery()
    session_ids = select(EventSession.id).where(EventSession.event_id == event_id)
    item_ids = select(AgendaItem.id).where(AgendaItem.session_id.in_(session_ids))

    def newest_and_count(model, *where):
        return (select(func.max(model.updated_at)).where(*where).scalar_subquery(),
                select(func.count()).select_from(model).where(*where).scalar_subquery())

    return select(
        ev.c.status, ev.c.updated_at,
        *newest_and_count(EventSession, EventSession.event_id == event_id),
        *newest_and_count(AgendaItem, AgendaItem.session_id.in_(session_ids)),
        select(func.count()).select_from(EventOrganizer).where(EventOrganizer.event_id == event_id).scalar_subquery(),
        select(func.count()).select_from(AgendaParticipant).where(AgendaParticipant.agenda_item_id.in_(item_ids))
        .scalar_subquery(),
        select(func.max(Person.updated_at)).where(Person.id.in_(
            select(AgendaParticipant.person_id).where(AgendaParticipant.agenda_item_id.in_(item_ids))))
        .scalar_subquery(),
        select(func.max(Organization.updated_at)).where(or_(
            Organization.id.in_(select(EventOrganizer.organization_id).where(EventOrganizer.event_id == event_id)),
            Organization.id.in_(select(EventSession.host_organization_id).where(EventSession.event_id == event_id))))
        .scalar_subquery(),
    ).select_from(ev)


def page_stamp(slug: str) -> tuple | None:
    """What the public page, programme and calendar of a published event are
    made of, as change stamps read in one statement: the event's, its sessions',
    items', speakers' and organizations' newest updated_at with the row counts
    (a deleted row lowers a count); organizer and speaker rows have no time of
    their own and touch their event or item instead (_touch_parents). None for
    an event the public does not see."""
    # Core, not the ORM: nothing to map, and the ORM's execution path cost more than the query.
    row = db.session.connection().execute(_page_stamp_statement(), {"slug": slug[:80].lower()}).first()
    if row is None or row[0] != EventStatus.published:
        return None
    return tuple(row[1:])


@orm_event.listens_for(Session, "before_flush")
def _touch_parents(session, flush_context, instances) -> None:
    """Organizer and speaker rows carry no updated_at: adding, moving or
    removing one touches its event or agenda item, whose stamps the public
    pages' ETags are made of (page_stamp)."""
    now = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (Event, AgendaItem)):
            # A row taken out of the list (delete-orphan) is deleted later in this flush.
            listed = "organizers" if isinstance(obj, Event) else "participants"
            parent = obj if inspect(obj).attrs[listed].history.has_changes() else None
        elif isinstance(obj, EventOrganizer):
            parent = obj.event if obj.event is not None else session.get(Event, obj.event_id)
        elif isinstance(obj, AgendaParticipant):
            parent = obj.item if obj.item is not None else session.get(AgendaItem, obj.agenda_item_id)
        else:
            continue
        if parent is not None and parent not in session.deleted:
            now = now or utcnow()
            parent.updated_at = now


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
