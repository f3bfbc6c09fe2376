"""Hall seating per session: zones of rows (or round tables), delegates seated
by rule (VIP zones by rank, the media together, the others by organization)
and by hand. Functions flush, never commit; a seat given twice at the same
moment is refused by the database's unique constraint and reported."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..core.errors import ServiceError
from ..core.strokes import stroke_key
from ..core.validation import Problems
from ..events.models import EventSession, Person
from ..extensions import db
from ..registrations.models import SEATED, DelegateCategory, Registration
from .documents import seating_chart_pdf as build
from .models import MAX_HALL_ROWS, MAX_HALL_SEATS, HallSeat, HallZone, ProtocolRank, ZoneKind, ZoneLayout

MAX_ZONES = 30
# Who goes to the VIP zones first when no protocol rank says otherwise.
VIP_CATEGORIES = (DelegateCategory.government, DelegateCategory.association, DelegateCategory.university,
                  DelegateCategory.expert)


def _release_unconfirmed(session: EventSession) -> None:
    """Seats held by delegates who cancelled (or were moved back) are free again."""
    gone = select(Registration.id).where(Registration.status.not_in(SEATED))
    db.session.execute(delete(HallSeat).where(HallSeat.session_id == session.id, HallSeat.registration_id.in_(gone)))


def hand_over_seats(old: Registration, new: Registration) -> None:
    """A substitute (换人) takes over the hall seats of the delegate replaced."""
    db.session.execute(update(HallSeat).where(HallSeat.registration_id == old.id).values(registration_id=new.id))


def zones(session: EventSession) -> list[HallZone]:
    return list(db.session.scalars(select(HallZone).where(HallZone.session_id == session.id)
                                   .order_by(HallZone.position, HallZone.id)))


def assignments(session: EventSession) -> list[HallSeat]:
    return list(db.session.scalars(
        select(HallSeat).where(HallSeat.session_id == session.id,
                               HallSeat.registration.has(Registration.status.in_(SEATED)))
        .options(selectinload(HallSeat.registration).selectinload(Registration.organization),
                 selectinload(HallSeat.zone))
        .join(HallZone, HallZone.id == HallSeat.zone_id)
        .order_by(HallZone.position, HallZone.id, HallSeat.row, HallSeat.seat)))


def _whole(value, low: int, high: int) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def seat_label(zone: HallZone, row: int, seat: int) -> str:
    if zone.layout == ZoneLayout.tables:
        return _("%(zone)s, table %(row)d, seat %(seat)d", zone=zone.name, row=row, seat=seat)
    return _("%(zone)s, row %(row)d, seat %(seat)d", zone=zone.name, row=row, seat=seat)


# --- zones ------------------------------------------------------------------------------------------

def set_zones(session: EventSession, entries: Any, actor=None) -> list[HallZone]:
    """Replace the session's zones with `entries` ([{name, kind, layout, rows,
    seats}], in order), all or nothing. A zone keeps its seated delegates when
    it keeps its name and their seats still exist; a zone that would drop a
    seated delegate is refused."""
    if not isinstance(entries, list):
        raise ServiceError(_l("zones must be a list of {name, kind, layout, rows, seats}."), field="zones")
    problems = Problems()
    wanted: list[dict] = []
    if len(entries) > MAX_ZONES:
        problems.add("zones", _l("At most %(n)d zones.", n=MAX_ZONES))
    for index, entry in enumerate(entries[:MAX_ZONES]):
        field = f"zones.{index}"
        if not isinstance(entry, Mapping):
            problems.add(field, _l("Each zone is an object {name, kind, layout, rows, seats}."))
            continue
        name = str(entry.get("name") or "").strip()
        rows = _whole(entry.get("rows"), 1, MAX_HALL_ROWS)
        seats = _whole(entry.get("seats"), 1, MAX_HALL_SEATS)
        kind, layout = entry.get("kind", "general"), entry.get("layout", "rows")
        if not name or len(name) > 60:
            problems.add(field, _l("Give the zone a name of at most 60 characters."))
        elif any(w["name"] == name for w in wanted):
            problems.add(field, _l("Two zones are called %(name)s.", name=name))
        if rows is None:
            problems.add(field, _l("Rows (or tables): a whole number from 1 to %(n)d.", n=MAX_HALL_ROWS))
        if seats is None:
            problems.add(field, _l("Seats per row (or table): a whole number from 1 to %(n)d.", n=MAX_HALL_SEATS))
        if kind not in ZoneKind.__members__:
            problems.add(field, _l("The kind is vip, media or general."))
        if layout not in ZoneLayout.__members__:
            problems.add(field, _l("The layout is rows or tables."))
        wanted.append({"name": name, "rows": rows, "seats": seats, "kind": kind, "layout": layout})
    if problems:
        raise ServiceError(errors=problems)
    current = {zone.name: zone for zone in zones(session)}
    for seat in assignments(session):
        keep = next((w for w in wanted if w["name"] == seat.zone.name), None)
        if keep is None or seat.row > keep["rows"] or seat.seat > keep["seats"]:
            problems.add("zones", _l("%(name)s is seated at %(seat)s, which would no longer exist: move them "
                                     "first.", name=seat.registration.name,
                                     seat=seat_label(seat.zone, seat.row, seat.seat)))
    if problems:
        raise ServiceError(errors=problems)
    for name, zone in current.items():
        if name not in {w["name"] for w in wanted}:
            db.session.delete(zone)
    for position, w in enumerate(wanted):
        zone = current.get(w["name"]) or HallZone(session_id=session.id, name=w["name"])
        zone.kind, zone.layout = ZoneKind(w["kind"]), ZoneLayout(w["layout"])
        zone.rows, zone.seats, zone.position = w["rows"], w["seats"], position
        db.session.add(zone)
    db.session.flush()
    return zones(session)


# --- seating by hand ----------------------------------------------------------------------------------

def _delegate(session: EventSession, registration_id) -> Registration:
    registration = db.session.get(Registration, registration_id) if _whole(registration_id, 1, 2**31 - 1) else None
    if registration is None or registration.event_id != session.event_id:
        raise ServiceError(_l("There is no registration %(id)s at this event.", id=registration_id),
                           field="registration_id")
    if registration.status not in SEATED:
        raise ServiceError(_l("%(name)s is not confirmed: only confirmed delegates get a seat.",
                              name=registration.name), field="registration_id")
    return registration


def _place(session: EventSession, zone_name, row, seat) -> tuple[HallZone, int, int]:
    zone = db.session.scalar(select(HallZone).where(HallZone.session_id == session.id,
                                                    HallZone.name == str(zone_name or "").strip()))
    if zone is None:
        raise ServiceError(_l("This session's hall has no zone called %(name)s.", name=zone_name), field="zone")
    r, s = _whole(row, 1, zone.rows), _whole(seat, 1, zone.seats)
    if r is None or s is None:
        raise ServiceError(_l("%(zone)s has %(rows)d rows (or tables) of %(seats)d seats: there is no row %(row)s, "
                              "seat %(seat)s.", zone=zone.name, rows=zone.rows, seats=zone.seats, row=row,
                              seat=seat), field="seat")
    return zone, r, s


def _occupant(session: EventSession, zone: HallZone, row: int, seat: int) -> HallSeat | None:
    return db.session.scalar(select(HallSeat).where(HallSeat.session_id == session.id, HallSeat.zone_id == zone.id,
                                                    HallSeat.row == row, HallSeat.seat == seat))


def assign(session: EventSession, entries: Iterable[Mapping[str, Any]], actor=None) -> list[HallSeat]:
    """Seat each {registration_id, zone, row, seat}, all or nothing: a seat
    taken (by someone else, or twice in the request), a seat that does not
    exist or a delegate who is not confirmed is refused. A delegate seated
    elsewhere in the session moves."""
    _release_unconfirmed(session)
    problems = Problems()
    planned: list[tuple[Registration, HallZone, int, int]] = []
    taken_here: dict[tuple, str] = {}
    for index, entry in enumerate(entries):
        field = f"assignments.{index}"
        try:
            if not isinstance(entry, Mapping):
                raise ServiceError(_l("Each assignment is {registration_id, zone, row, seat}."))
            registration = _delegate(session, entry.get("registration_id"))
            zone, row, seat = _place(session, entry.get("zone"), entry.get("row"), entry.get("seat"))
        except ServiceError as exc:
            for messages in exc.errors.values() or [[exc.message]]:
                for message in messages:
                    problems.add(field, message)
            continue
        key = (zone.id, row, seat)
        if key in taken_here:
            problems.add(field, _l("%(a)s and %(b)s are both given %(seat)s.", a=taken_here[key], b=registration.name,
                                   seat=seat_label(zone, row, seat)))
            continue
        if any(r.id == registration.id for r, *_rest in planned):
            problems.add(field, _l("%(name)s is given two seats.", name=registration.name))
            continue
        occupant = _occupant(session, zone, row, seat)
        moving = {r.id for r, *_rest in planned} | {registration.id}
        if occupant is not None and occupant.registration_id not in moving:
            problems.add(field, _l("%(seat)s is taken by %(name)s.", seat=seat_label(zone, row, seat),
                                   name=occupant.registration.name))
            continue
        taken_here[key] = registration.name
        planned.append((registration, zone, row, seat))
    if problems:
        raise ServiceError(errors=problems)
    ids = [r.id for r, *_rest in planned]
    if ids:
        db.session.execute(delete(HallSeat).where(HallSeat.session_id == session.id,
                                                  HallSeat.registration_id.in_(ids)))
    return _insert(session, [(r.id, z.id, row, seat) for r, z, row, seat in planned])


def _insert(session: EventSession, rows: list[tuple[int, int, int, int]]) -> list[HallSeat]:
    """Insert inside a savepoint: when another request took one of the seats
    (or seated one of the delegates) since we looked, the database refuses and
    nothing of this request stays."""
    try:
        with db.session.begin_nested():
            db.session.add_all(HallSeat(session_id=session.id, registration_id=rid, zone_id=zid, row=row, seat=seat)
                               for rid, zid, row, seat in rows)
            db.session.flush()
    except IntegrityError:
        raise ServiceError(_l("Someone else has just given one of these seats: reload and try again."),
                           field="seat", status=409) from None
    return assignments(session)


def unassign(session: EventSession, registration_id, actor=None) -> None:
    db.session.execute(delete(HallSeat).where(HallSeat.session_id == session.id,
                                              HallSeat.registration_id == _whole(registration_id, 1, 2**31 - 1)))
    db.session.flush()


# --- seating by rule ----------------------------------------------------------------------------------

@dataclass
class RuleResult:
    seated: int
    unseated: list[Registration]


def _free_seats(session: EventSession, zone: HallZone) -> list[tuple[int, int]]:
    """The zone's free seats front row first; in a row, from the middle outwards
    (the best seats first), seats counted from the hall's left."""
    used = set(db.session.execute(select(HallSeat.row, HallSeat.seat).where(HallSeat.session_id == session.id,
                                                                           HallSeat.zone_id == zone.id)).all())
    centre = (zone.seats + 1) / 2
    order = sorted(range(1, zone.seats + 1), key=lambda s: (abs(s - centre), s))
    if zone.layout == ZoneLayout.tables:
        order = list(range(1, zone.seats + 1))
    return [(row, seat) for row in range(1, zone.rows + 1) for seat in order if (row, seat) not in used]


