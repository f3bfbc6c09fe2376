"""The Excel 参会回执: a template made from the event's questions, filled in by
the secretariat (for any organization) or a member representative (for its
own), uploaded, previewed with every problem at its row and cell, and
committed all or nothing through the registration service (capacity, quotas,
waiting list, duplicates).

The file's column names are Chinese, whatever the interface language (the
questions' English labels and keys are accepted too). Unknown columns and
merged cells are refused with their names and places: a value silently
dropped or read into the wrong row would be worse."""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..core.errors import ServiceError
from ..core.spreadsheets import Sheet, Table, read_table
from ..core.text import comparison_key
from ..events.models import Event
from ..extensions import db
from ..members.import_models import create_batch, load_batch, use_batch
from ..members.models import Organization
from . import answers as event_answers
from . import question_services
from . import services
from .labels import CATEGORY_LABELS
from .models import DelegateCategory
from .question_models import EventQuestion

BATCH_KIND = "registrations"
# (field, header in files, other accepted headers)
DELEGATE_COLUMNS = (
    ("name", "姓名", ("name", "Name")),
    ("organization", "单位", ("organization", "Organization", "单位名称", "工作单位")),
    ("position", "职务", ("position", "Position", "职务/职称")),
    ("mobile", "手机", ("mobile", "Mobile", "手机号", "手机号码")),
    ("email", "邮箱", ("email", "Email", "电子邮箱")),
    ("category", "类别", ("category", "Category", "代表类别")),
)
REQUIRED = ("name", "mobile")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _question_header(question: EventQuestion) -> str:
    return question.label + ("*" if question.required else "")


def columns(event_questions: list[EventQuestion]) -> list[tuple[str, str, tuple]]:
    """(field, header, aliases) of every column the event's 回执 has."""
    out = [(name, header + ("*" if name in REQUIRED else ""), aliases) for name, header, aliases in DELEGATE_COLUMNS]
    for question in event_questions:
        aliases = tuple(a for a in (question.key, question.label_en) if a)
        out.append((f"answers.{question.key}", _question_header(question), aliases))
    return out


def _headers(event_questions) -> dict[str, str]:
    mapping = {}
    for name, header, aliases in columns(event_questions):
        for text in (header, header.rstrip("*"), *aliases):
            mapping[text] = name
    return mapping


def _allowed(question: EventQuestion) -> str:
    kind = question.kind.value
    if kind in ("choice", "multichoice"):
        labels = "、".join(c.get("label") or c.get("value") for c in question.choices or ())
        return labels + ("（可多选，用、分隔）" if kind == "multichoice" else "")
    return {"boolean": "是 / 否", "number": "数字", "date": "日期，如 2027-06-15",
            "datetime": "日期时间，如 2027-06-15 14:30"}.get(kind, "文字")


def template_sheets(event: Event) -> list[Sheet]:
    """The 回执 to fill in, and a sheet that says what each column takes."""
    event_questions = question_services.questions(event)
    header = [title for _, title, _ in columns(event_questions)]
    categories = "、".join(str(label) for label in _zh_categories().values())
    notes = [["姓名*", "必填"], ["单位", "秘书处填写时：会员单位名称；会员单位填写时可不填（即本单位）"],
             ["职务", "文字"], ["手机*", "必填，11 位手机号，同一会议不可重复"], ["邮箱", "报名确认和参会凭证发送至此"],
             ["类别", categories + "；不填为企业"]]
    notes += [[_question_header(q), _allowed(q) + (f"。{q.help_text}" if q.help_text else "")]
              for q in event_questions]
    return [Sheet("参会回执", header, []), Sheet("填写说明", ["列", "填写要求"], notes)]


def _zh_categories() -> dict:
    from flask_babel import force_locale

    with force_locale("zh_CN"):
        return {category: str(label) for category, label in CATEGORY_LABELS.items()}


# --- reading --------------------------------------------------------------------------------------------

@dataclass
class PreviewRow:
    number: int
    cells: dict[str, str]                       # field: the value as shown
    errors: dict[str, list[str]] = field(default_factory=dict)  # field: messages

    def add(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(str(message))


@dataclass
class Preview:
    filename: str
    columns: list[tuple[str, str]]              # (field, header) in the file's order
    rows: list[PreviewRow]
    file_errors: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(m) for row in self.rows for m in row.errors.values())

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _merged_ranges(data: bytes) -> list[str]:
    """The merged ranges of the first worksheet (read-only openpyxl does not see them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return []
            with archive.open(sheets[0]) as sheet:
                return [m.decode() for m in _MERGE.findall(sheet.read(8 * 1024 * 1024))]
    except (zipfile.BadZipFile, OSError, KeyError):
        return []  # read_table explains what is wrong with the file


def _text(value: Any) -> Any:
    """A cell as the registration service takes it."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(Decimal(str(value)).normalize())
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


def _answer_value(question: EventQuestion, value: Any) -> Any:
    """Choices by their Chinese or English label as well as their value; several separated by 、,;"""
    if value is None:
        return None
    kind = question.kind.value
    if kind in ("choice", "multichoice"):
        by_label = {}
        for choice in question.choices or ():
            for text in (choice.get("value"), choice.get("label"), choice.get("label_en")):
                if text:
                    by_label[comparison_key(str(text))] = choice.get("value")
        if kind == "multichoice":
            parts = [p.strip() for p in re.split(r"[、,，;；\n]", str(value)) if p.strip()]
            return [by_label.get(comparison_key(p), p) for p in parts]
        return by_label.get(comparison_key(str(value)), str(value))
    return value


