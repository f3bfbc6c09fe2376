"""What every API module shares: strict schemas with translated messages,
text and choice fields, pagination, the JSON-body check."""
from functools import wraps

import marshmallow as ma
from flask import abort, request
from sqlalchemy import inspect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from ..errors import ServiceError
from ..extensions import db
from ..text import has_control_characters

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_PAGE = 1_000_000

# Messages of the schemas, in the request's language (marshmallow's own are English only).
REQUIRED = _l("This field is required.")
FIELD_ERRORS = {
    "required": REQUIRED,
    "null": REQUIRED,
    "invalid": _l("Expected a text value."),
}
BOOLEAN_ERRORS = {**FIELD_ERRORS, "invalid": _l("Expected true or false.")}
INTEGER_ERRORS = {**FIELD_ERRORS, "invalid": _l("Expected a whole number.")}
DATE_ERRORS = {**FIELD_ERRORS, "invalid": _l("Enter a date as YYYY-MM-DD.")}
def _stringify(messages):
    """Messages as plain strings, a list of them per field."""
    if isinstance(messages, dict):
        return {key: _stringify(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [str(value) for value in messages]
    return [str(messages)]


class StrictSchema(ma.Schema):
    """Unknown fields are refused; messages are translated when the error is raised."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Expected a JSON object.")}

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error, data, **kwargs):
        raise ma.ValidationError(_stringify(error.messages), data=data, valid_data=error.valid_data)


def one_of(values):
    allowed = tuple(values)

    def validate(value):
        if value not in allowed:
            raise ma.ValidationError(_("Unknown value %(value)s; allowed: %(allowed)s.",
                                       value=str(value)[:50], allowed=", ".join(allowed)))

    return validate


def no_control_characters(value):
    if value and has_control_characters(value):
        raise ma.ValidationError(_("Contains control characters; please retype it."))


def Text(limit=None, **kwargs):
    """A string field; lengths and content are checked by the services (translated messages)."""
    kwargs.setdefault("allow_none", True)
    metadata = kwargs.pop("metadata", {})
    if limit:
        metadata.setdefault("maxLength", limit)
    return ma.fields.String(error_messages=FIELD_ERRORS, metadata=metadata, **kwargs)


def Choice(values, description, **kwargs):
    values = list(values)
    return ma.fields.String(error_messages=FIELD_ERRORS, validate=one_of(values),
                            metadata={"enum": values, "description": description}, **kwargs)


class PageSchema(ma.Schema):
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class PageArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, error_messages=INTEGER_ERRORS,
                             validate=ma.validate.Range(min=1, max=MAX_PAGE, error=_l(
                                 "Enter a number from %(min)d to %(max)d.", min=1, max=MAX_PAGE)))
    per_page = ma.fields.Integer(load_default=DEFAULT_PER_PAGE, error_messages=INTEGER_ERRORS,
                                 validate=ma.validate.Range(min=1, max=MAX_PER_PAGE, error=_l(
                                     "Enter a number from %(min)d to %(max)d.", min=1, max=MAX_PER_PAGE)))


def json_body(view):
    """POST and PATCH take a JSON object; anything else is a 400 before parsing."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not request.is_json or not request.get_data(cache=True):
            exc = BadRequest()
            exc.custom_message = _l("Send the data as a JSON object (Content-Type: application/json).")
            raise exc
        return view(*args, **kwargs)

    return wrapped


def paginated(query, page: int, per_page: int) -> dict:
    """One query for the rows and one for the total, whatever the page size."""
    result = db.paginate(query, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE,
                         error_out=False, count=True)
    return {"items": result.items, "page": page, "per_page": per_page, "total": result.total}


MAX_ID = 2**31 - 1  # the columns' range: a larger id in a URL is simply not there


def _get(model, object_id):
    """The row, or 404 (an id beyond the column's range is not there either)."""
    obj = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if obj is None:
        abort(404)
    return obj


def with_object(model, url_arg, name):
    """Load the URL's object (404) into the keyword argument `name`, before the body is parsed."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            kwargs[name] = _get(model, kwargs.pop(url_arg))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _save(work):
    """Run the one service call; commit, or write nothing."""
    try:
        result = work()
    except ServiceError:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def _pk(obj) -> int:
    """The id of a row, without reloading it after the commit expired it."""
    return inspect(obj).identity[0]
