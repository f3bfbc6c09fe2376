"""Seats counted against the event's, its sessions' and the organizations'
limits (not the hall's seating plan: protocol/hall.py): taking and releasing
them, placing a registration (confirmed, pending or waitlisted) and promoting
the waitlist when a seat is freed. Seats are taken with conditional UPDATEs
(`... SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity`), a
refused one giving back those taken before it, so concurrent registrations
never pass a limit on SQLite or PostgreSQL; CHECK constraints back this up. They flush, never commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm.util import identity_key

from ..audit.services import record
from ..core.errors import ServiceError
from ..events.models import Event, EventSession
from ..extensions import db
from ..finance import fees
from .messages import PROMOTED, tell_delegate
from .models import EventQuota, Registration, RegistrationStatus

S = RegistrationStatus

def _release(table, condition) -> None:
    db.session.execute(update(table).where(condition, table.seats_taken > 0)
                       .values(seats_taken=table.seats_taken - 1).execution_options(synchronize_session=False))


def _taking(table):
    """The conditional UPDATE that takes one seat of `table`'s row `:row` if it has room."""
    room = or_(table.capacity.is_(None), table.seats_taken < table.capacity)
    return update(table).where(table.id == bindparam("row"), room) \
        .values(seats_taken=table.seats_taken + 1).execution_options(synchronize_session=False)


# Built once: every registration runs them.
_TAKE_EVENT_SEAT = _taking(Event)
_TAKE_SESSION_SEAT = _taking(EventSession)
_HAS_QUOTA = select(func.count()).select_from(EventQuota).where(
    EventQuota.event_id == bindparam("event"), EventQuota.organization_id == bindparam("organization"))
_TAKE_QUOTA_SEAT = update(EventQuota).where(
    EventQuota.event_id == bindparam("event"), EventQuota.organization_id == bindparam("organization"),
    EventQuota.seats_taken < EventQuota.quota).values(seats_taken=EventQuota.seats_taken + 1) \
    .execution_options(synchronize_session=False)


def take_session_seat(session_id: int) -> bool:
    """One seat of a session, if it has room."""
    return db.session.execute(_TAKE_SESSION_SEAT, {"row": session_id}).rowcount == 1


def _try_take_seat(registration: Registration) -> bool:
    """Take a seat in the event, each chosen session and the organization's quota,
    all or none. A refused take gives back the ones taken before it, in the same
    transaction (the rows stay locked by it until the commit), which saves the
    savepoint a registration would otherwise open."""
    given_back = []
    ok = db.session.execute(_TAKE_EVENT_SEAT, {"row": registration.event_id}).rowcount == 1
    if ok:
        given_back.append((Event, Event.id == registration.event_id))
    for session_id in registration.session_ids if ok else ():
        ok = take_session_seat(session_id)
        if not ok:
            break
        given_back.append((EventSession, EventSession.id == session_id))
    if ok and registration.organization_id is not None:
        whose = {"event": registration.event_id, "organization": registration.organization_id}
        if db.session.scalar(_HAS_QUOTA, whose):
            ok = db.session.execute(_TAKE_QUOTA_SEAT, whose).rowcount == 1
    if not ok:
        for table, condition in given_back:
            _release(table, condition)
    _forget_counters(registration)
    return ok


def _forget_counters(registration: Registration) -> None:
    """The counters changed behind the ORM's back (core UPDATEs): expire the
    loaded copies so the next read fetches the real figure."""
    keys = [identity_key(Event, registration.event_id)] + \
        [identity_key(EventSession, sid) for sid in registration.session_ids]
    for key in keys:
        loaded = db.session.identity_map.get(key)
        if loaded is not None:
            db.session.expire(loaded, ["seats_taken"])


def _release_seat(registration: Registration) -> None:
    _release(Event, Event.id == registration.event_id)
    for session_id in registration.session_ids:
        _release(EventSession, EventSession.id == session_id)
    if registration.organization_id is not None:
        _release(EventQuota, and_(EventQuota.event_id == registration.event_id,
                                  EventQuota.organization_id == registration.organization_id))
    _forget_counters(registration)


def _place(registration: Registration, event: Event, actor) -> None:
    """Confirm if there is room, else waitlist (or refuse when the event keeps no waitlist)."""
    # Public registrations (registrations/invitations.py) always wait for the secretariat.
    if (event.requires_approval or getattr(actor, "needs_approval", False)) and not actor.is_secretariat:
        registration.status = S.pending
    elif _try_take_seat(registration):
        registration.status = S.confirmed
    elif event.waitlist_enabled:
        registration.status = S.waitlisted
    else:
        raise ServiceError(_l("The event is full."), status=409)


def promote_waitlisted(event: Event, actor=None) -> Registration | None:
    """After a seat is freed: the first waitlisted registration that now fits."""
    waiting = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status == S.waitlisted)
        .order_by(Registration.created_at, Registration.id)).all()
    for candidate in waiting:
        if _try_take_seat(candidate):
            candidate.status = S.confirmed
            record(db.session, "registration_promoted", candidate, actor=actor)
            fees.bill_registration(candidate, actor)
            tell_delegate(candidate, PROMOTED)
            db.session.flush()
            return candidate
    return None
