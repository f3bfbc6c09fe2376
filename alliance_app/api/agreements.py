"""Agreements in the JSON API: drafting, the workflow (draft → ready → signed,
or voided with a reason), the signing record (`signers` per party,
`witnesses`, `assistants`: PUT /agreements/<id>/signing-record), the printed
agreement and each party's original.

Access (a bearer token; no token → 401):

* the secretariat reads and changes every agreement;
* a member representative reads (the list, one agreement, the PDF) only the
  agreements its organization is a party to: the list leaves the others out,
  their ids answer 403. Every write is 403 for members, checked before the
  agreement is looked up or the body is read.

Money is never a JSON number: `amount` and `fx_rate_to_cny` are sent as
decimal strings ("3500000000.00", "35亿", "3.5亿元", "1,000,000.50"; a rate
such as "7.1234"), and answered as plain decimal strings: `amount` in the
currency's units with two places, `amount_cny` its value in CNY at the
recorded rate, `fx_rate_to_cny` CNY per unit of the currency ("1" for CNY).
An undisclosed amount is answered as null.

Input is strict, as in the other modules: the body must be a JSON object (400
otherwise), unknown fields and wrong types are refused with 422 per field, and
the agreements services check the rest (parties, amounts, currencies, lengths,
the workflow) with 422 per field, or 409 for a step the agreement's status
forbids (changing or re-signing a signed agreement). Errors of a party or a
clause are named like the services name them: `parties-1-organization_id`,
`clauses-0-heading`. Each request calls one service and commits once, or
writes nothing. The schemas are in api/agreement_schemas.py.
"""
from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..agreements import services, signing_record
from ..agreements.models import Agreement, AgreementKind, AgreementParty, AgreementSector, AgreementStatus, Sector
from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..core.permissions import login_required, secretariat_required
from ..extensions import db
from . import API_PREFIX
from .agreement_schemas import (AgreementCreateSchema, AgreementDetailSchema, AgreementListArgsSchema,
                                AgreementPageSchema, AgreementWriteSchema, SigningRecordSchema, SignSchema, VoidSchema)
from .common import paginated
from .resource import Lookup, operation_for

blp = Blueprint("api_agreements", __name__, url_prefix=API_PREFIX,
                description="Agreements: drafting, readiness, signing, voiding and the printed agreement")
operation = operation_for(blp, {
    403: "Not the secretariat, or an agreement the caller's organization is not a party to",
    404: "No such agreement",
    409: "The agreement's status forbids it: signed or void agreements cannot be changed, an agreement is "
         "signed once, only a draft becomes ready",
    422: "Invalid input, with a message per field (parties-1-organization_id for the second party)",
})


# --- helpers ------------------------------------------------------------------------------------

LIST_LOAD = (selectinload(Agreement.parties), selectinload(Agreement.sector_rows), selectinload(Agreement.archives))
DETAIL_LOAD = LIST_LOAD + (selectinload(Agreement.clauses), selectinload(Agreement.signing_people))

AGREEMENT = Lookup(Agreement, "agreement_id")
# One agreement with its parties, sectors and clauses (four queries, whatever their number);
# 403 unless the caller's organization is a party (or the secretariat).
READABLE = Lookup(Agreement, "agreement_id", can=Agreement.can_view, options=DETAIL_LOAD)


def _recheck_dependents(agreement: Agreement, data: dict) -> None:
    """A PATCH that changes a field leaves nothing behind that belonged to its
    old value: the rate belonged to the old currency (USD must not keep CNY's
    rate of 1), the signing ceremony to the old event (the services check it
    again against the new one)."""
    if "currency" in data and "fx_rate_to_cny" not in data and \
            str(data["currency"] or "CNY").strip().upper() != agreement.currency:
        data["fx_rate_to_cny"] = None
    if "event_id" in data and "agenda_item_id" not in data and data["event_id"] != agreement.event_id \
            and agreement.agenda_item_id is not None:
        data["agenda_item_id"] = agreement.agenda_item_id


# --- agreements ---------------------------------------------------------------------------------

@blp.route("/agreements", endpoint="agreements")
class Agreements(MethodView):

    @operation(access=login_required, query=AgreementListArgsSchema, response=AgreementPageSchema,
               errors=(401, 422))
    def get(self, args):
        """Agreements, the latest number first, paginated, with their parties.

        The secretariat sees every agreement, a member representative those
        its organization is a party to. Clauses are not included: ask for one
        agreement."""
        query = select(Agreement).options(*LIST_LOAD).order_by(Agreement.year.desc(), Agreement.seq.desc())
        if not current_user.is_secretariat:
            query = query.where(Agreement.parties.any(AgreementParty.organization_id == current_user.member_organization_id))
        if args.get("event_id"):
            query = query.where(Agreement.event_id == args["event_id"])
        if args.get("status"):
            query = query.where(Agreement.status == AgreementStatus(args["status"]))
        if args.get("kind"):
            query = query.where(Agreement.kind == AgreementKind(args["kind"]))
        if args.get("sector"):
            query = query.where(Agreement.sector_rows.any(AgreementSector.sector == Sector(args["sector"])))
        if args.get("year"):
            query = query.where(Agreement.year == args["year"])
        return paginated(query, args["page"], args["per_page"])

    @operation(access=secretariat_required, body=AgreementCreateSchema, response=AgreementDetailSchema,
               status=201, reload=DETAIL_LOAD,
               location=lambda agreement: url_for("api_agreements.agreement", agreement_id=agreement.id),
               errors=(400, 401, 403, 422))
    def post(self, data):
        """Draft an agreement (secretariat); it is numbered at once.

        Without `clauses` it gets the default clauses of its kind. Fewer than
        two parties, an organization twice, an amount that does not parse or a
        foreign currency without `fx_rate_to_cny` are refused with 422."""
        return services.create_agreement(data, current_user)


