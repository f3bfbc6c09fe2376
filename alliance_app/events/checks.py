"""Checks the event services share: the fields given, problems raised as one
ServiceError, an organization given by id, an end after its start, a capacity
not below the seats taken, times in messages; and applying what was checked."""
from datetime import datetime
from typing import Any, Iterable, Mapping

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from ..core.errors import ServiceError
from ..core.validation import Problems, int_value
from ..extensions import db
from ..members.models import Organization


def fields_to_clean(problems: Problems, data: Mapping[str, Any], fields: Iterable[str], partial: bool) -> set:
    """The fields given (for a partial change) or all of `fields`; any other
    field in `data` is a problem."""
    for field in data:
        if field not in fields:
            problems.add(field, _l("Unknown field."))
    return set(data) & set(fields) if partial else set(fields)


def raise_problems(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


def organization_field(problems: Problems, field: str, value: Any, *, optional: bool = False) -> Organization | None:
    number = int_value(problems, field, value, minimum=1, maximum=2**31 - 1)
    if number is None:
        if not optional and field not in problems:
            problems.add(field, _l("This field is required."))
        return None
    org = db.session.get(Organization, number)
    if org is None:
        problems.add(field, _l("There is no organization with the id %(id)s.", id=number))
    return org


def check_window(problems: Problems, values: dict, start: str, end: str) -> None:
    if values.get(start) and values.get(end) and values[end] <= values[start]:
        problems.add(end, _l("The end must be after the start."))


def check_capacity(problems: Problems, values: dict, current) -> None:
    """A capacity cannot go below the seats already taken."""
    if current is not None and values.get("capacity") is not None and values["capacity"] < current.seats_taken:
        problems.add("capacity", _l("%(n)d seats are taken already; the capacity cannot be lower.",
                                    n=current.seats_taken))


def hhmm(moment: datetime) -> str:
    return format_datetime(moment, "HH:mm")


def apply_changes(record, values: Mapping[str, Any]):
    """Set the cleaned values on `record` and flush."""
    for field, value in values.items():
        setattr(record, field, value)
    db.session.flush()
    return record
