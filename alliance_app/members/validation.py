"""Cleaning and checking organization and contact data, for forms, the API and
imports alike. Every problem is reported at its field, all at once."""
import hashlib
from typing import Any, Mapping
from urllib.parse import urlsplit

from babel import Locale
from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc as uscc_module
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from ..core.text import clean_code, clean_multiline, has_control_characters
from ..core.validation import (Problems, date_value, email_value, enum_value, line,  # noqa: F401  (Problems re-exported)
                          mobile_value)
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



def clean_uscc(problems: Problems, value: Any) -> str | None:
    value = line(problems, "uscc", value, 40)
    if not value:
        return None
    value = clean_code(value)
    try:
        return uscc_module.validate(value)
    except InvalidLength:
        problems.add("uscc", _l("A unified social credit code has 18 characters."))
    except InvalidChecksum:
        problems.add("uscc", _l("The check character of this credit code is wrong; please check for typos."))
    except ValidationError:
        problems.add("uscc", _l("This is not a valid unified social credit code."))
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
            out[field] = line(problems, field, data.get(field), limit)
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
        out["kind"] = enum_value(problems, "kind", OrganizationKind, data.get("kind") or "enterprise", optional=False)
    if "tier" in present:
        out["tier"] = enum_value(problems, "tier", Tier, data.get("tier"), optional=True)
    if "country" in present:
        country = clean_code(str(data.get("country") or "CN")).upper()
        if country not in COUNTRY_CODES:
            problems.add("country", _l("Use a two-letter ISO 3166 country code such as CN or MY."))
        out["country"] = country
    if "uscc" in present:
        out["uscc"] = clean_uscc(problems, data.get("uscc"))
    if "joined_on" in present:
        out["joined_on"] = date_value(problems, "joined_on", data.get("joined_on"))
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
            out[field] = line(problems, field, data.get(field), limit)
    if (not partial or "name" in data) and not out.get("name") and "name" not in problems:
        problems.add("name", _l("This field is required."))
    if out.get("mobile"):
        out["mobile"] = mobile_value(problems, "mobile", out["mobile"])
    if out.get("email"):
        out["email"] = email_value(problems, "email", out["email"])
    if not partial or "is_main" in data:
        out["is_main"] = bool(data.get("is_main"))
    return out, problems


def example_uscc(prefix: str, name: str) -> str:
    """A well-formed credit code made from a name (check digit per GB 32100): for
    the demo data and the import template's example row, never for real records."""
    from stdnum.cn.uscc import _alphabet, calc_check_digit

    digest = hashlib.sha256(name.encode()).digest()
    body = prefix + "".join(_alphabet[b % len(_alphabet)] for b in digest[:9])
    return body + calc_check_digit(body)
