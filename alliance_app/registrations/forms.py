from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, FormField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
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


KIND_LABELS = {
    "text": _l("Short text"), "textarea": _l("Long text"), "choice": _l("One choice"),
    "multichoice": _l("Several choices"), "boolean": _l("Yes or no"), "number": _l("Number"),
    "date": _l("Date"), "datetime": _l("Date and time"),
}


class QuestionForm(FlaskForm):
    """The secretariat's question editor; the service checks every value."""
    key = StringField(_l("Key"), validators=TEXT,
                      description=_l("Lower-case letters, digits and _ (e.g. room_type): the column in exports "
                                     "and the API."))
    label = StringField(_l("Question (Chinese)"), validators=TEXT)
    label_en = StringField(_l("Question (English)"), validators=TEXT)
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=600)])
    kind = SelectField(_l("Kind of answer"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    choices = TextAreaField(_l("Choices"), validators=[Optional(), Length(max=10_000)],
                            description=_l("One choice per line: value | 中文 | English (e.g. single | 单间 | "
                                           "Single room). Only for choice questions."))
    required = BooleanField(_l("An answer is required"))
    categories = SessionsField(_l("Asked of"), choices=CATEGORY_CHOICES, validate_choice=False,
                               description=_l("Leave all unticked to ask every delegate."))
    submit = SubmitField(_l("Save"))


def parse_choice_lines(raw: str | None) -> list[dict]:
    """`value | 中文 | English` per line; a line with one part is its own value and label."""
    out = []
    for text_line in (raw or "").splitlines():
        if not text_line.strip():
            continue
        parts = [p.strip() for p in text_line.split("|")]
        value = parts[0]
        label = parts[1] if len(parts) > 1 and parts[1] else value
        label_en = parts[2] if len(parts) > 2 else ""
        out.append({"value": value, "label": label, "label_en": label_en})
    return out


def choice_lines(choices: list[dict]) -> str:
    return "\n".join(" | ".join((c.get("value") or "", c.get("label") or "", c.get("label_en") or ""))
                     for c in choices or ())
