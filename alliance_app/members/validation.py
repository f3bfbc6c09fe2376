"""Cleaning and checking organization and contact data, for forms, the API and
imports alike. Every problem is reported at its field, all at once."""
import re
from datetime import date
from typing import Any, Mapping
from urllib.parse import urlsplit

from babel import Locale
from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc as uscc_module
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from ..text import clean_line, clean_multiline, has_control_characters
from .models import OrganizationKind, Tier

LINE_LIMITS = {
    "name": 200, "name_en": 300, "short_name": 100, "province": 50, "city": 50, "address": 300,
    "website": 300, "phone": 50, "legal_representative": 100, "uscc_exempt_reason": 200,
}
NOTES_LIMIT = 4000
# CLDR territories that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
COUNTRY_CODES = frozenset(code for code in Locale("en").territories
                          if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)

# What a member representative may change about its own organization.
MEMBER_EDITABLE = frozenset({"name_en", "short_name", "province", "city", "address", "website", "phone"})
ALL_FIELDS = frozenset(LINE_LIMITS) | {"kind", "uscc", "country", "notes", "tier", "joined_on"}

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Problems(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(str(message))


def _line(problems: Problems, field: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if has_control_characters(value):
        problems.add(field, _l("Contains control characters; please retype it."))
        return None
    value = clean_line(value)
    if len(value) > limit:
        problems.add(field, _l("At most %(n)d characters (this has %(m)d).", n=limit, m=len(value)))
        return None
    return value or None


def clean_uscc(problems: Problems, value: Any) -> str | None:
    value = _line(problems, "uscc", value, 40)
    if not value:
        return None
    try:
        return uscc_module.validate(value)
    except InvalidLength:
        problems.add("uscc", _l("A unified social credit code has 18 characters."))
    except InvalidChecksum:
        problems.add("uscc", _l("The check character of this credit code is wrong; please check for typos."))
    except ValidationError:
        problems.add("uscc", _l("This is not a valid unified social credit code."))
    return None


def _enum(problems: Problems, field: str, enum_cls, value: Any, *, optional: bool):
    if value in (None, ""):
        if not optional:
            problems.add(field, _l("This field is required."))
        return None
    try:
        return enum_cls(str(value).strip())
    except ValueError:
        problems.add(field, _l("Unknown value %(value)s; allowed: %(allowed)s.", value=str(value)[:50],
                               allowed=", ".join(m.value for m in enum_cls)))
        return None


def _website(problems: Problems, value: str | None) -> str | None:
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in value:
        problems.add("website", _l("Enter a web address such as https://www.example.com."))
        return None
    return value


def _date(problems: Problems, field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        problems.add(field, _l("Enter a date as YYYY-MM-DD."))
        return None


def clean_organization(data: Mapping[str, Any], *, allowed: frozenset = ALL_FIELDS,
                       partial: bool = False) -> tuple[dict, Problems]:
    """Cleaned values for the fields present in `data` (all of them unless
    `partial`), and the problems found. Fields outside `allowed` are refused."""
    problems = Problems()
    out: dict[str, Any] = {}
    for field in data:
        if field not in ALL_FIELDS:
            problems.add(field, _l("Unknown field."))
        elif field not in allowed:
            problems.add(field, _l("Only the secretariat can change this."))
    present = set(data) & allowed if partial else allowed
    for field, limit in LINE_LIMITS.items():
        if field in present:
            out[field] = _line(problems, field, data.get(field), limit)
    if "website" in out:
        out["website"] = _website(problems, out["website"])
    if "notes" in present:
        notes = data.get("notes")
        if notes is not None and has_control_characters(str(notes).replace("\t", " ")):
            problems.add("notes", _l("Contains control characters; please retype it."))
        else:
            out["notes"] = clean_multiline(notes) or None
            if out["notes"] and len(out["notes"]) > NOTES_LIMIT:
                problems.add("notes", _l("At most %(n)d characters (this has %(m)d).", n=NOTES_LIMIT,
                                         m=len(out["notes"])))
    if "kind" in present:
        out["kind"] = _enum(problems, "kind", OrganizationKind, data.get("kind") or "enterprise", optional=False)
    if "tier" in present:
        out["tier"] = _enum(problems, "tier", Tier, data.get("tier"), optional=True)
    if "country" in present:
        country = (clean_line(str(data.get("country") or "CN"))).upper()
        if country not in COUNTRY_CODES:
            problems.add("country", _l("Use a two-letter ISO 3166 country code such as CN or MY."))
        out["country"] = country
    if "uscc" in present:
        out["uscc"] = clean_uscc(problems, data.get("uscc"))
    if "joined_on" in present:
        out["joined_on"] = _date(problems, "joined_on", data.get("joined_on"))
    if "name" in present and not out.get("name") and "name" not in problems:
        problems.add("name", _l("This field is required."))
    return out, problems


def check_uscc_or_reason(problems: Problems, values: Mapping[str, Any]) -> None:
    """A Chinese organization has a credit code, or a reason why not."""
    if problems.get("uscc"):
        return
    if not values.get("uscc") and values.get("country", "CN") == "CN" and not values.get("uscc_exempt_reason"):
        problems.add("uscc", _l("Enter the unified social credit code, or the reason this organization has none."))


def clean_contact(data: Mapping[str, Any], *, partial: bool = False) -> tuple[dict, Problems]:
    problems = Problems()
    out: dict[str, Any] = {}
    limits = {"name": 100, "position": 100, "mobile": 30, "email": 254}
    for field in data:
        if field not in limits and field != "is_main":
            problems.add(field, _l("Unknown field."))
    for field, limit in limits.items():
        if not partial or field in data:
            out[field] = _line(problems, field, data.get(field), limit)
    if (not partial or "name" in data) and not out.get("name") and "name" not in problems:
        problems.add("name", _l("This field is required."))
    if out.get("mobile"):
        mobile = re.sub(r"[\s\-]", "", out["mobile"])
        if mobile.startswith("+86"):
            mobile = mobile[3:]
        if not MOBILE_RE.match(mobile):
            problems.add("mobile", _l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
        out["mobile"] = mobile
    if out.get("email"):
        out["email"] = out["email"].lower()
        if not EMAIL_RE.match(out["email"]):
            problems.add("email", _l("Enter a valid email address."))
    if not partial or "is_main" in data:
        out["is_main"] = bool(data.get("is_main"))
    return out, problems
