"""Money in the JSON API: bills (dues and event fees), payments recorded against
bills with their receipt numbers and PDFs, a payer's invoice details, the
dues totals of a year and an event's conference fees per delegate category.

Access: the secretariat reads and writes everything; a member representative
reads its own organization's bills, receipts and invoice details and changes
its invoice details. Amounts are decimal strings in and out ("5000.00", "5万",
"1.2万元"); a payment's allocations must add up to its amount unless
`overpayment` is true (the rest stays as the payer's credit)."""
import marshmallow as ma
from flask import abort, url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from ..core.downloads import download_response
from ..core.permissions import login_required, secretariat_required
from ..events.models import Event
from ..finance import balances, fees, services
from ..finance.documents import receipt_pdf
from ..finance.models import Bill, BillKind, BillStatus, Payment, PaymentMethod
from ..members.models import Organization
from ..registrations.models import DelegateCategory
from . import API_PREFIX
from .common import PageArgsSchema, PageSchema, StrictSchema, paginated
from .fields import (AMOUNT_AS_STRING, DATE_ERRORS, INTEGER_ERRORS, Choice, DecimalString, Id, ListOf, StrictBoolean,
                     Text, in_range)
from .resource import Lookup, operation_for


blp = Blueprint("api_finance", __name__, url_prefix=API_PREFIX,
                description="Money coming in: bills, payments and receipts, invoice details, dues totals")
operation = operation_for(blp, {
    403: "Not the secretariat, or another organization's",
    404: "No such payment or organization",
    409: "The bill exists already, or has been paid or cancelled meanwhile",
    422: "Invalid input, with a message per field (allocations-1-amount for the second allocation)",
})

KINDS = [k.value for k in BillKind]
STATUSES = [s.value for s in BillStatus]
METHODS = [m.value for m in PaymentMethod]
LIST_OF_ALLOCATIONS = _l("Expected a list of allocations.")
LIST_OF_FEES = _l("Expected a list of fees.")


class BillSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": KINDS})
    organization_id = ma.fields.Integer(allow_none=True)
    registration_id = ma.fields.Integer(allow_none=True)
    year = ma.fields.Integer()
    title = ma.fields.String()
    amount = DecimalString(AMOUNT_AS_STRING)
    paid_amount = DecimalString(AMOUNT_AS_STRING)
    due_on = ma.fields.Date()
    status = ma.fields.String(metadata={"enum": STATUSES})


class BillPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(BillSchema))


class BillListArgsSchema(PageArgsSchema):
    year = ma.fields.Integer(error_messages=INTEGER_ERRORS, validate=in_range(2000, 2100))
    organization_id = ma.fields.Integer(error_messages=INTEGER_ERRORS, validate=in_range(1, 2**31 - 1))
    status = Choice(STATUSES, "Only bills in this status")
    kind = Choice(KINDS, "Only bills of this kind")


class BillCreateSchema(StrictSchema):
    kind = Choice(KINDS, "dues or event_fee", required=True)
    organization_id = Id("The organization billed", allow_none=True)
    registration_id = Id("The delegate's registration (event fees)", allow_none=True)
    year = ma.fields.Integer(strict=True, required=True, error_messages=INTEGER_ERRORS)
    amount = DecimalString(AMOUNT_AS_STRING, required=True, metadata={"description": "e.g. \"5000.00\", \"5万\""})
    due_on = ma.fields.Date(required=True, error_messages=DATE_ERRORS)


class AllocationSchema(StrictSchema):
    bill_id = Id("The bill paid", required=True)
    amount = DecimalString(AMOUNT_AS_STRING, required=True)


class AllocationOutSchema(ma.Schema):
    bill_id = ma.fields.Integer()
    amount = DecimalString(AMOUNT_AS_STRING)


