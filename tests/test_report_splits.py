"""Totals split the way provincial reports are written (issue 18 item 4): the kind
of document (合同 / 协议 / 战略合作) and where an agreement was signed (集中签约 /
场外签约), set on the agreement form and in the API, added up by the database,
shown on the dashboard, the ceremony page, the follow-up page and in the API."""
from decimal import Decimal

from sqlalchemy import func, select

from alliance_app.agreements import services as agreements
from alliance_app.agreements.models import Agreement, DocumentKind, SigningVenue
from alliance_app.core.db import utcnow
from alliance_app.core.timeutil import to_local
from alliance_app.followup import services as followup
from alliance_app.followup.totals import follow_up
from alliance_app.reports.totals import Scope, totals

from . import factories
from .conftest import ApiClient, login


def _signed(people, title, amount, kind="business_cooperation", **fields):
    agreement = agreements.create_agreement({
        "title": title, "kind": kind, "sectors": ["recycling"], "amount": amount,
        "event_id": people.meeting.event.id,
        "parties": [{"organization_id": people.org_a.id}, {"organization_id": people.org_b.id}], **fields},
        people.staff)
    return agreements.sign(agreements.mark_ready(agreement, people.staff), people.staff)


def _three(people, db):
    """A procurement at the ceremony (a contract by its kind), a business cooperation chosen
    as a contract and signed elsewhere, a strategic cooperation at the ceremony."""
    made = [_signed(people, "采购合同", "1亿", kind="procurement"),
            _signed(people, "合作协议", "2000万", document_kind="contract", signing_venue="elsewhere"),
            _signed(people, "战略合作协议", "3亿", kind="strategic_cooperation")]
    db.session.commit()
    return made


def test_totals_split_by_document_kind_and_place(people, db):
    _three(people, db)
    figures = totals(Scope(event_id=people.meeting.event.id))
    assert figures["by_document_kind"] == [
        {"document_kind": "contract", "count": 2, "amount": Decimal("120000000.00")},
        {"document_kind": "agreement", "count": 0, "amount": Decimal("0.00")},
        {"document_kind": "strategic_cooperation", "count": 1, "amount": Decimal("300000000.00")}]
    assert figures["by_signing_venue"] == [
        {"signing_venue": "ceremony", "count": 2, "amount": Decimal("400000000.00")},
        {"signing_venue": "elsewhere", "count": 1, "amount": Decimal("20000000.00")}]
    cells = {(c["document_kind"], c["signing_venue"]): (c["count"], c["amount"])
             for c in figures["by_document_and_venue"]}
    assert cells[("contract", "elsewhere")] == (1, Decimal("20000000.00"))
    assert cells[("contract", "ceremony")] == (1, Decimal("100000000.00"))
    assert cells[("agreement", "elsewhere")] == (0, Decimal(0))


def test_follow_up_split_moves_when_a_report_is_accepted(people, db):
    _, elsewhere, _ = _three(people, db)
    report = followup.submit_report(elsewhere, {"stage": "landed", "invested_cny": "500万", "note": "已注册"}, [],
                                    people.member_a)
    followup.accept_report(report, people.staff)
    db.session.commit()
    figures = follow_up(Scope(event_id=people.meeting.event.id))
    venues = {row["signing_venue"]: row for row in figures["by_signing_venue"]}
    assert (venues["elsewhere"]["landed_count"], venues["elsewhere"]["invested_total"],
            venues["elsewhere"]["landed_rate_count"]) == (1, Decimal("5000000.00"), Decimal("1.0000"))
    assert (venues["ceremony"]["signed_count"], venues["ceremony"]["landed_count"],
            venues["ceremony"]["landed_rate_count"]) == (2, 0, Decimal("0.0000"))
    kinds = {row["document_kind"]: row for row in figures["by_document_kind"]}
    assert (kinds["contract"]["signed_count"], kinds["contract"]["landed_count"]) == (2, 1)
    assert kinds["agreement"]["landed_rate_count"] is None  # nothing signed: no rate, not 0 %
    for split in ("by_document_kind", "by_signing_venue"):
        assert sum(row["signed_total"] for row in figures[split]) == figures["signed_total"]
        assert sum(row["invested_total"] for row in figures[split]) == figures["invested_total"]


