"""Conference fees (会务费): what each delegate category pays for an event, with an
early-bird amount until a date, and the delegate's bill. A confirmed delegate of a
category with a fee gets one bill (BillKind.event_fee), owed by the delegate's
organization; the payment, receipt and 发票 machinery then treats it like a dues
bill. Categories without a fee, or with a fee of 0 (government guests, media),
stay free: no bill. Registrations call in here when a seat is taken or given up.
Services flush, never commit."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import ServiceError
from ..core.money import from_fen, to_fen
from ..core.timeutil import to_local
from ..core.validation import Problems, date_value, enum_value
from ..extensions import db
from ..registrations.models import SEATED, DelegateCategory, Registration
from .models import Bill, BillKind, BillStatus, EventFee
from .services import _amount, today

# Stored in Chinese, as bill titles are: printed on Chinese notices and receipts.
CANCEL_REASON = "报名已取消"
RECATEGORIZED_REASON = "代表类别已变更，按新类别重新开具"


@dataclass(frozen=True)
class Quote:
    """The fee one category pays on a given day."""
    category: DelegateCategory
    amount: Decimal            # what applies on that day
    regular: Decimal
    early: Decimal | None
    early_until: date | None
    is_early: bool

    @property
    def is_free(self) -> bool:
        return self.amount == 0


def event_fees(event) -> dict[DelegateCategory, EventFee]:
    return {fee.category: fee for fee in db.session.scalars(
        select(EventFee).where(EventFee.event_id == event.id).order_by(EventFee.id))}


def _quote(fee: EventFee | None, category: DelegateCategory, day: date) -> Quote:
    if fee is None:
        return Quote(category, Decimal("0.00"), Decimal("0.00"), None, None, False)
    fen = fee.fen_on(day)
    is_early = fee.early_amount_fen is not None and fee.early_until is not None and day <= fee.early_until
    return Quote(category, from_fen(fen), from_fen(fee.amount_fen), from_fen(fee.early_amount_fen),
                 fee.early_until, is_early)


def quotes(event, day: date | None = None) -> list[Quote]:
    """The fee of every category with one on `day` (today by default), in the
    categories' order; empty when the event charges nothing."""
    day = day or today()
    fees = event_fees(event)
    return [_quote(fees[category], category, day) for category in DelegateCategory if category in fees]


def registration_day(registration: Registration) -> date:
    """The day the delegate registered, in the app's time zone (as every date shown)."""
    return to_local(registration.created_at).date() if registration.created_at else today()


def quote_for(registration: Registration) -> Quote:
    fee = db.session.scalar(select(EventFee).where(EventFee.event_id == registration.event_id,
                                                   EventFee.category == registration.category))
    return _quote(fee, registration.category, registration_day(registration))


# --- setting the fees --------------------------------------------------------------------------------

def _clean_row(problems: Problems, prefix: str, row: Mapping[str, Any], event) -> dict | None:
    category = enum_value(problems, prefix + "category", DelegateCategory, row.get("category"))
    amount = row.get("amount_cny")
    early = row.get("early_amount_cny")
    until_raw = row.get("early_until")
    if amount in (None, "") and early in (None, "") and until_raw in (None, ""):
        return {"category": category, "remove": True} if category else None
    fen = _amount(problems, prefix + "amount_cny", amount)
    early_fen = _amount(problems, prefix + "early_amount_cny", early) if early not in (None, "") else None
    until = date_value(problems, prefix + "early_until", until_raw) if until_raw not in (None, "") else None
    if early not in (None, "") and until_raw in (None, "") and prefix + "early_until" not in problems:
        problems.add(prefix + "early_until", _l("An early-bird amount needs the last day it applies."))
    if until_raw not in (None, "") and early in (None, "") and prefix + "early_amount_cny" not in problems:
        problems.add(prefix + "early_amount_cny", _l("Give the early-bird amount, or leave the date empty."))
    if fen is not None and early_fen is not None and early_fen > fen:
        problems.add(prefix + "early_amount_cny", _l("The early-bird amount is above the regular fee."))
    if until is not None and until > to_local(event.starts_at).date():
        problems.add(prefix + "early_until", _l("The early-bird rate must end by the first day of the event (%(day)s).",
                                                day=to_local(event.starts_at).date().isoformat()))
    return {"category": category, "amount_fen": fen, "early_amount_fen": early_fen, "early_until": until}


def set_event_fees(event, rows: Any, actor=None, *, replace: bool = True) -> dict[DelegateCategory, EventFee]:
    """Set the fees of the categories given (a row with no amount makes its category
    free); with `replace`, categories not given become free too. All rows are
    checked first: nothing is written unless all are valid. Bills already made keep
    their amounts; fees apply to delegates confirmed from now on."""
    problems = Problems()
    if not isinstance(rows, (list, tuple)):
        raise ServiceError(_l("Expected a list of fees."), field="fees")
    cleaned, seen = [], set()
    for i, row in enumerate(rows):
        prefix = f"fees-{i}-"
        if not isinstance(row, Mapping):
            problems.add(f"fees-{i}", _l("Expected a category and an amount."))
            continue
        values = _clean_row(problems, prefix, row, event)
        if values is None or values["category"] is None:
            continue
        if values["category"] in seen:
            problems.add(prefix + "category", _l("This category is given twice."))
        seen.add(values["category"])
        cleaned.append(values)
    if problems:
        raise ServiceError(errors=problems, status=422)
    fees = event_fees(event)
    given = {values["category"] for values in cleaned}
    for values in cleaned:
        fee = fees.get(values["category"])
        if values.get("remove"):
            if fee is not None:
                db.session.delete(fee)
            continue
        if fee is None:
            fee = EventFee(event_id=event.id, category=values["category"])
            db.session.add(fee)
        fee.amount_fen, fee.early_amount_fen, fee.early_until = (
            values["amount_fen"], values["early_amount_fen"], values["early_until"])
    if replace:
        for category, fee in fees.items():
            if category not in given:
                db.session.delete(fee)
    db.session.flush()
    return event_fees(event)


