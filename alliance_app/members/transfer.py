"""Organizations to and from spreadsheets.

The file format is one, whatever the interface language: Chinese column names
and Chinese labels for kind, status and tier (English names and values are
accepted on import too). An import is previewed first: each row is new, an
update, unchanged or an error, with the reasons at its cells. The valid changes
are kept in an ImportBatch and applied together, once, in one transaction."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator, Mapping

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..core.errors import ServiceError
from ..extensions import db
from ..core.spreadsheets import MAX_IMPORT_ROWS, Sheet, Table
from ..core.text import comparison_key
from . import import_models
from .import_models import ImportBatch, create_batch, use_batch
from .labels import KIND_LABELS, STATUS_LABELS, TIER_LABELS
from .models import MembershipStatus, Organization, OrganizationKind, StatusChange, Tier
from .services import TRANSITIONS, change_status, organization_query
from .validation import Problems, check_uscc_or_reason, clean_organization, example_uscc

BATCH_KIND = "organizations"
FILE_LOCALE = "zh_CN"  # the language of column names and labels in files
ID_HEADER = "编号"  # exports only: the organization's number, not imported


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # in templates and exports
    aliases: tuple[str, ...]  # also accepted on import (English names, common variants)
    label: Any  # how pages name the column


COLUMNS = (
    Column("name", "单位名称", ("name", "Chinese name", "Organization name", "Organization", "名称"), _l("Chinese name")),
    Column("name_en", "英文名称", ("name_en", "English name"), _l("English name")),
    Column("short_name", "简称", ("short_name", "Short name", "Abbreviation"), _l("Short name")),
    Column("kind", "单位类型", ("kind", "Kind", "Type"), _l("Kind")),
    Column("uscc", "统一社会信用代码", ("uscc", "Unified social credit code", "Credit code", "USCC", "信用代码",
                                   "社会信用代码"), _l("Unified social credit code")),
    Column("uscc_exempt_reason", "无信用代码原因", ("uscc_exempt_reason", "Reason there is no credit code"),
           _l("Reason there is no credit code")),
    Column("country", "国家或地区", ("country", "Country", "Country code", "Country or region", "国家或地区代码"),
           _l("Country code")),
    Column("province", "省份", ("province", "Province", "省"), _l("Province")),
    Column("city", "城市", ("city", "City", "市"), _l("City")),
    Column("address", "地址", ("address", "Address"), _l("Address")),
    Column("website", "网站", ("website", "Web site", "URL", "网址"), _l("Website")),
    Column("phone", "电话", ("phone", "Telephone", "Tel"), _l("Telephone")),
    Column("legal_representative", "法定代表人", ("legal_representative", "Legal representative"),
           _l("Legal representative")),
    Column("membership_status", "会员状态", ("membership_status", "Membership status", "Membership", "Status"),
           _l("Membership")),
    Column("tier", "会员级别", ("tier", "Tier"), _l("Tier")),
    Column("joined_on", "入会日期", ("joined_on", "Joined on", "Joined"), _l("Joined on")),
    Column("notes", "备注", ("notes", "Notes"), _l("Notes")),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_COLUMNS = ("name", "uscc")  # the two keys an existing organization is found by
HEADERS = {**{alias: column.field for column in COLUMNS for alias in (column.header, *column.aliases)},
           ID_HEADER: "", "id": "", "No.": ""}
ENUMS = {"kind": (OrganizationKind, KIND_LABELS), "tier": (Tier, TIER_LABELS),
         "membership_status": (MembershipStatus, STATUS_LABELS)}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def _file_labels(labels: Mapping) -> dict:
    with force_locale(FILE_LOCALE):
        return {member: str(label) for member, label in labels.items()}


# --- export ------------------------------------------------------------------------------------

def export_header() -> list[str]:
    return [ID_HEADER] + [column.header for column in COLUMNS]


def export_organizations(filters: Mapping[str, str]) -> Iterator[list]:
    """Rows of the list page's query, in its order, read in one streamed query."""
    labels = {name: _file_labels(enum_labels) for name, (_cls, enum_labels) in ENUMS.items()}
    query = organization_query(filters).execution_options(yield_per=500)
    for org in db.session.scalars(query):
        row: list[Any] = [org.id]
        for column in COLUMNS:
            value = getattr(org, column.field)
            if column.field in labels and value is not None:
                value = labels[column.field][value]
            row.append(value)
        yield row