def _ranks_by_name(session: EventSession) -> dict[tuple[str, int | None], int]:
    """Protocol ranks of the event's people, found for a delegate by name and
    organization (a registration is not a person record)."""
    rows = db.session.execute(select(Person.name, Person.organization_id, ProtocolRank.rank)
                              .join(ProtocolRank, ProtocolRank.person_id == Person.id)
                              .where(ProtocolRank.event_id == session.event_id)).all()
    ranks: dict[tuple[str, int | None], int] = {}
    for name, organization_id, rank in rows:
        for key in ((name, organization_id), (name, None)):
            ranks[key] = min(rank, ranks.get(key, rank))
    return ranks


def assign_by_rule(session: EventSession, actor=None) -> RuleResult:
    """Seat the confirmed delegates not seated yet: the media in media zones;
    ranked people and the delegates of government, associations, universities
    and experts in VIP zones, by rank then surname strokes; everyone else in
    general zones, each organization together. Seats given by hand stay."""
    _release_unconfirmed(session)
    all_zones = zones(session)
    seated_ids = set(db.session.scalars(select(HallSeat.registration_id).where(HallSeat.session_id == session.id)))
    delegates = [r for r in db.session.scalars(
        select(Registration).where(Registration.event_id == session.event_id, Registration.status.in_(SEATED))
        .options(selectinload(Registration.organization), selectinload(Registration.sessions)))
        if r.id not in seated_ids]
    # A delegate who chose sessions sits only in those; one who chose none attends all.
    delegates = [r for r in delegates if not r.sessions or any(rs.session_id == session.id for rs in r.sessions)]
    ranks = _ranks_by_name(session)

    def rank_of(r: Registration) -> int | None:
        return ranks.get((r.name, r.organization_id), ranks.get((r.name, None)))

    media = [r for r in delegates if r.category == DelegateCategory.media]
    vip = sorted((r for r in delegates if r not in media and (rank_of(r) is not None or r.category in VIP_CATEGORIES)),
                 key=lambda r: (rank_of(r) or 10**6, VIP_CATEGORIES.index(r.category)
                                if r.category in VIP_CATEGORIES else 99, stroke_key(r.name), r.id))
    rest = sorted((r for r in delegates if r not in media and r not in vip),
                  key=lambda r: (stroke_key(r.organization.name) if r.organization else "\uffff", r.organization_id or 0,
                                 stroke_key(r.name), r.id))
    plan: list[tuple[int, int, int, int]] = []
    planned_seats: set[tuple[int, int, int]] = set()

    def fill(people: list[Registration], kinds: tuple[ZoneKind, ...]) -> list[Registration]:
        left = list(people)
        for zone in (z for z in all_zones if z.kind in kinds):
            for row, seat in _free_seats(session, zone):
                if not left:
                    return []
                if (zone.id, row, seat) in planned_seats:
                    continue
                planned_seats.add((zone.id, row, seat))
                plan.append((left.pop(0).id, zone.id, row, seat))
        return left

    # Those who find no seat in their own kind of zone go to the general zones, then anywhere left.
    overflow = fill(media, (ZoneKind.media,)) + fill(vip, (ZoneKind.vip,))
    overflow = fill(rest + overflow, (ZoneKind.general,))
    unseated = fill(overflow, (ZoneKind.vip, ZoneKind.media))
    _insert(session, plan)
    return RuleResult(seated=len(plan), unseated=unseated)


