"""The JSON API under /api/v1/, authenticated by bearer tokens only: a browser
session never authorises an API call, so the API needs no CSRF token."""
import marshmallow as ma
from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api

from ..core.errors import ServiceError
from ..extensions import csrf, db

API_PREFIX = "/api/v1"


class ApiErrorSchema(ma.Schema):
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    error = ma.fields.String(metadata={"description": "Short name of the error"})
    message = ma.fields.String(metadata={"description": "What went wrong, in the request's language"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages per field, when input was refused"},
    )


class AllianceApi(Api):
    ERROR_SCHEMA = ApiErrorSchema
    # No catch-all "default" response: each operation lists the statuses it
    # answers, so a client (and the fuzz test) can rely on that list.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """errors.py answers for the whole app, in JSON under /api/."""


api = AllianceApi()


def authenticate_api_request():
    from flask_login import AnonymousUserMixin

    from ..accounts.services import user_for_token

    if not request.path.startswith("/api/"):
        return None
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        user = user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            abort(401)
        if db.session.dirty:  # last_used_at (once a minute), before the endpoint's own transaction
            db.session.commit()
        g.api_user = user
        if user.is_member and not user.can_self_serve and request.endpoint != "api_me.me":
            # Member self-service follows the organization's membership (User.member_organization_id).
            raise ServiceError(_l("Your organization is not a member of the alliance at present: the API's member "
                                  "access is not available."), status=403)
    # Flask-Login reads the request's user from g._login_user: setting it here
    # keeps the browser session (cookie) out of API authorisation entirely.
    g._login_user = g.api_user or AnonymousUserMixin()
    return None


def init_app(app: Flask) -> None:
    api.init_app(app)
    app.before_request(authenticate_api_request)

    from . import (accounts, agreements, events, finance, followup, guests, me, messages, organizations, protocol,
                   questions, registrations, totals, verify)

    for blp in (me.blp, accounts.blp, organizations.blp, events.blp, registrations.blp, agreements.blp, totals.blp,
                messages.blp, finance.blp, questions.blp, followup.blp, protocol.blp, guests.blp, verify.blp,
                verify.public_blp):
        csrf.exempt(blp)
        api.register_blueprint(blp)
