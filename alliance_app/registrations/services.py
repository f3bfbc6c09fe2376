"""Registration services: who may register whom, the delegate's details,
registering, changing, cancelling, confirming and checking in, quotas and the
live counts. Seats are taken and released in seats.py (conditional UPDATEs,
so concurrent registrations never pass a limit). They flush, never commit."""
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..events.models import Event, EventSession, EventStatus, RegistrationState
from ..extensions import db
from ..finance import fees
from ..members.models import Organization
from ..core.throttle import Throttle
from ..core.validation import Problems, email_value, enum_value, int_value, line, mobile_value
from . import answers as event_answers
from . import question_services
from .messages import DELEGATE_KINDS, tell_delegate, tell_representative
from .models import (ACTIVE, SEATED, DelegateCategory, EventQuota, Registration, RegistrationSession,
                     RegistrationStatus)
from .seats import _place, _release, _release_seat, _try_take_seat, promote_waitlisted, take_session_seat

S = RegistrationStatus
DELEGATE_FIELDS = ("name", "position", "mobile", "email", "category", "session_ids")


def _raise(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


# --- rules ---------------------------------------------------------------------------------------

def check_can_register(event: Event, actor, organization_id: int | None) -> None:
    """Who may register whom, and when. The secretariat registers anyone at any
    time (not for a cancelled event); a member representative only its own
    organization's delegates, while registration is open."""
    if event.status == EventStatus.cancelled:
        raise ServiceError(_l("This event has been cancelled."), status=409)
    if actor.is_secretariat:
        return
    if not actor.can_self_serve:
        raise ServiceError(_l("Only member organizations register delegates here."), status=403)
    if organization_id is not None and organization_id != actor.organization_id:
        raise ServiceError(_l("You can register delegates of your own organization only."), status=403)
    if event.status != EventStatus.published:
        raise ServiceError(_l("This event is not open for registration."), status=404)
    state = event.registration_state()
    if state == RegistrationState.not_open:
        raise ServiceError(_l("Registration has not opened yet."), status=409)
    if state == RegistrationState.closed:
        raise ServiceError(_l("Registration has closed."), status=409)


def check_can_change(registration: Registration, actor) -> None:
    """Members edit or cancel their delegates until registration closes."""
    if not registration.can_view(actor):
        raise ServiceError(_l("This registration belongs to another organization."), status=403)
    if actor.is_secretariat:
        return
    if registration.event.registration_state() == RegistrationState.closed:
        raise ServiceError(_l("Registration has closed; please contact the secretariat for changes."), status=409)


def clean_delegate(event: Event, data: Mapping[str, Any], *, partial: bool = False,
                   prefix: str = "") -> tuple[dict, Problems]:
    problems = Problems()
    for field in data:
        if field not in DELEGATE_FIELDS:
            problems.add(prefix + field, _l("Unknown field."))
    present = set(data) & set(DELEGATE_FIELDS) if partial else set(DELEGATE_FIELDS)
    out: dict[str, Any] = {}
    if "name" in present:
        out["name"] = line(problems, prefix + "name", data.get("name"), 100, required=True)
    if "position" in present:
        out["position"] = line(problems, prefix + "position", data.get("position"), 100)
    if "mobile" in present:
        mobile = line(problems, prefix + "mobile", data.get("mobile"), 30, required=True)
        out["mobile"] = mobile_value(problems, prefix + "mobile", mobile) if mobile else None
    if "email" in present:
        email = line(problems, prefix + "email", data.get("email"), 254)
        out["email"] = email_value(problems, prefix + "email", email) if email else None
    if "category" in present:
        out["category"] = enum_value(problems, prefix + "category", DelegateCategory, data.get("category"))
    if "session_ids" in present:
        wanted = data.get("session_ids") or []
        if not isinstance(wanted, (list, tuple)):
            problems.add(prefix + "session_ids", _l("Expected a list of session ids."))
            wanted = []
        # Only when sessions are asked for: most delegates choose none.
        known = {s.id for s in event.sessions} if wanted else set()
        ids = []
        for value in wanted:
            number = int_value(problems, prefix + "session_ids", value, minimum=1, maximum=2**31 - 1)
            if number is not None and number not in known:
                problems.add(prefix + "session_ids", _l("Session %(id)s does not belong to this event.", id=number))
            elif number is not None:
                ids.append(number)
        out["session_ids"] = sorted(set(ids))
    return out, problems


# Built once: asked for every delegate registered.
_SAME_MOBILE = select(Registration).where(
    Registration.event_id == bindparam("event_id"), Registration.mobile == bindparam("mobile"),
    Registration.status != S.cancelled, Registration.id != bindparam("exclude_id")).limit(1)


def _duplicate(event: Event, mobile: str, exclude_id: int | None = None) -> Registration | None:
    return db.session.scalar(_SAME_MOBILE, {"event_id": event.id, "mobile": mobile, "exclude_id": exclude_id or 0})


# Whether a number is registered by another organization is all a member may learn, and
# only so often: the named answer is for those who may see the registration.
DUPLICATE_LOOKUPS = Throttle("duplicate_mobile", "DUPLICATE_LOOKUP_LIMIT", "DUPLICATE_LOOKUP_WINDOW_S")


def _lookup_key(actor) -> str:
    # A guest without an account (registrations/invitations.py) is counted per address.
    return getattr(actor, "throttle_key", None) or f"user:{actor.id}"


def _check_lookups(actor) -> None:
    if not actor.is_secretariat and DUPLICATE_LOOKUPS.exceeded(_lookup_key(actor)):
        raise ServiceError(_l("Too many of the numbers entered in the last hour are registered already by other "
                              "organizations. Please try again later or contact the secretariat."), status=429)


def _duplicate_message(existing: Registration, actor):
    if not existing.can_view(actor):
        DUPLICATE_LOOKUPS.hit(_lookup_key(actor))
        return _l("This mobile number is already registered for this event.")
    org = existing.organization.name if existing.organization else _l("no organization")
    return _l("This mobile number is registered already: %(name)s (%(organization)s), ticket %(code)s.",
              name=existing.name, organization=org, code=existing.ticket_code)


# --- registering ------------------------------------------------------------------------------------

def register(event: Event, data: Mapping[str, Any], actor, *, organization_id: int | None = None) -> Registration:
    return register_many(event, [data], actor, organization_id=organization_id)[0]


def register_many(event: Event, delegates: list[Mapping[str, Any]], actor, *,
                  organization_id: int | None = None) -> list[Registration]:
    """Several delegates in one go: every row is checked first and nothing is
    written unless all are valid; then each is confirmed, waitlisted or left
    pending in order."""
    if actor.is_member and organization_id is None:
        organization_id = actor.organization_id
    check_can_register(event, actor, organization_id)
    _check_lookups(actor)
    if organization_id is not None and db.session.get(Organization, organization_id) is None:
        raise ServiceError(_l("There is no organization with the id %(id)s.", id=organization_id),
                           field="organization_id")
    problems = Problems()
    duplicates = Problems()
    cleaned = []
    answered = []
    seen_mobiles: dict[str, int] = {}
    many = len(delegates) > 1
    event_questions = question_services.questions(event)
    for index, data in enumerate(delegates):
        prefix = f"delegates-{index}-" if many else ""
        data = dict(data)
        raw_answers = data.pop("answers", None)
        values, row_problems = clean_delegate(event, data, prefix=prefix)
        answer_values, answer_problems = event_answers.clean_answers(
            event_questions, values.get("category"), raw_answers, prefix=prefix)
        row_problems.update(answer_problems)
        answered.append(answer_values)
        problems.update(row_problems)
        mobile = values.get("mobile")
        if mobile and not row_problems.get(prefix + "mobile"):
            existing = _duplicate(event, mobile)
            if existing is not None:
                duplicates.add(prefix + "mobile", _duplicate_message(existing, actor))
            elif mobile in seen_mobiles:
                duplicates.add(prefix + "mobile", _l("The same mobile number is given twice in this form."))
            seen_mobiles[mobile] = index
        cleaned.append(values)
    if problems:
        for field, messages in duplicates.items():
            problems.setdefault(field, []).extend(messages)
        _raise(problems)
    _raise(duplicates, status=409)  # only duplicates: a conflict with existing data
    created = []
    for values, answer_values in zip(cleaned, answered):
        session_ids = values.pop("session_ids")
        registration = Registration(event=event, event_id=event.id, organization_id=organization_id,
                                    registered_by_id=getattr(actor, "id", None), **values)
        registration.sessions = [RegistrationSession(session_id=sid) for sid in session_ids]
        registration.answers = []  # known empty: the answer given back never loads them again
        if answer_values:
            event_answers.store_answers(registration, answer_values)
        # The seats first, so the row is written once with its final status (and its
        # bill beside it): one INSERT each and one audit statement for the flush.
        _place(registration, event, actor)
        fees.bill_registration(registration, actor)  # nothing unless confirmed and the category pays
        db.session.add(registration)
        try:
            db.session.flush()
        except IntegrityError:
            # Another request registered the same mobile number a moment ago: nothing of
            # this call stays (the seats taken above are given back with it).
            db.session.rollback()
            existing = _duplicate(event, values["mobile"])
            raise ServiceError(_duplicate_message(existing, actor) if existing else _l("This mobile number is registered already."),
                               field="mobile", status=409)
        tell_delegate(registration, DELEGATE_KINDS[registration.status])
        created.append(registration)
    if actor.is_member:
        tell_representative(actor, created)
    db.session.flush()
    return created


def update_delegate(registration: Registration, data: Mapping[str, Any], actor) -> Registration:
    check_can_change(registration, actor)
    if registration.status == S.cancelled:
        raise ServiceError(_l("A cancelled registration cannot be changed."), status=409)
    data = dict(data)
    raw_answers = data.pop("answers", None)
    values, problems = clean_delegate(registration.event, data, partial=True)
    answer_values = {}
    if raw_answers is not None:
        answer_values, answer_problems = event_answers.clean_answers(
            question_services.questions(registration.event), values.get("category") or registration.category,
            raw_answers, partial=True)
        problems.update(answer_problems)
    if values.get("mobile") and not problems.get("mobile"):
        _check_lookups(actor)
        existing = _duplicate(registration.event, values["mobile"], exclude_id=registration.id)
        if existing is not None:
            problems.add("mobile", _duplicate_message(existing, actor))
    _raise(problems)
    new_sessions = values.pop("session_ids", None)
    recategorized = "category" in values and values["category"] != registration.category
    for field, value in values.items():
        setattr(registration, field, value)
    if recategorized:
        fees.recategorized(registration, actor)
    if answer_values:
        event_answers.store_answers(registration, answer_values)
    if new_sessions is not None and new_sessions != registration.session_ids:
        _move_sessions(registration, new_sessions)
    db.session.flush()
    return registration


def _move_sessions(registration: Registration, session_ids: list[int]) -> None:
    """Change the sessions attended; a seated delegate keeps the seat only if
    every new session has room, otherwise the change is refused."""
    if registration.holds_seat:
        for session_id in set(registration.session_ids) - set(session_ids):
            _release(EventSession, EventSession.id == session_id)
        for session_id in set(session_ids) - set(registration.session_ids):
            if not take_session_seat(session_id):
                session = db.session.get(EventSession, session_id)
                raise ServiceError(_l("The session %(title)s is full.", title=session.title), field="session_ids",
                                   status=409)
    registration.sessions = [RegistrationSession(session_id=sid) for sid in session_ids]


def cancel(registration: Registration, actor) -> Registration | None:
    """Cancel; a freed seat goes to the first waitlisted registration that fits
    (returned)."""
    check_can_change(registration, actor)
    if registration.status == S.cancelled:
        return None
    if registration.status == S.checked_in:
        raise ServiceError(_l("A delegate who has checked in cannot be cancelled."), status=409)
    had_seat = registration.holds_seat
    registration.status = S.cancelled
    record(db.session, "registration_cancelled", registration, actor=actor)
    fees.cancel_unpaid(registration)
    tell_delegate(registration, DELEGATE_KINDS[S.cancelled])
    db.session.flush()
    if had_seat:
        _release_seat(registration)
        return promote_waitlisted(registration.event, actor)
    return None


def confirm(registration: Registration, actor) -> Registration:
    """The secretariat confirms a pending (or waitlisted) registration if there is room."""
    if registration.status not in (S.pending, S.waitlisted):
        raise ServiceError(_l("Only pending or waitlisted registrations can be confirmed."), status=409)
    if not _try_take_seat(registration):
        raise ServiceError(_l("There is no room left: the event, a session or the organization's quota is full."),
                           status=409)
    registration.status = S.confirmed
    record(db.session, "registration_confirmed", registration, actor=actor)
    fees.bill_registration(registration, actor)
    tell_delegate(registration, DELEGATE_KINDS[S.confirmed])
    db.session.flush()
    return registration


def check_in(registration: Registration, actor) -> bool:
    """Check a confirmed delegate in; True when this call did it, False when it
    had been done before (harmless)."""
    if registration.status == S.checked_in:
        return False
    if registration.status == S.cancelled and registration.id is not None:
        # A substitute's predecessor (registrations/substitutes.py): the old ticket says who replaced it.
        substitute = db.session.scalar(select(Registration).where(Registration.replaces_id == registration.id))
        if substitute is not None:
            raise ServiceError(_l("This ticket is no longer valid: %(old)s was replaced by %(new)s, who has a "
                                  "ticket of their own.", old=registration.name, new=substitute.name), status=409)
    if registration.status != S.confirmed:
        raise ServiceError(_l("Only confirmed delegates can check in (this one is %(status)s).",
                              status=status_label(registration.status)), status=409)
    # Conditional, so two desks scanning the same badge record one check-in.
    result = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status == S.confirmed)
        .values(status=S.checked_in, checked_in_at=utcnow(), checked_in_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False))
    db.session.refresh(registration)
    if result.rowcount == 1:
        record(db.session, "checked_in", registration, actor=actor)
        return True
    return False


