"""Registrations of an event as XLSX and CSV, for the secretariat only (the
mobile numbers are complete). Column names are in the interface language;
every cell goes through the spreadsheet helpers, which neutralise formulas
(a name typed as `=HYPERLINK(...)` stays text) and keep numbers numeric."""
from decimal import Decimal
from typing import Any, Iterable, Iterator

from flask_babel import get_locale
from flask_babel import gettext as _

from ..core.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, Sheet, csv_bytes, xlsx_bytes
from . import answers as event_answers
from . import question_services
from .labels import CATEGORY_LABELS, STATUS_LABELS
from .question_models import QuestionKind

FORMATS = ("xlsx", "csv")
MIMETYPES = {"xlsx": XLSX_MIMETYPE, "csv": CSV_MIMETYPE}
PROGRESS_EVERY = 100  # rows


def export_questions(event) -> list:
    """One column per question, those removed after being answered too (their answers stay)."""
    return question_services.questions(event, with_removed=True)


def question_header(question) -> str:
    label = question.label_for(event_answers._language())
    return _("%(label)s (removed)", label=label) if question.removed_at is not None else label


def _answer_cell(question, value, language):
    """As people read it; numbers stay numbers, the ID number masked."""
    if value is None:
        return ""
    if question.kind == QuestionKind.number:
        return Decimal(str(value)) if not isinstance(value, int) else value
    return event_answers.display(question, value, language=language)


def export_header(questions=()) -> list[str]:
    return [_("No."), _("Name"), _("Organization"), _("Position"), _("Mobile"), _("Email"), _("Category"),
            _("Status"), _("Sessions"), _("Ticket code"), _("Registered by"), _("Registered at"),
            _("Checked in at")] + [question_header(q) for q in questions]


def _separator() -> str:
    locale = get_locale()
    return "、" if locale is not None and locale.language == "zh" else "; "


def _registered_by(user) -> str:
    if user is None:
        return ""
    name, email = (user.name or "").strip(), user.email or ""
    if name and email:
        return f"{name} ({email})"
    return name or email


def export_rows(event, registrations: Iterable) -> Iterator[list[Any]]:
    """One row per registration in the order given; times stay datetimes (the
    helpers show them in local time)."""
    order = {session.id: index for index, session in enumerate(event.sessions)}
    separator = _separator()
    questions = export_questions(event)
    language = event_answers._language()
    for number, registration in enumerate(registrations, start=1):
        given = {answer.question_id: answer.value for answer in registration.answers}
        sessions = sorted(registration.sessions, key=lambda rs: (order.get(rs.session_id, len(order)), rs.session_id))
        yield [
            number,
            registration.name,
            registration.organization.name if registration.organization else "",
            registration.position or "",
            registration.mobile,
            registration.email or "",
            str(CATEGORY_LABELS.get(registration.category, registration.category)),
            str(STATUS_LABELS.get(registration.status, registration.status)),
            separator.join(rs.session.title for rs in sessions if rs.session is not None),
            registration.ticket_code,
            _registered_by(registration.registered_by),
            registration.created_at,
            registration.checked_in_at,
        ] + [_answer_cell(q, given.get(q.id), language) for q in questions]


def _reporting(rows: Iterator[list[Any]], total: int, progress) -> Iterator[list[Any]]:
    for number, row in enumerate(rows, start=1):
        yield row
        if number % PROGRESS_EVERY == 0 or number == total:
            progress(number, total)


def export(event, registrations: Iterable, fmt: str, progress=None) -> tuple[bytes, str]:
    """(file content, mimetype) of the registrations as "xlsx" or "csv" (UTF-8 with BOM).
    `progress(done, total)`, if given, hears every PROGRESS_EVERY rows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    header = export_header(export_questions(event))
    if progress is not None:
        registrations = list(registrations)
    rows = export_rows(event, registrations)
    if progress is not None:
        rows = _reporting(rows, len(registrations), progress)
    if fmt == "csv":
        return csv_bytes(header, rows), CSV_MIMETYPE
    sheet = Sheet(_("Registrations"), header, rows)
    return xlsx_bytes([sheet]), XLSX_MIMETYPE
