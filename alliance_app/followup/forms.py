"""Forms collect input; followup/services.py validates it (shared with the API)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, SubmitField, TextAreaField

from .labels import STAGE_LABELS


class ReportForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=[SelectChoice(s.value, label) for s, label in STAGE_LABELS.items()])
    stage_on = StringField(_l("Date the stage was reached"), description=_l("YYYY-MM-DD; empty: today"))
    invested_cny = StringField(_l("Invested to date (yuan)"),
                               description=_l("The total so far, e.g. 12000000 or 1200万"))
    confirm = BooleanField(_l("The amount is right, even though it is above the signed value"))
    note = TextAreaField(_l("What happened since the last report"), render_kw={"rows": 4})
    problems = TextAreaField(_l("Problems and what needs coordinating (存在问题及需协调事项)"), render_kw={"rows": 3})
    reason = TextAreaField(_l("Reason"), description=_l("Needed when the project is terminated or its stage goes back"),
                           render_kw={"rows": 2})
    attachments = MultipleFileField(_l("Photos or PDFs"),
                                    description=_l("JPEG, PNG or PDF; at most 5 files of 8 MB each"),
                                    render_kw={"accept": ".jpg,.jpeg,.png,.pdf"})
    submit = SubmitField(_l("Send the report"))


class ReturnForm(FlaskForm):
    remark = TextAreaField(_l("What should be changed"), render_kw={"rows": 2})
    submit = SubmitField(_l("Send back"))


class ScheduleForm(FlaskForm):
    first_due = StringField(_l("First report due"), description=_l("YYYY-MM-DD"))
    interval_months = StringField(_l("Every how many months"), default="3")
    remind_days = StringField(_l("Remind how many days before"), default="7")
    submit = SubmitField(_l("Save the schedule"))
