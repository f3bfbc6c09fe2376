"""Forms every domain uses."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A button that posts: CSRF-protected, no fields."""
    submit = SubmitField(_l("Confirm"))
