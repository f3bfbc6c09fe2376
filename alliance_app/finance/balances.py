"""Balances, arrears and totals (one organization's balance and history,
overdue bills, suspension proposals, dues totals per tier), and the dues
reminders before and after the due date. Every total is a SUM in the
database; they flush, never commit."""
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.money import from_fen
from ..extensions import db
from ..members.models import MembershipStatus, Organization, Tier
from ..members.services import change_status
from .models import Bill, BillKind, BillStatus, Payment
from .services import OPEN, today

def _billed():
    return func.coalesce(func.sum(case((Bill.status != BillStatus.cancelled, Bill.amount_fen), else_=0)), 0)


def balance(org_id: int) -> dict:
    """Billed, paid, outstanding and credit of one organization, in two statements."""
    billed, paid = db.session.execute(select(_billed(), func.coalesce(func.sum(Bill.paid_fen), 0))
                                      .where(Bill.organization_id == org_id)).one()
    credit = db.session.scalar(select(func.coalesce(func.sum(
        Payment.amount_fen - Payment.allocated_fen - Payment.refunded_fen), 0)).where(Payment.organization_id == org_id))
    return {"billed": from_fen(billed), "paid": from_fen(paid), "outstanding": from_fen(billed - paid),
            "credit": from_fen(credit)}


def history(org_id: int) -> tuple[list[Bill], list[Payment]]:
    from sqlalchemy.orm import selectinload

    bills = db.session.scalars(select(Bill).where(Bill.organization_id == org_id)
                               .order_by(Bill.year.desc(), Bill.id.desc())).all()
    payments = db.session.scalars(select(Payment).where(Payment.organization_id == org_id)
                                  .options(selectinload(Payment.allocations))
                                  .order_by(Payment.paid_on.desc(), Payment.id.desc())).all()
    return bills, payments


def overdue(on: date | None = None, *, grace_days: int = 0, limit: int = 500):
    """Organizations with bills open past their due date (plus `grace_days`):
    (organization id, name, status, overdue amount in fen, bills, earliest due date)."""
    on = on or today()
    cutoff = on - timedelta(days=grace_days)
    return db.session.execute(
        select(Organization.id, Organization.name, Organization.membership_status,
               func.sum(Bill.amount_fen - Bill.paid_fen).label("owed"), func.count(Bill.id).label("bills"),
               func.min(Bill.due_on).label("since"))
        .join(Bill, Bill.organization_id == Organization.id)
        .where(Bill.status.in_(OPEN), Bill.due_on < cutoff)
        .group_by(Organization.id, Organization.name, Organization.membership_status)
        .order_by(func.sum(Bill.amount_fen - Bill.paid_fen).desc(), Organization.id).limit(limit)).all()


def suspension_proposals(on: date | None = None):
    """Active members still owing dues `DUES_SUSPENSION_GRACE_DAYS` after the due date:
    proposed to the secretariat, who decides."""
    grace = int(current_app.config["DUES_SUSPENSION_GRACE_DAYS"])
    return [row for row in overdue(on, grace_days=grace) if row.membership_status == MembershipStatus.active]


def suspend_for_arrears(org: Organization, actor, reason: str | None = None):
    """The secretariat's decision on a proposal: the status history records it."""
    owed = balance(org.id)["outstanding"]
    if owed <= 0:
        raise ServiceError(_l("%(org)s owes nothing.", org=org.name), status=409)
    text = reason or str(_l("Dues in arrears: %(amount)s outstanding", amount=f"{owed:,.2f}"))
    return change_status(org, MembershipStatus.suspended, text, actor)


def dues_totals(year: int) -> list[dict]:
    """Dues billed, received and outstanding per tier of one year, one GROUP BY."""
    rows = db.session.execute(
        select(Bill.tier, _billed().label("billed"), func.coalesce(func.sum(Bill.paid_fen), 0).label("paid"),
               func.count(Bill.id).label("bills"))
        .where(Bill.kind == BillKind.dues, Bill.year == year).group_by(Bill.tier)).all()
    order = {tier: rank for rank, tier in enumerate(Tier)}
    return [{"tier": row.tier, "bills": row.bills, "billed": from_fen(row.billed), "received": from_fen(row.paid),
             "outstanding": from_fen(row.billed - row.paid)}
            for row in sorted(rows, key=lambda r: order.get(r.tier, len(order)))]


# --- reminders ---------------------------------------------------------------------------------------

def send_reminders(on: date | None = None) -> int:
    """Before the due date (DUES_REMINDER_DAYS_BEFORE) and after it
    (DUES_REMINDER_DAYS_AFTER), once each, to the member's contacts."""
    from .messages import REMINDER_AFTER, REMINDER_BEFORE, tell_bill

    on = on or today()
    config = current_app.config
    before = on + timedelta(days=int(config["DUES_REMINDER_DAYS_BEFORE"]))
    after = on - timedelta(days=int(config["DUES_REMINDER_DAYS_AFTER"]))
    sent = 0
    now = utcnow()
    for bill in db.session.scalars(select(Bill).where(Bill.status.in_(OPEN), Bill.organization_id.is_not(None), and_(
            Bill.reminded_before_at.is_(None), Bill.due_on <= before, Bill.due_on >= on))):
        bill.reminded_before_at = now
        sent += tell_bill(bill, REMINDER_BEFORE)
    for bill in db.session.scalars(select(Bill).where(Bill.status.in_(OPEN), Bill.organization_id.is_not(None), and_(
            Bill.reminded_after_at.is_(None), Bill.due_on <= after))):
        bill.reminded_after_at = now
        sent += tell_bill(bill, REMINDER_AFTER)
    db.session.flush()
    return sent
