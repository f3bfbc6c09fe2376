"""Spreadsheets in and out: XLSX and CSV exports that are safe to open in Excel,
downloads with any file name, and reading uploaded tables for imports.

Every export of the application goes through `xlsx_bytes` / `csv_bytes`, which
neutralise formulas cell by cell (`safe_cell`); `read_table` undoes exactly
that escaping, so an exported file imports back unchanged."""
import csv
import enum
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, Iterable, Iterator, Mapping, Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone

from .errors import ServiceError
from .text import clean_line, comparison_key

MAX_IMPORT_ROWS = 5000
MAX_IMPORT_COLUMNS = 100
# A workbook unpacks to much more than it weighs; beyond this it is not a list of organizations.
# A full import (5,000 rows of 30 long text cells) unpacks to 14 MB and reads in 2.4 s
# (measured); a workbook that unpacks to more is refused before it is parsed, and
# reading stops after IMPORT_MAX_SECONDS, so a small file that expands (a zip bomb)
# cannot hold a worker or its memory.
MAX_XLSX_UNPACKED = 32 * 1024 * 1024
MB = 1024 * 1024
# Formatted but empty rows at the end of a sheet: stop looking after this many in a row.
MAX_BLANK_RUN = 1000

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"

# A spreadsheet reads a cell starting with one of these as a formula (or strips
# the character); the apostrophe makes it plain text (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


# --- writing -----------------------------------------------------------------------------------

def _looks_like_formula(text: str) -> bool:
    """A formula trigger, or an apostrophe that reading would take for our escape."""
    return text.startswith(FORMULA_TRIGGERS) or (text.startswith("'") and _looks_like_formula(text[1:]))


