"""Agreement services: numbering, drafting, parties, clauses, the workflow
(draft → ready → signed, or voided with a reason) and corrections. Signed
agreements are immutable. They flush, never commit. The signing record (who
signs, witnesses, assistants) is in signing_record.py."""
from datetime import timedelta
from decimal import Decimal
from typing import Any, Mapping

from babel.numbers import list_currencies
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..events.models import AgendaItem, AgendaKind, Event
from ..extensions import db
from ..members.models import Organization
from ..core.money import MAX_YUAN, AmountError, cny_fen, parse_amount, parse_rate, to_fen
from ..core.timeutil import to_local
from ..core.validation import Problems, date_value, datetime_value, enum_value, int_value, line, text
from .archive import archive, archive_originals
from .clauses import default_clauses
from .messages import READY, SIGNED, tell_parties
from .models import (RATE_SCALE, Agreement, AgreementClause, AgreementCounter, AgreementKind, AgreementParty,
                     AgreementSector, AgreementSigningPerson, AgreementStatus, DocumentKind, Sector, SigningVenue)

ROLE_LABELS = "甲乙丙丁戊己庚辛壬癸"
FIELDS = ("title", "kind", "document_kind", "signing_venue", "sectors", "event_id", "agenda_item_id", "ceremony_order", "place", "term_start",
          "term_end", "preamble", "amount", "amount_disclosed", "currency", "fx_rate_to_cny", "notes", "parties",
          "clauses")
CURRENCIES = frozenset(list_currencies())
St = AgreementStatus


