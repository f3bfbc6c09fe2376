"""Ranks and rostrum seating. They flush, never commit."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..core.errors import ServiceError
from ..core.validation import Problems
from ..events.models import Event, EventSession, Person
from ..extensions import db
from .models import MAX_ROWS, MAX_SEATS_PER_ROW, EventProtocol, ProtocolRank, RostrumSeat, SeniorSide
from .seating import arrange_rows

MAX_RANK = 10_000


def settings_for(event: Event) -> EventProtocol:
    settings = db.session.get(EventProtocol, event.id)
    if settings is None:
        settings = EventProtocol(event_id=event.id, senior_side=SeniorSide.left, seats_per_row=11, rostrum_rows=2)
    return settings


def update_settings(event: Event, data: Mapping[str, Any], actor=None) -> EventProtocol:
    settings = settings_for(event)
    problems = Problems()
    if "senior_side" in data:
        try:
            settings.senior_side = SeniorSide(data["senior_side"])
        except ValueError:
            problems.add("senior_side", _l("Choose left or right."))
    for field, limit in (("seats_per_row", MAX_SEATS_PER_ROW), ("rostrum_rows", MAX_ROWS)):
        if field in data:
            value = data[field]
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
                problems.add(field, _l("A whole number from 1 to %(n)d.", n=limit))
            else:
                setattr(settings, field, value)
    if problems:
        raise ServiceError(errors=problems)
    db.session.add(settings)
    db.session.flush()
    return settings


def ranked_people(event: Event) -> list[tuple[Person, int]]:
    """The event's ranked people, most senior first; equal ranks by surname strokes."""
    rows = db.session.execute(
        select(Person, ProtocolRank.rank).join(ProtocolRank, ProtocolRank.person_id == Person.id)
        .where(ProtocolRank.event_id == event.id)
        .order_by(ProtocolRank.rank, Person.stroke_key, Person.id)).all()
    return [(person, rank) for person, rank in rows]


def set_ranks(event: Event, entries: Iterable[Mapping[str, Any]], actor=None) -> list[tuple[Person, int]]:
    """Replace the event's ranks with `entries` ([{person_id, rank}]), all or nothing."""
    problems = Problems()
    wanted: dict[int, int] = {}
    for index, entry in enumerate(entries):
        field = f"ranks.{index}"
        person_id, rank = entry.get("person_id"), entry.get("rank")
        if not isinstance(person_id, int) or isinstance(person_id, bool) or not 1 <= person_id < 2**31:
            problems.add(field, _l("person_id must be the id of a person."))
            continue
        if not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= MAX_RANK:
            problems.add(field, _l("The rank must be a whole number from 1 (most senior) to %(n)d.", n=MAX_RANK))
            continue
        if person_id in wanted:
            problems.add(field, _l("Person %(id)s is ranked twice.", id=person_id))
            continue
        wanted[person_id] = rank
    known = set(db.session.scalars(select(Person.id).where(Person.id.in_(wanted)))) if wanted else set()
    for person_id in sorted(set(wanted) - known):
        problems.add("ranks", _l("There is no person with the id %(id)s.", id=person_id))
    if problems:
        raise ServiceError(errors=problems)
    db.session.execute(delete(ProtocolRank).where(ProtocolRank.event_id == event.id))
    db.session.add_all(ProtocolRank(event_id=event.id, person_id=pid, rank=rank) for pid, rank in wanted.items())
    db.session.flush()
    return ranked_people(event)


def propose_rostrum(session: EventSession) -> dict[str, Any]:
    """The conventional arrangement of the event's ranked people: `rows` of
    people from the hall's left to right, and those who find no seat."""
    settings = settings_for(session.event)
    people = [person for person, _rank in ranked_people(session.event)]
    rows, rest = arrange_rows(people, settings.seats_per_row, settings.rostrum_rows, settings.senior_side.value)
    return {"rows": rows, "unseated": rest, "settings": settings}


def rostrum_rows(session: EventSession) -> list[list[Person]]:
    seats = db.session.execute(
        select(RostrumSeat.row, RostrumSeat.seat, Person).join(Person, Person.id == RostrumSeat.person_id)
        .where(RostrumSeat.session_id == session.id).order_by(RostrumSeat.row, RostrumSeat.seat)).all()
    rows: dict[int, list[Person]] = {}
    for row, _seat, person in seats:
        rows.setdefault(row, []).append(person)
    return [rows[r] for r in sorted(rows)]