def safe_cell(value: Any) -> Any:
    """A value ready for a cell: text that a spreadsheet would run as a formula
    gets a leading apostrophe; numbers, dates and Decimals stay what they are."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """The inverse of `safe_cell` for text read back from a file."""
    if isinstance(value, str) and value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None  # characters; estimated from the first rows when absent


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10 if not isinstance(value, datetime) else 16
    text = str(value)
    longest = max((len(line) + len(_WIDE.findall(line)) for line in text.split("\n")), default=0)
    return longest


def _xlsx_value(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: show the time as the users read it.
        value = to_user_timezone(value).replace(tzinfo=None)
    elif isinstance(value, str):
        value = _ILLEGAL_XML.sub("\ufffd", value)
    elif isinstance(value, Decimal) and not value.is_finite():
        value = str(value)
    return value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook with one worksheet per Sheet: bold, frozen header row,
    column widths that fit the content, every cell passed through safe_cell.
    Rows are streamed (openpyxl write-only mode), so large exports stay small in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        rows = iter(sheet.rows)
        first = [list(row) for row in islice(rows, 200)]
        widths = list(sheet.widths or [])
        for index, title in enumerate(sheet.header):
            if index >= len(widths):
                sample = [_display_width(title)] + [_display_width(row[index]) for row in first if index < len(row)]
                widths.append(max(sample) + 2)
            worksheet.column_dimensions[get_column_letter(index + 1)].width = max(8, min(widths[index], 60))
        worksheet.freeze_panes = "A2"
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(worksheet, value=_xlsx_value(str(title)))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in first:
            worksheet.append(_xlsx_row(worksheet, row, wrap, WriteOnlyCell))
        for row in rows:
            worksheet.append(_xlsx_row(worksheet, row, wrap, WriteOnlyCell))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_row(worksheet, row, wrap, cell_class) -> list:
    values = []
    for value in row:
        value = _xlsx_value(value)
        if isinstance(value, str) and ("\n" in value or len(value) > 60):
            cell = cell_class(worksheet, value=value)
            cell.alignment = wrap
            value = cell
        values.append(value)
    return values


def _csv_value(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, datetime):
        value = to_user_timezone(value) if value.tzinfo is not None else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as Excel opens it with Chinese intact: UTF-8 with a BOM, CRLF line ends,
    every cell passed through safe_cell; numbers stay unquoted numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_value(str(title)) for title in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


# --- reading -----------------------------------------------------------------------------------

@dataclass
class Table:
    """An uploaded table: the header as found and one dict per non-empty data row,
    keyed by field (or by the header text when no columns were given)."""
    filename: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number as the spreadsheet shows it, values)
    fields: list[str] = field(default_factory=list)  # the recognised fields, in file order
    ignored: list[str] = field(default_factory=list)  # headers that were not recognised


def _refuse(message, status: int = 422):
    raise ServiceError(message, field="file", status=status)


_BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\xd0\xcf\x11\xe0", b"PK\x03\x04",
                      b"Rar!", b"\x1f\x8b", b"7z\xbc\xaf", b"BM")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected workbooks


def _cell(value: Any) -> Any:
    """Values as the import rules expect them: text unescaped, blanks None,
    whole floats as ints, dates at midnight as dates."""
    if value is None:
        return None
    if isinstance(value, str):
        value = unescape_cell(value)
        return value if value.strip() else None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    if data.startswith(_OLE_SIGNATURE):
        _refuse(_l("This is an old-style .xls or a password-protected workbook. Save it in Excel as "
                   "“Excel Workbook (.xlsx)” without a password and upload it again."), 415)
    if not data.startswith(b"PK\x03\x04"):
        _refuse(_l("This file is not an Excel workbook (.xlsx) although its name says so. "
                   "Upload an .xlsx or a .csv file."), 415)
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                _refuse(_l("This file is not an Excel workbook (.xlsx) although its name says so. "
                           "Upload an .xlsx or a .csv file."), 415)
        if unpacked > MAX_XLSX_UNPACKED:
            _refuse(_l("The workbook unpacks to %(size)d MB, more than the %(limit)d MB this site reads. Keep only "
                       "the sheet to import, without pictures or formatting, or split it into several files.",
                       size=-(-unpacked // MB), limit=MAX_XLSX_UNPACKED // MB), 413)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ServiceError:
        raise
    except Exception:  # zipfile, XML and openpyxl errors alike: the file is damaged
        _refuse(_l("The Excel file could not be read; it may be damaged. Open it in Excel, save it "
                   "again as .xlsx and upload it again."))
    try:
        if not workbook.worksheets:
            return
        for row in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_IMPORT_COLUMNS):
            yield row
    except Exception:
        _refuse(_l("The Excel file could not be read; it may be damaged. Open it in Excel, save it "
                   "again as .xlsx and upload it again."))
    finally:
        workbook.close()


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")  # Excel on Chinese Windows saves "CSV" in GB18030 (GBK)
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    _refuse(_l("The CSV file could not be read as text. Save it in Excel as “CSV UTF-8 (comma delimited)” "
               "and upload it again."))


def _csv_rows(data: bytes) -> Iterator[list]:
    head = data[:4096]
    if head.startswith(_BINARY_SIGNATURES) or (
            not head.startswith((b"\xff\xfe", b"\xfe\xff"))
            and sum(byte < 9 or 13 < byte < 32 for byte in head) > len(head) // 20):
        _refuse(_l("This file is not a CSV text file although its name says so. "
                   "Upload an .xlsx or a .csv file."), 415)
    text = _decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count) if first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            _refuse(_l("A cell holds more than %(n)d characters; no column takes that much text. Shorten it and "
                       "upload the file again.", n=csv.field_size_limit()))
        _refuse(_l("The CSV file could not be read as text. Save it in Excel as “CSV UTF-8 (comma delimited)” "
                   "and upload it again."))


def _header_key(value: Any) -> str:
    return comparison_key(str(value or "")).rstrip("*")


def read_table(file_storage, columns: Mapping[str, str] | None = None, required: Sequence[str] = (),
               *, labels: Mapping[str, Any] | None = None) -> Table:
    """Read an uploaded .xlsx (first worksheet) or .csv into a Table.

    `columns` maps accepted header texts to field names (compared ignoring case,
    width, spaces and a trailing *; an empty name: known, not imported); `required` names fields that must have a
    column, shown to the user as `labels[field]`. Every problem with the file as a
    whole is a ServiceError at the field "file"."""
    filename = clean_line(getattr(file_storage, "filename", "") or "")[:200]
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        _refuse(_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."), 415)
    data = file_storage.read()
    if not data or not data.strip():
        _refuse(_l("The file is empty."))
    rows = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    deadline = time.monotonic() + current_app.config.get("IMPORT_MAX_SECONDS", 10)

    header: list[str] | None = None
    out: list[tuple[int, dict[str, Any]]] = []
    blank_run = 0
    keys: list[str | None] = []
    for number, raw in enumerate(rows, start=1):
        if number % 100 == 0 and time.monotonic() > deadline:
            _refuse(_l("The file took too long to read (more than %(n)d seconds). Keep only the sheet to import, "
                       "without pictures or formatting, or split it into several files.",
                       n=current_app.config.get("IMPORT_MAX_SECONDS", 10)), 413)
        values = [_cell(value) for value in raw[:MAX_IMPORT_COLUMNS]]
        if all(value is None for value in values):
            blank_run += 1
            if header is not None and blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if header is None:
            header = [clean_line(str(value)) if value is not None else "" for value in values]
            keys = _header_fields(header, columns)
            continue
        if len(out) >= MAX_IMPORT_ROWS:
            _refuse(_l("The file has more than %(n)d data rows. Split it into files of at most %(n)d rows.",
                       n=MAX_IMPORT_ROWS), 413)
        row = {key: (values[index] if index < len(values) else None)
               for index, key in enumerate(keys) if key}
        out.append((number, row))
    if header is None:
        _refuse(_l("The file is empty."))
    present = [key for key in keys if key]
    missing = [name for name in required if name not in present]
    if missing:
        names = "、".join(str((labels or {}).get(name, name)) for name in missing)
        _refuse(_l("Required columns are missing: %(columns)s. Start from the template, whose first row "
                   "has the column names.", columns=names))
    if not out:
        _refuse(_l("The file has column names but no data rows."))
    ignored = [title for title, key in zip(header, keys) if key is None and title]
    return Table(filename=filename, header=header, rows=out, fields=present, ignored=ignored)


def _header_fields(header: list[str], columns: Mapping[str, str] | None) -> list[str | None]:
    if columns is None:
        return [title or None for title in header]
    lookup = {_header_key(text): name for text, name in columns.items()}
    keys: list[str | None] = []
    for title in header:
        name = lookup.get(_header_key(title))
        if name and name in keys:
            _refuse(_l("The column %(column)s appears twice.", column=title))
        keys.append(name)  # "" marks a known column that is not imported
    return keys
