"""The signing report as a workbook to work with: every amount exact, as a
number in a yuan format, so that it adds up in Excel."""
import io
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Sequence

from flask_babel import pgettext
from flask_babel import gettext as _

from ...agreements.labels import SECTOR_LABELS, STATUS_LABELS
from ...agreements.models import Agreement
from ...core.spreadsheets import Sheet, xlsx_bytes
from ...events.documents import when_text
from ...events.models import Event
from .wording import (as_of, disclosed_groups, document_kind_label, event_lines, kind_label, parties_lines,
                      reads_chinese, sector_label, share, tier_label, venue_label)

# Excel number formats: exact yuan, original currencies, shares, exchange rates.
YUAN_FORMAT_ZH = '#,##0.00"元"'
YUAN_FORMAT_EN = '"CNY "#,##0.00'
AMOUNT_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"
RATE_FORMAT = "0.0000##"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _join(items: Iterable[str]) -> str:
    return ("、" if reads_chinese() else ", ").join(str(item) for item in items)


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
        rows.append((_("Venue"), event_lines(event)[-1]))
    rows.append((_("Figures as of"), as_of()))
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


def _document_sheet(figures: dict, yuan: str) -> tuple[Sheet, dict]:
    """Kind of document × place of signing, one row per cell, then the totals of each."""
    rows = [(document_kind_label(c["document_kind"]), venue_label(c["signing_venue"]), c["count"],
             _number(c["amount"])) for c in figures["by_document_and_venue"]]
    rows += [(document_kind_label(r["document_kind"]), _("Total"), r["count"], _number(r["amount"]))
             for r in figures["by_document_kind"]]
    rows += [(_("Total"), venue_label(r["signing_venue"]), r["count"], _number(r["amount"]))
             for r in figures["by_signing_venue"]]
    header = [_("Kind of document"), _("Where it is signed"), _("Number of agreements"), _("Signed value")]
    return Sheet(_("Documents"), header, rows, widths=[22, 26, 14, 22]), {"columns": {3: yuan}}


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
    单位, 会员级别, 签约清单, 文本类型. Amounts are exact numbers in a yuan format (an
    agreement's own amount in its currency); text goes through safe_cell."""
    yuan = YUAN_FORMAT_ZH if reads_chinese() else YUAN_FORMAT_EN
    disclosed = disclosed_groups(agreements)
    built = [_overview(event, figures, yuan), _sector_sheet(figures, yuan, disclosed),
             _kind_sheet(figures, yuan, disclosed), _organization_sheet(figures, yuan, disclosed),
             _tier_sheet(figures), _list_sheet(agreements, yuan), _document_sheet(figures, yuan)]
    return _apply_formats(xlsx_bytes([sheet for sheet, _spec in built]), [spec for _sheet, spec in built])