# --- what a delegate sees -------------------------------------------------------------------------------

def seats_of(registration: Registration) -> list[tuple[EventSession, str]]:
    """(session, seat label) of each session the delegate has a seat in."""
    rows = db.session.execute(select(HallSeat, EventSession).join(EventSession, EventSession.id == HallSeat.session_id)
                              .where(HallSeat.registration_id == registration.id,
                                     HallSeat.registration.has(Registration.status.in_(SEATED)))
                              .options(selectinload(HallSeat.zone)).order_by(EventSession.starts_at)).all()
    return [(session, seat_label(seat.zone, seat.row, seat.seat)) for seat, session in rows]


def seat_text(registration: Registration) -> str:
    """One line for a badge: the seat, or each session's seat when there are several."""
    seats = seats_of(registration)
    if len(seats) == 1:  # the usual case: one plenary; the session's long title would shrink the seat
        return _("Seat: %(seat)s", seat=seats[0][1])
    return "; ".join(_("%(session)s: %(seat)s", session=session.title, seat=label) for session, label in seats)


def counts(session: EventSession) -> dict[str, int]:
    capacity = sum(zone.capacity for zone in zones(session))
    seated = db.session.scalar(select(func.count()).select_from(HallSeat).where(
        HallSeat.session_id == session.id, HallSeat.registration.has(Registration.status.in_(SEATED))))
    return {"capacity": capacity, "seated": seated or 0}


def seating_chart_pdf(session: EventSession) -> bytes:
    seats = assignments(session)
    order = sorted(((s.registration, s) for s in seats), key=lambda pair: (stroke_key(pair[0].name), pair[0].id))
    return build(session, zones(session), seats, order, seat_label)
