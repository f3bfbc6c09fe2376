"""The 项目推进情况表: one row per tracked project (parties, sector, signed
value, stage, invested to date, latest progress, problems and needs), filtered
by event, sector, year and stage; as XLSX (cells neutralised by
core/spreadsheets) and as a landscape A4 PDF (text escaped by pdf/document)."""
from decimal import Decimal

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..agreements.labels import DOCUMENT_KIND_LABELS, SECTOR_LABELS, VENUE_LABELS
from ..agreements.models import Agreement, AgreementSector, AgreementStatus
from ..core.money import from_fen
from ..core.spreadsheets import Sheet, xlsx_bytes
from ..core.timeutil import to_local
from ..extensions import db
from ..pdf.document import build_pdf, escape, styles
from ..pdf.tables import GRID, HEADER_BACKGROUND, table_style
from ..reports.totals import Scope, local_year
from .labels import STAGE_LABELS
from .models import Project, Stage
from .totals import follow_up

MAX_ROWS = 5000


def progress_rows(event=None, year=None, sector=None, stage=None) -> list[dict]:
    query = (select(Agreement, Project).outerjoin(Project, Project.agreement_id == Agreement.id)
             .where(Agreement.status == AgreementStatus.signed,
                    func.coalesce(Project.tracked, Agreement.amount_disclosed) == True)  # noqa: E712
             .options(selectinload(Agreement.parties), selectinload(Agreement.sector_rows))
             .order_by(Agreement.signed_at, Agreement.number).limit(MAX_ROWS))
    if event is not None:
        query = query.where(Agreement.event_id == event.id)
    if year is not None:
        query = query.where(local_year(Agreement.signed_at) == year)
    if sector is not None:
        query = query.where(Agreement.sector_rows.any(AgreementSector.sector == sector))
    if stage is not None:
        query = query.where(func.coalesce(Project.stage, Stage.signed.value) == stage)
    rows = []
    for agreement, project in db.session.execute(query):
        current = project.stage if project else Stage.signed
        rows.append({
            "agreement": agreement, "project": project, "stage": current,
            "parties": "、".join(p.printed_name for p in agreement.parties),
            "sectors": "、".join(str(SECTOR_LABELS[s]) for s in agreement.sectors),
            "signed": from_fen(agreement.amount_cny_fen or 0),
            "invested": from_fen(project.invested_fen if project else 0),
            # A project still at `signed` was reached at the signing; a later stage on its recorded date.
            "stage_on": (to_local(agreement.signed_at).date() if current == Stage.signed
                         else project.stage_date(current)),
            "progress": (project.latest_progress or "") if project else "",
            "problems": (project.problems or "") if project else "",
        })
    return rows


def _wan(amount: Decimal) -> Decimal:
    return (amount / 10000).quantize(Decimal("0.01"))


def _header() -> list[str]:
    return [_("No."), _("Project (agreement)"), _("Parties"), _("Sector"), _("Signed value (10,000 yuan)"),
            _("Stage"), _("Stage reached on"), _("Invested to date (10,000 yuan)"), _("Latest progress"),
            _("Problems and needs for coordination")]


def _cells(index: int, row: dict) -> list:
    agreement = row["agreement"]
    return [index, f"{agreement.number} {agreement.title}", row["parties"], row["sectors"], _wan(row["signed"]),
            str(STAGE_LABELS[row["stage"]]), row["stage_on"], _wan(row["invested"]), row["progress"], row["problems"]]


def _title(event) -> str:
    return _("Project progress table") + (f" · {event.title}" if event else "")


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def _summary_header() -> list[str]:
    return ["", _("Projects"), _("Signed value (10,000 yuan)"), _("Landed"), _("Landed rate by count"),
            _("Landed rate by value"), _("Invested to date (10,000 yuan)"), _("Funds in place")]


