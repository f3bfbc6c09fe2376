"""Totals of signed value (alliance_app/reports/totals.py) against an
independent computation in Python with Decimal, over random sets of agreements
made through the services; and the edge cases one by one."""
import itertools
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from alliance_app.accounts.models import Role
from alliance_app.agreements import services
from alliance_app.agreements.models import AgreementKind, AgreementSector, Sector
from alliance_app.events import services as event_services
from alliance_app.members.models import Tier
from alliance_app.reports.totals import Scope, by_month, by_year, totals

from . import factories

FEN = Decimal("0.01")
CURRENCIES = ("CNY", "USD", "EUR", "MYR")
POOL_SIZE = 6
_slugs = itertools.count(1)


# --- set-up ------------------------------------------------------------------------------------

@pytest.fixture
def cast(db):
    """A staff user and a small pool of organizations (some members with a tier, some not)."""
    tiers = (Tier.chair, Tier.vice_chair, None, Tier.director, Tier.member, None)
    pool = [factories.organization(f"总额测试单位{index}有限公司", tier=tier) for index, tier in enumerate(tiers)]
    return factories.user(Role.staff, email="totals-staff@secretariat.example"), pool


def new_event():
    """A fresh event (flushed, not committed)."""
    slug = f"totals-{next(_slugs)}"
    return event_services.create_event({"slug": slug, "title": f"会议 {slug}", "starts_at": datetime(2026, 6, 16, 8),
                                        "ends_at": datetime(2026, 6, 16, 18)})


def yuan(fen: int) -> str:
    """What a person types: '1234.5', '0.01', '100000000000'."""
    text = f"{fen // 100}.{fen % 100:02d}"
    return text.rstrip("0").rstrip(".") if fen % 10 == 0 else text


def rate_text(micro: int) -> str:
    """An exchange rate with up to six decimals: '7.1234', '0.000001', '1'."""
    return f"{micro // 10**6}.{micro % 10**6:06d}".rstrip("0").rstrip(".")


def expected_cny_fen(spec) -> int | None:
    """The CNY value in fen from what was typed, rounded half up to the fen (not read back)."""
    if not spec["disclosed"]:
        return None
    amount = Decimal(yuan(spec["fen"]))
    rate = Decimal(1) if spec["currency"] == "CNY" else Decimal(rate_text(spec["rate_micro"]))
    cny = (amount * rate).quantize(FEN, rounding=ROUND_HALF_UP)
    return int(cny * 100)


