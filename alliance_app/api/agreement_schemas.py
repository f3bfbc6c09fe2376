"""The agreements API's schemas: what it answers (agreements with their
parties, sectors, clauses, signing record and archived PDF) and what it
accepts (drafts and changes, the signing record, signing and voiding). The
routes are in api/agreements.py."""
import marshmallow as ma
from flask_babel import lazy_gettext as _l

from ..agreements.links import verify_url
from ..agreements.models import Agreement, AgreementKind, AgreementStatus, DocumentKind, Sector, SigningVenue
from ..core.urls import absolute_url
from ..core.permissions import MAX_ID
from .common import PageArgsSchema, PageSchema, StrictSchema
from .fields import (AMOUNT_AS_STRING, DATE_ERRORS, INTEGER_ERRORS, Choice, DecimalString, Id, ListOf, Moment,
                     StrictBoolean, Text, in_range)

KINDS = [kind.value for kind in AgreementKind]
DOCUMENT_KINDS = [kind.value for kind in DocumentKind]
VENUES = [venue.value for venue in SigningVenue]
SECTORS = [sector.value for sector in Sector]
STATUSES = [status.value for status in AgreementStatus]

RATE_AS_STRING = _l("Give the exchange rate to CNY as a decimal string, e.g. \"1.5400\".")
LIST_OF_PARTIES = _l("Expected a list of parties.")
LIST_OF_CLAUSES = _l("Expected a list of clauses.")
LIST_OF_SECTORS = _l("Expected a list of sectors.")


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
