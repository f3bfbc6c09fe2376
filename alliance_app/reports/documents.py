"""The signing report of an event (签约情况报告), as a PDF to print and hand out
and as a workbook to work with. Both take what the views have already
loaded — the event, `totals(Scope(event_id=...))` and the agreements of the
signing list — and speak the reader's language.

The PDF rounds to 亿元 with two decimals (half up) where people read figures,
and gives the signed total exactly in 元 as well; the workbook keeps every
amount exact, as a number in a yuan format, so it adds up in Excel.

How the figures are defined (signed only, undisclosed amounts counted but not
summed, sectors apportioned) is in the docstring of totals.py; the report says
it in words next to the figures."""
import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Sequence

from flask_babel import format_datetime, get_locale, ngettext, pgettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..agreements.labels import KIND_LABELS, SECTOR_LABELS, STATUS_LABELS
from ..agreements.models import Agreement, AgreementKind, AgreementStatus, Sector
from ..core.db import utcnow
from ..events.documents import when_text
from ..events.models import Event
from ..members.labels import TIER_LABELS
from ..members.models import Tier
from ..core.money import format_amount, grouped
from ..pdf.document import build_pdf, escape, styles
from ..pdf.fonts import cjk_font
from ..core.spreadsheets import Sheet, xlsx_bytes
from .charts import sector_chart, yi, yi_label

GREEN = colors.HexColor("#14532d")
HEADER_BACKGROUND = colors.HexColor("#e8f3ec")
TOTAL_BACKGROUND = colors.HexColor("#f3f4f6")
GRID = colors.HexColor("#9ca3af")
TOP_ORGANIZATIONS = 20
# Excel number formats: exact yuan, original currencies, shares, exchange rates.
YUAN_FORMAT_ZH = '#,##0.00"元"'
YUAN_FORMAT_EN = '"CNY "#,##0.00'
AMOUNT_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
RATE_FORMAT = "0.0000##"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


# --- words and numbers ---------------------------------------------------------------------------

def _chinese() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def _join(items: Iterable[str]) -> str:
    return ("、" if _chinese() else ", ").join(str(item) for item in items)


def exact_yuan(amount: Decimal | None) -> str:
    """'3,648,000,000.00元' / 'CNY 3,648,000,000.00': every fen shown."""
    amount = amount or Decimal(0)
    return f"{grouped(amount)}元" if _chinese() else f"CNY {grouped(amount)}"


