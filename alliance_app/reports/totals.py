"""Totals of signed value, computed by the database: SQL aggregates over integer
fen in CNY, a bounded number of queries whatever the number of agreements, no
agreement rows loaded into Python.

Definitions (shown to users in the API documentation):
* signed: status `signed`; voided agreements never count, whenever voided.
* signed_total: the sum of the CNY value of signed agreements with a disclosed
  amount; undisclosed agreements are counted (undisclosed_count), not summed.
* counterparties: distinct organizations among the parties other than the first
  (甲方), which at an alliance's ceremony is the host signing with many partners.
* pipeline: agreements ready for signing, not yet signed.
* by_sector `amount`: an agreement in several sectors is split equally between
  them (the odd fen go to the first sectors), so the sector amounts add up to
  signed_total exactly; `amount_involved` is the full value of the agreements
  touching the sector (these overlap).
* by_document_kind / by_signing_venue: the signed agreements split the way
  provincial reports are written, by kind of document (合同 / 协议 / 战略合作;
  an agreement without one chosen counts as its kind suggests) and by where it
  was signed (集中签约 at the ceremony / 场外签约 elsewhere during the event);
  each split adds up to signed_count and signed_total; by_document_and_venue
  is the table of both.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from sqlalchemy import bindparam, case, distinct, func, select
from sqlalchemy.sql import Select

from ..agreements.models import (Agreement, AgreementParty, AgreementSector, AgreementStatus, DocumentKind, Sector,
                                 SigningVenue, document_kind_sql)
from ..extensions import db
from ..members.models import Organization, Tier
from ..core.money import from_fen

SIGNED = AgreementStatus.signed
READY = AgreementStatus.ready


@dataclass(frozen=True)
class Scope:
    """Which agreements: one event, one year (local time), and optionally only
    those an organization is a party to (a member's own figures)."""
    event_id: int | None = None
    year: int | None = None
    organization_id: int | None = None

    def apply(self, query: Select) -> Select:
        """The scope's conditions as bound parameters (values in `params`), so one
        statement serves every scope of the same shape."""
        if self.event_id is not None:
            query = query.where(Agreement.event_id == bindparam("event_id"))
        if self.year is not None:
            query = query.where(local_year(Agreement.signed_at) == bindparam("year"))
        if self.organization_id is not None:
            query = query.where(Agreement.parties.any(AgreementParty.organization_id == bindparam("organization_id")))
        return query

    @property
    def params(self) -> dict:
        return {name: value for name, value in (("event_id", self.event_id), ("year", self.year),
                                                ("organization_id", self.organization_id)) if value is not None}

    @property
    def shape(self) -> tuple[bool, bool, bool]:
        return self.event_id is not None, self.year is not None, self.organization_id is not None


# Statements built once per kind of scope and database, then run with the
# scope's values: building them (and SQLAlchemy's cache key for a new object)
# cost about 0.5 ms per statement, several times the SQL itself on a small event.
_statements: dict[tuple, Select] = {}


def _once(name: str, scope: Scope, build: Callable[[], Select], *extra) -> Select:
    key = (name, scope.shape, _dialect(), *extra)
    statement = _statements.get(key)
    if statement is None:  # two threads may both build it: the same statement, harmless
        statement = _statements[key] = build()
    return statement


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local(column):
    """A UTC timestamp as local time (Asia/Shanghai, no daylight saving)."""
    if _dialect() == "postgresql":
        return func.timezone("Asia/Shanghai", column)
    return func.datetime(column, "+8 hours")


def local_year(column):
    if _dialect() == "postgresql":
        return func.cast(func.extract("year", _local(column)), db.Integer)
    return func.cast(func.strftime("%Y", _local(column)), db.Integer)


def local_month(column):
    if _dialect() == "postgresql":
        return func.cast(func.extract("month", _local(column)), db.Integer)
    return func.cast(func.strftime("%m", _local(column)), db.Integer)


def _money(fen) -> Decimal:
    return from_fen(int(fen or 0))


def _signed(query: Select, scope: Scope) -> Select:
    return scope.apply(query.where(Agreement.status == SIGNED))


def totals(scope: Scope) -> dict:
    """Every figure of a signing report for the scope, in a handful of queries."""
    params = scope.params
    head = db.session.execute(_once("head", scope, lambda: scope.apply(select(
        func.coalesce(func.sum(case((Agreement.status == SIGNED, Agreement.amount_cny_fen))), 0),
        func.count(case((Agreement.status == SIGNED, 1))),
        func.count(case(((Agreement.status == SIGNED) & ~Agreement.amount_disclosed, 1))),
        func.coalesce(func.sum(case((Agreement.status == READY, Agreement.amount_cny_fen))), 0),
        func.count(case((Agreement.status == READY, 1))),
    ).select_from(Agreement))), params).one()
    signed_total, signed_count, undisclosed_count, pipeline_total, pipeline_count = head

    counterparty_count = db.session.scalar(_once("counterparties", scope, lambda: _signed(
        select(func.count(distinct(AgreementParty.organization_id))).select_from(AgreementParty)
        .join(Agreement, AgreementParty.agreement_id == Agreement.id).where(AgreementParty.position > 0), scope)),
        params)

    undisclosed = db.session.execute(_once("undisclosed", scope, lambda: _signed(
        select(Agreement.id, Agreement.number, Agreement.title).where(~Agreement.amount_disclosed)
        .order_by(Agreement.number).limit(200), scope)), params).all()

    return {
        "currency": "CNY",
        "signed_total": _money(signed_total),
        "signed_count": signed_count,
        "counterparty_count": counterparty_count or 0,
        "undisclosed_count": undisclosed_count,
        "undisclosed": [{"id": i, "number": n, "title": t} for i, n, t in undisclosed],
        "pipeline_total": _money(pipeline_total),
        "pipeline_count": pipeline_count,
        "by_sector": by_sector(scope),
        "by_kind": by_kind(scope),
        **by_document(scope),
        "by_organization": by_organization(scope),
        "by_tier": by_tier(scope),
    }


def by_sector(scope: Scope) -> list[dict]:
    rows = db.session.execute(_once("by_sector", scope, lambda: _by_sector_statement(scope)), scope.params).all()
    found = {Sector(sector): (count, share_fen, full_fen) for sector, count, share_fen, full_fen in rows}
    return [{"sector": sector.value, "count": found[sector][0], "amount": _money(found[sector][1]),
             "amount_involved": _money(found[sector][2])} for sector in Sector if sector in found]


def _by_sector_statement(scope: Scope) -> Select:
    # The scope is applied first, so only the event's sector rows are ranked
    # (ranking the whole table made this the one query that grew with the data).
    scoped = _signed(select(Agreement.id, func.coalesce(Agreement.amount_cny_fen, 0).label("fen")), scope).subquery()
    ranked = (select(AgreementSector.sector, scoped.c.fen,
                     (func.row_number().over(partition_by=AgreementSector.agreement_id,
                                             order_by=AgreementSector.id) - 1).label("rank"),
                     func.count().over(partition_by=AgreementSector.agreement_id).label("n"))
              .join(scoped, scoped.c.id == AgreementSector.agreement_id).subquery())
    # `//`: integer division on both databases (`/` compiles to a true division).
    share = ranked.c.fen // ranked.c.n + case((ranked.c.rank < ranked.c.fen % ranked.c.n, 1), else_=0)
    return select(ranked.c.sector, func.count(), func.coalesce(func.sum(share), 0),
                  func.coalesce(func.sum(ranked.c.fen), 0)).group_by(ranked.c.sector)


def by_kind(scope: Scope) -> list[dict]:
    rows = db.session.execute(_once("by_kind", scope, lambda: _signed(
        select(Agreement.kind, func.count(), func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .group_by(Agreement.kind).order_by(func.coalesce(func.sum(Agreement.amount_cny_fen), 0).desc()), scope)),
        scope.params).all()
    return [{"kind": kind.value, "count": count, "amount": _money(fen)} for kind, count, fen in rows]


def by_document(scope: Scope) -> dict:
    """The signed count and value per kind of document and place of signing, from
    one grouped query (at most 3 × 2 rows); the two splits add up its cells."""
    rows = db.session.execute(_once("by_document", scope, lambda: _signed(
        select(document_kind_sql(), Agreement.signing_venue, func.count(),
               func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .group_by(document_kind_sql(), Agreement.signing_venue), scope)), scope.params).all()
    cells = {(DocumentKind(kind), SigningVenue(venue)): (count, int(fen)) for kind, venue, count, fen in rows}

    def split(name: str, members, matches) -> list[dict]:
        out = []
        for member in members:
            found = [cell for key, cell in cells.items() if matches(key, member)]
            out.append({name: member.value, "count": sum(c for c, _ in found),
                        "amount": _money(sum(f for _, f in found))})
        return out

    return {
        "by_document_kind": split("document_kind", DocumentKind, lambda key, member: key[0] == member),
        "by_signing_venue": split("signing_venue", SigningVenue, lambda key, member: key[1] == member),
        "by_document_and_venue": [
            {"document_kind": kind.value, "signing_venue": venue.value, "count": cells.get((kind, venue), (0, 0))[0],
             "amount": _money(cells.get((kind, venue), (0, 0))[1])} for kind in DocumentKind for venue in SigningVenue],
    }


def by_organization(scope: Scope, limit: int = 500) -> list[dict]:
    """Each party organization with the agreements it signed and their full value."""
    rows = db.session.execute(_once("by_organization", scope, lambda: _signed(
        select(Organization.id, Organization.name, func.count(distinct(Agreement.id)),
               func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .select_from(AgreementParty).join(Agreement, AgreementParty.agreement_id == Agreement.id)
        .join(Organization, Organization.id == AgreementParty.organization_id)
        .group_by(Organization.id, Organization.name)
        .order_by(func.coalesce(func.sum(Agreement.amount_cny_fen), 0).desc(), Organization.name).limit(limit),
        scope), limit), scope.params).all()
    if scope.organization_id is not None:
        rows = [row for row in rows if row[0] == scope.organization_id]
    return [{"organization_id": i, "name": name, "count": count, "amount": _money(fen)} for i, name, count, fen in rows]


def by_tier(scope: Scope) -> list[dict]:
    """Counterparties by membership tier (non-members as `null`)."""
    rows = db.session.execute(_once("by_tier", scope, lambda: _signed(
        select(Organization.tier, func.count(distinct(Agreement.id)), func.count(distinct(Organization.id)))
        .select_from(AgreementParty).join(Agreement, AgreementParty.agreement_id == Agreement.id)
        .join(Organization, Organization.id == AgreementParty.organization_id)
        .where(AgreementParty.position > 0).group_by(Organization.tier), scope)), scope.params).all()
    found = {tier: (agreements, orgs) for tier, agreements, orgs in rows}
    ordered = [t for t in Tier if t in found] + ([None] if None in found else [])
    return [{"tier": tier.value if tier else None, "agreements": found[tier][0], "organizations": found[tier][1]}
            for tier in ordered]


def by_month(year: int) -> list[dict]:
    """Signed value per month of a year (local time)."""
    month = local_month(Agreement.signed_at)
    rows = db.session.execute(
        select(month, func.count(), func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .where(Agreement.status == SIGNED, local_year(Agreement.signed_at) == year).group_by(month)).all()
    found = {int(m): (count, fen) for m, count, fen in rows}
    return [{"month": m, "count": found.get(m, (0, 0))[0], "amount": _money(found.get(m, (0, 0))[1])}
            for m in range(1, 13)]


def by_year() -> list[dict]:
    year = local_year(Agreement.signed_at)
    rows = db.session.execute(
        select(year, func.count(), func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .where(Agreement.status == SIGNED).group_by(year).order_by(year)).all()
    return [{"year": int(y), "count": count, "amount": _money(fen)} for y, count, fen in rows]


def per_event(event_ids: list[int]) -> dict[int, dict]:
    """Signed total and count of several events in one query (the dashboard)."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Agreement.event_id, func.count(), func.coalesce(func.sum(Agreement.amount_cny_fen), 0))
        .where(Agreement.status == SIGNED, Agreement.event_id.in_(event_ids)).group_by(Agreement.event_id)).all()
    return {event_id: {"count": count, "amount": _money(fen)} for event_id, count, fen in rows}


def last_signed(event_id: int) -> Agreement | None:
    return db.session.scalar(select(Agreement).where(Agreement.event_id == event_id, Agreement.status == SIGNED)
                             .order_by(Agreement.signed_at.desc(), Agreement.id.desc()).limit(1))