def money(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def make(actor, event, pool, spec, title="协议"):
    """Create one agreement through the services and take it to the status of `spec`."""
    data = {"title": title, "kind": spec["kind"].value, "sectors": [s.value for s in spec["sectors"]],
            "document_kind": spec.get("document_kind"), "signing_venue": spec.get("signing_venue", "ceremony"),
            "event_id": event.id, "amount_disclosed": spec["disclosed"], "currency": spec["currency"],
            "parties": [{"organization_id": pool[index].id} for index in spec["parties"]]}
    if spec["disclosed"]:
        data["amount"] = yuan(spec["fen"])
        if spec["currency"] != "CNY":
            data["fx_rate_to_cny"] = rate_text(spec["rate_micro"])
    agreement = services.create_agreement(data, actor)
    steps = {"draft": (), "ready": ("ready",), "signed": ("ready", "sign"), "voided_draft": ("void",),
             "voided_ready": ("ready", "void"), "voided_signed": ("ready", "sign", "void")}[spec["status"]]
    for step in steps:
        if step == "ready":
            services.mark_ready(agreement, actor)
        elif step == "sign":
            services.sign(agreement, actor)
        else:
            services.void(agreement, "测试作废", actor)
    return agreement


def spec(fen=100_00, currency="CNY", rate_micro=10**6, disclosed=True, sectors=(Sector.recycling,),
         kind=AgreementKind.strategic_cooperation, status="signed", parties=(0, 1), document_kind=None,
         signing_venue="ceremony"):
    return {"fen": fen, "currency": currency, "rate_micro": rate_micro, "disclosed": disclosed,
            "sectors": list(sectors), "kind": kind, "status": status, "parties": list(parties),
            "document_kind": document_kind, "signing_venue": signing_venue}


# How provincial reports count an agreement whose document kind is not chosen (written
# out here, not read from the app's mapping).
DOCUMENT_KIND_BY_KIND = {"strategic_cooperation": "strategic_cooperation", "investment": "contract",
                         "procurement": "contract", "business_cooperation": "agreement",
                         "research_cooperation": "agreement", "other": "agreement"}
DOCUMENT_KINDS = ("contract", "agreement", "strategic_cooperation")
VENUES = ("ceremony", "elsewhere")


# --- the independent computation ------------------------------------------------------------------

def expected_totals(specs, agreements, pool) -> dict:
    signed = [(s, a, expected_cny_fen(s)) for s, a in zip(specs, agreements) if s["status"] == "signed"]
    ready = [(s, a, expected_cny_fen(s)) for s, a in zip(specs, agreements) if s["status"] == "ready"]

    sectors: dict[Sector, list[int]] = {}  # sector -> [count, apportioned fen, involved fen]
    kinds: dict[str, list[int]] = {}
    organizations: dict[int, list] = {}
    tiers: dict[str | None, tuple[set, set]] = {}
    for s, agreement, fen in signed:
        value = fen or 0
        share, odd = divmod(value, len(s["sectors"]))
        for rank, sector in enumerate(s["sectors"]):  # the order given, which is the order stored
            row = sectors.setdefault(sector, [0, 0, 0])
            row[0] += 1
            row[1] += share + (1 if rank < odd else 0)
            row[2] += value
        row = kinds.setdefault(s["kind"].value, [0, 0])
        row[0] += 1
        row[1] += value
        for position, index in enumerate(s["parties"]):
            org = pool[index]
            row = organizations.setdefault(org.id, [org.name, 0, 0])
            row[1] += 1
            row[2] += value
            if position > 0:
                agreements_of_tier, orgs_of_tier = tiers.setdefault(org.tier.value if org.tier else None,
                                                                     (set(), set()))
                agreements_of_tier.add(agreement.id)
                orgs_of_tier.add(org.id)

    cells = {(k, v): [0, 0] for k in DOCUMENT_KINDS for v in VENUES}
    for s, _agreement, fen in signed:
        cell = cells[s["document_kind"] or DOCUMENT_KIND_BY_KIND[s["kind"].value], s["signing_venue"]]
        cell[0] += 1
        cell[1] += fen or 0

    return {
        "by_document_and_venue": [{"document_kind": k, "signing_venue": v, "count": cells[k, v][0],
                                   "amount": money(cells[k, v][1])} for k in DOCUMENT_KINDS for v in VENUES],
        "by_document_kind": [{"document_kind": k, "count": sum(cells[k, v][0] for v in VENUES),
                              "amount": money(sum(cells[k, v][1] for v in VENUES))} for k in DOCUMENT_KINDS],
        "by_signing_venue": [{"signing_venue": v, "count": sum(cells[k, v][0] for k in DOCUMENT_KINDS),
                              "amount": money(sum(cells[k, v][1] for k in DOCUMENT_KINDS))} for v in VENUES],
        "signed_total": money(sum(fen or 0 for _s, _a, fen in signed)),
        "signed_count": len(signed),
        "undisclosed_count": sum(1 for s, _a, _f in signed if not s["disclosed"]),
        "undisclosed_ids": {a.id for s, a, _f in signed if not s["disclosed"]},
        "pipeline_total": money(sum(fen or 0 for _s, _a, fen in ready)),
        "pipeline_count": len(ready),
        "counterparty_count": len({pool[index].id for s, _a, _f in signed for index in s["parties"][1:]}),
        "by_sector": [{"sector": sector.value, "count": sectors[sector][0], "amount": money(sectors[sector][1]),
                       "amount_involved": money(sectors[sector][2])} for sector in Sector if sector in sectors],
        "by_kind": {kind: (count, money(fen)) for kind, (count, fen) in kinds.items()},
        "by_organization": {org_id: (name, count, money(fen))
                            for org_id, (name, count, fen) in organizations.items()},
        "by_tier": {tier: (len(a), len(o)) for tier, (a, o) in tiers.items()},
    }


def assert_totals_match(figures: dict, expected: dict) -> None:
    for key in ("signed_total", "signed_count", "undisclosed_count", "pipeline_total", "pipeline_count",
                "counterparty_count", "by_sector", "by_document_kind", "by_signing_venue", "by_document_and_venue"):
        assert figures[key] == expected[key], key
    assert figures["currency"] == "CNY"
    assert {row["id"] for row in figures["undisclosed"]} == expected["undisclosed_ids"]
    numbers = [row["number"] for row in figures["undisclosed"]]
    assert numbers == sorted(numbers)

    # The apportioned sector amounts add up to the signed total, to the fen.
    assert sum((row["amount"] for row in figures["by_sector"]), Decimal(0)) == figures["signed_total"]

    assert {row["kind"]: (row["count"], row["amount"]) for row in figures["by_kind"]} == expected["by_kind"]
    kind_amounts = [row["amount"] for row in figures["by_kind"]]
    assert kind_amounts == sorted(kind_amounts, reverse=True)
    assert sum(kind_amounts, Decimal(0)) == figures["signed_total"]

    assert {row["organization_id"]: (row["name"], row["count"], row["amount"])
            for row in figures["by_organization"]} == expected["by_organization"]
    org_amounts = [row["amount"] for row in figures["by_organization"]]
    assert org_amounts == sorted(org_amounts, reverse=True)

    assert {row["tier"]: (row["agreements"], row["organizations"]) for row in figures["by_tier"]} == \
        expected["by_tier"]
    tier_order = [t.value for t in Tier] + [None]
    assert [row["tier"] for row in figures["by_tier"]] == \
        sorted((row["tier"] for row in figures["by_tier"]), key=tier_order.index)

    for value in (figures["signed_total"], figures["pipeline_total"]):
        assert value == value.quantize(FEN) and value.as_tuple().exponent == -2


# --- property ----------------------------------------------------------------------------------

fens = st.one_of(
    st.sampled_from([0, 1, 5, 10, 99, 100, 12_345, 10**13 - 1, 10**13]),  # 0.01 yuan … 10^11 yuan
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=1_000),
)
rates = st.one_of(
    st.sampled_from([1, 500_000, 10**6, 1_540_000, 7_123_400, 7_856_789]),  # 0.000001, 0.5, 1, …
    st.integers(min_value=1, max_value=100 * 10**6),  # up to 100 CNY per unit, six decimals
)
agreement_specs = st.fixed_dictionaries({
    "fen": fens,
    "currency": st.sampled_from(CURRENCIES),
    "rate_micro": rates,
    "disclosed": st.sampled_from([True, True, True, False]),
    # Often from three sectors only, so that agreements share sectors and odd fen add up within one.
    "sectors": st.one_of(st.lists(st.sampled_from(list(Sector)[:3]), min_size=1, max_size=3, unique=True),
                         st.lists(st.sampled_from(list(Sector)), min_size=1, max_size=3, unique=True)),
    "kind": st.sampled_from(list(AgreementKind)),
    "document_kind": st.sampled_from([None, None, "contract", "agreement", "strategic_cooperation"]),
    "signing_venue": st.sampled_from(["ceremony", "ceremony", "elsewhere"]),
    "status": st.sampled_from(["draft", "ready", "ready", "signed", "signed", "signed", "signed", "signed",
                               "voided_draft", "voided_ready", "voided_signed", "voided_signed"]),
    "parties": st.lists(st.integers(min_value=0, max_value=POOL_SIZE - 1), min_size=2, max_size=4, unique=True),
})


