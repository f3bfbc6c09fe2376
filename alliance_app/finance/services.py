"""Finance services: dues rates, bills, payments with their allocations and
receipt numbers, refunds and invoice details. Balances, arrears, totals and
the dues reminders are in balances.py. They flush, never commit."""
from datetime import date
from typing import Any, Mapping

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.money import AmountError, from_fen, parse_amount, to_fen
from ..core.timeutil import to_local
from ..core.validation import Problems, date_value, enum_value, int_value, line
from ..extensions import db
from ..members.models import MembershipStatus, Organization, Tier
from ..members.validation import clean_uscc
from ..registrations.models import Registration
from .models import (Allocation, Bill, BillKind, BillStatus, DuesRate, InvoiceDetails, InvoiceKind, Payment,
                     PaymentMethod, ReceiptCounter, Refund)

OPEN = (BillStatus.open, BillStatus.partly_paid)
MAX_ALLOCATIONS = 200


def _raise(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


def today() -> date:
    return to_local(utcnow()).date()


def _amount(problems: Problems, field: str, value: Any, *, positive: bool = False) -> int | None:
    """An amount as typed in China (5万, 1.2万元, full width) → fen; the reason at the field."""
    try:
        fen = to_fen(parse_amount(value))
    except AmountError as exc:
        problems.add(field, exc.message)
        return None
    if positive and fen <= 0:
        problems.add(field, _l("The amount must be above zero."))
        return None
    return fen


def _year(problems: Problems, value: Any, field: str = "year") -> int | None:
    if value in (None, ""):
        problems.add(field, _l("This field is required."))
        return None
    return int_value(problems, field, value, minimum=2000, maximum=2100)


def _required_date(problems: Problems, field: str, value: Any) -> date | None:
    found = date_value(problems, field, value)
    if found is None and field not in problems:
        problems.add(field, _l("This field is required."))
    return found


# --- dues rates and bills ------------------------------------------------------------------------

def set_dues_rate(year: Any, tier: Any, amount: Any) -> DuesRate:
    problems = Problems()
    year = _year(problems, year)
    tier = enum_value(problems, "tier", Tier, tier)
    fen = _amount(problems, "amount", amount)
    _raise(problems)
    rate = db.session.scalar(select(DuesRate).where(DuesRate.year == year, DuesRate.tier == tier))
    if rate is None:
        rate = DuesRate(year=year, tier=tier, amount_fen=fen)
        db.session.add(rate)
    rate.amount_fen = fen
    db.session.flush()
    return rate


def dues_rates(year: int) -> dict[Tier, DuesRate]:
    return {rate.tier: rate for rate in db.session.scalars(select(DuesRate).where(DuesRate.year == year))}


def dues_title(year: int) -> str:
    # Stored in Chinese, whoever creates it: it is printed on Chinese notices and receipts.
    return f"{year}年度会费"


def generate_dues_bills(year: Any, due_on: Any, actor=None, *, notify_members: bool = True) -> list[Bill]:
    """One dues bill per active member with a tier whose year has a rate; members
    billed already are left alone (running it twice bills nobody twice)."""
    problems = Problems()
    year = _year(problems, year)
    due_on = _required_date(problems, "due_on", due_on)
    _raise(problems)
    rates = dues_rates(year)
    if not rates:
        raise ServiceError(_l("Set the dues of each tier for %(year)d first.", year=year), field="year")
    billed = select(Bill.organization_id).where(Bill.kind == BillKind.dues, Bill.year == year)
    members = db.session.scalars(select(Organization).where(
        Organization.membership_status == MembershipStatus.active, Organization.tier.in_(list(rates)),
        Organization.id.not_in(billed)).order_by(Organization.id)).all()
    bills = [Bill(kind=BillKind.dues, organization=org, year=year, tier=org.tier, title=dues_title(year),
                  amount_fen=rates[org.tier].amount_fen, paid_fen=0, due_on=due_on, status=BillStatus.open)
             for org in members if rates[org.tier].amount_fen > 0]
    db.session.add_all(bills)
    db.session.flush()
    if notify_members:
        from .messages import tell_bill

        for bill in bills:
            tell_bill(bill)
    return bills


def create_bill(data: Mapping[str, Any], actor=None) -> Bill:
    """A bill by hand (the API's POST /bills): dues or an event fee."""
    problems = Problems()
    kind = enum_value(problems, "kind", BillKind, data.get("kind"))
    year = _year(problems, data.get("year"))
    fen = _amount(problems, "amount", data.get("amount"))
    due_on = _required_date(problems, "due_on", data.get("due_on"))
    org = registration = None
    if data.get("organization_id") not in (None, ""):
        org_id = int_value(problems, "organization_id", data.get("organization_id"), minimum=1, maximum=2**31 - 1)
        org = db.session.get(Organization, org_id) if org_id else None
        if org_id and org is None:
            problems.add("organization_id", _l("No such organization."))
    if data.get("registration_id") not in (None, ""):
        reg_id = int_value(problems, "registration_id", data.get("registration_id"), minimum=1, maximum=2**31 - 1)
        registration = db.session.get(Registration, reg_id) if reg_id else None
        if reg_id and registration is None:
            problems.add("registration_id", _l("No such registration."))
    if kind == BillKind.dues and org is None and "organization_id" not in problems:
        problems.add("organization_id", _l("A dues bill is for a member organization."))
    if kind == BillKind.event_fee and org is None and registration is None and not problems:
        problems.add("registration_id", _l("An event fee is billed to a delegate or to an organization."))
    _raise(problems)
    if registration is not None and org is None:
        org = registration.organization
    if kind == BillKind.dues and db.session.scalar(select(Bill.id).where(
            Bill.kind == BillKind.dues, Bill.organization_id == org.id, Bill.year == year)):
        raise ServiceError(_l("%(org)s has a dues bill for %(year)d already.", org=org.name, year=year),
                           field="year", status=409)
    if kind == BillKind.event_fee and registration is not None and db.session.scalar(select(Bill.id).where(
            Bill.kind == BillKind.event_fee, Bill.registration_id == registration.id,
            Bill.status != BillStatus.cancelled)):
        raise ServiceError(_l("%(name)s has a bill for this event already.", name=registration.name),
                           field="registration_id", status=409)
    title = dues_title(year) if kind == BillKind.dues else (
        f"会务费：{registration.event.title}" if registration else f"{year}年度会务费")
    bill = Bill(kind=kind, organization=org, registration=registration, year=year, amount_fen=fen, paid_fen=0,
                due_on=due_on, status=BillStatus.open, title=title[:200],
                event_id=registration.event_id if registration else None,
                tier=org.tier if org is not None and kind == BillKind.dues else None)
    db.session.add(bill)
    db.session.flush()
    return bill


def cancel_bill(bill: Bill, reason: Any, actor=None) -> Bill:
    problems = Problems()
    reason = line(problems, "reason", reason, 500, required=True)
    _raise(problems)
    if bill.paid_fen:
        raise ServiceError(_l("A bill with payments cannot be cancelled; refund the payment first."), status=409)
    if bill.status == BillStatus.cancelled:
        raise ServiceError(_l("This bill is cancelled already."), status=409)
    bill.status = BillStatus.cancelled
    bill.cancel_reason = reason
    db.session.flush()
    return bill


# --- payments ----------------------------------------------------------------------------------------

def next_receipt_number(year: int) -> tuple[int, str]:
    """As agreements are numbered: a counter row raised with UPDATE ... RETURNING in
    this transaction (row-locked until commit), so numbers have no gaps and no twins."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ReceiptCounter)
    db.session.execute(insert.values(year=year, last_seq=0).on_conflict_do_nothing(index_elements=["year"]))
    seq = db.session.execute(update(ReceiptCounter).where(ReceiptCounter.year == year)
                             .values(last_seq=ReceiptCounter.last_seq + 1)
                             .returning(ReceiptCounter.last_seq)).scalar_one()
    template = current_app.config["RECEIPT_NUMBER_FORMAT"]
    return seq, template.format(prefix=current_app.config["RECEIPT_NUMBER_PREFIX"], year=year, seq=seq)


def _allocations(problems: Problems, raw: Any) -> list[tuple[Bill, int]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, (list, tuple)):
        problems.add("allocations", _l("Expected a list of allocations."))
        return []
    if len(raw) > MAX_ALLOCATIONS:
        problems.add("allocations", _l("At most %(n)d bills per payment.", n=MAX_ALLOCATIONS))
        return []
    wanted = []
    for i, item in enumerate(raw):
        field = f"allocations-{i}"
        if not isinstance(item, Mapping):
            problems.add(field, _l("Expected a bill and an amount."))
            continue
        bill_id = int_value(problems, f"{field}-bill_id", item.get("bill_id"), minimum=1, maximum=2**31 - 1)
        if bill_id is None and f"{field}-bill_id" not in problems:
            problems.add(f"{field}-bill_id", _l("This field is required."))
        fen = _amount(problems, f"{field}-amount", item.get("amount"), positive=True)
        wanted.append((i, bill_id, fen))
    ids = [bill_id for _i, bill_id, _f in wanted if bill_id]
    bills = {b.id: b for b in db.session.scalars(select(Bill).where(Bill.id.in_(ids)))} if ids else {}
    seen, found = set(), []
    for i, bill_id, fen in wanted:
        field = f"allocations-{i}"
        if not bill_id or fen is None:
            continue
        bill = bills.get(bill_id)
        if bill is None:
            problems.add(f"{field}-bill_id", _l("No such bill."))
        elif bill_id in seen:
            problems.add(f"{field}-bill_id", _l("This bill is named twice; give it one allocation."))
        elif bill.status == BillStatus.cancelled:
            problems.add(f"{field}-bill_id", _l("This bill is cancelled: nothing can be paid on it."))
        elif fen > bill.open_fen:
            problems.add(f"{field}-amount", _l("More than the bill's open amount (%(open)s).",
                                               open=f"{bill.open_amount:,.2f}"))
        else:
            found.append((bill, fen))
        seen.add(bill_id)
    return found


def _apply(payment: Payment, bill: Bill, fen: int, field: str) -> None:
    """Raise the bill's paid amount only while it stays within the amount and the bill
    is not cancelled: checked by the UPDATE itself, so two payments recorded at once
    cannot overpay a bill."""
    new_paid = Bill.paid_fen + fen
    done = db.session.execute(
        update(Bill).where(Bill.id == bill.id, Bill.status != BillStatus.cancelled, new_paid <= Bill.amount_fen)
        .values(paid_fen=new_paid, status=case((new_paid == Bill.amount_fen, BillStatus.paid.value),
                                               else_=BillStatus.partly_paid.value))
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_l("This bill has been paid or cancelled meanwhile; reload and try again."),
                           field=f"{field}-amount", status=409)
    db.session.add(Allocation(payment=payment, bill_id=bill.id, amount_fen=fen))
    db.session.expire(bill, ["paid_fen", "status"])


def record_payment(data: Mapping[str, Any], actor=None) -> Payment:
    """Money received, allocated to one or several bills. The allocations add up to
    the amount, unless `overpayment` says the rest stays as the payer's credit (to
    be refunded or allocated later)."""
    problems = Problems()
    fen = _amount(problems, "amount", data.get("amount"), positive=True)
    method = enum_value(problems, "method", PaymentMethod, data.get("method") or PaymentMethod.bank_transfer)
    paid_on = _required_date(problems, "paid_on", data.get("paid_on"))
    if paid_on and paid_on > today():
        problems.add("paid_on", _l("A payment cannot be dated in the future."))
    payer = line(problems, "payer", data.get("payer"), 200, required=True)
    reference = line(problems, "reference", data.get("reference"), 100)
    notes = line(problems, "notes", data.get("notes"), 1000)
    allocations = _allocations(problems, data.get("allocations"))
    overpayment = bool(data.get("overpayment"))
    org = None
    if data.get("organization_id") not in (None, ""):
        org_id = int_value(problems, "organization_id", data.get("organization_id"), minimum=1, maximum=2**31 - 1)
        org = db.session.get(Organization, org_id) if org_id else None
        if org_id and org is None:
            problems.add("organization_id", _l("No such organization."))
    if fen is not None and not problems:
        allocated = sum(f for _b, f in allocations)
        if allocated > fen:
            problems.add("allocations", _l("The allocations add up to %(sum)s, more than the payment of %(amount)s.",
                                           sum=f"{from_fen(allocated):,.2f}", amount=f"{from_fen(fen):,.2f}"))
        elif allocated < fen and not overpayment:
            problems.add("allocations", _l("The allocations add up to %(sum)s, not the payment's %(amount)s; "
                                           "allocate the rest or record it as an overpayment.",
                                           sum=f"{from_fen(allocated):,.2f}", amount=f"{from_fen(fen):,.2f}"))
    _raise(problems)
    if org is None:
        owners = {bill.organization_id for bill, _f in allocations}
        org = db.session.get(Organization, owners.pop()) if len(owners) == 1 and None not in owners else None
    year = today().year
    seq, number = next_receipt_number(year)
    payment = Payment(organization=org, amount_fen=fen, allocated_fen=sum(f for _b, f in allocations),
                      refunded_fen=0, method=method, paid_on=paid_on, payer=payer, reference=reference, notes=notes,
                      receipt_year=year, receipt_seq=seq, receipt_number=number,
                      recorded_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    for i, (bill, bill_fen) in enumerate(allocations):
        _apply(payment, bill, bill_fen, f"allocations-{i}")
    db.session.flush()
    return payment


def refund(payment: Payment, data: Mapping[str, Any], actor=None) -> Refund:
    """Pay back part of what a payment left unallocated (an overpayment)."""
    problems = Problems()
    fen = _amount(problems, "amount", data.get("amount"), positive=True)
    refunded_on = _required_date(problems, "refunded_on", data.get("refunded_on") or today())
    reason = line(problems, "reason", data.get("reason"), 500, required=True)
    _raise(problems)
    done = db.session.execute(
        update(Payment).where(Payment.id == payment.id,
                              Payment.allocated_fen + Payment.refunded_fen + fen <= Payment.amount_fen)
        .values(refunded_fen=Payment.refunded_fen + fen).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_l("Only the unallocated part of a payment (%(credit)s) can be refunded.",
                              credit=f"{from_fen(payment.credit_fen):,.2f}"), field="amount")
    entry = Refund(payment=payment, amount_fen=fen, refunded_on=refunded_on, reason=reason,
                   actor_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    db.session.expire(payment, ["refunded_fen"])
    return entry


# --- invoice details ---------------------------------------------------------------------------------

SPECIAL_FIELDS = ("address", "phone", "bank", "account")


def set_invoice_details(org: Organization, data: Mapping[str, Any], actor=None) -> InvoiceDetails:
    problems = Problems()
    title = line(problems, "title", data.get("title"), 200, required=True)
    found = Problems()
    tax_id = clean_uscc(found, data.get("tax_id"))
    for message in found.get("uscc", []):
        problems.add("tax_id", message)
    if tax_id is None and "tax_id" not in problems:
        problems.add("tax_id", _l("This field is required."))
    kind = enum_value(problems, "kind", InvoiceKind, data.get("kind") or InvoiceKind.ordinary)
    limits = {"address": 300, "phone": 50, "bank": 200, "account": 50}
    extra = {name: line(problems, name, data.get(name), limits[name]) for name in SPECIAL_FIELDS}
    email = line(problems, "email", data.get("email"), 254)
    if email:
        from ..core.validation import email_value
        email = email_value(problems, "email", email)
    if kind == InvoiceKind.special:
        for name in SPECIAL_FIELDS:
            if not extra[name] and name not in problems:
                problems.add(name, _l("A 专票 (special VAT invoice) needs this too."))
    _raise(problems)
    details = db.session.scalar(select(InvoiceDetails).where(InvoiceDetails.organization_id == org.id))
    if details is None:
        details = InvoiceDetails(organization=org)
        db.session.add(details)
    details.title, details.tax_id, details.kind, details.email = title, tax_id, kind, email
    for name in SPECIAL_FIELDS:
        setattr(details, name, extra[name])
    db.session.flush()
    return details


def invoice_details(org: Organization) -> InvoiceDetails | None:
    return db.session.scalar(select(InvoiceDetails).where(InvoiceDetails.organization_id == org.id))
