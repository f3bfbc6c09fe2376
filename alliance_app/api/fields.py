"""The fields every API module's schemas are made of: translated messages
(marshmallow's own are English only), text, choices, whole numbers, ids,
moments, the short reference to an organization, and money as decimal
strings, strict booleans and lists with a message of their own."""
import re
from datetime import datetime, timezone
from decimal import Decimal

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.money import plain
from ..core.permissions import MAX_ID
from ..core.text import has_control_characters

REQUIRED = _l("This field is required.")
FIELD_ERRORS = {
    "required": REQUIRED,
    "null": REQUIRED,
    "invalid": _l("Expected a text value."),
}
BOOLEAN_ERRORS = {**FIELD_ERRORS, "invalid": _l("Expected true or false.")}
INTEGER_ERRORS = {**FIELD_ERRORS, "invalid": _l("Expected a whole number.")}
DATE_ERRORS = {**FIELD_ERRORS, "invalid": _l("Enter a date as YYYY-MM-DD.")}
AMOUNT_AS_STRING = _l("Send the amount as a decimal string such as \"3500000000.00\".")

MOMENT_DOC = ("ISO 8601 with an offset, e.g. 2027-06-16T09:00:00+08:00; without an offset it is local time "
              "(Asia/Shanghai). Answered in UTC, e.g. 2027-06-16T01:00:00Z.")
MOMENT_INVALID = _l("Enter a date and time in ISO 8601, e.g. 2027-06-16T09:00:00+08:00.")
MOMENT_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
                       re.ASCII)


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


def in_range(minimum: int, maximum: int):
    """A Range validator with the translated message (marshmallow's own is English only)."""
    return ma.validate.Range(min=minimum, max=maximum, error=_l("Enter a number from %(min)d to %(max)d.",
                                                                min=minimum, max=maximum))


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


def Count(description, **kwargs):
    """A whole number in a JSON body (a JSON integer: no strings, fractions or booleans)."""
    kwargs.setdefault("allow_none", True)
    return ma.fields.Integer(strict=True, error_messages=INTEGER_ERRORS,
                             metadata={"description": description, "minimum": 0}, **kwargs)


def Id(description, *, range_checked=False, **kwargs):
    """The id of a row in a JSON body (a JSON integer). range_checked: the schema
    refuses an id outside the columns' range; otherwise the service does, with
    the same message, together with the body's other problems (events)."""
    if range_checked:
        kwargs["validate"] = in_range(1, MAX_ID)
    return ma.fields.Integer(strict=True, error_messages=INTEGER_ERRORS,
                             metadata={"description": description, "minimum": 1, "maximum": MAX_ID}, **kwargs)


class Moment(ma.fields.DateTime):
    """A moment: ISO 8601 in, UTC out. A time without an offset is local time;
    the services turn it into UTC and check its range."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        metadata = dict(kwargs.pop("metadata", {}))
        metadata["description"] = " ".join(filter(None, (metadata.get("description"), MOMENT_DOC)))
        super().__init__(error_messages={**FIELD_ERRORS, "invalid": MOMENT_INVALID}, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:  # the columns give aware UTC; never guess a zone on output
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not MOMENT_RE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


class OrganizationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class DecimalString(ma.fields.Field):
    """Money and rates: a decimal string in and out, never a JSON number (a
    float cannot hold 0.1 exactly, and clients round numbers their own way).
    The services parse the string; the answer is a plain decimal string."""

    def __init__(self, refused, places: int | None = 2, **kwargs):
        kwargs.setdefault("allow_none", True)
        self.places = places  # 2: money ("3500000000.00"); None: a rate as exact as stored ("7.1234")
        metadata = {"type": "string", **kwargs.pop("metadata", {})}
        super().__init__(error_messages={**FIELD_ERRORS, "invalid": refused}, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):  # numbers and booleans alike
            raise self.make_error("invalid")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if self.places == 2:
            return plain(value)
        return f"{Decimal(value).normalize():f}"


class StrictBoolean(ma.fields.Boolean):
    """true or false only (marshmallow would take 1, "yes" and "on")."""

    def __init__(self, **kwargs):
        super().__init__(error_messages=BOOLEAN_ERRORS, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def ListOf(inner, invalid, **kwargs):
    return ma.fields.List(inner, error_messages={**FIELD_ERRORS, "invalid": invalid}, **kwargs)