# No shrinking: each example writes to the database, and shrinking one that fails takes
# minutes (Hypothesis gives up after five) within CI's ten minutes for the whole suite;
# the unshrunk example (at most ten agreements) is printed, and the plain tests below pin
# each rule down. No example database either (database=None): nothing is written to disk.
@settings(max_examples=40, deadline=None, database=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(agreement_specs, min_size=0, max_size=10))
def test_totals_equal_an_independent_decimal_computation(cast, db, specs):
    actor, pool = cast
    try:
        event = new_event()  # a fresh event per example; the whole example is rolled back below
        agreements = [make(actor, event, pool, s, title=f"协议{i}") for i, s in enumerate(specs)]
        db.session.flush()
        for s, agreement in zip(specs, agreements):
            stored = list(db.session.scalars(select(AgreementSector.sector)
                                             .where(AgreementSector.agreement_id == agreement.id)
                                             .order_by(AgreementSector.id)))
            assert stored == s["sectors"], "the sectors are stored in the order given"
            assert agreement.amount_cny_fen == expected_cny_fen(s)
        figures = totals(Scope(event_id=event.id))
        assert_totals_match(figures, expected_totals(specs, agreements, pool))
    finally:
        db.session.rollback()


# --- edge cases ----------------------------------------------------------------------------------

