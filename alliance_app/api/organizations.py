"""Organizations and their contacts in the JSON API.

Access (bearer token; no token → 401):

* list: the secretariat (staff, admin) sees every organization; a member
  account sees only its own organization, whatever the filters.
* one organization and its contacts: the secretariat, or a member account of
  that organization; anyone else gets 403, an unknown id 404.
* creating an organization: the secretariat only (403 for members).
* PATCH: the secretariat changes any field, including ``membership_status``
  (with ``status_reason``), ``tier``, ``uscc`` and ``name``. A member account
  may PATCH its own organization (not while it is an applicant: 403), but only
  the fields in ``MEMBER_EDITABLE``; any other field it sends is refused with
  422 and the message "Only the secretariat can change this." at that field,
  and nothing is saved. 403 is kept for "not your organization at all".
* adding a contact: the secretariat, or a member account of a (non-applicant)
  own organization.

Input is strict: the body must be a JSON object (400 otherwise), unknown
fields and wrong types are refused with 422 per field, the services' rules
(credit code, look-alike names, lengths, control characters) answer 422 and
duplicates 409 naming the existing record. A request either commits once, after
its service calls, or writes nothing.
"""
import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from ..core.errors import ServiceError
from ..core.permissions import login_required, secretariat_required
from ..members import services
from ..members.models import Contact, MembershipStatus, Organization, OrganizationKind, Tier
from ..members.validation import LINE_LIMITS, NOTES_LIMIT
from . import API_PREFIX
from .common import PageArgsSchema, PageSchema, StrictSchema, paginated
from .fields import BOOLEAN_ERRORS, DATE_ERRORS, Choice, Text, no_control_characters
from .resource import Lookup, operation_for

blp = Blueprint("api_organizations", __name__, url_prefix=API_PREFIX,
                description="Organizations (members or not) and their contacts")
operation = operation_for(blp, {
    403: "Not allowed for this account",
    404: "No organization with this id",
    409: "Duplicate (the existing record is named) or a status change that is not allowed",
})

KINDS = [kind.value for kind in OrganizationKind]
STATUSES = [status.value for status in MembershipStatus]
TIERS = [tier.value for tier in Tier]
SORTS = [*services.SORTS, "tier"]

SECRETARIAT_ONLY = _l("Only the secretariat can change this.")


# --- output -------------------------------------------------------------------------------------

class SecretariatOnlyString(ma.fields.String):
    """Left out of the response unless the caller is the secretariat."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if not (current_user.is_authenticated and current_user.is_secretariat):
            return ma.missing
        return super().serialize(attr, obj, accessor, **kwargs)


class ContactSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    position = ma.fields.String(allow_none=True)
    mobile = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    is_main = ma.fields.Boolean(metadata={"description": "The organization's main contact (exactly one)"})


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(metadata={"description": "Legal name"})
    name_en = ma.fields.String(allow_none=True)
    short_name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(metadata={"enum": KINDS})
    uscc = ma.fields.String(allow_none=True, metadata={"description": "Unified social credit code"})
    uscc_exempt_reason = ma.fields.String(allow_none=True)
    country = ma.fields.String(metadata={"description": "ISO 3166 two-letter code"})
    province = ma.fields.String(allow_none=True)
    city = ma.fields.String(allow_none=True)
    address = ma.fields.String(allow_none=True)
    website = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    legal_representative = ma.fields.String(allow_none=True)
    notes = SecretariatOnlyString(allow_none=True, metadata={"description": "Secretariat only"})
    membership_status = ma.fields.String(metadata={"enum": STATUSES})
    tier = ma.fields.String(allow_none=True, metadata={"enum": TIERS})
    joined_on = ma.fields.Date(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class OrganizationDetailSchema(OrganizationSchema):
    contacts = ma.fields.List(ma.fields.Nested(ContactSchema))


class OrganizationPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(OrganizationSchema))


class ContactPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ContactSchema))


# --- input --------------------------------------------------------------------------------------

class OrganizationListArgsSchema(PageArgsSchema):
    q = Text(100, allow_none=False, validate=no_control_characters,
             metadata={"description": "Part of the name (look-alikes match), short name, English name "
                                      "or credit code"})
    kind = Choice(KINDS, "Only this kind")
    status = Choice(STATUSES, "Only this membership status")
    tier = Choice(TIERS, "Only this tier")
    region = Text(50, allow_none=False, validate=no_control_characters,
                  metadata={"description": "Province or city, exactly"})
    sort = Choice(SORTS, "Order; a leading minus reverses it (default: name)")


class OrganizationWriteSchema(StrictSchema):
    """Fields as the services take them; what is missing is left unchanged (PATCH)."""

    name = Text(LINE_LIMITS["name"], allow_none=False, metadata={"description": "Legal name"})
    name_en = Text(LINE_LIMITS["name_en"])
    short_name = Text(LINE_LIMITS["short_name"])
    kind = Choice(KINDS, "Default enterprise", allow_none=True)
    uscc = Text(metadata={"description": "Unified social credit code (18 characters); required for "
                                         "organizations in CN unless uscc_exempt_reason is given"})
    uscc_exempt_reason = Text(LINE_LIMITS["uscc_exempt_reason"])
    country = Text(metadata={"description": "ISO 3166 two-letter code, default CN"})
    province = Text(LINE_LIMITS["province"])
    city = Text(LINE_LIMITS["city"])
    address = Text(LINE_LIMITS["address"])
    website = Text(LINE_LIMITS["website"])
    phone = Text(LINE_LIMITS["phone"])
    legal_representative = Text(LINE_LIMITS["legal_representative"])
    notes = Text(NOTES_LIMIT, metadata={"description": "Secretariat only"})
    tier = Choice(TIERS, "Secretariat only", allow_none=True)
    joined_on = ma.fields.Date(allow_none=True, error_messages=DATE_ERRORS)
    membership_status = Choice(STATUSES, "Secretariat only; a change needs status_reason and follows the "
                                         "allowed transitions (409 otherwise)")
    status_reason = Text(500, allow_none=False, validate=no_control_characters,
                         metadata={"description": "Why the membership status changes; kept in the history"})


class OrganizationCreateSchema(OrganizationWriteSchema):
    name = Text(LINE_LIMITS["name"], required=True, allow_none=False, metadata={"description": "Legal name"})


class OrganizationUpdateSchema(OrganizationWriteSchema):
    pass


class ContactCreateSchema(StrictSchema):
    name = Text(100, required=True, allow_none=False)
    position = Text(100)
    mobile = Text(metadata={"description": "11-digit mainland mobile number"})
    email = Text(254)
    is_main = ma.fields.Boolean(error_messages=BOOLEAN_ERRORS,
                                metadata={"description": "Make this the main contact (the first one is)"})


# --- helpers ------------------------------------------------------------------------------------

VISIBLE = Lookup(Organization, "org_id", can=Organization.can_view)
EDITABLE = Lookup(Organization, "org_id", can=Organization.can_edit_profile)

STATUS_FIELDS = {"status": "membership_status", "reason": "status_reason"}


def _apply_status(org: Organization, new_status, reason) -> None:
    """A status change through services.change_status, its messages at the API's field names."""
    if new_status is None or MembershipStatus(new_status) == org.membership_status:
        if reason is not None:
            raise ServiceError(_l("Give a reason only with a change of membership status."),
                               field="status_reason")
        return
    try:
        services.change_status(org, new_status, reason or "", current_user)
    except ServiceError as exc:
        errors = {STATUS_FIELDS.get(field, field): messages for field, messages in exc.errors.items()}
        raise ServiceError(exc.message, status=exc.status, errors=errors) from None