class PaymentCreateSchema(StrictSchema):
    amount = DecimalString(AMOUNT_AS_STRING, required=True)
    method = Choice(METHODS, "How the money came", load_default="bank_transfer")
    paid_on = ma.fields.Date(required=True, error_messages=DATE_ERRORS)
    payer = Text(200, required=True, metadata={"description": "The payer's name as on the transfer"})
    reference = Text(100)
    organization_id = Id("The paying organization (else the bills' own, when they share one)", allow_none=True)
    allocations = ListOf(ma.fields.Nested(AllocationSchema), LIST_OF_ALLOCATIONS, load_default=list)
    overpayment = StrictBoolean(load_default=False, metadata={
        "description": "true: what the allocations leave stays as the payer's credit"})


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer()
    receipt_number = ma.fields.String(metadata={"description": "Gapless per year: SJ-2026-00001"})
    amount = DecimalString(AMOUNT_AS_STRING)
    method = ma.fields.String(metadata={"enum": METHODS})
    paid_on = ma.fields.Date()
    payer = ma.fields.String()
    reference = ma.fields.String(allow_none=True)
    organization_id = ma.fields.Integer(allow_none=True)
    allocations = ma.fields.List(ma.fields.Nested(AllocationOutSchema))


class InvoiceDetailsSchema(ma.Schema):
    title = ma.fields.String()
    tax_id = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["ordinary", "special"]})
    address = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    bank = ma.fields.String(allow_none=True)
    account = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)


class InvoiceDetailsWriteSchema(StrictSchema):
    title = Text(200, required=True, metadata={"description": "抬头"})
    tax_id = Text(40, required=True, metadata={"description": "税号: the unified social credit code"})
    kind = Choice(["ordinary", "special"], "普票 (ordinary) or 专票 (special: address, phone, bank and account too)",
                  load_default="ordinary")
    address = Text(300)
    phone = Text(50)
    bank = Text(200)
    account = Text(50)
    email = Text(254)


class DuesTotalSchema(ma.Schema):
    tier = ma.fields.String(allow_none=True)
    bills = ma.fields.Integer()
    billed = DecimalString(AMOUNT_AS_STRING)
    received = DecimalString(AMOUNT_AS_STRING)
    outstanding = DecimalString(AMOUNT_AS_STRING)


class DuesYearSchema(ma.Schema):
    year = ma.fields.Integer()
    tiers = ma.fields.List(ma.fields.Nested(DuesTotalSchema))


CATEGORIES = [c.value for c in DelegateCategory]


class EventFeeSchema(ma.Schema):
    category = ma.fields.String(metadata={"enum": CATEGORIES})
    amount_cny = DecimalString(AMOUNT_AS_STRING, attribute="regular", metadata={"description": "The regular fee"})
    early_amount_cny = DecimalString(AMOUNT_AS_STRING, attribute="early", metadata={
        "description": "The early-bird fee, null without one"})
    early_until = ma.fields.Date(allow_none=True, metadata={
        "description": "The last day (inclusive, the app's time zone) of the early-bird fee"})
    applies_today_cny = DecimalString(AMOUNT_AS_STRING, attribute="amount", metadata={
        "description": "What a delegate registering today pays"})


class EventFeesSchema(ma.Schema):
    event_id = ma.fields.Integer()
    fees = ma.fields.List(ma.fields.Nested(EventFeeSchema), metadata={
        "description": "The categories that have a fee; any other category is free"})


class EventFeeWriteSchema(StrictSchema):
    category = Choice(CATEGORIES, "The delegate category", required=True)
    amount_cny = DecimalString(AMOUNT_AS_STRING, required=True, metadata={
        "description": "e.g. \"2800.00\", \"0.28万\"; \"0\" or null: free"})
    early_amount_cny = DecimalString(AMOUNT_AS_STRING, metadata={"description": "Needs early_until"})
    early_until = ma.fields.Date(allow_none=True, error_messages=DATE_ERRORS, metadata={
        "description": "The early-bird fee's last day, at the latest the event's first day"})


class EventFeesWriteSchema(StrictSchema):
    fees = ListOf(ma.fields.Nested(EventFeeWriteSchema), LIST_OF_FEES, required=True, metadata={
        "description": "Every category with a fee; those left out become free"})


def _fees_answer(event):
    return {"event_id": event.id, "fees": fees.quotes(event)}


def _own_org(org, user):
    return user.is_secretariat or user.member_organization_id == org.id


PAYMENT = Lookup(Payment, "payment_id", can=Payment.can_view)
ORGANIZATION = Lookup(Organization, "org_id", can=_own_org)


