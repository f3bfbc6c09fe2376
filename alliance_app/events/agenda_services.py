"""Sessions and their agenda items: each inside its event (or session), items
never overlapping, moved by swapping time slots. They flush, never commit."""
from typing import Any, Mapping

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from ..core.validation import Problems, datetime_value, enum_value, int_value, line, text
from ..extensions import db
from .checks import (apply_changes, check_capacity, check_window, fields_to_clean, hhmm, organization_field,
                     raise_problems)
from .models import AgendaItem, AgendaKind, Event, EventSession


# --- sessions --------------------------------------------------------------------------------------

SESSION_FIELDS = ("title", "starts_at", "ends_at", "room", "host_organization_id", "capacity")


def clean_session(event: Event, data: Mapping[str, Any], *, current: EventSession | None = None,
                  partial: bool = False):
    problems = Problems()
    present = fields_to_clean(problems, data, SESSION_FIELDS, partial)
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
        host = organization_field(problems, "host_organization_id", data.get("host_organization_id"), optional=True)
        out["host_organization_id"] = host.id if host else None
    merged = {f: getattr(current, f) for f in SESSION_FIELDS} if current else {}
    merged.update(out)
    check_capacity(problems, out, current)
    check_window(problems, merged, "starts_at", "ends_at")
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
    raise_problems(problems)
    session = EventSession(**values)
    event.sessions.append(session)
    db.session.flush()
    return session


def update_session(session: EventSession, data: Mapping[str, Any], actor=None) -> EventSession:
    values, problems = clean_session(session.event, data, current=session, partial=True)
    raise_problems(problems)
    return apply_changes(session, values)


def delete_session(session: EventSession, actor=None) -> None:
    db.session.delete(session)
    db.session.flush()


# --- agenda items ----------------------------------------------------------------------------------

ITEM_FIELDS = ("starts_at", "ends_at", "kind", "title", "description")


def clean_item(session: EventSession, data: Mapping[str, Any], *, current: AgendaItem | None = None,
               partial: bool = False):
    problems = Problems()
    present = fields_to_clean(problems, data, ITEM_FIELDS, partial)
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
    check_window(problems, merged, "starts_at", "ends_at")
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
    raise_problems(problems)
    item = AgendaItem(**values)
    session.items.append(item)
    db.session.flush()
    return item


def update_item(item: AgendaItem, data: Mapping[str, Any], actor=None) -> AgendaItem:
    values, problems = clean_item(item.session, data, current=item, partial=True)
    raise_problems(problems)
    return apply_changes(item, values)


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