def copy_fees(source, target, shift) -> None:
    """`source`'s fees for `target` (a clone); the early-bird date moves with the event."""
    for fee in event_fees(source).values():
        db.session.add(EventFee(event_id=target.id, category=fee.category, amount_fen=fee.amount_fen,
                                early_amount_fen=fee.early_amount_fen,
                                early_until=fee.early_until + shift if fee.early_until else None))


# --- the delegate's bill -----------------------------------------------------------------------------

def active_bill(registration: Registration) -> Bill | None:
    return db.session.scalar(select(Bill).where(Bill.kind == BillKind.event_fee,
                                                Bill.registration_id == registration.id,
                                                Bill.status != BillStatus.cancelled).limit(1))


def bill_title(registration: Registration) -> str:
    return f"会务费：{registration.event.title}（{registration.name}）"[:200]


def bill_registration(registration: Registration, actor=None) -> Bill | None:
    """The confirmed delegate's bill, at the fee of the day of registration; None for
    a free category, or when the delegate has a bill already (never billed twice)."""
    if registration.status not in SEATED:
        return None
    # A registration not written yet (registering: billed before its one INSERT) has no bill.
    written = registration.id is not None
    if written and active_bill(registration) is not None:
        return None
    quote = quote_for(registration)
    if quote.is_free:
        return None
    event = registration.event
    due_on = max(to_local(event.starts_at).date(), today())
    bill = Bill(kind=BillKind.event_fee, organization_id=registration.organization_id, registration=registration,
                event_id=registration.event_id, year=to_local(event.starts_at).year, title=bill_title(registration),
                amount_fen=to_fen(quote.amount), paid_fen=0, due_on=due_on, status=BillStatus.open)
    if not written:
        db.session.add(bill)
        return bill
    try:
        with db.session.begin_nested():  # another request billed this delegate a moment ago: theirs stands
            db.session.add(bill)
    except IntegrityError:
        return None
    return bill


def bill_confirmed(event, actor=None) -> list[Bill]:
    """Bill every confirmed delegate who has no bill yet (after the fees were set or
    changed): those billed already, and free categories, are left alone."""
    billed = select(Bill.registration_id).where(Bill.kind == BillKind.event_fee, Bill.status != BillStatus.cancelled,
                                                Bill.registration_id.is_not(None))
    waiting = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(SEATED), Registration.id.not_in(billed))
        .order_by(Registration.id)).all()
    return [bill for bill in (bill_registration(r, actor) for r in waiting) if bill is not None]


def cancel_unpaid(registration: Registration, reason: str = CANCEL_REASON) -> Bill | None:
    """The registration is cancelled: so is its bill, while nothing has been paid on it.
    A bill with payments stays, for the secretariat to refund or keep."""
    bill = active_bill(registration)
    if bill is None or bill.paid_fen or bill.status != BillStatus.open:
        return None
    bill.status = BillStatus.cancelled
    bill.cancel_reason = reason
    db.session.flush()
    return bill


def recategorized(registration: Registration, actor=None) -> Bill | None:
    """The delegate's category changed: an unpaid bill is made again at the new
    category's fee (none for a free one); a bill with payments is left as it is."""
    if registration.status not in SEATED:
        return None
    bill = active_bill(registration)
    if bill is not None:
        if bill.paid_fen or bill.amount_fen == to_fen(quote_for(registration).amount):
            return bill
        cancel_unpaid(registration, RECATEGORIZED_REASON)
    return bill_registration(registration, actor)


def event_totals(event) -> dict:
    """The event's fee bills: how many, billed, received and outstanding, summed by the database."""
    from sqlalchemy import case, func

    live = Bill.status != BillStatus.cancelled
    bills, billed, paid = db.session.execute(
        select(func.count(case((live, Bill.id))), func.coalesce(func.sum(case((live, Bill.amount_fen), else_=0)), 0),
               func.coalesce(func.sum(Bill.paid_fen), 0))
        .where(Bill.kind == BillKind.event_fee, Bill.event_id == event.id)).one()
    return {"bills": bills, "billed": from_fen(billed), "received": from_fen(paid),
            "outstanding": from_fen(billed - paid)}


def bills_by_registration(registration_ids) -> dict[int, Bill]:
    """The live fee bill of each of these registrations, in one query (the members' list)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    return {bill.registration_id: bill for bill in db.session.scalars(select(Bill).where(
        Bill.kind == BillKind.event_fee, Bill.registration_id.in_(ids), Bill.status != BillStatus.cancelled))}