def yi_text(amount: Decimal | None) -> str:
    """'36.48 亿元' / '36.48 hundred million yuan'."""
    unit = _("hundred million yuan")
    return f"{yi(amount):,.2f} {unit}"


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """A fraction with four decimals (0.1234 = 12.34 %), None when there is no whole."""
    if not whole:
        return None
    return ((part or Decimal(0)) / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _agreements_text(count: int) -> str:
    return ngettext("%(num)d agreement", "%(num)d agreements", count)


def _organizations_text(count: int) -> str:
    return ngettext("%(num)d organization", "%(num)d organizations", count)


def sector_label(value) -> str:
    try:
        return str(SECTOR_LABELS[Sector(value)])
    except ValueError:
        return str(value)


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


def _as_of() -> str:
    return format_datetime(utcnow(), "yyyy-MM-dd HH:mm")


def _event_lines(event: Event) -> list[str]:
    lines = [when_text(event.starts_at, event.ends_at)]
    place = ("，" if _chinese() else ", ").join(x for x in (event.venue, event.address) if x)
    if place:
        lines.append(place)
    return lines


# --- the PDF ----------------------------------------------------------------------------------------

def _report_styles() -> dict[str, ParagraphStyle]:
    s = styles()
    s["figure"] = ParagraphStyle("figure", parent=s["title"], fontSize=26, leading=34, textColor=GREEN,
                                 spaceAfter=0)
    # Figures, numbers and labels break at spaces only, never inside a word or number.
    s["plain"] = ParagraphStyle("plain", parent=s["cell"], wordWrap=None)
    s["number"] = ParagraphStyle("number", parent=s["plain"], alignment=TA_RIGHT)
    # One sector a paragraph; a wrapped name goes on indented, so two sectors never read as one.
    s["sector"] = ParagraphStyle("sector", parent=s["plain"], leftIndent=6, firstLineIndent=-6, spaceAfter=1)
    s["header"] = ParagraphStyle("header", parent=s["cell"], textColor=GREEN)
    s["header_number"] = ParagraphStyle("header_number", parent=s["header"], alignment=TA_RIGHT)
    s["note"] = ParagraphStyle("note", parent=s["small"], spaceBefore=2, spaceAfter=4)
    s["unit"] = ParagraphStyle("unit", parent=s["small"], alignment=TA_RIGHT, spaceAfter=2)
    return s


def _table(s, header: Sequence[str], rows: list[Sequence[str]], widths: Sequence[float],
           numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A ruled table of plain texts (escaped here); `numeric` columns align
    right; with `total` the last row is the total line."""
    data = [[Paragraph(escape(text), s["header_number" if i in numeric else "header"])
             for i, text in enumerate(header)]]
    data += [[Paragraph(escape(text), s["number" if i in numeric else "cell"]) for i, text in enumerate(row)]
             for row in rows]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),  # even empty cells: no stray Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if total and rows:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _section(s, heading: str, *parts) -> list:
    """A heading on a new page when less than a few table rows would follow it
    on this one; tables then run on, repeating their header row."""
    return [CondPageBreak(45 * mm), Paragraph(escape(heading), s["heading"])] + [p for p in parts if p is not None]


def _nothing(s) -> Paragraph:
    return Paragraph(escape(_("No signed agreements yet.")), s["body"])


def _headline(figures: dict, s) -> list:
    total = figures["signed_total"]
    story = [
        Paragraph(escape(_("Signed total")), s["centered"]),
        Paragraph(escape(yi_text(total)), s["figure"]),
        Paragraph(escape(exact_yuan(total)), s["centered"]),
        Spacer(1, 5 * mm),
    ]
    undisclosed_note = _("Counted among the agreements signed, not in the total.")
    listed = figures.get("undisclosed") or []
    if listed:
        undisclosed_note += " " + "; ".join(f"{row['number']} {row['title']}" for row in listed[:10])
        if len(listed) > 10 or figures["undisclosed_count"] > len(listed):
            undisclosed_note += " …"
    pipeline = _agreements_text(figures["pipeline_count"])
    if figures["pipeline_count"]:
        pipeline += ("，" if _chinese() else ", ") + yi_text(figures["pipeline_total"])
    rows = [
        (_("Agreements signed"), _agreements_text(figures["signed_count"]), ""),
        (_("Partners"), _organizations_text(figures["counterparty_count"]),
         _("Organizations among the parties other than the first (甲方), each counted once.")),
        (_("Undisclosed amounts"), _agreements_text(figures["undisclosed_count"]), undisclosed_note),
        (_("Ready for signing"), pipeline, _("Checked and waiting to be signed; not in the total.")),
    ]
    data = [[Paragraph(escape(label), s["cell"]), Paragraph(escape(value), s["number"]),
             Paragraph(escape(note), s["small"])] for label, value, note in rows]
    table = Table(data, colWidths=[38 * mm, 38 * mm, 94 * mm], hAlign="CENTER")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d1d5db")),
        ("LINEABOVE", (0, 0), (-1, 0), 0.3, colors.HexColor("#d1d5db")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story += [table, Spacer(1, 2 * mm),
              Paragraph(escape(_("The total is in CNY at the recorded exchange rates and leaves out amounts "
                                 "that are not disclosed.")), s["note"])]
    return story


def _disclosed(agreements: Sequence[Agreement]) -> dict[str, set]:
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


def _yi_cell(amount: Decimal, disclosed: bool) -> str:
    return _("Not disclosed") if not amount and not disclosed else yi_label(amount)


def _unit(s) -> Paragraph:
    return Paragraph(escape(_("Unit: 100 million yuan")), s["unit"])


def _by_sector(figures: dict, s, disclosed: dict) -> list:
    rows = figures["by_sector"]
    heading = _("By sector")
    if not rows:
        return _section(s, heading, _nothing(s))
    total = figures["signed_total"]
    data = [(sector_label(row["sector"]), str(row["count"]),
             _yi_cell(row["amount"], row["sector"] in disclosed["sector"]), _percent(share(row["amount"], total)),
             _yi_cell(row["amount_involved"], row["sector"] in disclosed["sector"])) for row in rows]
    data.append((_("Total"), str(figures["signed_count"]), yi_label(total), _percent(share(total, total)), ""))
    table = _table(s, [_("Sector"), _("Number of agreements"), _("Apportioned value"), _("Share"),
                       _("Value involved")], data, [40 * mm, 30 * mm, 36 * mm, 24 * mm, 40 * mm],
                   numeric=(1, 2, 3, 4), total=True)
    note = Paragraph(escape(_(
        "An agreement in several sectors counts once in each, and its value is split equally between them, "
        "so the apportioned values add up to the signed total. The value involved is the full value of the "
        "agreements in a sector; these overlap.")), s["note"])
    chart = KeepTogether([Spacer(1, 4 * mm), Paragraph(escape(_("Signed value by sector")), s["subheading"]),
                          sector_chart(rows)])
    return _section(s, heading, _unit(s), table, note, chart)


def _by_kind(figures: dict, s, disclosed: dict) -> list:
    rows = figures["by_kind"]
    heading = _("By kind of agreement")
    if not rows:
        return _section(s, heading, _nothing(s))
    total = figures["signed_total"]
    data = [(kind_label(row["kind"]), str(row["count"]), _yi_cell(row["amount"], row["kind"] in disclosed["kind"]),
             _percent(share(row["amount"], total))) for row in rows]
    data.append((_("Total"), str(figures["signed_count"]), yi_label(total), _percent(share(total, total))))
    table = _table(s, [_("Kind of agreement"), _("Number of agreements"), _("Signed value"), _("Share")], data,
                   [60 * mm, 34 * mm, 42 * mm, 34 * mm], numeric=(1, 2, 3), total=True)
    return _section(s, heading, _unit(s), table)


def _by_organization(figures: dict, s, disclosed: dict) -> list:
    rows = figures["by_organization"]
    heading = _("By organization")
    if not rows:
        return _section(s, heading, _nothing(s))
    shown = rows[:TOP_ORGANIZATIONS]
    data = [(str(rank), row["name"], str(row["count"]),
             _yi_cell(row["amount"], row["organization_id"] in disclosed["organization"]))
            for rank, row in enumerate(shown, start=1)]
    table = _table(s, [_("No."), _("Organization"), _("Number of agreements"), _("Signed value")], data,
                   [14 * mm, 96 * mm, 30 * mm, 30 * mm], numeric=(0, 2, 3))
    note = _("Each organization with the full value of the agreements it is a party to; an agreement counts "
             "for each of its parties.")
    if len(rows) > len(shown):
        note += " " + _("The %(shown)d organizations with the highest value, of %(total)d.",
                        shown=len(shown), total=len(rows))
    return _section(s, heading, _unit(s), table, Paragraph(escape(note), s["note"]))


def _by_tier(figures: dict, s) -> list:
    rows = figures["by_tier"]
    heading = _("By membership tier")
    if not rows:
        return _section(s, heading, _nothing(s))
    data = [(tier_label(row["tier"]), str(row["agreements"]), str(row["organizations"])) for row in rows]
    table = _table(s, [_("Tier"), _("Number of agreements"), _("Number of organizations")], data,
                   [70 * mm, 50 * mm, 50 * mm], numeric=(1, 2))
    note = Paragraph(escape(_("Partners (the parties other than the first) by their membership tier.")), s["note"])
    return _section(s, heading, table, note)


def _signing_list(agreements: Sequence[Agreement], s) -> list:
    heading = _("Signing list")
    if not agreements:
        return _section(s, heading, _nothing(s))
    header = [Paragraph(escape(text), s["header"]) for text in
              (_("No."), _("Number"), _("Agreement and parties"), _("Sectors"))]
    header.append(Paragraph(escape(_("Amount")), s["header_number"]))
    data = [header]
    for index, agreement in enumerate(agreements, start=1):
        order = escape(agreement.ceremony_order if agreement.ceremony_order is not None else index)
        number = escape(agreement.number)
        main, equivalent = amount_texts(agreement)
        amount = escape(main) + (f"<br/><font size=8>{escape(equivalent)}</font>" if equivalent else "")
        if agreement.status != AgreementStatus.signed:
            number += f"<br/><font color='#b45309'>{escape(STATUS_LABELS[agreement.status])}</font>"
        parties = f"<b>{escape(agreement.title)}</b><br/>" + "<br/>".join(
            escape(line) for line in parties_lines(agreement))
        data.append([
            Paragraph(order, s["cell"]),
            Paragraph(number, s["plain"]),
            Paragraph(parties, s["cell"]),
            [Paragraph(escape(SECTOR_LABELS[sector]), s["sector"]) for sector in agreement.sectors],
            Paragraph(amount, s["number"]),
        ])
    table = Table(data, colWidths=[12 * mm, 31 * mm, 59 * mm, 29 * mm, 39 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return _section(s, heading, table)


def signing_report_pdf(event: Event, figures: dict, agreements: Sequence[Agreement]) -> bytes:
    """签约情况报告: title, headline figures, the breakdowns with the sector
    chart, and the signing list, in the reader's language."""
    s = _report_styles()
    story = [Paragraph(escape(_("Signing report")), s["title"]),
             Paragraph(escape(event.title), s["subtitle"])]
    story += [Paragraph(escape(line), s["centered"]) for line in _event_lines(event)]
    as_of = _("Figures as of")
    story += [Paragraph(escape(f"{as_of} {_as_of()}"), s["centered"]), Spacer(1, 8 * mm)]
    story += _headline(figures, s)
    if figures["signed_count"]:
        disclosed = _disclosed(agreements)
        story += _by_sector(figures, s, disclosed)
        story += _by_kind(figures, s, disclosed)
        story += _by_organization(figures, s, disclosed)
        story += _by_tier(figures, s)
    else:
        story.append(Paragraph(escape(_("No signed agreements yet.")), s["subheading"]))
    story += _signing_list(agreements, s)
    return build_pdf(story, title=_("Signing report %(title)s", title=event.title), subject=_("Signing report"))


# --- the workbook -----------------------------------------------------------------------------------

def _number(value: Any) -> Any:
    """Decimals go to the workbook as numbers (exact text in the file)."""
    return value if value is None or isinstance(value, (int, Decimal)) else Decimal(str(value))


def _apply_formats(data: bytes, formats: list[dict]) -> bytes:
    """Number formats on the cells xlsx_bytes wrote (it writes values only):
    per sheet, {column: format} for every data row and {(row, column): format}
    for single cells; rows and columns count from 0 below the header."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    for worksheet, spec in zip(workbook.worksheets, formats):
        for column, number_format in spec.get("columns", {}).items():
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                if isinstance(cell.value, (int, float, Decimal, datetime)) and not isinstance(cell.value, bool):
                    cell.number_format = number_format
        for (row, column), number_format in spec.get("cells", {}).items():
            worksheet.cell(row=row + 2, column=column + 1).number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _overview(event: Event, figures: dict, yuan: str) -> tuple[Sheet, dict]:
    rows: list[tuple[str, Any]] = [
        (_("Event"), event.title),
        (_("When"), when_text(event.starts_at, event.ends_at)),
    ]
    if event.venue or event.address:
        rows.append((_("Venue"), _event_lines(event)[-1]))
    rows.append((_("Figures as of"), _as_of()))
    first_amount = len(rows)
    rows += [
        (_("Signed total"), _number(figures["signed_total"])),
        (_("Agreements signed"), figures["signed_count"]),
        (_("Partners"), figures["counterparty_count"]),
        (_("Undisclosed amounts"), figures["undisclosed_count"]),
        (_("Ready for signing"), figures["pipeline_count"]),
        (_("Value ready for signing"), _number(figures["pipeline_total"])),
        (_("Note"), _("The total is in CNY at the recorded exchange rates and leaves out amounts that are "
                      "not disclosed.")),
    ]
    cells = {(first_amount, 1): yuan, (first_amount + 5, 1): yuan}
    return Sheet(_("Overview"), [_("Figure"), _("Value")], rows, widths=[24, 60]), {"cells": cells}


def _xlsx_amount(amount: Decimal, disclosed: bool) -> Any:
    """The exact amount, or 不公开 where every agreement behind it keeps its amount undisclosed."""
    return _("Not disclosed") if not amount and not disclosed else _number(amount)


def _sector_sheet(figures: dict, yuan: str, disclosed: dict) -> tuple[Sheet, dict]:
    total = figures["signed_total"]
    rows = [(sector_label(row["sector"]), row["count"],
             _xlsx_amount(row["amount"], row["sector"] in disclosed["sector"]), share(row["amount"], total),
             _xlsx_amount(row["amount_involved"], row["sector"] in disclosed["sector"]))
            for row in figures["by_sector"]]
    rows.append((_("Total"), figures["signed_count"], _number(total), share(total, total), None))
    header = [_("Sector"), _("Number of agreements"), _("Apportioned value"), _("Share"), _("Value involved")]
    return (Sheet(_("Sectors"), header, rows, widths=[18, 14, 22, 10, 22]),
            {"columns": {2: yuan, 3: SHARE_FORMAT, 4: yuan}})


def _kind_sheet(figures: dict, yuan: str, disclosed: dict) -> tuple[Sheet, dict]:
    total = figures["signed_total"]
    rows = [(kind_label(row["kind"]), row["count"], _xlsx_amount(row["amount"], row["kind"] in disclosed["kind"]),
             share(row["amount"], total)) for row in figures["by_kind"]]
    rows.append((_("Total"), figures["signed_count"], _number(total), share(total, total)))
    header = [_("Kind of agreement"), _("Number of agreements"), _("Signed value"), _("Share")]
    return Sheet(_("Kinds"), header, rows, widths=[20, 14, 22, 10]), {"columns": {2: yuan, 3: SHARE_FORMAT}}


def _organization_sheet(figures: dict, yuan: str, disclosed: dict) -> tuple[Sheet, dict]:
    rows = [(rank, row["name"], row["count"],
             _xlsx_amount(row["amount"], row["organization_id"] in disclosed["organization"]))
            for rank, row in enumerate(figures["by_organization"], start=1)]
    header = [_("No."), _("Organization"), _("Number of agreements"), _("Signed value")]
    return Sheet(pgettext("sheet", "Organizations"), header, rows, widths=[6, 40, 14, 22]), {"columns": {3: yuan}}


def _tier_sheet(figures: dict) -> tuple[Sheet, dict]:
    rows = [(tier_label(row["tier"]), row["agreements"], row["organizations"]) for row in figures["by_tier"]]
    return Sheet(_("Tiers"), [_("Tier"), _("Number of agreements"), _("Number of organizations")], rows,
                 widths=[22, 14, 14]), {}


def _list_sheet(agreements: Sequence[Agreement], yuan: str) -> tuple[Sheet, dict]:
    rows = []
    for index, agreement in enumerate(agreements, start=1):
        disclosed = agreement.amount_disclosed and agreement.amount is not None
        rows.append((
            agreement.ceremony_order if agreement.ceremony_order is not None else index,
            agreement.number,
            agreement.title,
            kind_label(agreement.kind),
            "\n".join(parties_lines(agreement)),
            _join(SECTOR_LABELS[sector] for sector in agreement.sectors),
            str(STATUS_LABELS[agreement.status]),
            _number(agreement.amount) if disclosed else _("Not disclosed"),
            agreement.currency if disclosed else None,
            _number(agreement.fx_rate) if disclosed and agreement.currency != "CNY" else None,
            _number(agreement.amount_cny) if disclosed else None,
            agreement.signed_at,
        ))
    header = [_("Order at the ceremony"), _("Number"), _("Title"), _("Kind of agreement"), _("Parties"),
              _("Sectors"), _("Status"), _("Amount"), _("Currency"), _("Exchange rate to CNY"), _("Amount in CNY"),
              _("Signed at")]
    return (Sheet(_("Signing list"), header, rows, widths=[8, 18, 36, 14, 44, 18, 10, 20, 8, 12, 22, 17]),
            {"columns": {7: AMOUNT_FORMAT, 9: RATE_FORMAT, 10: yuan, 11: DATETIME_FORMAT}})


def signing_report_xlsx(event: Event, figures: dict, agreements: Sequence[Agreement]) -> bytes:
    """The same report as a workbook, one sheet per breakdown: 总览, 领域, 类型,
    单位, 会员级别, 签约清单. Amounts are exact numbers in a yuan format (an
    agreement's own amount in its currency); text goes through safe_cell."""
    yuan = YUAN_FORMAT_ZH if _chinese() else YUAN_FORMAT_EN
    disclosed = _disclosed(agreements)
    built = [_overview(event, figures, yuan), _sector_sheet(figures, yuan, disclosed),
             _kind_sheet(figures, yuan, disclosed), _organization_sheet(figures, yuan, disclosed),
             _tier_sheet(figures), _list_sheet(agreements, yuan)]
    return _apply_formats(xlsx_bytes([sheet for sheet, _spec in built]), [spec for _sheet, spec in built])

