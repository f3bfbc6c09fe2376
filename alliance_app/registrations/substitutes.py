"""Substitutes (换人): a confirmed delegate replaced by another person of the
same organization before registration closes, without losing the seat.

The old registration is cancelled without releasing its seat (event, sessions,
quota) and the new one takes it over, confirmed at once with a new ticket; the
old ticket no longer checks in (services.check_in names the substitute). Both
registrations stay, linked by `replaces_id`, and the audit log records the
change."""
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..core.errors import ServiceError
from ..extensions import db
from . import answers as event_answers
from . import question_services
from . import services
from ..protocol.hall import hand_over_seats
from .messages import DELEGATE_KINDS, tell_delegate
from .models import Registration, RegistrationSession, RegistrationStatus

S = RegistrationStatus


def check_can_substitute(registration: Registration, actor) -> None:
    services.check_can_change(registration, actor)  # own organization, before closing (staff: any time)
    if registration.event.is_finished():
        raise ServiceError(_l("The event is over: its delegates can no longer be replaced."), status=409)
    if registration.status == S.checked_in:
        raise ServiceError(_l("A delegate who has checked in cannot be replaced."), status=409)
    if registration.status != S.confirmed:
        raise ServiceError(_l("Only a confirmed delegate can be replaced; edit or cancel this registration "
                              "instead."), status=409)


def replacement_of(registration: Registration) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.replaces_id == registration.id).limit(1))


def substitute(registration: Registration, data: Mapping[str, Any], actor) -> Registration:
    """The new delegate (confirmed, same organization and sessions unless others
    are asked for) in place of `registration`. Flushes; the caller commits."""
    check_can_substitute(registration, actor)
    event = registration.event
    data = dict(data)
    data.pop("organization_id", None)  # the seat stays with the organization
    raw_answers = data.pop("answers", None)
    if not data.get("category"):
        data["category"] = registration.category.value
    if data.get("session_ids") is None:
        data["session_ids"] = registration.session_ids
    values, problems = services.clean_delegate(event, data)
    answer_values, answer_problems = event_answers.clean_answers(
        question_services.questions(event), values.get("category"), raw_answers)
    problems.update(answer_problems)
    mobile = values.get("mobile")
    if mobile and not problems.get("mobile"):
        if mobile == registration.mobile:
            problems.add("mobile", _l("This is the mobile number of the delegate being replaced: "
                                      "the substitute is another person."))
        else:
            services._check_lookups(actor)
            existing = services._duplicate(event, mobile, exclude_id=registration.id)
            if existing is not None:
                problems.add("mobile", services._duplicate_message(existing, actor))
    if problems:
        raise ServiceError(errors=problems, status=422)

    session_ids = values.pop("session_ids")
    registration.status = S.cancelled  # keeps its seat: the substitute takes it over
    db.session.flush()
    new = Registration(event_id=event.id, organization_id=registration.organization_id,
                       registered_by_id=getattr(actor, "id", None), status=S.confirmed,
                       replaces_id=registration.id, **values)
    new.sessions = [RegistrationSession(session_id=sid) for sid in registration.session_ids]
    if answer_values:
        event_answers.store_answers(new, answer_values)
    db.session.add(new)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same number registered a moment ago by another request
        raise ServiceError(_l("This mobile number is registered already."), field="mobile", status=409)
    if session_ids != registration.session_ids:
        services._move_sessions(new, session_ids)
    hand_over_seats(registration, new)  # the hall seats too
    record(db.session, "registration_substituted", registration,
           {"replaced_by_id": new.id, "replaced_by": new.name}, actor=actor)
    tell_delegate(registration, DELEGATE_KINDS[S.cancelled])
    tell_delegate(new, DELEGATE_KINDS[S.confirmed])  # with the new ticket
    db.session.flush()
    return new
