"""What delegates and member representatives are told about registrations."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.urls import absolute_url
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Attachment, Kind, register_kind
from .models import Registration, RegistrationStatus as S

# The delegate's message for each status a registration can land in.
DELEGATE_KINDS = {
    S.confirmed: "registration_confirmed",
    S.waitlisted: "registration_waitlisted",
    S.pending: "registration_pending",
    S.cancelled: "registration_cancelled",
}
PROMOTED = "registration_promoted"
BATCH = "registration_batch"
WITH_TICKET = {"registration_confirmed", PROMOTED}


def tell_delegate(registration: Registration, kind: str) -> None:
    """Queue the delegate's message (nothing when the delegate gave no email)."""
    notify(kind, registration.email, name=registration.name, about=registration,
           registration_id=registration.id)


def tell_representative(user, registrations: list[Registration]) -> None:
    """One summary of a batch a member representative registered."""
    if registrations:
        notify(BATCH, user.email, name=user.name or user.email, locale=user.locale, about=registrations[0].event,
               registration_ids=[r.id for r in registrations])


def _registration(params):
    registration = db.session.get(Registration, params.get("registration_id") or 0)
    if registration is None:
        return None
    from ..events.documents import when_text

    from . import answers, question_services

    event = registration.event
    # What the delegate answered, so a mistake is noticed (an ID number masked).
    answered = answers.display_rows(question_services.questions(event), registration)
    return {"registration": registration, "event": event, "when": when_text(event.starts_at, event.ends_at),
            "answers": answered,
            "event_url": absolute_url("events.public_detail", slug=registration.event.slug),
            "program_url": absolute_url("events.program", slug=registration.event.slug), **_fee(registration)}


def _fee(registration: Registration) -> dict:
    """The conference fee: the delegate's bill once confirmed, else what the category
    would pay (None when free)."""
    from ..finance import fees

    bill = fees.active_bill(registration)
    if bill is not None:
        return {"fee_bill": bill, "fee_amount": bill.amount}
    quote = fees.quote_for(registration)
    return {"fee_bill": None, "fee_amount": None if quote.is_free else quote.amount}


def _batch(params):
    rows = db.session.scalars(select(Registration).where(Registration.id.in_(params.get("registration_ids") or []))
                              .options(selectinload(Registration.event)).order_by(Registration.id)).all()
    if not rows:
        return None
    from .labels import STATUS_LABELS

    return {"registrations": rows, "event": rows[0].event, "statuses": STATUS_LABELS,
            "mine_url": absolute_url("registrations.mine")}


def _ticket(context):
    from .documents import ticket_pdf

    registration = context["registration"]
    if registration.status not in (S.confirmed, S.checked_in):
        return []  # confirmed once, cancelled since: no ticket travels
    found = [Attachment(f"ticket-{registration.ticket_code}.pdf", ticket_pdf(registration), "application/pdf")]
    bill = context.get("fee_bill")
    if bill is not None and bill.open_fen:
        from ..finance.documents import payment_notice_pdf

        found.append(Attachment(f"payment-notice-{bill.year}-{bill.id}.pdf", payment_notice_pdf(bill),
                                "application/pdf"))
    return found


SUBJECTS = {
    "registration_confirmed": _l("Registration confirmed: %(event)s"),
    "registration_waitlisted": _l("On the waiting list: %(event)s"),
    "registration_pending": _l("Registration received, awaiting confirmation: %(event)s"),
    "registration_cancelled": _l("Registration cancelled: %(event)s"),
    PROMOTED: _l("A seat for you: %(event)s"),
}
DESCRIPTIONS = {
    "registration_confirmed": _l("Delegate: registration confirmed (with the ticket)"),
    "registration_waitlisted": _l("Delegate: on the waiting list"),
    "registration_pending": _l("Delegate: awaiting the secretariat's confirmation"),
    "registration_cancelled": _l("Delegate: registration cancelled"),
    PROMOTED: _l("Delegate: promoted from the waiting list (with the ticket)"),
}


for _name, _template in SUBJECTS.items():
    register_kind(Kind(_name, subject=lambda context, t=_template: str(t) % {"event": context["event"].title},
                       template="registration", context=_registration,
                       attachments=_ticket if _name in WITH_TICKET else (lambda context: []),
                       description=DESCRIPTIONS[_name]))

register_kind(Kind(BATCH, subject=lambda context: _l("Delegates registered for %(event)s", event=context["event"].title),
                   template="registration_batch", context=_batch,
                   description=_l("Member representative: summary of the delegates registered")))
