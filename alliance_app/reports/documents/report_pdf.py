"""The signing report (签约情况报告) as a PDF to print and hand out: title,
headline figures, the breakdowns with the sector chart, and the signing list.
It rounds to 亿元 with two decimals (half up) where people read figures, and
gives the signed total exactly in 元 as well."""
from decimal import Decimal
from typing import Sequence

from flask_babel import ngettext
from flask_babel import gettext as _
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ...agreements.labels import SECTOR_LABELS, STATUS_LABELS
from ...agreements.models import Agreement, AgreementStatus
from ...events.models import Event
from ...pdf.document import build_pdf, escape, styles
from ...pdf.tables import GREEN, GRID, HEADER_BACKGROUND, LIGHT_RULE, TOTAL_BACKGROUND, table_style
from ..charts import sector_chart, yi_label
from .wording import (amount_texts, as_of, disclosed_groups, document_kind_label, event_lines, exact_yuan, kind_label,
                      parties_lines, reads_chinese, sector_label, share, tier_label, venue_label, yi_text)

TOP_ORGANIZATIONS = 20


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _agreements_text(count: int) -> str:
    return ngettext("%(num)d agreement", "%(num)d agreements", count)


def _organizations_text(count: int) -> str:
    return ngettext("%(num)d organization", "%(num)d organizations", count)


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


def _ruled(*more) -> TableStyle:
    """A ruled table with a tinted header row (and `more` commands)."""
    return table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND), ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4), *more])


def _table(s, header: Sequence[str], rows: list[Sequence[str]], widths: Sequence[float],
           numeric: Sequence[int] = (), total: bool = False) -> Table:
    """A ruled table of plain texts (escaped here); `numeric` columns align
    right; with `total` the last row is the total line."""
    data = [[Paragraph(escape(text), s["header_number" if i in numeric else "header"])
             for i, text in enumerate(header)]]
    data += [[Paragraph(escape(text), s["number" if i in numeric else "cell"]) for i, text in enumerate(row)]
             for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    total_line = [("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND)] if total and rows else []
    table.setStyle(_ruled(*total_line))
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
        pipeline += ("，" if reads_chinese() else ", ") + yi_text(figures["pipeline_total"])
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
    table.setStyle(table_style([
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT_RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.3, LIGHT_RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    story += [table, Spacer(1, 2 * mm),
              Paragraph(escape(_("The total is in CNY at the recorded exchange rates and leaves out amounts "
                                 "that are not disclosed.")), s["note"])]
    return story




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


def _by_document_and_venue(figures: dict, s) -> list:
    """As provincial reports write it: 合同 / 协议 / 战略合作 against 集中签约 / 场外签约."""
    venues = [row["signing_venue"] for row in figures["by_signing_venue"]]
    cells = {(c["document_kind"], c["signing_venue"]): c for c in figures["by_document_and_venue"]}
    data = []
    for row in figures["by_document_kind"]:
        line = [document_kind_label(row["document_kind"])]
        for venue in venues:
            cell = cells[row["document_kind"], venue]
            line += [str(cell["count"]), yi_label(cell["amount"])]
        data.append(line + [str(row["count"]), yi_label(row["amount"])])
    total = [_("Total")]
    for row in figures["by_signing_venue"]:
        total += [str(row["count"]), yi_label(row["amount"])]
    data.append(total + [str(figures["signed_count"]), yi_label(figures["signed_total"])])
    # Two header rows: each place of signing (and the total) over its count and value.
    top = [_("Kind of document")]
    for venue in venues:
        top += [venue_label(venue), ""]
    top += [_("Total"), ""]
    sub = [""] + [_("Agreements"), _("Signed value")] * (len(venues) + 1)
    head = [[Paragraph(escape(text), s["header"]) for text in top],
            [Paragraph(escape(text), s["header_number"]) for text in sub]]
    body = [[Paragraph(escape(text), s["number" if i else "cell"]) for i, text in enumerate(line)] for line in data]
    table = Table(head + body, colWidths=[34 * mm] + [22.5 * mm, 24.5 * mm] * (len(venues) + 1), repeatRows=2,
                  hAlign="LEFT")
    spans = [("SPAN", (0, 0), (0, 1))] + [("SPAN", (1 + 2 * k, 0), (2 + 2 * k, 0)) for k in range(len(venues) + 1)]
    table.setStyle(_ruled(("BACKGROUND", (0, 0), (-1, 1), HEADER_BACKGROUND),
                          ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND), *spans))
    note = Paragraph(escape(_("An agreement without a kind of document chosen counts as its kind of agreement "
                              "suggests: investment and procurement as contracts, strategic cooperation as such, "
                              "the rest as agreements.")), s["note"])
    return _section(s, _("By kind of document and place of signing"), _unit(s), table, note)


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
    table.setStyle(_ruled())
    return _section(s, heading, table)


def signing_report_pdf(event: Event, figures: dict, agreements: Sequence[Agreement]) -> bytes:
    """签约情况报告: title, headline figures, the breakdowns with the sector
    chart, and the signing list, in the reader's language."""
    s = _report_styles()
    story = [Paragraph(escape(_("Signing report")), s["title"]),
             Paragraph(escape(event.title), s["subtitle"])]
    story += [Paragraph(escape(line), s["centered"]) for line in event_lines(event)]
    figures_as_of = _("Figures as of")
    story += [Paragraph(escape(f"{figures_as_of} {as_of()}"), s["centered"]), Spacer(1, 8 * mm)]
    story += _headline(figures, s)
    if figures["signed_count"]:
        disclosed = disclosed_groups(agreements)
        story += _by_sector(figures, s, disclosed)
        story += _by_kind(figures, s, disclosed)
        story += _by_document_and_venue(figures, s)
        story += _by_organization(figures, s, disclosed)
        story += _by_tier(figures, s)
    else:
        story.append(Paragraph(escape(_("No signed agreements yet.")), s["subheading"]))
    story += _signing_list(agreements, s)
    return build_pdf(story, title=_("Signing report %(title)s", title=event.title), subject=_("Signing report"))
