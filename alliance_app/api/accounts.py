"""Accounts in the JSON API, without a token: asking for a password reset link.

* POST /password-reset {"email": ...}: 202 whether or not the email has an
  account (the answer never tells); the active account with that email gets a
  message with a link, valid for an hour, to choose a new password. Limited per
  address and per email (429).
"""
import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..accounts import recovery
from ..core.i18n import request_language
from . import API_PREFIX
from .common import StrictSchema
from .fields import Text
from .resource import anyone, operation_for

blp = Blueprint("api_accounts", __name__, url_prefix=API_PREFIX, description="Accounts: a forgotten password")
operation = operation_for(blp, {
    401: "An invalid or revoked token was sent (none is needed)",
    422: "Not an email address",
    429: "Too many requests from this address or for this email lately; try again later",
})


class PasswordResetSchema(StrictSchema):
    email = Text(254, required=True, allow_none=False, metadata={"description": "The email the account logs in with"})


class PasswordResetAcceptedSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "202"})
    message = ma.fields.String(metadata={"description": "The same whether or not the email has an account"})


@blp.route("/password-reset", endpoint="password_reset", methods=["POST"])
@operation(access=anyone, body=PasswordResetSchema, response=PasswordResetAcceptedSchema, status=202,
           errors=(400, 401, 422, 429))
def password_reset(data):
    """Send a link to choose a new password to the account with this email, if there is one."""
    recovery.request_password_reset(data["email"], request.remote_addr, locale=request_language())
    return {"status": 202, "message": _("If an account exists for this email, a message with a link to choose a "
                                        "new password is on its way.")}