def _raise(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


def role_label(position: int) -> str:
    return f"{ROLE_LABELS[position]}方" if position < len(ROLE_LABELS) else f"第{position + 1}方"


# --- numbering ----------------------------------------------------------------------------------

def next_number(year: int) -> tuple[int, str]:
    """The next sequence number of the year, from a counter row raised with
    UPDATE ... RETURNING in this transaction (row-locked until commit)."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AgreementCounter)
    db.session.execute(insert.values(year=year, last_seq=0).on_conflict_do_nothing(index_elements=["year"]))
    seq = db.session.execute(update(AgreementCounter).where(AgreementCounter.year == year)
                             .values(last_seq=AgreementCounter.last_seq + 1)
                             .returning(AgreementCounter.last_seq)).scalar_one()
    template = current_app.config["AGREEMENT_NUMBER_FORMAT"]
    return seq, template.format(prefix=current_app.config["AGREEMENT_NUMBER_PREFIX"], year=year, seq=seq)


# --- cleaning --------------------------------------------------------------------------------------

def _amount(problems: Problems, data: Mapping[str, Any], current: Agreement | None, out: dict) -> None:
    keys = {"amount", "amount_disclosed", "currency", "fx_rate_to_cny"}
    if current is not None and not keys & set(data):
        return
    def pick(key, default):  # noqa: E306
        return data[key] if key in data else default
    disclosed = pick("amount_disclosed", current.amount_disclosed if current else True)
    if not isinstance(disclosed, bool):
        disclosed = str(disclosed).lower() in ("1", "true", "y", "yes", "on")
    currency = str(pick("currency", current.currency if current else "CNY") or "CNY").strip().upper()
    if currency not in CURRENCIES:
        problems.add("currency", _l("Use an ISO 4217 currency code such as CNY, USD or MYR."))
        return
    out.update(amount_disclosed=disclosed, currency=currency)
    if not disclosed:
        out.update(amount_fen=None, amount_cny_fen=None, fx_rate_micro=None)
        return
    try:
        raw = pick("amount", None if current is None or current.amount is None else str(current.amount))
        amount = parse_amount(raw)
    except AmountError as exc:
        problems.add("amount", exc.message)
        return
    rate_raw = pick("fx_rate_to_cny", None if current is None or current.fx_rate is None else str(current.fx_rate))
    if currency == "CNY":
        rate = 1
        if rate_raw not in (None, "", "1", "1.0", "1.000000"):
            try:
                if parse_rate(rate_raw) != 1:
                    problems.add("fx_rate_to_cny", _l("An amount in CNY has no exchange rate."))
                    return
            except AmountError as exc:
                problems.add("fx_rate_to_cny", exc.message)
                return
    else:
        if rate_raw in (None, ""):
            problems.add("fx_rate_to_cny", _l("Give the exchange rate of %(currency)s to CNY; totals are in CNY.",
                                              currency=currency))
            return
        try:
            rate = parse_rate(rate_raw)
        except AmountError as exc:
            problems.add("fx_rate_to_cny", exc.message)
            return
    rate = Decimal(rate)
    if amount * rate > MAX_YUAN:
        problems.add("amount", _l("This amount is too large; check the unit."))
        return
    out.update(amount_fen=to_fen(amount), fx_rate_micro=int(rate * RATE_SCALE), amount_cny_fen=cny_fen(amount, rate))


def _parties(problems: Problems, value: Any) -> list[dict] | None:
    if not isinstance(value, (list, tuple)):
        problems.add("parties", _l("Expected a list of parties."))
        return None
    parties, seen = [], set()
    for index, raw in enumerate(value):
        field = f"parties-{index}"
        if not isinstance(raw, Mapping):
            problems.add(field, _l("Expected a JSON object."))
            continue
        unknown = set(raw) - {"organization_id", "role_label", "signatory_name", "signatory_title"}
        for key in sorted(unknown):
            problems.add(f"{field}-{key}", _l("Unknown field."))
        org_id = int_value(problems, f"{field}-organization_id", raw.get("organization_id"), minimum=1,
                           maximum=2**31 - 1)
        org = db.session.get(Organization, org_id) if org_id else None
        if org_id and org is None:
            problems.add(f"{field}-organization_id", _l("There is no organization with the id %(id)s.", id=org_id))
        elif org_id is None and f"{field}-organization_id" not in problems:
            problems.add(f"{field}-organization_id", _l("This field is required."))
        if org is not None:
            if org.id in seen:
                problems.add(f"{field}-organization_id", _l("%(name)s is a party already.", name=org.name))
            seen.add(org.id)
        parties.append({
            "organization": org,
            "role_label": line(problems, f"{field}-role_label", raw.get("role_label"), 20) or role_label(index),
            "signatory_name": line(problems, f"{field}-signatory_name", raw.get("signatory_name"), 100),
            "signatory_title": line(problems, f"{field}-signatory_title", raw.get("signatory_title"), 200),
        })
    if len(value) < 2:
        problems.add("parties", _l("An agreement has at least two parties."))
    return parties


def _clauses(problems: Problems, value: Any) -> list[dict] | None:
    if not isinstance(value, (list, tuple)):
        problems.add("clauses", _l("Expected a list of clauses."))
        return None
    clauses = []
    for index, raw in enumerate(value):
        field = f"clauses-{index}"
        if not isinstance(raw, Mapping):
            problems.add(field, _l("Expected a JSON object."))
            continue
        clauses.append({
            "heading": line(problems, f"{field}-heading", raw.get("heading"), 200, required=True),
            "body": text(problems, f"{field}-body", raw.get("body"), 20_000) or "",
            "heading_en": line(problems, f"{field}-heading_en", raw.get("heading_en"), 200),
            "body_en": text(problems, f"{field}-body_en", raw.get("body_en"), 20_000),
        })
        if not clauses[-1]["body"] and f"{field}-body" not in problems:
            problems.add(f"{field}-body", _l("This field is required."))
    return clauses


def clean(data: Mapping[str, Any], current: Agreement | None = None) -> tuple[dict, Problems]:
    problems = Problems()
    for key in data:
        if key not in FIELDS:
            problems.add(key, _l("Unknown field."))
    present = set(data) if current is not None else set(FIELDS)
    out: dict[str, Any] = {}
    if "title" in present:
        out["title"] = line(problems, "title", data.get("title"), 200, required=True)
    if "kind" in present:
        out["kind"] = enum_value(problems, "kind", AgreementKind, data.get("kind") or "strategic_cooperation")
    if "document_kind" in present:  # empty: as the kind suggests
        out["document_kind"] = enum_value(problems, "document_kind", DocumentKind, data.get("document_kind"),
                                          optional=True)
    if "signing_venue" in present:
        out["signing_venue"] = enum_value(problems, "signing_venue", SigningVenue,
                                          data.get("signing_venue") or SigningVenue.ceremony.value)
    if "sectors" in present:
        raw = data.get("sectors") or []
        if isinstance(raw, str):
            raw = [raw]
        sectors = [enum_value(problems, "sectors", Sector, value) for value in raw]
        out["sectors"] = [s for s in dict.fromkeys(sectors) if s is not None]
        if not raw:
            problems.add("sectors", _l("Choose at least one sector."))
    for key, limit in (("place", 200),):
        if key in present:
            out[key] = line(problems, key, data.get(key), limit)
    for key, limit in (("preamble", 20_000), ("notes", 10_000)):
        if key in present:
            out[key] = text(problems, key, data.get(key), limit)
    for key in ("term_start", "term_end"):
        if key in present:
            out[key] = date_value(problems, key, data.get(key))
    start = out.get("term_start", current.term_start if current else None)
    end = out.get("term_end", current.term_end if current else None)
    if start and end and end < start:
        problems.add("term_end", _l("The end must be after the start."))
    if "ceremony_order" in present:
        out["ceremony_order"] = int_value(problems, "ceremony_order", data.get("ceremony_order"), minimum=1,
                                          maximum=10_000)
    if "event_id" in present:
        event_id = int_value(problems, "event_id", data.get("event_id"), minimum=1, maximum=2**31 - 1)
        if event_id is not None and db.session.get(Event, event_id) is None:
            problems.add("event_id", _l("There is no event with the id %(id)s.", id=event_id))
        out["event_id"] = event_id
    if "agenda_item_id" in present:
        item_id = int_value(problems, "agenda_item_id", data.get("agenda_item_id"), minimum=1, maximum=2**31 - 1)
        item = db.session.get(AgendaItem, item_id) if item_id else None
        event_id = out.get("event_id", current.event_id if current else None)
        if item_id and (item is None or item.session.event_id != event_id):
            problems.add("agenda_item_id", _l("Choose an agenda item of the agreement's event."))
        elif item is not None and item.kind != AgendaKind.signing_ceremony:
            problems.add("agenda_item_id", _l("Choose a signing ceremony of the agenda."))
        out["agenda_item_id"] = item_id
    _amount(problems, data, current, out)
    if "parties" in present:
        out["parties"] = _parties(problems, data.get("parties") if "parties" in data else [])
    if "clauses" in present and "clauses" in data:
        out["clauses"] = _clauses(problems, data.get("clauses"))
    return out, problems


# --- writing --------------------------------------------------------------------------------------

def _apply(agreement: Agreement, values: dict) -> None:
    sectors = values.pop("sectors", None)
    parties = values.pop("parties", None)
    clauses = values.pop("clauses", None)
    for key, value in values.items():
        setattr(agreement, key, value)
    if sectors is not None:
        # Keep the rows of sectors that stay: (agreement, sector) is unique, and
        # the unit of work would insert the new rows before deleting the old.
        kept = [row for row in agreement.sector_rows if row.sector in sectors]
        have = {row.sector for row in kept}
        agreement.sector_rows = kept + [AgreementSector(sector=s) for s in sectors if s not in have]
    if parties is not None:
        agreement.parties = []
        db.session.flush()  # the old rows go first: (agreement, position) is unique
        agreement.parties = [AgreementParty(
            position=index, organization_id=p["organization"].id, role_label=p["role_label"],
            signatory_name=p["signatory_name"], signatory_title=p["signatory_title"],
            printed_name=p["organization"].name, printed_name_en=p["organization"].name_en,
            printed_address=p["organization"].address,
            printed_legal_representative=p["organization"].legal_representative,
            printed_uscc=p["organization"].uscc) for index, p in enumerate(parties)]
    if clauses is not None:
        agreement.clauses = [AgreementClause(position=i, **c) for i, c in enumerate(clauses)]


def create_agreement(data: Mapping[str, Any], actor=None) -> Agreement:
    values, problems = clean(data)
    _raise(problems)
    if "clauses" not in values:
        values["clauses"] = default_clauses(values["kind"])
    year = to_local(utcnow()).year
    seq, number = next_number(year)
    agreement = Agreement(year=year, seq=seq, number=number, status=St.draft)
    _apply(agreement, values)
    db.session.add(agreement)
    db.session.flush()
    return agreement


def _editable(agreement: Agreement) -> None:
    if agreement.status == St.signed:
        raise ServiceError(_l("A signed agreement cannot be changed. Void it and draft a corrected one."),
                           status=409)
    if agreement.status == St.voided:
        raise ServiceError(_l("A voided agreement cannot be changed."), status=409)


def update_agreement(agreement: Agreement, data: Mapping[str, Any], actor=None) -> Agreement:
    """Change a draft; a change to an agreement ready for signing sends it back to draft."""
    _editable(agreement)
    values, problems = clean(data, current=agreement)
    _raise(problems)
    _apply(agreement, values)
    if agreement.status == St.ready and values:
        agreement.status = St.draft  # changed after the check: check it again
    db.session.flush()
    return agreement


def mark_ready(agreement: Agreement, actor) -> Agreement:
    _editable(agreement)
    if agreement.status != St.draft:
        raise ServiceError(_l("Only a draft can be marked ready for signing."), status=409)
    problems = Problems()
    if len(agreement.parties) < 2:
        problems.add("parties", _l("An agreement has at least two parties."))
    if not agreement.clauses:
        problems.add("clauses", _l("An agreement needs its clauses."))
    _raise(problems)
    agreement.status = St.ready
    record(db.session, "agreement_ready", agreement, actor=actor)
    tell_parties(agreement, READY)  # the draft to review, built when the message is sent
    db.session.flush()
    return agreement


def sign(agreement: Agreement, actor, signed_at: Any = None) -> Agreement:
    """Record the signing (now, or when it happened); only once, only when ready."""
    if agreement.status == St.signed:
        raise ServiceError(_l("This agreement was signed already."), status=409)
    if agreement.status != St.ready:
        raise ServiceError(_l("Only an agreement ready for signing can be signed."), status=409)
    problems = Problems()
    moment = datetime_value(problems, "signed_at", signed_at) if signed_at not in (None, "") else utcnow()
    _raise(problems)
    if moment > utcnow() + timedelta(minutes=5):
        raise ServiceError(_l("The signing time cannot be in the future."), field="signed_at")
    # Conditional, so two clicks at the ceremony sign once.
    done = db.session.execute(update(Agreement).where(Agreement.id == agreement.id, Agreement.status == St.ready)
                              .values(status=St.signed, signed_at=moment, signed_by_id=getattr(actor, "id", None))
                              .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(agreement)
    if not done:
        raise ServiceError(_l("This agreement was signed already."), status=409)
    record(db.session, "agreement_signed", agreement, actor=actor,
           changes={"status": ["ready", "signed"], "signed_at": [None, moment.isoformat()]})
    archive(agreement)  # the bytes issued at signing, served for every later download
    archive_originals(agreement)  # and each party's original (一式多份), each with its own hash
    tell_parties(agreement, SIGNED)  # the final text, built when the message is sent
    return agreement


def void(agreement: Agreement, reason: Any, actor) -> Agreement:
    if agreement.status == St.voided:
        raise ServiceError(_l("This agreement is void already."), status=409)
    problems = Problems()
    reason = line(problems, "reason", reason, 500, required=True)
    _raise(problems)
    previous = agreement.status
    agreement.status, agreement.voided_at, agreement.void_reason = St.voided, utcnow(), reason
    record(db.session, "agreement_voided", agreement, actor=actor,
           changes={"status": [previous.value, "voided"], "void_reason": [None, reason]})
    db.session.flush()
    return agreement


def draft_correction(agreement: Agreement, reason: Any, actor) -> Agreement:
    """Void an agreement and draft a new one with the same content, which
    records what it replaces; both steps are in the audit log."""
    void(agreement, reason, actor)
    copy = create_agreement({
        "title": agreement.title, "kind": agreement.kind.value,
        "document_kind": agreement.document_kind.value if agreement.document_kind else None,
        "signing_venue": agreement.signing_venue.value, "sectors": [s.value for s in agreement.sectors],
        "event_id": agreement.event_id, "agenda_item_id": agreement.agenda_item_id,
        "ceremony_order": agreement.ceremony_order, "place": agreement.place,
        "term_start": agreement.term_start, "term_end": agreement.term_end, "preamble": agreement.preamble,
        "amount_disclosed": agreement.amount_disclosed,
        "amount": str(agreement.amount) if agreement.amount is not None else None,
        "currency": agreement.currency,
        "fx_rate_to_cny": str(agreement.fx_rate) if agreement.currency != "CNY" and agreement.fx_rate else None,
        "notes": agreement.notes,
        "parties": [{"organization_id": p.organization_id, "role_label": p.role_label,
                     "signatory_name": p.signatory_name, "signatory_title": p.signatory_title}
                    for p in agreement.parties],
        "clauses": [{"heading": c.heading, "body": c.body, "heading_en": c.heading_en, "body_en": c.body_en}
                    for c in agreement.clauses],
    }, actor)
    copy.replaces_id = agreement.id
    copy.signing_people = [AgreementSigningPerson(role=p.role, position=p.position, name=p.name, title=p.title,
                                                  organization_id=p.organization_id)
                           for p in agreement.signing_people]
    record(db.session, "agreement_correction_drafted", copy, actor=actor,
           changes={"replaces": [None, agreement.number]})
    db.session.flush()
    return copy


def ceremony_agreements(event: Event, *, with_clauses: bool = False) -> list[Agreement]:
    """The event's agreements in ceremony order (voided ones left out), with
    their parties and sectors (and clauses, for printing) in one query each
    rather than a few per agreement."""
    options = [selectinload(Agreement.parties).selectinload(AgreementParty.organization),
               selectinload(Agreement.sector_rows), selectinload(Agreement.signing_people)]
    if with_clauses:
        options.append(selectinload(Agreement.clauses))
    return list(db.session.scalars(
        select(Agreement).where(Agreement.event_id == event.id, Agreement.status != St.voided).options(*options)
        .order_by(Agreement.ceremony_order.is_(None), Agreement.ceremony_order, Agreement.number)))
