import marshmallow as ma
from flask_login import current_user
from flask_smorest import Blueprint

from ..core.permissions import login_required
from . import API_PREFIX
from .fields import OrganizationRefSchema
from .resource import operation_for

blp = Blueprint("api_me", __name__, url_prefix=API_PREFIX, description="The caller's own account")
operation = operation_for(blp, {})


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String(metadata={"enum": ["admin", "staff", "member"]})
    organization = ma.fields.Nested(OrganizationRefSchema, allow_none=True)
    locale = ma.fields.String(allow_none=True)
    self_service = ma.fields.Boolean(metadata={
        "description": "Whether the account may use member self-service: false for the secretariat and for "
                       "an organization that is not a member (an applicant, a rejected or withdrawn one), "
                       "whose tokens are refused (403) everywhere but here"})


@blp.route("/me")
@operation(access=login_required, response=MeSchema, errors=(401,))
def me():
    """The account the bearer token belongs to."""
    user = current_user
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "organization": user.organization,
        "locale": user.locale,
        "self_service": user.can_self_serve,
    }
