"""Forms of guests (invitation link, public registration), of the
secretariat's invitations, and of a substitute."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from .forms import CATEGORY_CHOICES, TEXT, SessionsField


class GuestForm(FlaskForm):
    """A guest registers themself (the category comes from the invitation)."""
    name = StringField(_l("Name"), validators=TEXT)
    position = StringField(_l("Position"), validators=TEXT)
    mobile = StringField(_l("Mobile"), validators=TEXT)
    email = StringField(_l("Email"), validators=TEXT,
                        description=_l("Your confirmation and ticket are sent here."))
    session_ids = SessionsField(_l("Sessions"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Register"))


class PublicForm(GuestForm):
    """Anyone registers at the event's page; the category is theirs to say."""
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES, default="other")


class SubstituteForm(FlaskForm):
    """The person who comes in place of a confirmed delegate."""
    name = StringField(_l("Name"), validators=TEXT)
    position = StringField(_l("Position"), validators=TEXT)
    mobile = StringField(_l("Mobile"), validators=TEXT)
    email = StringField(_l("Email"), validators=TEXT,
                        description=_l("The new ticket is sent here."))
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES)
    submit = SubmitField(_l("Replace the delegate"))


class InvitationForm(FlaskForm):
    # Required in the post: an empty one (a stray request) must not create an invitation.
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES, default="expert", validators=[InputRequired()])
    name = StringField(_l("Name"), validators=TEXT,
                       description=_l("For a named person (used once); leave empty to invite a group."))
    email = StringField(_l("Email"), validators=TEXT,
                        description=_l("The invitation link is sent here."))
    organization_id = SelectField(_l("Organization"), validate_choice=False,
                                  description=_l("Optional: the guests count against this organization's quota."))
    max_uses = StringField(_l("Number of registrations"), validators=[Optional(), Length(max=10)], default="1")
    expires_at = StringField(_l("Expires"), validators=[Optional(), Length(max=30)],
                             render_kw={"type": "datetime-local"},
                             description=_l("Leave empty for no expiry (registration still closes on time)."))
    submit = SubmitField(_l("Create the invitation"))