def test_an_event_without_agreements_has_zeros(cast, db):
    event = new_event()
    db.session.commit()
    figures = totals(Scope(event_id=event.id))
    assert figures == {"currency": "CNY", "signed_total": Decimal("0.00"), "signed_count": 0,
                       "counterparty_count": 0, "undisclosed_count": 0, "undisclosed": [],
                       "pipeline_total": Decimal("0.00"), "pipeline_count": 0, "by_sector": [], "by_kind": [],
                       "by_organization": [], "by_tier": [],
                       # every kind of document and place is listed, at zero, so a report's table keeps its rows
                       "by_document_kind": [{"document_kind": k, "count": 0, "amount": Decimal(0)}
                                            for k in ("contract", "agreement", "strategic_cooperation")],
                       "by_signing_venue": [{"signing_venue": v, "count": 0, "amount": Decimal(0)}
                                            for v in ("ceremony", "elsewhere")],
                       "by_document_and_venue": [
                           {"document_kind": k, "signing_venue": v, "count": 0, "amount": Decimal(0)}
                           for k in ("contract", "agreement", "strategic_cooperation") for v in ("ceremony", "elsewhere")]}


def test_only_undisclosed_agreements_are_counted_not_summed(cast, db):
    actor, pool = cast
    event = new_event()
    specs = [spec(disclosed=False, sectors=(Sector.materials, Sector.recycling), parties=(0, 1)),
             spec(disclosed=False, currency="USD", sectors=(Sector.materials,), parties=(0, 2, 3))]
    agreements = [make(actor, event, pool, s) for s in specs]
    db.session.commit()
    figures = totals(Scope(event_id=event.id))
    assert (figures["signed_total"], figures["signed_count"], figures["undisclosed_count"]) == (Decimal(0), 2, 2)
    assert {row["id"] for row in figures["undisclosed"]} == {a.id for a in agreements}
    assert figures["counterparty_count"] == 3
    assert figures["by_sector"] == [
        {"sector": "materials", "count": 2, "amount": Decimal(0), "amount_involved": Decimal(0)},
        {"sector": "recycling", "count": 1, "amount": Decimal(0), "amount_involved": Decimal(0)}]
    assert figures["by_kind"] == [{"kind": "strategic_cooperation", "count": 2, "amount": Decimal(0)}]
    assert_totals_match(figures, expected_totals(specs, agreements, pool))


def test_only_foreign_currency_is_converted_half_up_to_the_fen(cast, db):
    actor, pool = cast
    event = new_event()
    specs = [spec(fen=1_000_000_50, currency="USD", rate_micro=7_123_400),  # 7,123,403.5617 → .56
             spec(fen=1, currency="EUR", rate_micro=500_000),  # 0.005 → 0.01 (half up)
             spec(fen=1, currency="MYR", rate_micro=490_000),  # 0.0049 → 0.00
             spec(fen=10**13, currency="MYR", rate_micro=1_540_001, status="ready")]  # pipeline only
    agreements = [make(actor, event, pool, s) for s in specs]
    db.session.commit()
    figures = totals(Scope(event_id=event.id))
    assert figures["signed_total"] == Decimal("7123403.57")
    assert figures["pipeline_total"] == Decimal("154000100000.00")
    assert (figures["signed_count"], figures["pipeline_count"]) == (3, 1)
    assert_totals_match(figures, expected_totals(specs, agreements, pool))


