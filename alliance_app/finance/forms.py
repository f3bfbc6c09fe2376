"""One form per finance screen; amounts stay text here and are parsed by the
services (5万, 1.2万元, full width), which put their messages back at the field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice

from .labels import INVOICE_KIND_LABELS, METHOD_LABELS, TIER_LABELS


class RateForm(FlaskForm):
    year = StringField(_l("Year"))
    tier = SelectField(_l("Tier"), choices=[SelectChoice(k.value, v) for k, v in TIER_LABELS.items()])
    amount = StringField(_l("Dues (yuan)"), description=_l("e.g. 5000, 5,000.00 or 0.5万"))
    submit = SubmitField(_l("Save the rate"))


class GenerateForm(FlaskForm):
    year = StringField(_l("Year"))
    due_on = StringField(_l("Due on"), description=_l("YYYY-MM-DD"))
    submit = SubmitField(_l("Bill every active member"))


class AllocationRow(FlaskForm):
    class Meta:
        csrf = False

    bill_id = StringField(_l("Bill no."))
    amount = StringField(_l("Amount allocated"))


class PaymentForm(FlaskForm):
    payer = StringField(_l("Payer (as on the transfer)"))
    amount = StringField(_l("Amount received"))
    method = SelectField(_l("Method"), choices=[SelectChoice(k.value, v) for k, v in METHOD_LABELS.items()])
    paid_on = StringField(_l("Paid on"), description=_l("YYYY-MM-DD"))
    reference = StringField(_l("Reference"))
    allocations = FieldList(FormField(AllocationRow), min_entries=3, max_entries=20)
    overpayment = SelectField(_l("What the allocations leave"), choices=[
        SelectChoice("", _l("Nothing: the allocations add up to the amount")),
        SelectChoice("1", _l("Keep the rest as the payer's credit (overpayment)"))], validate_choice=False)
    submit = SubmitField(_l("Record the payment"))


class RefundForm(FlaskForm):
    amount = StringField(_l("Amount refunded"))
    refunded_on = StringField(_l("Refunded on"), description=_l("YYYY-MM-DD"))
    reason = StringField(_l("Reason"))
    submit = SubmitField(_l("Record the refund"))


class InvoiceDetailsForm(FlaskForm):
    title = StringField(_l("Invoice title (抬头)"))
    tax_id = StringField(_l("Tax number (税号)"), description=_l("The unified social credit code, 18 characters"))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, v) for k, v in INVOICE_KIND_LABELS.items()])
    address = StringField(_l("Registered address (专票)"))
    phone = StringField(_l("Telephone (专票)"))
    bank = StringField(_l("Bank (专票)"))
    account = StringField(_l("Account number (专票)"))
    email = StringField(_l("Email for the e-fapiao"))
    submit = SubmitField(_l("Save"))


class IssueForm(FlaskForm):
    number = StringField(_l("发票 number"))
    issued_on = StringField(_l("Issued on"), description=_l("YYYY-MM-DD"))
    file = FileField(_l("E-fapiao file (PDF or OFD)"))
    submit = SubmitField(_l("Issue and send"))


class StatementForm(FlaskForm):
    file = FileField(_l("Bank statement (.xlsx or .csv)"),
                     description=_l("Columns: date, payer, amount and, if there is one, the reference (摘要)"))
    submit = SubmitField(_l("Read the statement"))


class FeeRow(FlaskForm):
    """One delegate category's fee; field names as the service reports them (fees-2-amount_cny)."""
    class Meta:
        csrf = False

    category = HiddenField()
    amount_cny = StringField(_l("Fee (yuan)"))
    early_amount_cny = StringField(_l("Early-bird fee (yuan)"))
    early_until = StringField(_l("Early-bird until"))


class EventFeesForm(FlaskForm):
    fees = FieldList(FormField(FeeRow), min_entries=0, max_entries=20)
    submit = SubmitField(_l("Save the fees"))