def allowed_values(labels: Mapping) -> str:
    return ", ".join(f"{label} ({member.value})" for member, label in _file_labels(labels).items())


def template_sheets() -> list[Sheet]:
    """The import template: the columns with one example row, and what to enter where."""
    example = {
        "name": "示例新能源科技有限公司", "name_en": "Example New Energy Technology Co., Ltd.",
        "short_name": "示例科技", "kind": _file_labels(KIND_LABELS)[OrganizationKind.enterprise],
        "uscc": example_uscc("91340100", "示例新能源科技有限公司"), "country": "CN", "province": "安徽省",
        "city": "合肥市", "address": "合肥市包河区示例路 1 号", "website": "https://www.example.com",
        "phone": "0551-12345678", "legal_representative": "张三",
        "membership_status": _file_labels(STATUS_LABELS)[MembershipStatus.non_member],
    }
    descriptions = {
        "name": _l("Required. Rows are matched with existing organizations by credit code, else by this name."),
        "kind": _l("One of: %(values)s.", values=allowed_values(KIND_LABELS)),
        "uscc": _l("18 characters. For an organization in China without one, give the reason in the next column."),
        "uscc_exempt_reason": _l("Only if the organization has no code, e.g. a foreign company."),
        "country": _l("ISO 3166, two letters: CN, MY, DE …"),
        "membership_status": _l("One of: %(values)s. Empty: unchanged, or non-member for a new organization.",
                                values=allowed_values(STATUS_LABELS)),
        "tier": _l("One of: %(values)s.", values=allowed_values(TIER_LABELS)),
        "joined_on": _l("Enter a date as YYYY-MM-DD."),
    }
    help_rows: list[list] = [[column.header, column.label, descriptions.get(column.field, "")] for column in COLUMNS]
    help_rows += [[], [_l("Fill in the first sheet and keep its first row, the column names. "
                          "English column names are accepted too.")],
                  [_l("An empty cell leaves the stored value unchanged: an import never clears a value.")],
                  [_l("At most %(n)d rows per file. Delete the example row before importing.", n=MAX_IMPORT_ROWS)]]
    return [
        Sheet(str(_l("Organizations")), [column.header for column in COLUMNS],
              [[example.get(column.field) for column in COLUMNS]]),
        Sheet(str(_l("Instructions")), [str(_l("Column")), str(_l("Meaning")), str(_l("What to enter"))],
              [[str(value) for value in row] for row in help_rows], widths=[18, 28, 100]),
    ]


# --- import: preview ---------------------------------------------------------------------------

@dataclass
class PreviewRow:
    number: int
    cells: dict[str, str]
    errors: Problems = field(default_factory=Problems)
    action: str = "error"
    org: Organization | None = None
    before: dict[str, str] = field(default_factory=dict)  # the stored values of changed cells
    change: dict | None = None  # what the commit will do, JSON-ready


@dataclass
class Preview:
    filename: str
    columns: list[Column]
    ignored: list[str]
    rows: list[PreviewRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def listed(self, limit: int) -> list[PreviewRow]:
        """The rows a page shows: all of them up to `limit`, else the errors first."""
        if len(self.rows) <= limit:
            return self.rows
        errors = [row for row in self.rows if row.action == "error"][:limit]
        others = [row for row in self.rows if row.action != "error"][:limit - len(errors)]
        return errors + others

    @property
    def changes(self) -> list[dict]:
        return [row.change for row in self.rows if row.change is not None]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() != datetime.min.time():
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _stored_display(field_name: str, value: Any) -> str:
    if field_name in ENUMS and value is not None:
        return str(ENUMS[field_name][1][value])
    return _display(value)


def _enum_lookup(labels: Mapping) -> dict:
    lookup = {}
    for locale in ("en", FILE_LOCALE):
        with force_locale(locale):
            lookup.update({comparison_key(str(label)): member for member, label in labels.items()})
    lookup.update({comparison_key(member.value): member for member in labels})
    return lookup


def _as_text(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return _display(value)
    return value if isinstance(value, str) else str(value)


def _as_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        match = _DATE.match(value)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return value
    return value


def _read_row(number: int, raw: Mapping[str, Any], lookups: Mapping[str, dict]) -> tuple[PreviewRow, dict]:
    """The row as shown, and its cleaned values (status included) for the fields it fills."""
    row = PreviewRow(number=number, cells={name: _display(value) for name, value in raw.items()})
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue  # an empty cell keeps the stored value
        if name in ENUMS:
            member = lookups[name].get(comparison_key(_as_text(value)))
            if member is None:
                row.errors.add(name, _l("Unknown value %(value)s; allowed: %(allowed)s.", value=_as_text(value)[:50],
                                        allowed=allowed_values(ENUMS[name][1])))
            else:
                data[name] = member
        elif name == "joined_on":
            data[name] = _as_date(value)
        else:
            data[name] = _as_text(value)
    status = data.pop("membership_status", None)
    values, problems = clean_organization(data, partial=True)
    for name, messages in problems.items():
        row.errors.setdefault(name, []).extend(messages)
    # A cell that cleans to nothing (say, only a zero-width space) is empty too: never a deletion.
    values = {name: value for name, value in values.items() if value is not None}
    if status is not None:
        values["membership_status"] = status
    return row, values


def _existing(codes: set[str], keys: set[str]) -> tuple[dict, dict]:
    by_code: dict[str, Organization] = {}
    by_key: dict[str, Organization] = {}
    for column, wanted in ((Organization.uscc, codes), (Organization.name_key, keys)):
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), 500):
            chunk = wanted_list[start:start + 500]
            for org in db.session.scalars(select(Organization).where(column.in_(chunk))):
                if org.uscc:
                    by_code[org.uscc] = org
                by_key[org.name_key] = org
    return by_code, by_key


