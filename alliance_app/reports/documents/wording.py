"""The signing report in words, for the PDF and the workbook alike: labels of
sectors, kinds and tiers, amounts, the event's date and place, and which
breakdowns have any disclosed amount. Plain text, in the reader's language;
the builders escape it."""
from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from ...agreements.labels import DOCUMENT_KIND_LABELS, KIND_LABELS, SECTOR_LABELS, VENUE_LABELS
from ...agreements.models import Agreement, AgreementKind, AgreementStatus, DocumentKind, Sector, SigningVenue
from ...core.db import utcnow
from ...core.money import format_amount, grouped
from ...events.documents import when_text
from ...events.models import Event
from ...members.labels import TIER_LABELS
from ...members.models import Tier
from ..charts import yi


def reads_chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def exact_yuan(amount: Decimal | None) -> str:
    """'3,648,000,000.00元' / 'CNY 3,648,000,000.00': every fen shown."""
    amount = amount or Decimal(0)
    return f"{grouped(amount)}元" if reads_chinese() else f"CNY {grouped(amount)}"


def yi_text(amount: Decimal | None) -> str:
    """'36.48 亿元' / '36.48 hundred million yuan'."""
    unit = _("hundred million yuan")
    return f"{yi(amount):,.2f} {unit}"


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """A fraction with four decimals (0.1234 = 12.34 %), None when there is no whole."""
    if not whole:
        return None
    return ((part or Decimal(0)) / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def sector_label(value) -> str:
    try:
        return str(SECTOR_LABELS[Sector(value)])
    except ValueError:
        return str(value)


def document_kind_label(value) -> str:
    return str(DOCUMENT_KIND_LABELS[DocumentKind(value)])


def venue_label(value) -> str:
    return str(VENUE_LABELS[SigningVenue(value)])


def kind_label(value) -> str:
    try:
        return str(KIND_LABELS[AgreementKind(value)])
    except ValueError:
        return str(value)


def tier_label(value) -> str:
    if value is None:
        return _("Non-member")
    try:
        return str(TIER_LABELS[Tier(value)])
    except ValueError:
        return str(value)


def amount_texts(agreement: Agreement) -> tuple[str, str]:
    """('6亿元', '') / ('8000万美元', '折合人民币 5.68亿元') / ('不公开', ''): plain text."""
    if not agreement.amount_disclosed or agreement.amount is None:
        return _("Not disclosed"), ""
    equivalent = ""
    if agreement.currency != "CNY" and agreement.amount_cny is not None:
        equivalent = _("Equivalent to %(amount)s", amount=format_amount(agreement.amount_cny, "CNY"))
    return format_amount(agreement.amount, agreement.currency), equivalent


def parties_lines(agreement: Agreement) -> list[str]:
    return [f"{party.role_label} {party.printed_name}" for party in agreement.parties]


def as_of() -> str:
    return format_datetime(utcnow(), "yyyy-MM-dd HH:mm")


def event_lines(event: Event) -> list[str]:
    lines = [when_text(event.starts_at, event.ends_at)]
    place = ("，" if reads_chinese() else ", ").join(x for x in (event.venue, event.address) if x)
    if place:
        lines.append(place)
    return lines


def disclosed_groups(agreements: Sequence[Agreement]) -> dict[str, set]:
    """The sectors, kinds and organizations with at least one signed agreement
    of disclosed amount: where a breakdown shows 0 for anything else, all its
    agreements keep their amount undisclosed, and the report says so."""
    found: dict[str, set] = {"sector": set(), "kind": set(), "organization": set()}
    for agreement in agreements:
        if agreement.status == AgreementStatus.signed and agreement.amount_disclosed:
            found["sector"].update(sector.value for sector in agreement.sectors)
            found["kind"].add(agreement.kind.value)
            found["organization"].update(party.organization_id for party in agreement.parties)
    return found
