"""Bank statement import: an XLSX or CSV export of the alliance's account (date,
payer, amount, reference; GBK text, merged date cells and other banks' date
formats read) becomes proposals matching each transfer to a member by its
look-alike name (core/text.comparison_key, as the member directory compares
names) and to its open bills by amount. Nothing is written until the
secretariat confirms; each confirmed line is then recorded as a payment."""
import re
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.money import AmountError, from_fen, parse_amount, to_fen
from ..core.spreadsheets import read_table
from ..core.text import comparison_key
from ..extensions import db
from ..members.models import Organization
from .models import Bill
from .services import OPEN

COLUMNS = {"日期": "date", "交易日期": "date", "记账日期": "date", "入账日期": "date", "date": "date",
           "付款人": "payer", "对方户名": "payer", "付款人名称": "payer", "对方账户名称": "payer", "payer": "payer",
           "金额": "amount", "贷方金额": "amount", "收入金额": "amount", "amount": "amount",
           "摘要": "reference", "附言": "reference", "用途": "reference", "交易流水号": "reference",
           "reference": "reference"}
LABELS = {"date": "日期", "payer": "付款人", "amount": "金额"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_date(value: Any) -> date | None:
    """2026-01-05, 2026/1/5, 2026.01.05, 20260105, 2026年1月5日 (with or without a time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", str(value).strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _match_organization(payer: str, orgs: dict[str, Organization]) -> Organization | None:
    key = comparison_key(payer)
    if key in orgs:
        return orgs[key]
    # A transfer often carries the name short or long ("甲单位" for 甲单位有限公司): one candidate only.
    found = [org for name_key, org in orgs.items() if len(key) >= 3 and (name_key.startswith(key) or key.startswith(name_key))]
    return found[0] if len(found) == 1 else None


def _allocate(bills: list[Bill], fen: int, remaining: dict[int, int]) -> tuple[list[dict], int]:
    """A bill whose open amount is the transfer's, else the oldest bills first; what
    earlier lines of the statement took is not proposed again (`remaining`)."""
    for bill in bills:
        remaining.setdefault(bill.id, bill.open_fen)
    exact = next((b for b in bills if remaining[b.id] == fen), None)
    chosen = [(exact, fen)] if exact is not None else []
    left = 0 if exact is not None else fen
    for bill in ([] if exact is not None else bills):
        if left <= 0:
            break
        part = min(left, remaining[bill.id])
        if part > 0:
            chosen.append((bill, part))
            left -= part
    for bill, part in chosen:
        remaining[bill.id] -= part
    return [{"bill_id": b.id, "amount": str(from_fen(part)), "title": b.title} for b, part in chosen], left


def read_statement(file_storage) -> list[dict]:
    """One proposal per data row: its row number, the values read, problems (with
    the row's number, in words) or the organization and allocations proposed."""
    table = read_table(file_storage, COLUMNS, required=("date", "payer", "amount"), labels=LABELS)
    orgs = {org.name_key: org for org in db.session.scalars(select(Organization))}
    open_bills: dict[int, list[Bill]] = {}
    for bill in db.session.scalars(select(Bill).where(Bill.status.in_(OPEN)).order_by(Bill.due_on, Bill.id)):
        open_bills.setdefault(bill.organization_id, []).append(bill)
    proposals, last_date, remaining = [], None, {}
    for number, row in table.rows:
        problems = []
        raw_date = row.get("date")
        if raw_date is None and last_date is not None:
            day = last_date  # a date cell merged over several rows is read in its first row only
        else:
            day = parse_date(raw_date) if raw_date is not None else None
            if day is None:
                problems.append(str(_l("Row %(row)d: the date %(value)s is not one we read; write it as "
                                       "2026-01-05, 2026/1/5, 20260105 or 2026年1月5日.", row=number,
                                       value=str(raw_date or "")[:30])))
        last_date = day or last_date
        payer = str(row.get("payer") or "").strip()
        if not payer:
            problems.append(str(_l("Row %(row)d: the payer's name is missing.", row=number)))
        fen = None
        try:
            fen = to_fen(parse_amount(row.get("amount")))
            if fen <= 0:
                problems.append(str(_l("Row %(row)d: the amount must be above zero.", row=number)))
        except AmountError as exc:
            problems.append(str(_l("Row %(row)d: %(message)s", row=number, message=exc.message)))
        proposal = {"row": number, "date": day.isoformat() if day else "", "payer": payer[:200],
                    "amount": str(from_fen(fen)) if fen else "", "reference": str(row.get("reference") or "")[:100],
                    "problems": problems, "organization_id": None, "organization": "", "allocations": [],
                    "overpayment": False}
        if not problems:
            org = _match_organization(payer, orgs)
            if org is not None:
                allocations, left = _allocate(open_bills.get(org.id, []), fen, remaining)
                proposal.update(organization_id=org.id, organization=org.name, allocations=allocations,
                                overpayment=left > 0)
            else:
                proposal["overpayment"] = True  # no member found: recorded unallocated if confirmed
        proposals.append(proposal)
    return proposals


def confirm_lines(lines: list[dict], actor=None) -> list:
    """Record each confirmed line as a payment, all or none (the caller commits)."""
    from ..core.errors import ServiceError
    from .services import record_payment

    payments = []
    for line in lines:
        try:
            payments.append(record_payment({**line, "method": "bank_transfer"}, actor))
        except ServiceError as exc:
            words = "; ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message)
            raise ServiceError(_l("Row %(row)d: %(message)s", row=int(line.get("row") or 0), message=words),
                               field="file", status=exc.status)
    return payments