def test_a_signing_undone_by_voiding_leaves_the_total(cast, db):
    actor, pool = cast
    event = new_event()
    kept = make(actor, event, pool, spec(fen=35_0000_0000_00, parties=(0, 1)))
    undone = make(actor, event, pool, spec(fen=12_3456_78, parties=(0, 2), sectors=(Sector.energy_storage,)))
    db.session.commit()
    before = totals(Scope(event_id=event.id))
    assert (before["signed_total"], before["signed_count"], before["counterparty_count"]) == \
        (Decimal("3500123456.78"), 2, 2)
    services.void(undone, "金额有误", actor)
    db.session.commit()
    after = totals(Scope(event_id=event.id))
    assert (after["signed_total"], after["signed_count"], after["counterparty_count"]) == \
        (Decimal("3500000000.00"), 1, 1)
    assert [row["sector"] for row in after["by_sector"]] == ["recycling"]
    assert {row["organization_id"] for row in after["by_organization"]} == {pool[0].id, pool[1].id}
    assert kept.status.value == "signed"


def test_voided_agreements_never_count(cast, db):
    actor, pool = cast
    event = new_event()
    specs = [spec(fen=100, status="voided_draft"), spec(fen=200, status="voided_ready"),
             spec(fen=300, status="voided_signed"), spec(fen=400, status="voided_signed", disclosed=False),
             spec(fen=500, status="signed")]
    agreements = [make(actor, event, pool, s) for s in specs]
    db.session.commit()
    figures = totals(Scope(event_id=event.id))
    assert (figures["signed_total"], figures["signed_count"], figures["undisclosed_count"]) == \
        (Decimal("5.00"), 1, 0)
    assert (figures["pipeline_total"], figures["pipeline_count"]) == (Decimal(0), 0)
    assert_totals_match(figures, expected_totals(specs, agreements, pool))


def test_sector_shares_are_whole_fen_summed_over_agreements(cast, db):
    """Each agreement's share is a whole number of fen (odd fen to its first sectors);
    the fractions of a fen must not add up to an extra fen across agreements."""
    actor, pool = cast
    event = new_event()
    two = (Sector.materials, Sector.recycling)
    three = (Sector.aftermarket, Sector.materials, Sector.recycling)
    specs = [spec(fen=101, sectors=two), spec(fen=101, sectors=two),  # 1.01 = 0.51 + 0.50, twice
             spec(fen=100, sectors=three), spec(fen=100, sectors=three), spec(fen=100, sectors=three)]
    agreements = [make(actor, event, pool, s) for s in specs]
    db.session.commit()
    figures = totals(Scope(event_id=event.id))
    assert {row["sector"]: row["amount"] for row in figures["by_sector"]} == {
        "aftermarket": Decimal("1.02"),  # 0.34 × 3
        "materials": Decimal("1.02") + Decimal("0.99"),  # 0.51 × 2 + 0.33 × 3
        "recycling": Decimal("1.00") + Decimal("0.99")}  # 0.50 × 2 + 0.33 × 3
    assert figures["signed_total"] == Decimal("5.02")
    assert_totals_match(figures, expected_totals(specs, agreements, pool))


def test_months_and_years_are_local_time(cast, db):
    actor, pool = cast
    event = new_event()
    moments = {
        "2026-06-30T23:30:00+08:00": 100_00,  # 15:30 UTC on June 30: June
        "2026-07-01T01:00:00+08:00": 200_00,  # still June 30 in UTC (17:00): July
        "2026-01-01T00:30:00+08:00": 400_00,  # December 31, 2025 in UTC: January 2026
        "2025-12-31T23:59:00+08:00": 800_00,  # 2025 both ways
    }
    for moment, fen in moments.items():
        agreement = make(actor, event, pool, spec(fen=fen, status="ready"))
        services.sign(agreement, actor, moment)
    db.session.commit()

    months = {row["month"]: (row["count"], row["amount"]) for row in by_month(2026)}
    assert months[6] == (1, Decimal("100.00"))
    assert months[7] == (1, Decimal("200.00"))
    assert months[1] == (1, Decimal("400.00"))
    assert sorted(months) == list(range(1, 13))
    assert all(months[m] == (0, Decimal(0)) for m in months if m not in (1, 6, 7))
    assert {row["month"]: row["count"] for row in by_month(2025) if row["count"]} == {12: 1}
    assert by_year() == [{"year": 2025, "count": 1, "amount": Decimal("800.00")},
                         {"year": 2026, "count": 3, "amount": Decimal("700.00")}]
    assert totals(Scope(year=2026))["signed_total"] == Decimal("700.00")
    assert totals(Scope(year=2025))["signed_count"] == 1