def test_api_sets_and_shows_document_kind_and_place(client, people, db):
    api = ApiClient(client, people.staff)
    body = {"title": "投资协议", "kind": "investment", "sectors": ["materials"], "amount": "1亿",
            "parties": [{"organization_id": people.org_a.id}, {"organization_id": people.org_b.id}]}
    made = api.post("/api/v1/agreements", json=body)
    assert made.status_code == 201, made.get_json()
    shown = made.get_json()
    # Nothing chosen: counted as its kind suggests, signed at the ceremony.
    assert (shown["document_kind"], shown["document_kind_chosen"], shown["signing_venue"]) == \
        ("contract", None, "ceremony")
    changed = api.patch(f"/api/v1/agreements/{shown['id']}",
                        json={"document_kind": "agreement", "signing_venue": "elsewhere"})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["document_kind"], changed.get_json()["signing_venue"]) == ("agreement", "elsewhere")


def test_api_refuses_unknown_document_kind_or_place_and_stores_nothing(client, people, db):
    api = ApiClient(client, people.staff)
    before = db.session.scalar(select(func.count()).select_from(Agreement))
    for field, value in (("signing_venue", "outside"), ("document_kind", "memo"), ("signing_venue", None)):
        body = {"title": "协议", "kind": "other", "sectors": ["other"], "amount": "1000",
                "parties": [{"organization_id": people.org_a.id}, {"organization_id": people.org_b.id}],
                field: value}
        answer = api.post("/api/v1/agreements", json=body)
        assert answer.status_code == 422, (field, value, answer.get_json())
        assert field in answer.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == before


def test_agreement_form_edits_document_kind_and_place(client, people, db):
    login(client, people.staff)
    base = {"title": "储能合作协议", "kind": "business_cooperation", "sectors": ["energy_storage"],
            "amount_disclosed": "y", "amount": "5000万", "currency": "CNY", "event_id": "", "agenda_item_id": "",
            "parties-0-organization_id": str(people.org_a.id), "parties-1-organization_id": str(people.org_b.id)}
    refused = client.post("/admin/agreements/new", data={**base, "signing_venue": "outside", "document_kind": "memo"})
    assert refused.status_code == 422
    assert db.session.scalar(select(Agreement).where(Agreement.title == "储能合作协议")) is None
    made = client.post("/admin/agreements/new", data={**base, "signing_venue": "elsewhere", "document_kind": ""})
    assert made.status_code == 302
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == "储能合作协议"))
    assert (agreement.document_kind, agreement.document_kind_effective, agreement.signing_venue) == \
        (None, DocumentKind.agreement, SigningVenue.elsewhere)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "场外签约" in page and "协议" in page
    form = client.get(f"/admin/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert '<option selected value="elsewhere">' in form


def test_dashboard_ceremony_and_follow_up_pages_show_the_split(client, people, db):
    _three(people, db)
    login(client, people.staff)
    event_id = people.meeting.event.id
    ceremony = client.get(f"/admin/events/{event_id}/ceremony").get_data(as_text=True)
    assert "签约汇总（按文本类型和签约方式）" in ceremony
    assert 'data-figure="elsewhere">2000万元' in ceremony and 'data-figure="contract">1.2亿元' in ceremony
    dashboard = client.get("/admin").get_data(as_text=True)
    year = to_local(utcnow()).year
    assert f"{year}年签约情况（按文本类型和签约方式）" in dashboard and 'data-figure="ceremony">4亿元' in dashboard
    page = client.get(f"/admin/follow-up?event_id={event_id}").get_data(as_text=True)
    assert 'data-split="elsewhere"' in page and "场外签约" in page and "合同" in page


def test_api_totals_carry_the_split(client, people, db):
    _three(people, db)
    api = ApiClient(client, people.staff)
    answer = api.get(f"/api/v1/events/{people.meeting.event.id}/totals").get_json()
    assert answer["by_signing_venue"] == [{"signing_venue": "ceremony", "count": 2, "amount": "400000000.00"},
                                          {"signing_venue": "elsewhere", "count": 1, "amount": "20000000.00"}]
    assert answer["by_document_kind"][0] == {"document_kind": "contract", "count": 2, "amount": "120000000.00"}
    follow = api.get(f"/api/v1/events/{people.meeting.event.id}/follow-up").get_json()
    assert [row["signing_venue"] for row in follow["by_signing_venue"]] == ["ceremony", "elsewhere"]
    assert follow["by_signing_venue"][1]["signed_total"] == "20000000.00"
