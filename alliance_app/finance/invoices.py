"""发票 requests and their issue. The 发票 is made in the tax system; the
secretariat records its number and date and uploads the e-fapiao (PDF or OFD),
kept in instance/invoices/ (outside the web root, under a random name), checked
by its content, bounded in size, and mailed to the payer as an attachment."""
import io
import secrets
import zipfile
from typing import Any, Mapping

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.errors import ServiceError
from ..core.validation import Problems, date_value, line
from ..extensions import db
from .models import InvoiceKind, InvoiceRequest, InvoiceRequestStatus, Payment
from .services import SPECIAL_FIELDS, _raise, invoice_details
from .storage import folder


def request_invoice(payment: Payment, actor=None) -> InvoiceRequest:
    if payment.organization is None:
        raise ServiceError(_l("This payment is not linked to an organization with invoice details."), status=409)
    details = invoice_details(payment.organization)
    if details is None:
        raise ServiceError(_l("Give the invoice details (抬头, 税号) first."), field="invoice_details", status=409)
    email = details.email or next((c.email for c in payment.organization.contacts if c.email), None)
    if not email:
        raise ServiceError(_l("Give an email address for the 发票 in the invoice details."), field="email",
                           status=409)
    if db.session.query(InvoiceRequest.id).filter_by(payment_id=payment.id).first():
        raise ServiceError(_l("A 发票 has been requested for this payment already."), status=409)
    extra = "；".join(getattr(details, name) or "" for name in SPECIAL_FIELDS) \
        if details.kind == InvoiceKind.special else ""
    request = InvoiceRequest(payment=payment, organization=payment.organization, title=details.title,
                             tax_id=details.tax_id, kind=details.kind, extra=extra, email=email)
    db.session.add(request)
    db.session.flush()
    return request


def file_kind(content: bytes) -> str | None:
    """'pdf' or 'ofd' by what the file holds, not by its name."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if any(name.lower() == "ofd.xml" for name in archive.namelist()):
                    return "ofd"
        except zipfile.BadZipFile:
            return None
    return None


def issue_invoice(request: InvoiceRequest, data: Mapping[str, Any], content: bytes | None, actor=None):
    from .messages import tell_invoice

    problems = Problems()
    number = line(problems, "number", data.get("number"), 40, required=True)
    issued_on = date_value(problems, "issued_on", data.get("issued_on"))
    if issued_on is None and "issued_on" not in problems:
        problems.add("issued_on", _l("This field is required."))
    limit = int(current_app.config["INVOICE_MAX_BYTES"])
    kind = None
    if not content:
        problems.add("file", _l("Upload the e-fapiao (PDF or OFD)."))
    elif len(content) > limit:
        problems.add("file", _l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    else:
        kind = file_kind(content)
        if kind is None:
            problems.add("file", _l("This file is neither a PDF nor an OFD document."))
    _raise(problems)
    if request.status == InvoiceRequestStatus.issued:
        raise ServiceError(_l("This 发票 has been issued already."), status=409)
    stored = f"{secrets.token_hex(16)}.{kind}"
    (folder() / stored).write_bytes(content)
    request.number, request.issued_on, request.status = number, issued_on, InvoiceRequestStatus.issued
    request.stored_name, request.file_name = stored, f"fapiao-{number}.{kind}"
    db.session.flush()
    tell_invoice(request)
    return request
