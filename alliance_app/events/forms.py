"""Forms collect input; events/services.py validates it (shared with the API)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .labels import KIND_LABELS, PART_LABELS, ROLE_LABELS, STATUS_LABELS

TEXT = [Optional(), Length(max=400)]
WHEN = "%Y-%m-%dT%H:%M"


def choices(labels, blank=False):
    return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(k.value, v) for k, v in labels.items()]


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    theme = StringField(_l("Theme"), validators=TEXT, description=_l("The meeting's motto, e.g. 共享绿色能源，共赢能源未来."))
    slug = StringField(_l("Web address"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Lower-case letters, digits and hyphens; the public page is /events/<address>."))
    starts_at = DateTimeLocalField(_l("Starts"), format=WHEN, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=WHEN, validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=TEXT)
    address = StringField(_l("Address"), validators=TEXT)
    city = StringField(_l("City"), validators=TEXT)
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format=WHEN, validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), format=WHEN, validators=[Optional()])
    reminder_days = IntegerField(_l("Reminder (days before)"), default=1,
                                 validators=[Optional(), NumberRange(min=0, max=30)],
                                 description=_l("Confirmed delegates with an email are reminded this many days "
                                                "before the event starts; 0 or empty: no reminder."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)], render_kw={"rows": 4})
    submit = SubmitField(_l("Save"))


class CloneForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    slug = StringField(_l("Web address"), validators=[DataRequired(), Length(max=100)])
    starts_at = DateTimeLocalField(_l("Starts"), format=WHEN, validators=[DataRequired()])
    submit = SubmitField(_l("Create the copy"))


class OrganizerForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS))
    organization_id = SelectField(_l("Organization"), validate_choice=False)
    submit = SubmitField(_l("Add organizer"))


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    starts_at = DateTimeLocalField(_l("Starts"), format=WHEN, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=WHEN, validators=[DataRequired()])
    room = StringField(_l("Room"), validators=TEXT)
    host_organization_id = SelectField(_l("Hosted by"), validate_choice=False)
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0, max=1_000_000)],
                            description=_l("Leave empty when the event's capacity applies."))
    submit = SubmitField(_l("Save"))


class ItemForm(FlaskForm):
    kind = SelectField(_l("Type of item"), choices=choices(KIND_LABELS))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=400)])
    starts_at = DateTimeLocalField(_l("Starts"), format=WHEN, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=WHEN, validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))


class ParticipantForm(FlaskForm):
    person_id = SelectField(_l("Person"), validate_choice=False)
    part = SelectField(_l("Part"), choices=choices(PART_LABELS))
    submit = SubmitField(_l("Add"))


class PersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title as printed"), validators=TEXT,
                        description=_l("e.g. 副会长、新能源汽车动力电池回收利用专委会主任"))
    organization_id = SelectField(_l("Organization"), validate_choice=False)
    bio = TextAreaField(_l("Short biography"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))


class EventStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS))
