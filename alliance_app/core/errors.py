"""Error pages and JSON errors. No stack trace ever reaches a user."""
import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError as DBAPIInterfaceError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A rule of the domain refused the request; `field` names the input at fault."""

    def __init__(self, message=None, field: str | None = None, status: int = 422,
                 errors: dict[str, list] | None = None):
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
        if field and message is not None:
            self.errors.setdefault(field, []).append(str(message))
        if message is None:
            message = next(iter(self.errors.values()))[0] if self.errors else MESSAGES[422]
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status

    def apply_to_form(self, form) -> None:
        """Put each message at its field; messages for fields the form lacks go on top."""
        for name, messages in self.errors.items():
            target = getattr(form, name, None)
            if target is not None and hasattr(target, "errors"):
                target.errors = list(target.errors) + messages
            else:
                form.form_errors.extend(messages)
        if not self.errors:
            form.form_errors.append(str(self.message))


TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    422: _l("Invalid input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("You need to log in to see this."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is nothing at this address. It may have been moved or removed."),
    405: _l("This address does not accept that kind of request."),
    409: _l("The request conflicts with existing data."),
    413: _l("The upload is larger than this site accepts."),
    422: _l("Some of the input is not valid."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again later."),
    503: _l("The service is temporarily unavailable. Please try again shortly."),
}


def wants_json() -> bool:
    # API blueprints outside /api/ (the verification's public JSON addresses) are named api_*.
    return (request.path.startswith("/api/") or request.path == "/healthz"
            or (request.blueprint or "").startswith("api_"))


def error_response(status: int, message=None, fields: dict | None = None):
    message = str(message or MESSAGES.get(status, TITLES.get(status, "")))
    if wants_json():
        body = {"status": status, "error": str(TITLES.get(status, "Error")), "message": message}
        if fields:
            body["errors"] = fields
        return jsonify(body), status
    title = str(TITLES.get(status, _("Error")))
    if request_ctx.url_adapter is None:
        # The request never matched this site (e.g. an untrusted Host header):
        # no URLs can be built, so answer without the layout.
        return Response(f"{status} {title}: {message}", status, mimetype="text/plain")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, _("The form has expired or was not sent from this site. "
                                     "Please reload the page and try again."))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        return error_response(exc.status, exc.message, exc.errors or None)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        fields = None
        data = getattr(exc, "data", None)
        if isinstance(data, dict) and "messages" in data:
            # webargs/flask-smorest validation: {"json": {"field": ["msg"]}}
            messages = data["messages"]
            fields = {}
            for location_errors in messages.values():
                if isinstance(location_errors, dict):
                    fields.update(location_errors)
        custom = getattr(exc, "custom_message", None)
        response = error_response(exc.code, custom, fields)
        if exc.code == 401 and wants_json():
            response[0].headers["WWW-Authenticate"] = 'Bearer realm="api"'
        retry = getattr(exc, "retry_after", None)
        if retry:
            response[0].headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIInterfaceError)
    def database_unavailable(exc):
        log.error("Database unavailable on %s %s: %s", request.method, request.path, exc.__class__.__name__)
        db.session.rollback()
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        db.session.rollback()
        return error_response(500)
