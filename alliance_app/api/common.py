"""What every API module shares: strict schemas with translated, flat
messages, pagination, the JSON-body check."""
import json
import re
from functools import wraps

import marshmallow as ma
from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from ..core.params import MAX_PAGE
from ..extensions import db
from .fields import INTEGER_ERRORS, in_range

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50


def _stringify(messages):
    """Messages as plain strings, a list of them per field."""
    if isinstance(messages, dict):
        return {key: _stringify(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [str(value) for value in messages]
    return [str(messages)]


def flat_errors(messages, prefix=""):
    """Messages as the documented `errors` object, a list of strings per field name:
    {"parties": {1: {"organization_id": [...]}}} → {"parties-1-organization_id": [...]},
    the services' names, so that a client finds every message of a party under one
    scheme. The messages of a plain list's items are the list's own:
    {"session_ids": {5: [...]}} → {"session_ids": [...]}."""
    if not isinstance(messages, dict):
        return {prefix: messages}
    flat = {}
    for key, value in messages.items():
        if key == "_schema" and prefix or isinstance(key, int) and not isinstance(value, dict):
            name = prefix
        else:
            name = f"{prefix}-{key}" if prefix else str(key)
        for field, field_messages in flat_errors(value, name).items():
            flat.setdefault(field, []).extend(field_messages)
    return flat


class StrictSchema(ma.Schema):
    """Unknown fields are refused; messages are translated when the error is raised,
    and come out flat, a list per field (as ApiErrorSchema documents them)."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Expected a JSON object.")}

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error, data, **kwargs):
        raise ma.ValidationError(flat_errors(_stringify(error.messages)), data=data, valid_data=error.valid_data)


class PageSchema(ma.Schema):
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class PageArgsSchema(StrictSchema):
    page = ma.fields.Integer(load_default=1, error_messages=INTEGER_ERRORS, validate=in_range(1, MAX_PAGE))
    per_page = ma.fields.Integer(load_default=DEFAULT_PER_PAGE, error_messages=INTEGER_ERRORS,
                                 validate=in_range(1, MAX_PER_PAGE))


def bad_request(message):
    exc = BadRequest()
    exc.custom_message = message
    return exc


SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(data) -> bool:
    """Whether any string (key or value) holds half of a UTF-16 pair ("\\ud800" in JSON):
    json.loads accepts one, but it is no character and cannot be stored or encoded."""
    pending = [data]
    while pending:  # no recursion: the document may be nested as deep as json.loads allows
        value = pending.pop()
        if isinstance(value, str):
            if SURROGATE_RE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def check_json_body() -> None:
    """A body that is not JSON text a service can take is a 400 with its reason,
    before the schema reads it (webargs would answer a bare 400, or fail on
    nesting too deep for json.loads)."""
    try:
        data = json.loads(request.get_data(cache=True).decode("utf-8"))
    except UnicodeDecodeError:
        raise bad_request(_l("The body is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise bad_request(_l("The body is not valid JSON (line %(line)d, column %(column)d).",
                             line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise bad_request(_l("The JSON is nested too deeply.")) from None
    if _has_lone_surrogate(data):
        raise bad_request(_l("The text contains an invalid character (an unpaired UTF-16 surrogate); "
                             "send valid Unicode."))


def _json_object(required: bool):
    """POST and PATCH take a JSON object; anything else is a 400 before parsing.
    Not required: a body is optional, but one that is sent is a JSON object."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            sent = bool(request.get_data(cache=True))
            if sent or required:
                if not (sent and request.is_json):
                    raise bad_request(_l("Send the data as a JSON object (Content-Type: application/json)."))
                check_json_body()
            return view(*args, **kwargs)

        return wrapped

    return decorator


json_body = _json_object(required=True)
optional_json_body = _json_object(required=False)


def paginated(query, page: int, per_page: int) -> dict:
    """One query for the rows and one for the total, whatever the page size."""
    result = db.paginate(query, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE,
                         error_out=False, count=True)
    return {"items": result.items, "page": page, "per_page": per_page, "total": result.total}