def save_rostrum(session: EventSession, rows: Any, actor=None) -> list[list[Person]]:
    """Seat `rows` (lists of person ids, left to right as seen from the hall,
    front row first), replacing the session's rostrum; all or nothing."""
    settings = settings_for(session.event)
    problems = Problems()
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ServiceError(_l("rows must be a list of rows, each a list of person ids."), field="rows")
    if len(rows) > settings.rostrum_rows:
        problems.add("rows", _l("The rostrum has %(n)d rows; %(m)d were sent.", n=settings.rostrum_rows,
                                m=len(rows)))
    seen: set[int] = set()
    for r, row in enumerate(rows, start=1):
        if len(row) > settings.seats_per_row:
            problems.add(f"rows.{r}", _l("Row %(row)d has %(n)d seats; %(m)d people were sent.", row=r,
                                         n=settings.seats_per_row, m=len(row)))
        for person_id in row:
            if not isinstance(person_id, int) or isinstance(person_id, bool) or not 1 <= person_id < 2**31:
                problems.add(f"rows.{r}", _l("Each seat takes the id of a person."))
            elif person_id in seen:
                problems.add(f"rows.{r}", _l("Person %(id)s is given two seats.", id=person_id))
            else:
                seen.add(person_id)
    known = set(db.session.scalars(select(Person.id).where(Person.id.in_(seen)))) if seen else set()
    for person_id in sorted(seen - known):
        problems.add("rows", _l("There is no person with the id %(id)s.", id=person_id))
    if problems:
        raise ServiceError(errors=problems)
    db.session.execute(delete(RostrumSeat).where(RostrumSeat.session_id == session.id))
    db.session.add_all(RostrumSeat(session_id=session.id, row=r, seat=s, person_id=pid)
                       for r, row in enumerate(rows, start=1) for s, pid in enumerate(row, start=1))
    db.session.flush()
    return rostrum_rows(session)


def swap_seats(session: EventSession, first_id: int, second_id: int, actor=None) -> list[list[Person]]:
    """Exchange the seats of two people on the rostrum (a hand correction of the proposal)."""
    rows = [[p.id for p in row] for row in rostrum_rows(session)]
    where = {pid: (r, s) for r, row in enumerate(rows) for s, pid in enumerate(row)}
    if first_id not in where or second_id not in where or first_id == second_id:
        raise ServiceError(_l("Choose two different people seated on the rostrum."), field="first")
    (r1, s1), (r2, s2) = where[first_id], where[second_id]
    rows[r1][s1], rows[r2][s2] = second_id, first_id
    return save_rostrum(session, rows, actor)


def precedence(session: EventSession, rows: list[list[Person]]) -> tuple[dict[int, int], dict[int, int]]:
    """({person id: place in the order of precedence, 1 first}, {person id: rank})
    of the people seated: by rank, then by surname strokes; the unranked last."""
    ranks = dict(db.session.execute(select(ProtocolRank.person_id, ProtocolRank.rank)
                                    .where(ProtocolRank.event_id == session.event_id)).all())
    seated = [p for row in rows for p in row]
    ordered = sorted(seated, key=lambda p: (ranks.get(p.id, MAX_RANK + 1), p.stroke_key or "", p.id))
    return {p.id: place for place, p in enumerate(ordered, start=1)}, ranks


def rostrum_pdf(session: EventSession) -> bytes:
    from .documents import rostrum_pdf as build

    rows = rostrum_rows(session)
    order, ranks = precedence(session, rows)
    return build(session, rows, order, ranks, settings_for(session.event).senior_side)


def rostrum_in_precedence(session: EventSession) -> list[Person]:
    rows = rostrum_rows(session)
    order, _ranks = precedence(session, rows)
    return sorted((p for row in rows for p in row), key=lambda p: order[p.id])


def rank_candidates(event: Event) -> list[tuple[Person, int | None]]:
    """The people the secretariat may rank for the event: those ranked already
    and those on its agenda, ranked first (by rank), then by surname strokes."""
    from ..events.models import AgendaItem, AgendaParticipant

    ranks = dict(db.session.execute(select(ProtocolRank.person_id, ProtocolRank.rank)
                                    .where(ProtocolRank.event_id == event.id)).all())
    on_agenda = select(AgendaParticipant.person_id).join(AgendaItem, AgendaItem.id == AgendaParticipant.agenda_item_id) \
        .join(EventSession, EventSession.id == AgendaItem.session_id).where(EventSession.event_id == event.id)
    people = db.session.scalars(select(Person).where(Person.id.in_(on_agenda) | Person.id.in_(list(ranks) or [0])))
    return sorted(((p, ranks.get(p.id)) for p in people),
                  key=lambda pr: (pr[1] is None, pr[1] or 0, pr[0].stroke_key or "", pr[0].id))