def _mark_repeats(rows: list[tuple[PreviewRow, dict]], key_of, field_name: str) -> None:
    seen: dict[Any, list[PreviewRow]] = {}
    for row, values in rows:
        key = key_of(row, values)
        if key:
            seen.setdefault(key, []).append(row)
    for group in seen.values():
        if len(group) > 1:
            numbers = ", ".join(str(row.number) for row in group)
            for row in group:
                row.errors.add(field_name, _l("Appears more than once in this file (rows %(rows)s).", rows=numbers))


def _match(row: PreviewRow, values: dict, by_code: dict, by_key: dict) -> Organization | None:
    code = values.get("uscc")
    key = comparison_key(values["name"]) if values.get("name") else None
    org = by_code.get(code) if code else None
    named = by_key.get(key) if key else None
    if org is not None:
        if named is not None and named.id != org.id:
            row.errors.add("name", _l("Already registered: %(name)s (no. %(id)d).", name=named.name, id=named.id))
        return org
    if named is not None and code and named.uscc and named.uscc != code:
        row.errors.add("name", _l("This name belongs to %(name)s (no. %(id)d), whose credit code is %(code)s.",
                                  name=named.name, id=named.id, code=named.uscc))
        return None
    return named


def _jsonable(values: Mapping[str, Any]) -> dict:
    return {name: (value.value if hasattr(value, "value") else
                   value.isoformat() if isinstance(value, date) else value) for name, value in values.items()}


def _plan_new(row: PreviewRow, values: dict) -> None:
    if not values.get("name") and "name" not in row.errors:
        row.errors.add("name", _l("This field is required."))
    check_uscc_or_reason(row.errors, values)
    if row.errors:
        return
    row.action = "new"
    row.change = {"row": row.number, "action": "new", "values": _jsonable(values)}


def _plan_update(row: PreviewRow, values: dict, org: Organization) -> None:
    code_fields = ("uscc", "country", "uscc_exempt_reason")
    check_uscc_or_reason(row.errors, {name: getattr(org, name) for name in code_fields} | values)
    status = values.pop("membership_status", None)
    if status is not None and status != org.membership_status and status not in TRANSITIONS[org.membership_status]:
        row.errors.add("membership_status", _l("An organization cannot go from %(old)s to %(new)s.",
                                               old=STATUS_LABELS[org.membership_status], new=STATUS_LABELS[status]))
    if row.errors:
        return
    changed = {name: value for name, value in values.items() if getattr(org, name) != value}
    if status is not None and status != org.membership_status:
        changed["membership_status"] = status
    row.before = {name: _stored_display(name, getattr(org, name)) for name in changed}
    if not changed:
        row.action = "unchanged"
        return
    row.action = "update"
    status = changed.pop("membership_status", None)
    row.change = {"row": row.number, "action": "update", "id": org.id, "stamp": org.updated_at.isoformat(),
                  "values": _jsonable(changed), "status": status.value if status else None}


