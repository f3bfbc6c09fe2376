"""Registrations in the JSON API.

Access (bearer token; no token → 401):

* POST /events/<id>/registrations: a member representative registers delegates
  of its own organization while registration is open; the secretariat anyone at
  any time (optionally with `organization_id`). The answer's `status` says
  `confirmed`, `waitlisted` or `pending`.
* GET /events/<id>/registrations: the secretariat sees every registration with
  full mobile numbers; a member only its own organization's, mobiles masked.
* POST /registrations/<id>/cancel: the secretariat, or the delegate's
  organization until registration closes; a freed seat goes to the waiting list.
* POST /registrations/<id>/check-in: the secretariat; idempotent, the answer
  says whether this call checked the delegate in or when it happened before.
"""
from datetime import datetime

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.permissions import MAX_ID, login_required, secretariat_required
from ..events.models import Event
from ..registrations import services
from ..registrations.answers import answers_dict
from ..registrations.models import DelegateCategory, Registration, RegistrationStatus
from ..registrations.question_models import RegistrationAnswer
from . import API_PREFIX
from .common import StrictSchema
from .keyset import KeysetPageSchema, cursor_args, keyset_paginated
from .fields import INTEGER_ERRORS, Choice, OrganizationRefSchema, Text, in_range
from .resource import Lookup, operation_for

blp = Blueprint("api_registrations", __name__, url_prefix=API_PREFIX,
                description="Delegate registrations, cancellation and check-in")
operation = operation_for(blp, {
    403: "Not allowed: another organization, or not the secretariat",
    404: "No such event or registration",
    409: "Registration closed, the event full without a waiting list, the mobile registered already "
         "(named), or a state that forbids it",
    422: "Invalid input, with a message per field",
    429: "Too many of the caller's numbers were found registered by other organizations lately; try later",
})

CATEGORIES = [c.value for c in DelegateCategory]
STATUSES = [s.value for s in RegistrationStatus]


class MobileField(ma.fields.String):
    """In full for the secretariat, masked (138****8000) for members."""

    def _serialize(self, value, attr, obj, **kwargs):
        if current_user.is_authenticated and current_user.is_secretariat:
            return value
        return obj.masked_mobile


class RegistrationSchema(ma.Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.Integer()
    organization = ma.fields.Nested(OrganizationRefSchema, allow_none=True)
    name = ma.fields.String()
    position = ma.fields.String(allow_none=True)
    mobile = MobileField(metadata={"description": "In full for the secretariat, masked for members"})
    email = ma.fields.String(allow_none=True)
    category = ma.fields.String(metadata={"enum": CATEGORIES})
    session_ids = ma.fields.List(ma.fields.Integer())
    status = ma.fields.String(metadata={"enum": STATUSES})
    ticket_code = ma.fields.String(metadata={"description": "Random; encoded in the badge's QR code"})
    checked_in_at = ma.fields.DateTime(allow_none=True, format="iso")
    created_at = ma.fields.DateTime(format="iso")
    answers = ma.fields.Function(lambda registration: answers_dict(registration), metadata={
        "type": "object", "description": 'The answers to the event\'s questions, {"<key>": value}; ID card '
                                         'numbers masked'})


class RegistrationPageSchema(KeysetPageSchema):
    items = ma.fields.List(ma.fields.Nested(RegistrationSchema))


class CheckInSchema(RegistrationSchema):
    checked_in_now = ma.fields.Boolean(metadata={"description": "False when the delegate had checked in before"})


class RegistrationCreateSchema(StrictSchema):
    name = Text(100, required=True)
    position = Text(100)
    mobile = Text(30, required=True, metadata={"description": "Mainland mobile number, 11 digits"})
    email = Text(254)
    category = Choice(CATEGORIES, "Delegate category", required=True)
    session_ids = ma.fields.List(ma.fields.Integer(error_messages=INTEGER_ERRORS,
                                                   validate=in_range(1, MAX_ID)),
                                 load_default=list, metadata={"description": "Sessions attended"})
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), metadata={
        "description": 'Answers to the event\'s questions (GET /events/<id>/questions), {"<key>": value}: '
                       'text, a choice\'s value, a list of values (multichoice), true/false, a number, '
                       'YYYY-MM-DD or YYYY-MM-DDTHH:MM'})
    organization_id = ma.fields.Integer(allow_none=True, error_messages=INTEGER_ERRORS,
                                        validate=in_range(1, MAX_ID),
                                        metadata={"description": "Secretariat only; members register their own"})


# Registration order: created_at, then the id (several delegates may register in the same instant).
LIST_ORDER = (Registration.created_at, Registration.id)


class RegistrationListArgsSchema(cursor_args((datetime, int))):
    status = Choice(STATUSES, "Only this status")


# Drafts are a 404 for members, as on the HTML pages.
VISIBLE_EVENT = Lookup(Event, "event_id", can=Event.can_view, refused=404)
REGISTRATION = Lookup(Registration, "registration_id", can=Registration.can_view)


@blp.route("/events/<int:event_id>/registrations", endpoint="event_registrations")
class EventRegistrations(MethodView):

    @operation(access=login_required, load=VISIBLE_EVENT, query=RegistrationListArgsSchema,
               response=RegistrationPageSchema, errors=(401, 404))
    def get(self, args, event):
        """The event's registrations the caller may see, in registration order.

        Pages by `page` and `per_page`, or, for long lists, by `after`: the
        `next_cursor` of the page before (the same time on the last page as on
        the first)."""
        query = select(Registration).where(Registration.event_id == event.id).options(
            selectinload(Registration.organization), selectinload(Registration.sessions),
            selectinload(Registration.answers).joinedload(RegistrationAnswer.question))
        if not current_user.is_secretariat:
            query = query.where(Registration.organization_id == current_user.member_organization_id)
        if args.get("status"):
            query = query.where(Registration.status == RegistrationStatus(args["status"]))
        return keyset_paginated(query, LIST_ORDER, lambda r: (r.created_at, r.id), args)

    @operation(access=login_required, load=VISIBLE_EVENT, body=RegistrationCreateSchema,
               response=RegistrationSchema, status=201, keep_loaded=True,
               location=lambda registration: url_for("api_registrations.event_registrations",
                                                     event_id=registration.event_id),
               errors=(400, 401, 403, 404, 409, 422, 429))
    def post(self, data, event):
        """Register one delegate; `status` in the answer is confirmed, waitlisted or pending."""
        organization_id = data.pop("organization_id", None)
        return services.register(event, data, current_user, organization_id=organization_id)


@blp.route("/registrations/<int:registration_id>/cancel", endpoint="cancel")
class RegistrationCancel(MethodView):

    @operation(access=login_required, load=REGISTRATION, response=RegistrationSchema,
               errors=(401, 403, 404, 409))
    def post(self, registration):
        """Cancel a registration; cancelling twice is harmless."""
        services.cancel(registration, current_user)  # its result: the registration promoted, if any
        return registration


@blp.route("/registrations/<int:registration_id>/check-in", endpoint="check_in")
class RegistrationCheckIn(MethodView):

    @operation(access=secretariat_required, load=REGISTRATION, response=CheckInSchema,
               errors=(401, 403, 404, 409))
    def post(self, registration):
        """Check a confirmed delegate in (secretariat); calling it again changes nothing."""
        # A plain attribute: the commit expires the columns only.
        registration.checked_in_now = services.check_in(registration, current_user)
        return registration
