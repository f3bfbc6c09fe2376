"""Totals of the follow-up, computed by the database over integer fen, like
the signed totals (reports/totals.py, whose scopes and local-year expression
this reuses).

Definitions:
* a project is a signed agreement that is tracked (by default those with a
  disclosed amount); one without a project row is at stage `signed`.
* signed_count / signed_total: the projects and their signed CNY value
  (terminated ones included: they were signed).
* landed: stage landed, under_construction or in_operation (a project under
  construction has landed); landed_rate_count = landed_count / signed_count,
  landed_rate_value = landed_total / signed_total.
* invested_total: the invested amounts last accepted; invested_rate
  (资金到位率) = invested_total / signed_total.
* rates are decimal fractions with four places ("0.4167"), null when the
  denominator is zero.
* by_sector: an agreement in several sectors counts in each, at its full
  value (the rows overlap); by_partner: every party but the first (甲方).
* by_document_kind (合同 / 协议 / 战略合作) and by_signing_venue (集中签约 at the
  ceremony / 场外签约 elsewhere): each adds up to the head figures."""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.sql import Select

from ..agreements.models import (Agreement, AgreementParty, AgreementSector, AgreementStatus, DocumentKind, Sector,
                                 SigningVenue, document_kind_sql)
from ..core.money import from_fen
from ..extensions import db
from ..members.models import Organization
# _once: statements built once per kind of scope and database (see reports/totals.py).
from ..reports.totals import Scope, _once, local_year
from .models import LANDED_STAGES, Project, Stage

RATE = Decimal("0.0001")
COUNTED = ("signed_count", "signed_total", "landed_count", "landed_total", "under_construction_count",
           "under_construction_total", "in_operation_count", "in_operation_total", "terminated_count",
           "terminated_total", "invested_total")


def rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, rounding=ROUND_HALF_UP)


def _stage():
    return func.coalesce(Project.stage, literal(Stage.signed.value))


def _columns():
    stage = _stage()
    value = func.coalesce(Agreement.amount_cny_fen, 0)

    def where(condition):
        return (func.count(case((condition, 1))), func.coalesce(func.sum(case((condition, value), else_=0)), 0))

    landed = stage.in_([s.value for s in LANDED_STAGES])
    return (func.count(), func.coalesce(func.sum(value), 0), *where(landed),
            *where(stage == Stage.under_construction.value), *where(stage == Stage.in_operation.value),
            *where(stage == Stage.terminated.value), func.coalesce(func.sum(func.coalesce(Project.invested_fen, 0)), 0))


def _tracked(query: Select, scope: Scope) -> Select:
    query = query.outerjoin(Project, Project.agreement_id == Agreement.id).where(
        Agreement.status == AgreementStatus.signed,
        func.coalesce(Project.tracked, Agreement.amount_disclosed) == True)  # noqa: E712  SQL, not Python
    return scope.apply(query)


def _figures(row) -> dict:
    counted = dict(zip(COUNTED, row))
    figures = {name: (from_fen(int(v)) if name.endswith("_total") else int(v)) for name, v in counted.items()}
    figures["landed_rate_count"] = rate(counted["landed_count"], counted["signed_count"])
    figures["landed_rate_value"] = rate(counted["landed_total"], counted["signed_total"])
    figures["invested_rate"] = rate(counted["invested_total"], counted["signed_total"])
    return figures


def follow_up(scope: Scope) -> dict:
    """Every figure of the follow-up for the scope, with its breakdowns."""
    head = db.session.execute(_once("follow_up_head", scope, lambda: _tracked(
        select(*_columns()).select_from(Agreement), scope)), scope.params).one()
    return {"currency": "CNY", **_figures(head), "by_sector": by_sector(scope), "by_partner": by_partner(scope),
            "by_year": by_year(scope), **by_document(scope)}


def by_document(scope: Scope) -> dict:
    """One grouped query by kind of document and place of signing (at most 3 × 2
    rows of integer fen); each split adds up its cells."""
    rows = db.session.execute(_once("follow_up_by_document", scope, lambda: _tracked(
        select(document_kind_sql(), Agreement.signing_venue, *_columns()).select_from(Agreement), scope)
        .group_by(document_kind_sql(), Agreement.signing_venue)), scope.params).all()
    cells = {(DocumentKind(row[0]), SigningVenue(row[1])): [int(v) for v in row[2:]] for row in rows}

    def split(name: str, members, position: int) -> list[dict]:
        out = []
        for member in members:
            found = [cell for key, cell in cells.items() if key[position] == member]
            summed = [sum(column) for column in zip(*found)] if found else [0] * len(COUNTED)
            out.append({name: member.value, **_figures(summed)})
        return out

    return {"by_document_kind": split("document_kind", DocumentKind, 0),
            "by_signing_venue": split("signing_venue", SigningVenue, 1)}


def by_sector(scope: Scope) -> list[dict]:
    rows = db.session.execute(_once("follow_up_by_sector", scope, lambda: _tracked(
        select(AgreementSector.sector, *_columns()).select_from(Agreement)
        .join(AgreementSector, AgreementSector.agreement_id == Agreement.id), scope)
        .group_by(AgreementSector.sector)), scope.params).all()
    found = {Sector(row[0]): row[1:] for row in rows}
    return [{"sector": sector.value, **_figures(found[sector])} for sector in Sector if sector in found]


def by_partner(scope: Scope, limit: int = 500) -> list[dict]:
    rows = db.session.execute(_once("follow_up_by_partner", scope, lambda: _tracked(
        select(Organization.id, Organization.name, *_columns()).select_from(Agreement)
        .join(AgreementParty, and_(AgreementParty.agreement_id == Agreement.id, AgreementParty.position > 0))
        .join(Organization, Organization.id == AgreementParty.organization_id), scope)
        .group_by(Organization.id, Organization.name)
        .order_by(func.coalesce(func.sum(Agreement.amount_cny_fen), 0).desc(), Organization.name).limit(limit),
        limit), scope.params).all()
    return [{"organization_id": row[0], "name": row[1], **_figures(row[2:])} for row in rows]


def by_year(scope: Scope) -> list[dict]:
    def build():
        year = local_year(Agreement.signed_at)
        return _tracked(select(year, *_columns()).select_from(Agreement), scope).group_by(year).order_by(year)

    rows = db.session.execute(_once("follow_up_by_year", scope, build), scope.params).all()
    return [{"year": int(row[0]), **_figures(row[1:])} for row in rows]


def by_event(scope: Scope) -> list[dict]:
    from ..events.models import Event

    rows = db.session.execute(_tracked(
        select(Event.id, Event.title, *_columns()).select_from(Agreement)
        .join(Event, Event.id == Agreement.event_id), scope)
        .group_by(Event.id, Event.title).order_by(Event.id.desc()).limit(200), scope.params).all()
    return [{"event_id": row[0], "title": row[1], **_figures(row[2:])} for row in rows]
