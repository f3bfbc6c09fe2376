"""Forms collect input; the services validate it (one rule set for forms, API and imports)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .labels import KIND_LABELS, STATUS_LABELS, TIER_LABELS

OPTIONAL_TEXT = [Optional(), Length(max=400)]


def _choices(labels, blank=False):
    choices = [SelectChoice(member.value, label) for member, label in labels.items()]
    return ([SelectChoice("", "—")] if blank else []) + choices


class _OrganizationFields:
    name = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=400)],
                       description=_l("The registered name, e.g. 安徽巡鹰新能源集团有限公司."))
    name_en = StringField(_l("English name"), validators=OPTIONAL_TEXT)
    short_name = StringField(_l("Short name"), validators=OPTIONAL_TEXT)
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS))
    uscc = StringField(_l("Unified social credit code"), validators=OPTIONAL_TEXT,
                       description=_l("18 characters, e.g. 91340100MA2N0XXXXX."))
    uscc_exempt_reason = StringField(_l("Reason there is no credit code"), validators=OPTIONAL_TEXT,
                                     description=_l("Only if the organization has no code, e.g. a foreign company."))
    country = StringField(_l("Country code"), default="CN", validators=OPTIONAL_TEXT,
                          description=_l("ISO 3166, two letters: CN, MY, DE …"))
    province = StringField(_l("Province"), validators=OPTIONAL_TEXT)
    city = StringField(_l("City"), validators=OPTIONAL_TEXT)
    address = StringField(_l("Address"), validators=OPTIONAL_TEXT)
    website = StringField(_l("Website"), validators=OPTIONAL_TEXT)
    phone = StringField(_l("Telephone"), validators=OPTIONAL_TEXT)
    legal_representative = StringField(_l("Legal representative"), validators=OPTIONAL_TEXT)


class OrganizationForm(_OrganizationFields, FlaskForm):
    tier = SelectField(_l("Tier"), choices=_choices(TIER_LABELS, blank=True))
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    submit = SubmitField(_l("Save"))


class ProfileForm(FlaskForm):
    """What a member representative may change about its own organization."""
    name_en = _OrganizationFields.name_en
    short_name = _OrganizationFields.short_name
    province = _OrganizationFields.province
    city = _OrganizationFields.city
    address = _OrganizationFields.address
    website = _OrganizationFields.website
    phone = _OrganizationFields.phone
    submit = SubmitField(_l("Save"))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=_choices(STATUS_LABELS))
    tier = SelectField(_l("Tier"), choices=_choices(TIER_LABELS, blank=True),
                       description=_l("For active members."))
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Change status"))


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=OPTIONAL_TEXT)
    mobile = StringField(_l("Mobile"), validators=OPTIONAL_TEXT)
    email = StringField(_l("Email"), validators=OPTIONAL_TEXT)
    is_main = BooleanField(_l("Main contact"))
    submit = SubmitField(_l("Save"))


class RejectForm(FlaskForm):
    reason = StringField(_l("Reason for the applicant"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Reject"))


class ApproveForm(FlaskForm):
    tier = SelectField(_l("Tier"), choices=_choices(TIER_LABELS), default="member")
    submit = SubmitField(_l("Approve"))


class ApplicationForm(_OrganizationFields, FlaskForm):
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_position = StringField(_l("Position"), validators=OPTIONAL_TEXT)
    contact_mobile = StringField(_l("Mobile"), validators=[DataRequired(), Length(max=40)])
    contact_email = StringField(_l("Contact email"), validators=OPTIONAL_TEXT)
    account_email = EmailField(_l("Login email"), validators=[DataRequired(), Length(max=254)],
                               description=_l("You log in with this email to follow your application."))
    account_password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    account_confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("account_password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Submit application"))

    ORGANIZATION_FIELDS = ("name", "name_en", "short_name", "kind", "uscc", "uscc_exempt_reason", "country",
                           "province", "city", "address", "website", "phone", "legal_representative")