def set_quota(event: Event, organization_id: int, quota: int | None, actor=None) -> EventQuota | None:
    existing = db.session.scalar(select(EventQuota).where(EventQuota.event_id == event.id,
                                                          EventQuota.organization_id == organization_id))
    if quota is None:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    taken = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.organization_id == organization_id,
        Registration.status.in_(SEATED)))
    if quota < taken:
        raise ServiceError(_l("%(n)d delegates of this organization are confirmed already.", n=taken),
                           field="quota", status=409)
    if existing is None:
        existing = EventQuota(event_id=event.id, organization_id=organization_id, quota=quota, seats_taken=taken)
        db.session.add(existing)
    else:
        existing.quota, existing.seats_taken = quota, taken
    db.session.flush()
    return existing


def by_ticket(code: str) -> Registration | None:
    if not code or len(code) > 24:
        return None
    return db.session.scalar(select(Registration).where(Registration.ticket_code == code))


def status_label(status: RegistrationStatus) -> str:
    from .labels import STATUS_LABELS

    return str(STATUS_LABELS[status])


def counts(event: Event) -> dict:
    """Live figures for the desk and the secretariat: by status, category and organization."""
    by_status = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id)
        .group_by(Registration.status)).all())
    active = Registration.status.in_(ACTIVE)
    checked_in = func.sum(case((Registration.status == S.checked_in, 1), else_=0))
    by_category = db.session.execute(
        select(Registration.category, func.count(), checked_in)
        .where(Registration.event_id == event.id, active).group_by(Registration.category)
        .order_by(func.count().desc())).all()
    by_organization = db.session.execute(
        select(Organization.name, func.count(), checked_in)
        .select_from(Registration).outerjoin(Organization, Registration.organization_id == Organization.id)
        .where(Registration.event_id == event.id, active).group_by(Organization.name)
        .order_by(func.count().desc())).all()
    total = sum(n for status, n in by_status.items() if status != S.cancelled)
    return {
        "registered": total,
        "confirmed": by_status.get(S.confirmed, 0) + by_status.get(S.checked_in, 0),
        "pending": by_status.get(S.pending, 0),
        "waitlisted": by_status.get(S.waitlisted, 0),
        "checked_in": by_status.get(S.checked_in, 0),
        "cancelled": by_status.get(S.cancelled, 0),
        "capacity": event.capacity,
        "by_category": [(category, n, checked or 0) for category, n, checked in by_category],
        "by_organization": [(name, n, checked or 0) for name, n, checked in by_organization],
    }
