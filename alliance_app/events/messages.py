"""What delegates are told about the event itself: a change of its time or
venue after they registered, and a reminder some days before it starts."""
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..core.db import utcnow
from ..core.urls import absolute_url
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Kind, register_kind
from ..registrations.models import ACTIVE, Registration, RegistrationStatus
from .models import MAX_REMINDER_DAYS, Event, EventStatus

CHANGED = "event_changed"
REMINDER = "event_reminder"
# What a delegate needs to know again when it changes: when and where.
TIME_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = ("venue", "address")
WATCHED = TIME_FIELDS + PLACE_FIELDS


def _has_email():
    return Registration.email.is_not(None) & (Registration.email != "")


def details(event: Event) -> dict:
    """When and where, as plain values for a message's params (times in ISO 8601)."""
    values = {field: getattr(event, field) for field in WATCHED}
    return {field: value.astimezone(timezone.utc).isoformat() if isinstance(value, datetime) else value
            for field, value in values.items()}


def tell_delegates_of_change(event: Event, before: dict) -> int:
    """One message to each delegate with an email who has not cancelled, when
    the time or the place differs from `before` (`details` of the event as it
    was); the number of messages written."""
    after = details(event)
    if before == after or event.status == EventStatus.cancelled:
        return 0
    if any(before[field] != after[field] for field in TIME_FIELDS):
        _forget_reminders_if_postponed(event)
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status.in_(ACTIVE), _has_email())
        .order_by(Registration.id)).all()
    for registration in registrations:
        notify(CHANGED, registration.email, name=registration.name, about=registration,
               registration_id=registration.id, before=before, after=after)
    return len(registrations)


def _forget_reminders_if_postponed(event: Event) -> None:
    """A reminder written before the event's (new) reminder window opened is
    stale: the event was postponed, and is reminded of again in its new window.
    One written inside the window (the event moved by an hour) stands."""
    if event.reminder_days:
        window_opens = event.starts_at - timedelta(days=event.reminder_days)
        db.session.execute(update(Registration).where(Registration.event_id == event.id,
                                                      Registration.reminded_at < window_opens)
                           .values(reminded_at=None).execution_options(synchronize_session=False))


# --- reminders -----------------------------------------------------------------------------------

def due_event_ids(now: datetime) -> list[int]:
    """Published events that have not started and whose reminder window has opened."""
    rows = db.session.execute(
        select(Event.id, Event.starts_at, Event.reminder_days)
        .where(Event.status == EventStatus.published, Event.reminder_days > 0, Event.starts_at > now,
               Event.starts_at <= now + timedelta(days=MAX_REMINDER_DAYS))).all()
    return [event_id for event_id, starts_at, days in rows if starts_at - timedelta(days=days) <= now]


def send_event_reminders(now: datetime | None = None) -> int:
    """The periodic task: remind each confirmed delegate with an email of an
    event that is within its reminder window, once. The registrations are
    claimed by a conditional UPDATE (reminded_at IS NULL) in the transaction
    that writes their messages: a second worker running at the same time
    claims none of them, and a rolled-back run claims nothing."""
    now = now or utcnow()
    event_ids = due_event_ids(now)
    # End the read: each claim then starts its transaction with the write, which
    # on SQLite waits for a concurrent writer instead of failing on a stale snapshot.
    db.session.rollback()
    written = 0
    for event_id in event_ids:
        claimed = db.session.scalars(
            update(Registration)
            .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.confirmed,
                   Registration.reminded_at.is_(None), _has_email())
            .values(reminded_at=now).returning(Registration.id)
            .execution_options(synchronize_session=False)).all()
        if claimed:
            for registration in db.session.scalars(select(Registration).where(Registration.id.in_(claimed))
                                                   .order_by(Registration.id)):
                if notify(REMINDER, registration.email, name=registration.name, about=registration,
                          registration_id=registration.id) is not None:
                    written += 1
        db.session.commit()
    return written


# --- the kinds -----------------------------------------------------------------------------------

def _when(values: dict) -> str:
    from .documents import when_text

    return when_text(datetime.fromisoformat(values["starts_at"]), datetime.fromisoformat(values["ends_at"]))


def _where(values: dict) -> str:
    return ", ".join(part for part in (values.get("venue"), values.get("address")) if part) or "—"


def _links(event: Event) -> dict:
    return {"event_url": absolute_url("events.public_detail", slug=event.slug),
            "program_url": absolute_url("events.program", slug=event.slug)}


def _registration_context(params):
    registration = db.session.get(Registration, params.get("registration_id") or 0)
    if registration is None:
        return None
    from .documents import when_text

    event = registration.event
    return {"registration": registration, "event": event, "when": when_text(event.starts_at, event.ends_at),
            **_links(event)}


def _change_context(params):
    context = _registration_context(params)
    before, after = params.get("before"), params.get("after")
    if context is None or not before or not after:
        return None
    time_change = place_change = None
    if any(before.get(field) != after.get(field) for field in TIME_FIELDS):
        time_change = (_when(before), _when(after))
    if any(before.get(field) != after.get(field) for field in PLACE_FIELDS):
        place_change = (_where(before), _where(after))
    return {**context, "time_change": time_change, "place_change": place_change}


register_kind(Kind(CHANGED, subject=lambda c: _l("Change of time or venue: %(event)s", event=c["event"].title),
                   template="event_changed", context=_change_context,
                   description=_l("Delegate: the event's time or venue has changed")))
register_kind(Kind(REMINDER, subject=lambda c: _l("Reminder: %(event)s, %(when)s", event=c["event"].title,
                                                  when=c["when"]),
                   template="event_reminder", context=_registration_context,
                   description=_l("Delegate: reminder before the event (with the programme)")))
