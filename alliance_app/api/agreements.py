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
writes nothing.
"""
from decimal import Decimal

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..agreements import services
from ..agreements.links import verify_url
from ..agreements.models import (Agreement, AgreementKind, AgreementParty, AgreementSector, AgreementStatus,
                                 DocumentKind, Sector, SigningVenue)
from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..core.money import plain
from ..core.urls import absolute_url
from ..core.permissions import MAX_ID, login_required, secretariat_required
from ..extensions import db
from . import API_PREFIX
from .common import PageArgsSchema, PageSchema, StrictSchema, paginated
from .fields import BOOLEAN_ERRORS, DATE_ERRORS, FIELD_ERRORS, INTEGER_ERRORS, Choice, Id, Moment, Text, in_range
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

KINDS = [kind.value for kind in AgreementKind]
DOCUMENT_KINDS = [kind.value for kind in DocumentKind]
VENUES = [venue.value for venue in SigningVenue]
SECTORS = [sector.value for sector in Sector]
STATUSES = [status.value for status in AgreementStatus]

AMOUNT_AS_STRING = _l("Send the amount as a decimal string such as \"3500000000.00\".")
RATE_AS_STRING = _l("Give the exchange rate to CNY as a decimal string, e.g. \"1.5400\".")
LIST_OF_PARTIES = _l("Expected a list of parties.")
LIST_OF_CLAUSES = _l("Expected a list of clauses.")
LIST_OF_SECTORS = _l("Expected a list of sectors.")


# --- fields -------------------------------------------------------------------------------------

class DecimalString(ma.fields.Field):
    """Money and rates: a decimal string in and out, never a JSON number (a
    float cannot hold 0.1 exactly, and clients round numbers their own way).
    The services parse the string; the answer is a plain decimal string."""

    def __init__(self, refused, places: int | None = 2, **kwargs):
        kwargs.setdefault("allow_none", True)
        self.places = places  # 2: money ("3500000000.00"); None: a rate as exact as stored ("7.1234")
        metadata = {"type": "string", **kwargs.pop("metadata", {})}
        super().__init__(error_messages={**FIELD_ERRORS, "invalid": refused}, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):  # numbers and booleans alike
            raise self.make_error("invalid")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if self.places == 2:
            return plain(value)
        return f"{Decimal(value).normalize():f}"


class StrictBoolean(ma.fields.Boolean):
    """true or false only (marshmallow would take 1, "yes" and "on")."""

    def __init__(self, **kwargs):
        super().__init__(error_messages=BOOLEAN_ERRORS, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def ListOf(inner, invalid, **kwargs):
    return ma.fields.List(inner, error_messages={**FIELD_ERRORS, "invalid": invalid}, **kwargs)


def _archive(agreement: Agreement, field: str):
    """A field of the agreement's archived PDF (the common copy, not a party's
    original), or None before it is archived."""
    rows = [row for row in agreement.archives if row.organization_id is None]
    return getattr(rows[0], field) if rows and agreement.status in (AgreementStatus.signed,
                                                                    AgreementStatus.voided) else None


# --- output -------------------------------------------------------------------------------------

class PartySchema(ma.Schema):
    organization_id = ma.fields.Integer()
    role_label = ma.fields.String(metadata={"description": "甲方, 乙方 … by default, in the parties' order"})
    signatory_name = ma.fields.String(allow_none=True, metadata={"description": "As typed; escaping is the "
                                                                                "client's job"})
    signatory_title = ma.fields.String(allow_none=True)
    printed_name = ma.fields.String(metadata={"description": "The organization's name as printed on the "
                                                             "agreement (copied when the party was added)"})
    printed_name_en = ma.fields.String(allow_none=True)


class SignerSchema(ma.Schema):
    organization_id = ma.fields.Integer(metadata={"description": "The party's organization"})
    role_label = ma.fields.String()
    name = ma.fields.String(allow_none=True, attribute="signatory_name",
                            metadata={"description": "Who signs for the party; null until recorded"})
    title = ma.fields.String(allow_none=True, attribute="signatory_title")


class SigningPersonSchema(ma.Schema):
    name = ma.fields.String()
    title = ma.fields.String(allow_none=True)


class AssistantSchema(SigningPersonSchema):
    organization_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The party the assistant stands with; null for none"})


class ClauseSchema(ma.Schema):
    heading = ma.fields.String()
    body = ma.fields.String()
    heading_en = ma.fields.String(allow_none=True)
    body_en = ma.fields.String(allow_none=True)


class AgreementSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String(metadata={"description": "Given when drafted, sequential per year: AHBR-2026-0001"})
    title = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": KINDS})
    document_kind = ma.fields.String(attribute="document_kind_effective", metadata={
        "enum": DOCUMENT_KINDS, "description": "How reports count it (合同/协议/战略合作): the one chosen, or as "
                                               "the kind suggests (investment, procurement: contract; "
                                               "strategic_cooperation; the rest: agreement)"})
    document_kind_chosen = ma.fields.String(attribute="document_kind", allow_none=True, metadata={
        "enum": DOCUMENT_KINDS, "description": "null: document_kind follows the kind"})
    signing_venue = ma.fields.String(metadata={
        "enum": VENUES, "description": "ceremony: at the event's signing ceremony (集中签约); elsewhere: signed "
                                       "elsewhere during the event (场外签约)"})
    sectors = ma.fields.List(ma.fields.String(metadata={"enum": SECTORS}))
    status = ma.fields.String(metadata={"enum": STATUSES})
    event_id = ma.fields.Integer(allow_none=True)
    agenda_item_id = ma.fields.Integer(allow_none=True, metadata={"description": "The signing ceremony"})
    ceremony_order = ma.fields.Integer(allow_none=True)
    place = ma.fields.String(allow_none=True)
    term_start = ma.fields.Date(allow_none=True)
    term_end = ma.fields.Date(allow_none=True)
    amount_disclosed = ma.fields.Boolean()
    amount = DecimalString(AMOUNT_AS_STRING, metadata={
        "description": "In the currency's units, two places, e.g. \"3500000000.00\"; null when undisclosed"})
    currency = ma.fields.String(metadata={"description": "ISO 4217"})
    fx_rate_to_cny = DecimalString(RATE_AS_STRING, places=None, attribute="fx_rate", metadata={
        "description": "CNY per unit of the currency, e.g. \"7.1234\" (\"1\" for CNY)"})
    amount_cny = DecimalString(AMOUNT_AS_STRING, metadata={"description": "The amount in CNY at the recorded "
                                                                          "rate, rounded half up to the fen"})
    parties = ma.fields.List(ma.fields.Nested(PartySchema), metadata={"description": "In their order"})
    signers = ma.fields.List(ma.fields.Nested(SignerSchema), metadata={
        "description": "Who signs for each party, one per party in their order (the signing record)"})
    signed_at = Moment(metadata={"description": "When it was signed"})
    void_reason = ma.fields.String(allow_none=True)
    voided_at = Moment()
    replaces_id = ma.fields.Integer(allow_none=True, metadata={"description": "The agreement this one corrects"})
    created_at = Moment()
    updated_at = Moment()
    verification_code = ma.fields.String(metadata={
        "description": "Printed with a QR code in every page footer; public check at verify_url"})
    verify_url = ma.fields.Function(lambda agreement: verify_url(agreement), metadata={
        "type": "string", "description": "The public verification page of the agreement"})
    pdf_sha256 = ma.fields.Function(lambda agreement: _archive(agreement, "sha256"), metadata={
        "type": "string", "nullable": True,
        "description": "SHA-256 of the archived PDF (once signed): every download returns exactly these bytes"})
    signed_pdf_url = ma.fields.Function(
        lambda agreement: absolute_url("api_agreements.pdf", agreement_id=agreement.id)
        if _archive(agreement, "sha256") else None,
        metadata={"type": "string", "nullable": True, "description": "The archived PDF (once signed)"})
    signature = ma.fields.Function(lambda agreement: _archive(agreement, "signature") or "none", metadata={
        "type": "string", "enum": ["none", "self_signed", "trusted"],
        "description": "The archived PDF's PAdES signature: none (not signed yet, or no key), self_signed "
                       "(a trial certificate: readers show \"signer not trusted\"), trusted (a certificate "
                       "issued by a certification authority)"})


class AgreementDetailSchema(AgreementSchema):
    preamble = ma.fields.String(allow_none=True)
    clauses = ma.fields.List(ma.fields.Nested(ClauseSchema), metadata={"description": "In their order"})
    witnesses = ma.fields.List(ma.fields.Nested(SigningPersonSchema), metadata={
        "description": "The witness leaders (见证领导) of the signing, in their order"})
    assistants = ma.fields.List(ma.fields.Nested(AssistantSchema), metadata={
        "description": "The signing assistants (助签人), in their order"})


class AgreementPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(AgreementSchema))


# --- input --------------------------------------------------------------------------------------

class AgreementListArgsSchema(PageArgsSchema):
    event_id = ma.fields.Integer(error_messages=INTEGER_ERRORS, validate=in_range(1, MAX_ID),
                                 metadata={"description": "Only the agreements of this event"})
    status = Choice(STATUSES, "Only agreements in this status")
    kind = Choice(KINDS, "Only agreements of this kind")
    sector = Choice(SECTORS, "Only agreements in this sector")
    year = ma.fields.Integer(error_messages=INTEGER_ERRORS, validate=in_range(2000, 2100),
        metadata={"description": "The year of the number (AHBR-<year>-0001)"})


class PartyInputSchema(StrictSchema):
    organization_id = Id("An organization of the directory; each once", range_checked=True, required=True)
    role_label = Text(20, metadata={"description": "Empty: 甲方, 乙方 … by order"})
    signatory_name = Text(100)
    signatory_title = Text(200)


class ClauseInputSchema(StrictSchema):
    heading = Text(200, required=True)
    body = Text(20_000, required=True)
    heading_en = Text(200)
    body_en = Text(20_000)


class AgreementWriteSchema(StrictSchema):
    """Fields as the services take them; what is missing is left unchanged (PATCH)."""

    title = Text(200, allow_none=False)
    kind = Choice(KINDS, "The kind of agreement; its default clauses follow it")
    document_kind = Choice(DOCUMENT_KINDS, "How reports count it (合同/协议/战略合作); null: as the kind suggests",
                           allow_none=True)
    signing_venue = Choice(VENUES, "ceremony (the default): at the event's signing ceremony; elsewhere: signed "
                                   "elsewhere during the event")
    sectors = ListOf(Choice(SECTORS, "A sector"), LIST_OF_SECTORS,
                     metadata={"description": "At least one"})
    event_id = Id("The event at which it is signed", range_checked=True, allow_none=True)
    agenda_item_id = Id("The event's signing ceremony", range_checked=True, allow_none=True)
    ceremony_order = ma.fields.Integer(strict=True, allow_none=True, error_messages=INTEGER_ERRORS,
                                       metadata={"description": "Order at the ceremony", "minimum": 1})
    place = Text(200)
    term_start = ma.fields.Date(allow_none=True, error_messages=DATE_ERRORS)
    term_end = ma.fields.Date(allow_none=True, error_messages=DATE_ERRORS,
                              metadata={"description": "Not before term_start"})
    preamble = Text(20_000)
    amount_disclosed = StrictBoolean(metadata={"description": "False keeps no figures (amount is ignored)"})
    amount = DecimalString(AMOUNT_AS_STRING, metadata={
        "description": "A decimal string in the currency's units: \"3500000000.00\", \"3,500,000,000\", "
                       "\"35亿\", \"3.5亿元\"; at most two decimal places, not negative. Never a JSON number.",
        "example": "3500000000.00"})
    currency = Text(3, metadata={"description": "ISO 4217, CNY by default", "example": "CNY"})
    fx_rate_to_cny = DecimalString(RATE_AS_STRING, places=None, metadata={
        "description": "CNY per unit of the currency, at most six decimal places; required for a foreign "
                       "currency. Changing the currency drops the old rate: send the new one with it.",
        "example": "7.1234"})
    parties = ListOf(ma.fields.Nested(PartyInputSchema), LIST_OF_PARTIES, metadata={
        "description": "Two or more, each organization once, in order; replaces the parties (PATCH)"})
    clauses = ListOf(ma.fields.Nested(ClauseInputSchema), LIST_OF_CLAUSES, metadata={
        "description": "Replaces the clauses (PATCH); when a new agreement has none, the default clauses of "
                       "its kind"})


class AgreementCreateSchema(AgreementWriteSchema):
    title = Text(200, required=True, allow_none=False)
    sectors = ListOf(Choice(SECTORS, "A sector"), LIST_OF_SECTORS, required=True,
                     metadata={"description": "At least one"})
    parties = ListOf(ma.fields.Nested(PartyInputSchema), LIST_OF_PARTIES, required=True, metadata={
        "description": "Two or more, each organization once, in order"})


class SignerInputSchema(StrictSchema):
    organization_id = Id("A party's organization; each party once", range_checked=True, required=True)
    person_id = Id("One of the ceremony's signing participants on the agenda; its name and title are used "
                   "where none is typed", range_checked=True, allow_none=True)
    name = Text(100, metadata={"description": "Required unless person_id is given"})
    title = Text(200)


class SigningPersonInputSchema(StrictSchema):
    name = Text(100, required=True)
    title = Text(200)


class AssistantInputSchema(SigningPersonInputSchema):
    organization_id = Id("The party the assistant stands with (a party's organization), or null",
                         range_checked=True, allow_none=True)


class SigningRecordSchema(StrictSchema):
    """The whole signing record: it replaces the one kept."""

    signers = ListOf(ma.fields.Nested(SignerInputSchema), _l("Expected a list of signers."), metadata={
        "description": "Who signs for each party; a party left out has no signer"})
    witnesses = ListOf(ma.fields.Nested(SigningPersonInputSchema), _l("Expected a list of witnesses."),
                       metadata={"description": "The witness leaders, at most 20"})
    assistants = ListOf(ma.fields.Nested(AssistantInputSchema), _l("Expected a list of signing assistants."),
                        metadata={"description": "The signing assistants, at most 20"})


class SignSchema(StrictSchema):
    signed_at = Moment(metadata={"description": "When it was signed, if not now; not in the future"})


class VoidSchema(StrictSchema):
    reason = Text(500, required=True, metadata={"description": "Why; kept with the agreement"})


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
        return services.set_signing_record(agreement, data, current_user)


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
