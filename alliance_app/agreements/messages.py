"""What the parties' main contacts are told about their agreement: the draft
to review when it is ready for signing, the final text once it is signed.
The PDF is built when the message is sent (in the worker), not in the
request that changed the agreement."""
import re

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..core.timeutil import to_local
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Attachment, Kind, register_kind
from .models import Agreement, AgreementStatus as St

READY = "agreement_ready"
SIGNED = "agreement_signed"
# The text each message carries, as long as the agreement is still in one of these states.
PDF_WHILE = {READY: (St.draft, St.ready), SIGNED: (St.signed,)}


def tell_parties(agreement: Agreement, kind: str) -> int:
    """One message to the main contact (with an email) of each party; the number written."""
    seen = set()
    for party in agreement.parties:
        organization = party.organization
        contact = organization.main_contact if organization is not None else None
        email = (contact.email or "").strip() if contact is not None else ""
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        # A foreign party's contact reads English (its agreement prints in both languages).
        notify(kind, email, name=contact.name, locale="en" if organization.country != "CN" else None,
               about=agreement, agreement_id=agreement.id, organization_id=organization.id)
    return len(seen)


def _context(params):
    agreement = db.session.get(Agreement, params.get("agreement_id") or 0)
    if agreement is None:
        return None
    party = next((p for p in agreement.parties if p.organization_id == params.get("organization_id")), None)
    if party is None:
        return None  # no longer a party: its contact is not sent the text
    return {"agreement": agreement, "party": party,
            "signed_on": format_date(to_local(agreement.signed_at), "long") if agreement.signed_at else ""}


def _file_stem(agreement: Agreement) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", agreement.number).strip("-") or f"agreement-{agreement.id}"


def _attachments(kind: str):
    def attachments(context):
        from .documents import agreement_pdf

        agreement = context["agreement"]
        if agreement.status not in PDF_WHILE[kind]:
            return []  # signed or voided since it was ready, voided since it was signed: that text does not travel
        suffix = "-draft" if kind == READY else ""
        return [Attachment(f"{_file_stem(agreement)}{suffix}.pdf", agreement_pdf(agreement), "application/pdf")]

    return attachments


def _with_pdf_flag(kind: str):
    def context(params):
        found = _context(params)
        if found is not None:
            found["with_pdf"] = found["agreement"].status in PDF_WHILE[kind]
            found["kind"] = kind
        return found

    return context


register_kind(Kind(READY, subject=lambda c: _l("Agreement for your review: %(number)s %(title)s",
                                               number=c["agreement"].number, title=c["agreement"].title),
                   template="agreement", context=_with_pdf_flag(READY), attachments=_attachments(READY),
                   description=_l("Party's main contact: the agreement is ready for signing (draft PDF)")))
register_kind(Kind(SIGNED, subject=lambda c: _l("Agreement signed: %(number)s %(title)s",
                                                number=c["agreement"].number, title=c["agreement"].title),
                   template="agreement", context=_with_pdf_flag(SIGNED), attachments=_attachments(SIGNED),
                   description=_l("Party's main contact: the agreement is signed (final PDF)")))
