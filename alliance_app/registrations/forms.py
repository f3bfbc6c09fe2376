from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .labels import CATEGORY_LABELS

TEXT = [Optional(), Length(max=300)]
CATEGORY_CHOICES = [SelectChoice(k.value, v) for k, v in CATEGORY_LABELS.items()]


class SessionsField(SelectMultipleField):
    """The sessions of the event as check boxes."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _DelegateFields:
    name = StringField(_l("Name"), validators=TEXT)
    position = StringField(_l("Position"), validators=TEXT)
    mobile = StringField(_l("Mobile"), validators=TEXT)
    email = StringField(_l("Email"), validators=TEXT)
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES, default="enterprise")
    session_ids = SessionsField(_l("Sessions"), coerce=int, validate_choice=False)


class DelegateRow(_DelegateFields, FlaskForm):
    class Meta:
        csrf = False  # a row of the outer form, which carries the token

    def is_empty(self) -> bool:
        """A row left blank in the multi-delegate form."""
        return not ((self.name.data or "").strip() or (self.mobile.data or "").strip())


class DelegatesForm(FlaskForm):
    """A member representative registers several delegates at once."""
    delegates = FieldList(FormField(DelegateRow), min_entries=5, max_entries=30)
    submit = SubmitField(_l("Register"))


class DelegateForm(_DelegateFields, FlaskForm):
    """One delegate: the secretariat registering a guest, or an edit."""
    organization_id = SelectField(_l("Organization"), validate_choice=False,
                                  description=_l("Leave empty for individual guests (experts, media)."))
    submit = SubmitField(_l("Save"))


class QuotaForm(FlaskForm):
    organization_id = SelectField(_l("Organization"), validate_choice=False)
    quota = StringField(_l("Quota"), validators=TEXT, description=_l("Leave empty to remove the quota."))
    submit = SubmitField(_l("Set quota"))