def summary_rows(event=None, year=None) -> list[list]:
    """The event's (or year's) follow-up figures by kind of document and by place of
    signing, from the database like the follow-up page (whatever the sector and
    stage filters of the table)."""
    figures = follow_up(Scope(event_id=event.id if event else None, year=year))
    rows = []
    for split, name, labels in (("by_document_kind", "document_kind", DOCUMENT_KIND_LABELS),
                                ("by_signing_venue", "signing_venue", VENUE_LABELS)):
        for row in figures[split]:
            rows.append([str(labels[row[name]]), row["signed_count"], _wan(row["signed_total"]), row["landed_count"],
                         _percent(row["landed_rate_count"]), _percent(row["landed_rate_value"]),
                         _wan(row["invested_total"]), _percent(row["invested_rate"])])
    rows.append([_("Total"), figures["signed_count"], _wan(figures["signed_total"]), figures["landed_count"],
                 _percent(figures["landed_rate_count"]), _percent(figures["landed_rate_value"]),
                 _wan(figures["invested_total"]), _percent(figures["invested_rate"])])
    return rows


def progress_xlsx(**filters) -> bytes:
    rows = progress_rows(**filters)
    body = [_cells(i, row) for i, row in enumerate(rows, 1)]
    total = ["", _("Total"), "", "", _wan(sum((r["signed"] for r in rows), Decimal(0))), "", "",
             _wan(sum((r["invested"] for r in rows), Decimal(0))), "", ""]
    summary = summary_rows(filters.get("event"), filters.get("year"))
    return xlsx_bytes([Sheet(_("Project progress table"), _header(), [*body, total],
                             widths=[6, 36, 36, 14, 14, 12, 12, 14, 40, 40]),
                       Sheet(_("Summary"), _summary_header(), summary, widths=[36, 10, 16, 10, 12, 12, 16, 12])])


def progress_pdf(**filters) -> bytes:
    rows = progress_rows(**filters)
    s = styles()
    cell = ParagraphStyle("progress-cell", parent=s["cell"], fontSize=8, leading=11)
    number = ParagraphStyle("progress-number", parent=cell, alignment=2)

    def p(value, style=cell):
        return Paragraph(escape("" if value is None else value), style)

    data = [[p(h) for h in _header()]]
    for i, row in enumerate(rows, 1):
        values = _cells(i, row)
        data.append([p(v, number if k in (0, 4, 7) else cell) for k, v in enumerate(
            ["" if x is None else str(x) if not isinstance(x, Decimal) else f"{x:,.2f}" for x in values])])
    signed = sum((r["signed"] for r in rows), Decimal(0))
    invested = sum((r["invested"] for r in rows), Decimal(0))
    data.append([p(""), p(_("Total")), p(""), p(""), p(f"{_wan(signed):,.2f}", number), p(""), p(""),
                 p(f"{_wan(invested):,.2f}", number), p(""), p("")])
    widths = [m * mm for m in (9, 38, 38, 18, 20, 16, 21, 20, 46.5, 46.5)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                                ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    summary = [[p(h) for h in _summary_header()]]
    for values in summary_rows(filters.get("event"), filters.get("year")):
        summary.append([p(f"{v:,.2f}" if isinstance(v, Decimal) else str(v), number if k else cell)
                        for k, v in enumerate(values)])
    split = Table(summary, colWidths=[m * mm for m in (46, 18, 30, 18, 26, 26, 30, 24)], hAlign="LEFT")
    split.setStyle(table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                                ("BACKGROUND", (0, -1), (-1, -1), HEADER_BACKGROUND),
                                ("LINEBELOW", (0, 3), (-1, 3), 0.8, GRID),
                                ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(escape(_title(filters.get("event"))), s["title"]), Spacer(0, 4 * mm), table,
             Spacer(0, 6 * mm), Paragraph(escape(_("Summary by kind of document and place of signing")),
                                          s["heading"]), split]
    return build_pdf(story, title=_title(filters.get("event")), margins_mm=(12, 10, 14, 10),
                     pagesize=landscape(A4))