@blp.route("/agreements/<int:agreement_id>", endpoint="agreement")
class AgreementById(MethodView):

    @operation(access=login_required, load=READABLE, response=AgreementDetailSchema, errors=(401, 403, 404))
    def get(self, agreement):
        """One agreement with its parties and clauses."""
        return agreement

    @operation(access=secretariat_required, load=AGREEMENT, body=AgreementWriteSchema,
               response=AgreementDetailSchema, reload=DETAIL_LOAD, errors=(400, 401, 403, 404, 409, 422))
    def patch(self, data, agreement):
        """Change the fields sent (secretariat); `parties` and `clauses` replace the lists.

        A signed or void agreement cannot be changed (409); a change to an
        agreement ready for signing sends it back to draft. A new `currency`
        needs its `fx_rate_to_cny` in the same request (the old rate is
        dropped); a new `event_id` while a signing ceremony is set needs the
        new event's `agenda_item_id` (or null)."""
        _recheck_dependents(agreement, data)
        return services.update_agreement(agreement, data, current_user)


@blp.route("/agreements/<int:agreement_id>/ready", endpoint="ready")
class AgreementReady(MethodView):

    @operation(access=secretariat_required, load=AGREEMENT, response=AgreementDetailSchema, reload=DETAIL_LOAD,
               errors=(401, 403, 404, 409, 422))
    def post(self, agreement):
        """Mark a draft ready for signing (secretariat): checked, waiting for the ceremony."""
        return services.mark_ready(agreement, current_user)


@blp.route("/agreements/<int:agreement_id>/sign", endpoint="sign")
class AgreementSign(MethodView):

    @operation(access=secretariat_required, load=AGREEMENT, body=SignSchema, body_required=False,
               response=AgreementDetailSchema, reload=DETAIL_LOAD, errors=(400, 401, 403, 404, 409, 422))
    def post(self, data, agreement):
        """Record the signing of an agreement ready for signing (secretariat), now
        or at `signed_at`. Once only: signing again is 409. The body is optional."""
        return services.sign(agreement, current_user, data.get("signed_at"))


@blp.route("/agreements/<int:agreement_id>/signing-record", endpoint="signing_record")
class AgreementSigningRecord(MethodView):

    @operation(access=secretariat_required, load=AGREEMENT, body=SigningRecordSchema,
               response=AgreementDetailSchema, reload=DETAIL_LOAD, errors=(400, 401, 403, 404, 409, 422))
    def put(self, data, agreement):
        """Record who signs for each party, the witness leaders and the signing assistants (secretariat).

        Replaces the record (answered as `signers`, `witnesses`, `assistants`);
        an agreement ready for signing stays ready. A signer for an
        organization that is not a party, an empty name or an over-long text is
        refused with 422 per field (`signers-0-organization_id`), and nothing
        is saved; a signed or void agreement's record cannot change (409)."""
        return signing_record.set_signing_record(agreement, data, current_user)


@blp.route("/agreements/<int:agreement_id>/void", endpoint="void")
class AgreementVoid(MethodView):

    @operation(access=secretariat_required, load=AGREEMENT, body=VoidSchema, response=AgreementDetailSchema,
               reload=DETAIL_LOAD, errors=(400, 401, 403, 404, 409, 422))
    def post(self, data, agreement):
        """Void an agreement, signed or not, with a `reason` (secretariat); voiding twice is 409."""
        return services.void(agreement, data["reason"], current_user)


@blp.route("/agreements/<int:agreement_id>/pdf", endpoint="pdf")
class AgreementPdf(MethodView):

    @operation(access=login_required, load=READABLE, errors=(401, 403, 404), doc={"responses": {"200": {
        "description": "The printed agreement",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
    def get(self, agreement):
        """The printed agreement as a PDF, for the secretariat and the parties."""
        from ..agreements.archive import issued_pdf

        content = issued_pdf(agreement)
        db.session.commit()  # an agreement signed before archives existed is archived at its first download
        return download_response(content, f"{agreement.number} {agreement.title}.pdf",
                                 "application/pdf", fallback=f"agreement-{agreement.number}.pdf")


@blp.route("/agreements/<int:agreement_id>/originals/<int:organization_id>/pdf", endpoint="original_pdf")
class AgreementOriginalPdf(MethodView):

    @operation(access=login_required, load=READABLE, errors=(401, 403, 404), doc={"responses": {"200": {
        "description": "One party's original (正本): its name first on the cover and its signature block first",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
    def get(self, agreement, organization_id):
        """One party's original of the agreement as a PDF (一式多份): the secretariat
        any party's, a member representative its own organization's (403
        otherwise); 404 for an organization that is not a party. Once signed,
        the bytes archived for that original."""
        from ..agreements.archive import issued_original_pdf

        party = next((p for p in agreement.parties if p.organization_id == organization_id), None)
        if party is None:
            raise ServiceError(_l("This organization is not a party to this agreement."), status=404)
        if not current_user.is_secretariat and organization_id != current_user.member_organization_id:
            raise ServiceError(_l("Only the secretariat and the party itself get a party's original."), status=403)
        content = issued_original_pdf(agreement, party)
        db.session.commit()  # an original of an agreement signed before originals existed is archived now
        return download_response(content, f"{agreement.number} {agreement.title} {party.role_label}.pdf",
                                 "application/pdf", fallback=f"agreement-{agreement.number}-{organization_id}.pdf")