def _category(value: Any, row: PreviewRow) -> str | None:
    if value is None:
        return DelegateCategory.enterprise.value
    key = comparison_key(str(value))
    for category, label in _zh_categories().items():
        if key in (comparison_key(label), comparison_key(category.value), comparison_key(str(CATEGORY_LABELS[category]))):
            return category.value
    row.add("category", _l("Not a category: %(value)s. Use one of %(allowed)s.", value=value,
                           allowed="、".join(_zh_categories().values())))
    return None


def _organizations_by_name() -> dict[str, int]:
    rows = db.session.execute(select(Organization.id, Organization.name, Organization.short_name)).all()
    out = {}
    for org_id, name, short in rows:
        for text in (name, short):
            if text:
                out.setdefault(comparison_key(text), org_id)
    return out


def preview(event: Event, upload, actor) -> Preview:
    """Every row checked as the registration service would, each problem at its cell."""
    member = not actor.is_secretariat
    organization_id = actor.organization_id if member else None
    services.check_can_register(event, actor, organization_id)
    data = upload.read()
    filename = getattr(upload, "filename", "") or ""
    event_questions = question_services.questions(event)
    table: Table = read_table(FileStorage(stream=io.BytesIO(data), filename=filename), _headers(event_questions),
                              REQUIRED, labels={name: header for name, header, _ in columns(event_questions)})
    headers = {name: header for name, header, _ in columns(event_questions)}
    out = Preview(filename=table.filename, columns=[(name, headers[name]) for name in table.fields], rows=[])
    if table.ignored:
        out.file_errors.append(str(_l("Unknown columns: %(columns)s. Use the template's columns (the questions "
                                      "of this event) or delete these columns.", columns="、".join(table.ignored))))
    if filename.lower().endswith(".xlsx"):
        merged = _merged_ranges(data)
        if merged:
            out.file_errors.append(str(_l("Merged cells at %(ranges)s: unmerge them and fill in every row.",
                                          ranges="、".join(merged[:20]))))
    by_key = {q.key: q for q in event_questions}
    orgs = _organizations_by_name() if not member else {}
    seen: dict[str, int] = {}
    planned = []
    services._check_lookups(actor)
    for number, raw in table.rows:
        row = PreviewRow(number=number, cells={name: "" if raw.get(name) is None else str(_text(raw.get(name)))
                                               for name in table.fields})
        delegate = {name: _text(raw.get(name)) for name in ("name", "position", "mobile", "email")}
        delegate["category"] = _category(raw.get("category"), row)
        answers = {}
        for name in table.fields:
            if name.startswith("answers."):
                question = by_key[name.removeprefix("answers.")]
                answers[question.key] = _answer_value(question, _text(raw.get(name)))
        org_id = organization_id
        if not member and raw.get("organization") is not None:
            org_id = orgs.get(comparison_key(str(raw["organization"])))
            if org_id is None:
                row.add("organization", _l("No organization of this name is known: %(name)s.",
                                           name=raw["organization"]))
        # A bad category is reported at its cell; the rest of the row is still checked.
        category = delegate["category"] or DelegateCategory.enterprise.value
        values, problems = services.clean_delegate(event, {**delegate, "category": category, "session_ids": []})
        _, answer_problems = event_answers.clean_answers(event_questions, category, answers)
        for name, messages in {**problems, **answer_problems}.items():
            for message in messages:
                row.add(name if name in table.fields else "_row", message)  # no such column: the row
        mobile = values.get("mobile")
        if mobile and not problems.get("mobile"):
            if mobile in seen:
                row.add("mobile", _l("The same mobile number is in row %(row)d.", row=seen[mobile]))
            else:
                existing = services._duplicate(event, mobile)
                if existing is not None:
                    row.add("mobile", services._duplicate_message(existing, actor))
            seen.setdefault(mobile, number)
        out.rows.append(row)
        planned.append({"row": number, "organization_id": org_id, "data": {**delegate, "answers": answers}})
    out.payload = {"event_id": event.id, "rows": planned}
    return out


def save_batch(result: Preview, actor):
    return create_batch(BATCH_KIND, actor, result.payload) if result.ok else None


def commit(event: Event, token: str, actor) -> list:
    """All the previewed rows, or none: one transaction (the caller commits)."""
    batch = load_batch(token, BATCH_KIND, actor)
    payload = use_batch(batch, actor)
    if payload.get("event_id") != event.id:
        raise ServiceError(_l("This import preview has expired or has been used already. Upload the file again."),
                           status=404)
    groups: dict[Any, list] = {}
    for item in payload["rows"]:
        groups.setdefault(item["organization_id"], []).append(item)
    created = []
    for organization_id, items in groups.items():
        try:
            created += services.register_many(event, [item["data"] for item in items], actor,
                                              organization_id=organization_id)
        except ServiceError as exc:
            # Name the spreadsheet's rows in what the service says about them.
            messages = []
            for name, problems in exc.errors.items():
                index = int(name.split("-")[1]) if name.startswith("delegates-") else 0
                for problem in problems:
                    messages.append(str(_l("Row %(row)d: %(message)s", row=items[index]["row"], message=problem)))
            raise ServiceError(exc.message if not messages else "；".join(messages), status=exc.status) from None
    return created
