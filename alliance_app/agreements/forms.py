"""Forms collect input; agreements/services.py validates it (shared with the API)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, FieldList, FormField, IntegerField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .labels import DOCUMENT_KIND_LABELS, KIND_LABELS, SECTOR_LABELS, VENUE_LABELS

TEXT = [Optional(), Length(max=400)]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartyRow(FlaskForm):
    class Meta:
        csrf = False

    organization_id = SelectField(_l("Organization"), validate_choice=False)
    role_label = StringField(_l("Role"), validators=TEXT, description=_l("Empty: 甲方, 乙方 … by order"))
    signatory_name = StringField(_l("Signatory"), validators=TEXT)
    signatory_title = StringField(_l("Signatory's title"), validators=TEXT)


class ClauseRow(FlaskForm):
    class Meta:
        csrf = False

    heading = StringField(_l("Heading"), validators=TEXT)
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})
    heading_en = StringField(_l("Heading (English)"), validators=TEXT)
    body_en = TextAreaField(_l("Text (English)"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})


class AgreementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    kind = SelectField(_l("Kind of agreement"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    document_kind = SelectField(
        _l("Kind of document"), choices=[SelectChoice("", _l("As the kind of agreement suggests"))]
        + [SelectChoice(k.value, v) for k, v in DOCUMENT_KIND_LABELS.items()], default="",
        description=_l("How reports count it: investment and procurement as contracts, strategic cooperation as "
                       "such, the rest as agreements, unless chosen here."))
    signing_venue = SelectField(_l("Where it is signed"),
                                choices=[SelectChoice(k.value, v) for k, v in VENUE_LABELS.items()], default="ceremony")
    sectors = CheckboxesField(_l("Sectors"), choices=[SelectChoice(k.value, v) for k, v in SECTOR_LABELS.items()])
    event_id = SelectField(_l("Signed at the event"), validate_choice=False)
    agenda_item_id = SelectField(_l("Ceremony"), validate_choice=False)
    ceremony_order = IntegerField(_l("Order at the ceremony"), validators=[Optional(), NumberRange(min=1, max=10000)])
    place = StringField(_l("Place of signing"), validators=TEXT)
    term_start = DateField(_l("Term from"), validators=[Optional()])
    term_end = DateField(_l("Term until"), validators=[Optional()])
    amount_disclosed = BooleanField(_l("The amount is disclosed"), default=True)
    amount = StringField(_l("Amount"), validators=TEXT,
                         description=_l("E.g. 3,500,000,000 or 35亿 or 3.5亿元, in the currency below."))
    currency = StringField(_l("Currency"), default="CNY", validators=TEXT, description=_l("ISO 4217: CNY, USD, MYR …"))
    fx_rate_to_cny = StringField(_l("Exchange rate to CNY"), validators=TEXT,
                                 description=_l("CNY per unit of the currency, for foreign currencies."))
    preamble = TextAreaField(_l("Preamble"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 2})
    parties = FieldList(FormField(PartyRow), min_entries=4, max_entries=12)
    clauses = FieldList(FormField(ClauseRow), min_entries=0, max_entries=60)
    submit = SubmitField(_l("Save"))


class VoidForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Void"))


class SignerRow(FlaskForm):
    """Who signs for one party (the rows follow the parties' order)."""
    class Meta:
        csrf = False

    person_id = SelectField(_l("From the agenda"), validate_choice=False)
    name = StringField(_l("Name"), validators=TEXT)
    title = StringField(_l("Position"), validators=TEXT)


class SigningPersonRow(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Name"), validators=TEXT)
    title = StringField(_l("Position"), validators=TEXT)


class AssistantRow(SigningPersonRow):
    organization_id = SelectField(_l("Stands with"), validate_choice=False)


class SigningRecordForm(FlaskForm):
    signers = FieldList(FormField(SignerRow), min_entries=0, max_entries=12)
    witnesses = FieldList(FormField(SigningPersonRow), min_entries=2, max_entries=20)
    assistants = FieldList(FormField(AssistantRow), min_entries=2, max_entries=20)
    save = SubmitField(_l("Save the record"))
    sign = SubmitField(_l("Save and sign now"))


class VerifyForm(FlaskForm):
    """The public verification page: a PDF to compare with the archive, or its SHA-256."""
    file = FileField(_l("The agreement's PDF"))
    sha256 = StringField(_l("or its SHA-256"), filters=[lambda value: value.strip() if value else value])
    submit = SubmitField(_l("Compare with the archive"))
