"""Guests outside member organizations, and substitutes, in the JSON API.

* POST /events/<id>/invitations: the secretariat invites a named person or a
  group; the answer carries the invitation's `code` and its absolute `url`.
* POST /invitations/<code>/registrations: anyone holding the code registers one
  delegate without a token, under the event's capacity, quotas, duplicate
  rules, waiting list and questions; the invitation decides the category and
  organization. Unknown codes are counted per address (429 after too many);
  an expired, withdrawn or used-up invitation is 410.
* POST /registrations/<id>/substitute: the secretariat, or the delegate's
  organization until registration closes, replaces a confirmed delegate by
  another person; the answer is the new registration with its new ticket.
"""
import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from ..core.permissions import MAX_ID, login_required, secretariat_required
from ..events.models import Event
from ..registrations import invitations, substitutes
from ..registrations.invitation_models import Invitation
from ..registrations.models import Registration
from . import API_PREFIX
from .common import StrictSchema
from .fields import INTEGER_ERRORS, Choice, OrganizationRefSchema, Text, in_range
from .registrations import CATEGORIES, RegistrationSchema
from .resource import Lookup, anyone, operation_for

blp = Blueprint("api_guests", __name__, url_prefix=API_PREFIX,
                description="Guests by invitation (without an account) and substitutes (换人)")
operation = operation_for(blp, {
    403: "Not the secretariat, or another organization's delegate",
    404: "No such event, registration or invitation code",
    409: "Registration closed, the event full without a waiting list, the mobile registered already, "
         "or a state that forbids it",
    410: "The invitation has expired, been withdrawn or been used up",
    422: "Invalid input, with a message per field",
    429: "Too many unknown invitation codes, or registered numbers, from the caller lately; try later",
})


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    code = ma.fields.String(metadata={"description": "Random (192 bits); the secret in the link"})
    url = ma.fields.Function(lambda invitation: invitations.invitation_url(invitation),
                             metadata={"type": "string", "description": "The link the guest registers through"})
    category = ma.fields.String(metadata={"enum": CATEGORIES})
    name = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    organization = ma.fields.Nested(OrganizationRefSchema, allow_none=True)
    max_uses = ma.fields.Integer()
    uses = ma.fields.Integer()
    expires_at = ma.fields.DateTime(allow_none=True, format="iso")
    created_at = ma.fields.DateTime(format="iso")


class InvitationCreateSchema(StrictSchema):
    """The values are checked by the service, which names the field of each problem."""
    category = Choice(CATEGORIES, "The guests' delegate category", required=True)
    name = Text(100, metadata={"description": "A named person (used once); none: a group"})
    email = Text(254, metadata={"description": "The link is sent here"})
    organization_id = ma.fields.Integer(allow_none=True, error_messages=INTEGER_ERRORS,
                                        validate=in_range(1, MAX_ID),
                                        metadata={"description": "Counted against this organization's quota"})
    max_uses = ma.fields.Integer(error_messages=INTEGER_ERRORS, validate=in_range(1, invitations.MAX_USES),
                                 metadata={"description": "Registrations the link allows; default 1"})
    expires_at = ma.fields.Raw(allow_none=True, metadata={
        "type": "string", "format": "date-time",
        "description": "When the link stops working; without an offset, local time"})


class DelegateSchema(StrictSchema):
    name = Text(100, required=True)
    position = Text(100)
    mobile = Text(30, required=True, metadata={"description": "Mainland mobile number, 11 digits"})
    email = Text(254)
    session_ids = ma.fields.List(ma.fields.Integer(error_messages=INTEGER_ERRORS,
                                                   validate=in_range(1, MAX_ID)),
                                 metadata={"description": "Sessions attended"})
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), metadata={
        "description": 'Answers to the event\'s questions, {"<key>": value}, as for registrations'})


class GuestRegistrationSchema(DelegateSchema):
    category = Choice(CATEGORIES, "Ignored: the invitation decides the category")


class SubstituteSchema(DelegateSchema):
    category = Choice(CATEGORIES, "The new delegate's category; default: the replaced delegate's")


REGISTRATION = Lookup(Registration, "registration_id", can=Registration.can_view)


@blp.route("/events/<int:event_id>/invitations", endpoint="invitations")
class EventInvitations(MethodView):

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), body=InvitationCreateSchema,
               response=InvitationSchema, status=201, keep_loaded=True, errors=(400, 401, 403, 404, 409))
    def post(self, data, event):
        """Invite a named guest or a group (secretariat only); the answer has the link."""
        return invitations.create_invitation(event, data, current_user)


@blp.route("/invitations/<code>/registrations", endpoint="invitation_registrations")
class InvitationRegistrations(MethodView):

    @operation(access=anyone, body=GuestRegistrationSchema, response=RegistrationSchema, status=201,
               keep_loaded=True, errors=(400, 404, 409, 410, 429),
               location=lambda registration: url_for("api_registrations.event_registrations",
                                                     event_id=registration.event_id))
    def post(self, data, code):
        """Register a guest through an invitation, without a token."""
        invitation = invitations.find_invitation(code, request.remote_addr)
        return invitations.register_guest(invitation, data, request.remote_addr)


@blp.route("/registrations/<int:registration_id>/substitute", endpoint="substitute")
class RegistrationSubstitute(MethodView):

    @operation(access=login_required, load=REGISTRATION, body=SubstituteSchema, response=RegistrationSchema,
               status=201, keep_loaded=True, errors=(400, 401, 403, 404, 409, 429))
    def post(self, data, registration):
        """Replace a confirmed delegate by another person of the same organization; the answer is the new
        registration (the old one is cancelled, its ticket no longer works)."""
        return substitutes.substitute(registration, data, current_user)