@blp.route("/bills", endpoint="bills")
class Bills(MethodView):

    @operation(access=login_required, query=BillListArgsSchema, response=BillPageSchema, errors=(401, 422))
    def get(self, args):
        """Bills, the latest due first; a member sees its organization's only."""
        query = select(Bill).order_by(Bill.due_on.desc(), Bill.id.desc())
        if not current_user.is_secretariat:
            query = query.where(Bill.organization_id == current_user.member_organization_id)
        for name in ("year", "organization_id", "status", "kind"):
            if args.get(name):
                query = query.where(getattr(Bill, name) == args[name])
        return paginated(query, args["page"], args["per_page"])

    @operation(access=secretariat_required, body=BillCreateSchema, response=BillSchema, status=201,
               errors=(400, 401, 403, 409, 422))
    def post(self, data):
        """A bill by hand (secretariat): one dues bill per organization and year (409 for a second)."""
        return services.create_bill(data, current_user)


@blp.route("/payments", endpoint="payments")
class Payments(MethodView):

    @operation(access=secretariat_required, body=PaymentCreateSchema, response=PaymentSchema, status=201,
               location=lambda payment: url_for("api_finance.receipt", payment_id=payment.id),
               errors=(400, 401, 403, 409, 422))
    def post(self, data):
        """Record a payment (secretariat) against one or several bills; it gets its receipt number.

        Refused with 422 at the field: an allocation over a bill's open amount, to a
        cancelled bill, or allocations that do not add up to the amount (unless
        `overpayment`); 409 when a bill was paid by another payment meanwhile."""
        return services.record_payment(data, current_user)


@blp.route("/payments/<int:payment_id>/receipt.pdf", endpoint="receipt")
class Receipt(MethodView):

    @operation(access=login_required, load=PAYMENT, errors=(401, 403, 404), doc={"responses": {"200": {
        "description": "The receipt (收据)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
    def get(self, payment):
        """The receipt (收据) as a PDF, for the secretariat and the paying organization."""
        return download_response(receipt_pdf(payment), f"收据-{payment.receipt_number}.pdf", "application/pdf",
                                 fallback=f"receipt-{payment.receipt_number}.pdf")


@blp.route("/organizations/<int:org_id>/invoice-details", endpoint="invoice_details")
class InvoiceDetailsResource(MethodView):

    @operation(access=login_required, load=ORGANIZATION, response=InvoiceDetailsSchema, errors=(401, 403, 404))
    def get(self, org):
        """What the organization's 发票 is made out to (404 until given)."""
        details = services.invoice_details(org)
        if details is None:
            abort(404)
        return details

    @operation(access=login_required, load=ORGANIZATION, body=InvoiceDetailsWriteSchema,
               response=InvoiceDetailsSchema, errors=(400, 401, 403, 404, 422))
    def put(self, data, org):
        """Set the invoice details; the 税号 is checked as a credit code (its check character too)."""
        return services.set_invoice_details(org, data, current_user)


@blp.route("/years/<int:year>/dues", endpoint="dues")
class DuesYear(MethodView):

    @operation(access=secretariat_required, response=DuesYearSchema,
               errors=(401, 403, (404, "A year outside 2000–2100")))
    def get(self, year):
        """Dues billed, received and outstanding per tier of the year, summed by the database."""
        if not 2000 <= year <= 2100:
            abort(404)
        return {"year": year, "tiers": balances.dues_totals(year)}


@blp.route("/events/<int:event_id>/fees", endpoint="event_fees")
class EventFees(MethodView):

    @operation(access=login_required, load=Lookup(Event, "event_id", can=Event.can_view, refused=404),
               response=EventFeesSchema, errors=(401, 404))
    def get(self, event):
        """The event's conference fees per delegate category, and what applies today."""
        return _fees_answer(event)

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=EventFeesWriteSchema,
               response=EventFeesSchema, errors=(400, 401, 403, 404, 422))
    def put(self, data, event):
        """Replace the event's fees, all or nothing (messages at fees-1-amount_cny).
        Bills made already keep their amounts; delegates confirmed from now on pay these."""
        fees.set_event_fees(event, data["fees"], current_user)
        return _fees_answer(event)
