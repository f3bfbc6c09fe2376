"""Checks shared by every domain's validation: text lines, enums, dates, numbers.
Each reports into a Problems mapping (field -> messages) so that all problems
of an input are reported at once, at their field."""
import re
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from .text import clean_code, clean_line, clean_multiline, has_control_characters
from .timeutil import to_utc


MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Problems(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))


def line(problems: Problems, field: str, value: Any, limit: int, *, required: bool = False) -> str | None:
    if value is not None and not isinstance(value, str):
        value = str(value)
    if value is not None and has_control_characters(value):
        problems.add(field, _l("Contains control characters; please retype it."))
        return None
    value = clean_line(value)
    if len(value) > limit:
        problems.add(field, _l("At most %(n)d characters (this has %(m)d).", n=limit, m=len(value)))
        return None
    if required and not value:
        problems.add(field, _l("This field is required."))
    return value or None


def text(problems: Problems, field: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    value = str(value)
    if has_control_characters(value):
        problems.add(field, _l("Contains control characters; please retype it."))
        return None
    value = clean_multiline(value)
    if len(value) > limit:
        problems.add(field, _l("At most %(n)d characters (this has %(m)d).", n=limit, m=len(value)))
        return None
    return value or None


def enum_value(problems: Problems, field: str, enum_cls, value: Any, *, optional: bool = False):
    if value in (None, ""):
        if not optional:
            problems.add(field, _l("This field is required."))
        return None
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value).strip())
    except ValueError:
        problems.add(field, _l("Unknown value %(value)s; allowed: %(allowed)s.", value=str(value)[:50],
                               allowed=", ".join(m.value for m in enum_cls)))
        return None


def date_value(problems: Problems, field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        problems.add(field, _l("Enter a date as YYYY-MM-DD."))
        return None


def datetime_value(problems: Problems, field: str, value: Any, *, required: bool = False) -> datetime | None:
    """A moment in UTC; naive input (a form's datetime-local) is local time."""
    if value in (None, ""):
        if required:
            problems.add(field, _l("This field is required."))
        return None
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            problems.add(field, _l("Enter a date and time as YYYY-MM-DD HH:MM."))
            return None
    if not 2000 <= value.year <= 2100:
        problems.add(field, _l("Enter a year between 2000 and 2100."))
        return None
    return to_utc(value)


def int_value(problems: Problems, field: str, value: Any, *, minimum: int = 0,
              maximum: int = 1_000_000) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        problems.add(field, _l("Enter a whole number."))
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.add(field, _l("Enter a whole number."))
        return None
    if not minimum <= number <= maximum:
        problems.add(field, _l("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum))
        return None
    return number


def mobile_value(problems: Problems, field: str, value: str) -> str:
    """A mainland mobile number as 11 digits; spaces, hyphens, +86 and
    full-width digits are accepted."""
    mobile = re.sub(r"[\s\-]", "", clean_code(value))
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    if not MOBILE_RE.match(mobile):
        problems.add(field, _l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
    return mobile


def email_value(problems: Problems, field: str, value: str) -> str:
    email = clean_code(value).lower()
    if not EMAIL_RE.match(email):
        problems.add(field, _l("Enter a valid email address."))
    return email