# --- endpoints ----------------------------------------------------------------------------------

@blp.route("/organizations", endpoint="organizations")
class Organizations(MethodView):

    @operation(access=login_required, query=OrganizationListArgsSchema, response=OrganizationPageSchema,
               errors=(401,))
    def get(self, args):
        """The directory, filtered, sorted and paginated.

        A member account gets only its own organization. Contacts are not
        included; ask for one organization or its contacts."""
        filters = {key: args[key] for key in ("q", "kind", "status", "tier", "region", "sort") if args.get(key)}
        query = services.organization_query(filters)
        if not current_user.is_secretariat:
            query = query.where(Organization.id == current_user.member_organization_id)
        return paginated(query, args["page"], args["per_page"])

    @operation(access=secretariat_required, body=OrganizationCreateSchema, response=OrganizationDetailSchema,
               status=201, location=lambda org: url_for("api_organizations.organization", org_id=org.id),
               errors=(400, 401, 403, 409))
    def post(self, data):
        """Add an organization (secretariat only).

        It starts as a non-member unless `membership_status` (with
        `status_reason`) says otherwise."""
        new_status = data.pop("membership_status", None)
        reason = data.pop("status_reason", None)
        org = services.create_organization(data, current_user)
        _apply_status(org, new_status, reason)
        return org


@blp.route("/organizations/<int:org_id>", endpoint="organization")
class OrganizationById(MethodView):

    @operation(access=login_required, load=VISIBLE, response=OrganizationDetailSchema, errors=(401, 403, 404))
    def get(self, org):
        """One organization with its contacts (the secretariat or the organization's own accounts)."""
        return org

    @operation(access=login_required, load=EDITABLE, body=OrganizationUpdateSchema,
               response=OrganizationDetailSchema, errors=(400, 401, 403, 404, 409))
    def patch(self, data, org):
        """Change the fields sent; the others stay as they are.

        The secretariat may change every field. `membership_status` changes the
        status through the allowed transitions and needs `status_reason`
        (kept in the history); sending the current status changes nothing.
        A member account may change only its organization's contact details
        (name_en, short_name, province, city, address, website, phone): any
        other field it sends, `membership_status` included, is refused with
        422 at that field ("Only the secretariat can change this.") and nothing
        is saved. Another organization, or one's own while it is an applicant,
        is 403."""
        new_status = data.pop("membership_status", None)
        reason = data.pop("status_reason", None)
        refused = {}
        if not current_user.is_secretariat:
            refused = {field: [str(SECRETARIAT_ONLY)]
                       for field, value in (("membership_status", new_status), ("status_reason", reason))
                       if value is not None}
        try:
            services.update_organization(org, data, current_user)
        except ServiceError as exc:
            if refused and exc.status == 422:
                raise ServiceError(errors={**exc.errors, **refused}) from None
            raise
        if refused:
            raise ServiceError(errors=refused)
        _apply_status(org, new_status, reason)
        return org


@blp.route("/organizations/<int:org_id>/contacts", endpoint="contacts")
class OrganizationContacts(MethodView):

    @operation(access=login_required, load=VISIBLE, query=PageArgsSchema, response=ContactPageSchema,
               errors=(401, 403, 404))
    def get(self, args, org):
        """The organization's contacts, the main contact first."""
        query = (select(Contact).where(Contact.organization_id == org.id)
                 .order_by(Contact.is_main.desc(), Contact.id))
        return paginated(query, args["page"], args["per_page"])

    @operation(access=login_required, load=EDITABLE, body=ContactCreateSchema, response=ContactSchema,
               status=201, errors=(400, 401, 403, 404, 409))
    def post(self, data, org):
        """Add a contact (the secretariat, or the organization's own accounts
        unless it is an applicant). A mobile number or email already used by
        another contact of the organization is 409."""
        return services.add_contact(org, data, current_user)
