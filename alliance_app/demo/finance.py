"""Demo money: this year's dues for every active member, some paid in full,
some partly, one overdue; the demo member's 发票 requested and issued with a
(placeholder) e-fapiao PDF, so /admin/messages shows it delivered; conference
fees for next year's meeting (the one open for registration), with an early-bird
rate, and its confirmed delegates billed."""
from datetime import timedelta

from reportlab.platypus import Paragraph
from sqlalchemy import func, select

from ..events.models import Event
from ..extensions import db
from ..finance import fees, invoices, services
from ..finance.models import Bill, BillKind, BillStatus
from ..members.models import Organization
from ..pdf.document import build_pdf, styles

RATES = {"chair": "5万", "vice_chair": "3万", "executive_director": "2万", "director": "1万", "member": "5000"}
MEMBER_ORG = "合肥国轩高科动力能源有限公司"


# Government guests, experts and media are not listed: they attend free.
FEES = [{"category": "enterprise", "amount_cny": "2800", "early_amount_cny": "2200", "early_until": "2027-03-31"},
        {"category": "university", "amount_cny": "1500", "early_amount_cny": "1200", "early_until": "2027-03-31"},
        {"category": "association", "amount_cny": "1500"},
        {"category": "other", "amount_cny": "0.28万"}]


def load_demo_fees(slug: str) -> list[str]:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or fees.event_fees(event):
        return ["Conference fees: already there."]
    fees.set_event_fees(event, FEES)
    bills = fees.bill_confirmed(event)
    return [f"Conference fees for {event.title}: {len(FEES)} categories, {len(bills)} delegates billed."]


def _placeholder_fapiao(number: str) -> bytes:
    s = styles()
    return build_pdf([Paragraph("电子发票（演示样张，非真实发票）", s["title"]), Paragraph(f"发票号码：{number}", s["body"])],
                     title=f"演示发票 {number}")


def load_demo_finance() -> list[str]:
    today = services.today()
    year = today.year
    if db.session.scalar(select(func.count()).select_from(Bill).where(Bill.kind == BillKind.dues, Bill.year == year)):
        return ["Dues: already there."]
    for tier, amount in RATES.items():
        services.set_dues_rate(year, tier, amount)
    bills = services.generate_dues_bills(year, today + timedelta(days=30), notify_members=False)
    if not bills:
        return ["Dues: no active members to bill."]
    member_org = db.session.scalar(select(Organization).where(Organization.name == MEMBER_ORG))
    bills.sort(key=lambda b: (b.organization_id != getattr(member_org, "id", None), b.id))
    paid_on = today - timedelta(days=3)
    full = bills[: max(1, len(bills) // 2)]
    partly = bills[len(full): len(full) + max(1, len(bills) // 5)]
    payments = []
    for bill in full:
        payments.append(services.record_payment({
            "amount": str(bill.amount), "paid_on": paid_on, "payer": bill.organization.name,
            "reference": f"DEMO{bill.id:05d}", "allocations": [{"bill_id": bill.id, "amount": str(bill.amount)}]}))
    for bill in partly:
        half = str(bill.amount / 2)
        services.record_payment({"amount": half, "paid_on": paid_on, "payer": bill.organization.name,
                                 "allocations": [{"bill_id": bill.id, "amount": half}]})
    unpaid = [b for b in bills if b.status == BillStatus.open]
    overdue = unpaid[-1] if unpaid else None
    if overdue is not None:  # issued earlier in the year, and not paid in time
        overdue.due_on = today - timedelta(days=45)
    lines = [f"Dues {year}: {len(bills)} bills, {len(full)} paid, {len(partly)} partly paid, "
             f"{1 if overdue else 0} overdue ({overdue.organization.name if overdue else '-'})."]
    if member_org is not None and payments and payments[0].organization_id == member_org.id:
        services.set_invoice_details(member_org, {"title": member_org.name, "tax_id": member_org.uscc,
                                                  "email": "caiwu@gotion.example"})
        request = invoices.request_invoice(payments[0])
        number = f"{year % 100}342000000000000001"
        invoices.issue_invoice(request, {"number": number, "issued_on": today}, _placeholder_fapiao(number))
        lines.append(f"发票 {number} issued to {member_org.name} and queued for delivery.")
    db.session.flush()
    return lines
