"""What members are told about money: a new bill with its payment notice
(缴费通知) attached, a reminder before and one after the due date, and a
issued 发票 with its file. Sent to every contact of the organization with an
email (the one who pays is often not the main contact). PDFs are built when the
message is sent, in the worker."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Attachment, Kind, register_kind
from .models import Bill, BillStatus, InvoiceRequest
from .storage import read_invoice_file

BILL = "dues_bill"
REMINDER_BEFORE = "dues_reminder_before"
REMINDER_AFTER = "dues_reminder_after"
INVOICE = "invoice_issued"


def contact_addresses(org) -> list[tuple[str, str]]:
    seen, found = set(), []
    for contact in org.contacts:
        email = (contact.email or "").strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            found.append((email, contact.name))
    return found


def tell_bill(bill: Bill, kind: str = BILL) -> int:
    if bill.organization is None:
        return 0
    addresses = contact_addresses(bill.organization)
    for email, name in addresses:
        notify(kind, email, name=name, about=bill, bill_id=bill.id)
    return len(addresses)


def tell_invoice(request: InvoiceRequest) -> None:
    notify(INVOICE, request.email, name=request.title, about=request.payment, invoice_request_id=request.id)


def _bill_context(params):
    bill = db.session.get(Bill, params.get("bill_id") or 0)
    if bill is None or bill.organization is None:
        return None
    return {"bill": bill, "organization": bill.organization, "still_open": bill.status in (
        BillStatus.open, BillStatus.partly_paid)}


def _notice(context):
    from .documents import payment_notice_pdf

    bill = context["bill"]
    if not context["still_open"]:
        return []  # paid or cancelled since: no notice to pay travels
    return [Attachment(f"payment-notice-{bill.year}-{bill.id}.pdf", payment_notice_pdf(bill), "application/pdf")]


def _invoice_context(params):
    request = db.session.get(InvoiceRequest, params.get("invoice_request_id") or 0)
    if request is None or request.stored_name is None:
        return None
    return {"request": request, "payment": request.payment}


def _invoice_file(context):
    request = context["request"]
    content = read_invoice_file(request)
    mimetype = "application/pdf" if request.file_name.lower().endswith(".pdf") else "application/ofd"
    return [Attachment(request.file_name, content, mimetype)] if content is not None else []


def _bill_kind(name, subject, description):
    def context(params):
        found = _bill_context(params)
        if found is not None:
            found["kind"] = name
        return found

    return register_kind(Kind(name, subject=subject, template="dues_bill", context=context, attachments=_notice,
                              description=description))


_bill_kind(BILL, lambda c: _l("Payment notice: %(title)s", title=c["bill"].title),
           _l("Member's contacts: a new bill with its payment notice (PDF)"))
_bill_kind(REMINDER_BEFORE, lambda c: _l("Reminder: %(title)s is due on %(date)s", title=c["bill"].title,
                                         date=c["bill"].due_on.isoformat()),
           _l("Member's contacts: a bill falls due soon"))
_bill_kind(REMINDER_AFTER, lambda c: _l("Overdue: %(title)s was due on %(date)s", title=c["bill"].title,
                                        date=c["bill"].due_on.isoformat()),
           _l("Member's contacts: a bill is overdue"))
register_kind(Kind(INVOICE, subject=lambda c: _l("Your 发票 No. %(number)s", number=c["request"].number),
                   template="invoice_issued", context=_invoice_context, attachments=_invoice_file,
                   description=_l("Payer's invoice address: the issued e-fapiao (PDF or OFD)")))