def import_preview(table: Table) -> Preview:
    """What importing `table` would do, row by row; nothing is written."""
    lookups = {name: _enum_lookup(labels) for name, (_cls, labels) in ENUMS.items()}
    rows = [_read_row(number, raw, lookups) for number, raw in table.rows]
    _mark_repeats(rows, lambda row, values: values.get("uscc"), "uscc")
    _mark_repeats(rows, lambda row, values: comparison_key(values["name"]) if values.get("name") else None, "name")
    by_code, by_key = _existing({values["uscc"] for _row, values in rows if values.get("uscc")},
                                {comparison_key(values["name"]) for _row, values in rows if values.get("name")})
    for row, values in rows:
        row.org = _match(row, values, by_code, by_key)
    # Two rows may reach one organization by different keys (its code in one, its name in another).
    _mark_repeats(rows, lambda row, values: row.org.id if row.org is not None else None, "name")
    for row, values in rows:
        if row.org is None:
            _plan_new(row, values)
        else:
            _plan_update(row, values, row.org)
    columns = [COLUMN_BY_FIELD[name] for name in table.fields if name in COLUMN_BY_FIELD]
    return Preview(filename=table.filename, columns=columns, ignored=table.ignored, rows=[row for row, _v in rows])


# --- import: the batch between preview and commit ----------------------------------------------

def save_batch(preview: Preview, actor) -> ImportBatch | None:
    """Keep the valid changes for the commit; None when there is nothing to commit."""
    if not preview.changes:
        return None
    return create_batch(BATCH_KIND, actor, {"filename": preview.filename, "rows": preview.changes})


def load_batch(token: str, actor) -> ImportBatch:
    return import_models.load_batch(token, BATCH_KIND, actor)


def _python_values(values: Mapping[str, Any]) -> dict:
    out = dict(values)
    if out.get("kind"):
        out["kind"] = OrganizationKind(out["kind"])
    if "tier" in out:
        out["tier"] = Tier(out["tier"]) if out["tier"] else None
    if out.get("joined_on"):
        out["joined_on"] = date.fromisoformat(out["joined_on"])
    return out


def _apply(change: dict, orgs: Mapping[int, Organization], reason: str, actor) -> str:
    values = _python_values(change["values"])
    if change["action"] == "update":
        org = orgs.get(change["id"])
        if org is None or org.updated_at != datetime.fromisoformat(change["stamp"]):
            raise ServiceError(_l("Row %(row)d: the organization has been changed since the preview. "
                                  "Upload the file again.", row=change["row"]), status=409)
        for name, value in values.items():
            setattr(org, name, value)
        if change.get("status"):
            try:
                change_status(org, change["status"], reason, actor, tier=values.get("tier"))
            except ServiceError as exc:
                raise ServiceError(_l("Row %(row)d: %(message)s", row=change["row"], message=exc.message),
                                   status=409)
        return "update"
    status = MembershipStatus(values.pop("membership_status", MembershipStatus.non_member))
    org = Organization(**values)
    org.membership_status = status
    if status == MembershipStatus.active:
        org.tier = org.tier or Tier.member
    db.session.add(org)
    if status != MembershipStatus.non_member:
        db.session.add(StatusChange(organization=org, from_status=None, to_status=status, reason=reason,
                                    actor_id=getattr(actor, "id", None)))
    return "new"


def import_commit(batch: ImportBatch, actor) -> dict[str, int]:
    """Apply the batch's changes in the current transaction, all or none (the caller
    commits, or rolls back on ServiceError). The batch is used up by this call."""
    payload = use_batch(batch, actor)
    changes = payload["rows"]
    ids = [change["id"] for change in changes if change["action"] == "update"]
    orgs: dict[int, Organization] = {}
    for start in range(0, len(ids), 500):
        orgs.update({org.id: org for org in db.session.scalars(
            select(Organization).where(Organization.id.in_(ids[start:start + 500])))})
    reason = str(_l("Imported from %(file)s", file=payload.get("filename", "")[:200]))
    counts = {"new": 0, "update": 0}
    try:
        with db.session.begin_nested():
            # Updates first: a new row may take a name that an update gives up.
            for change in sorted(changes, key=lambda change: change["action"] != "update"):
                counts[_apply(change, orgs, reason, actor)] += 1
            db.session.flush()
    except IntegrityError:
        raise ServiceError(_l("Another organization with this name or credit code was saved just now."),
                           status=409)
    record(db.session, "organizations_imported", object_type="organizations",
           object_label=payload.get("filename", ""), changes={"new": counts["new"], "updated": counts["update"]})
    return counts
