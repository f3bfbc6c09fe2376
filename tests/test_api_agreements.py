"""The agreements API as a client sees it: drafting with a number, reading back,
changing a draft, ready → sign → immutable, voiding with a reason, money as
decimal strings only, members reading only their own organization's
agreements, bounded queries, numbers without gaps under concurrency, the PDF."""
import json
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.agreements.models import Agreement, AgreementCounter
from alliance_app.audit.models import AuditEntry
from alliance_app.core.db import utcnow
from alliance_app.core.timeutil import to_local

from . import factories
from .conftest import statements_sent

ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


# The fixture's agreement is between org_a and org_b, ready for signing.
PARTIES_READ = _expect(401, 200, 200, 200, 200)
# Without a body, a write is refused with 400 (not JSON) once access is granted.
SECRETARIAT_WRITE = _expect(401, 403, 403, 400, 400)

AUTHZ_ROWS = {
    ("api_agreements.agreements", "GET"): ("/api/v1/agreements", PARTIES_READ),
    ("api_agreements.agreements", "POST"): ("/api/v1/agreements", SECRETARIAT_WRITE),
    ("api_agreements.agreement", "GET"): ("/api/v1/agreements/{agreement_id}", PARTIES_READ),
    ("api_agreements.agreement", "PATCH"): ("/api/v1/agreements/{agreement_id}", SECRETARIAT_WRITE),
    # Ready already: only a draft can be marked ready.
    ("api_agreements.ready", "POST"): ("/api/v1/agreements/{agreement_id}/ready", _expect(401, 403, 403, 409, 409)),
    # The body of /sign is optional: signed now.
    ("api_agreements.sign", "POST"): ("/api/v1/agreements/{agreement_id}/sign", _expect(401, 403, 403, 200, 200)),
    ("api_agreements.void", "POST"): ("/api/v1/agreements/{agreement_id}/void", SECRETARIAT_WRITE),
    ("api_agreements.pdf", "GET"): ("/api/v1/agreements/{agreement_id}/pdf", PARTIES_READ),
}

API = "/api/v1"
AGREEMENTS = f"{API}/agreements"


def new_agreement(people, **overrides):
    body = {"title": "战略合作协议", "kind": "strategic_cooperation", "sectors": ["recycling", "materials"],
            "amount": "3.5亿元", "currency": "CNY", "place": "合肥", "term_start": "2027-01-01",
            "term_end": "2029-12-31",
            "parties": [{"organization_id": people.org_a.id, "signatory_name": "褚兵", "signatory_title": "董事长"},
                        {"organization_id": people.org_b.id, "signatory_name": "徐兴无"}]}
    body.update(overrides)
    return body


def current_year(app):
    with app.test_request_context():
        return to_local(utcnow()).year


def counts(db):
    return (db.session.scalar(select(func.count()).select_from(Agreement)),
            db.session.scalar(select(func.sum(AgreementCounter.last_seq))),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


# --- drafting and reading back ------------------------------------------------------------------

def test_create_read_back_and_patch_a_draft(staff, people, app):
    year = current_year(app)
    assert people.agreement.number == f"AHBR-{year}-0001"  # the fixture's
    created = staff.post(AGREEMENTS, json=new_agreement(people))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["number"] == f"AHBR-{year}-0002"
    assert created.headers["Location"].endswith(f"{AGREEMENTS}/{body['id']}")
    assert body["status"] == "draft" and body["kind"] == "strategic_cooperation"
    assert body["sectors"] == ["materials", "recycling"]  # in the list's order
    assert (body["amount"], body["amount_cny"], body["currency"], body["fx_rate_to_cny"]) == (
        "350000000.00", "350000000.00", "CNY", "1")
    assert body["amount_disclosed"] is True
    assert [(p["organization_id"], p["role_label"], p["signatory_name"], p["printed_name"])
            for p in body["parties"]] == [(people.org_a.id, "甲方", "褚兵", "甲单位有限公司"),
                                          (people.org_b.id, "乙方", "徐兴无", "乙单位有限公司")]
    assert len(body["clauses"]) == 7  # the default clauses of the kind
    assert (set(body["clauses"][0]), body["clauses"][0]["heading"], body["clauses"][0]["heading_en"]) == (
        {"heading", "body", "heading_en", "body_en"}, "合作目的", "Purpose")
    assert (body["term_start"], body["term_end"], body["place"]) == ("2027-01-01", "2029-12-31", "合肥")
    assert (body["signed_at"], body["void_reason"], body["replaces_id"]) == (None, None, None)

    read = staff.get(created.headers["Location"])
    assert read.status_code == 200 and read.get_json() == body

    third = factories.organization("丙单位有限公司")
    patched = staff.patch(created.headers["Location"], json={
        "title": "战略合作框架协议", "amount": "1,000,000.50", "currency": "usd", "fx_rate_to_cny": "7.1234",
        "parties": [{"organization_id": people.org_b.id}, {"organization_id": people.org_a.id},
                    {"organization_id": third.id, "role_label": "见证方"}],
        "clauses": [{"heading": "合作内容", "body": "共建回收网络。"}]})
    assert patched.status_code == 200, patched.get_json()
    changed = patched.get_json()
    assert (changed["title"], changed["number"], changed["status"]) == ("战略合作框架协议", body["number"], "draft")
    assert (changed["amount"], changed["currency"], changed["fx_rate_to_cny"], changed["amount_cny"]) == (
        "1000000.50", "USD", "7.1234", "7123403.56")  # 7,123,403.5617 rounded half up
    assert [(p["organization_id"], p["role_label"]) for p in changed["parties"]] == [
        (people.org_b.id, "甲方"), (people.org_a.id, "乙方"), (third.id, "见证方")]
    assert changed["clauses"] == [{"heading": "合作内容", "body": "共建回收网络。", "heading_en": None,
                                   "body_en": None}]
    assert staff.get(created.headers["Location"]).get_json() == changed
    # A sector that stays and one that comes; the parties and clauses stay as they are.
    resectored = staff.patch(created.headers["Location"], json={"sectors": ["energy_storage", "recycling"]})
    assert resectored.status_code == 200, resectored.get_json()
    assert resectored.get_json()["sectors"] == ["energy_storage", "recycling"]
    assert resectored.get_json()["parties"] == changed["parties"]


def test_amounts_are_decimal_strings_in_and_out(staff, people):
    undisclosed = staff.post(AGREEMENTS, json=new_agreement(people, amount_disclosed=False, amount=None))
    assert undisclosed.status_code == 201, undisclosed.get_json()
    assert [undisclosed.get_json()[key] for key in ("amount", "amount_cny", "fx_rate_to_cny")] == [None] * 3
    for typed, answered in (("35亿", "3500000000.00"), ("3,500,000,000", "3500000000.00"),
                            ("350000万", "3500000000.00"), ("１２.５", "12.50"), ("0.1", "0.10")):
        response = staff.post(AGREEMENTS, json=new_agreement(people, amount=typed))
        assert response.status_code == 201 and response.get_json()["amount"] == answered, typed
    # Never a JSON number on the way out either.
    read = json.loads(staff.get(f"{AGREEMENTS}/{people.agreement.id}").get_data(as_text=True),
                      parse_float=lambda text: pytest.fail(f"a JSON number: {text}"))
    assert [read[key] for key in ("amount", "amount_cny", "fx_rate_to_cny")] == ["350000000.00", "350000000.00", "1"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"amount": 12.5}, "amount", 'Send the amount as a decimal string such as "3500000000.00".'),
    ({"amount": 350000000}, "amount", 'Send the amount as a decimal string such as "3500000000.00".'),
    ({"amount": True}, "amount", "decimal string"),
    ({"amount": "1.005"}, "amount", "at most two decimal places"),
    ({"amount": "-3"}, "amount", "cannot be negative"),
    ({"amount": "3.5 billion"}, "amount", "This is not an amount"),
    ({"amount": "1e9"}, "amount", "no exponents"),
    ({"amount": "NaN"}, "amount", "no exponents"),
    ({"amount": ""}, "amount", "Enter an amount."),
    ({"amount": "100000000000000"}, "amount", "too large"),
    # More digits than Decimal's 28 used to fail the check for decimal places with a 500.
    ({"amount": "9" * 40}, "amount", "too large"),
    ({"amount": "9" * 30 + ".5亿"}, "amount", "too large"),
    ({"currency": "USD"}, "fx_rate_to_cny", "Give the exchange rate of USD to CNY"),
    ({"currency": "USD", "fx_rate_to_cny": 7.1}, "fx_rate_to_cny", "as a decimal string"),
    ({"currency": "USD", "fx_rate_to_cny": "0"}, "fx_rate_to_cny", "above zero"),
    ({"currency": "USD", "fx_rate_to_cny": "-7"}, "fx_rate_to_cny", "positive number"),
    ({"currency": "CNY", "fx_rate_to_cny": "7.1"}, "fx_rate_to_cny", "An amount in CNY has no exchange rate."),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"amount_disclosed": "yes"}, "amount_disclosed", "Expected true or false."),
    ({"amount_disclosed": 1}, "amount_disclosed", "Expected true or false."),
    ({"parties": []}, "parties", "at least two parties"),
    ({"parties": [{"organization_id": "ORG_A"}]}, "parties", "at least two parties"),
    ({"parties": "甲方"}, "parties", "Expected a list of parties."),
    ({"parties": [{"organization_id": "ORG_A"}, "乙方"]}, "parties-1", "Expected a JSON object."),
    ({"parties": [{"organization_id": "ORG_A"}, {"organization_id": "12"}]}, "parties-1-organization_id",
     "Expected a whole number."),
    ({"parties": [{"organization_id": "ORG_A"}, {"organization_id": 0}]}, "parties-1-organization_id",
     "Enter a number from 1 to 2147483647."),
    ({"parties": [{"organization_id": "ORG_A"}, {"signatory_name": "无名"}]}, "parties-1-organization_id",
     "This field is required."),
    ({"parties": [{"organization_id": "ORG_A"}, {"organization_id": "ORG_B", "stamp": True}]}, "parties-1-stamp",
     "Unknown field."),
    ({"parties": [{"organization_id": "ORG_A"}, {"organization_id": "ORG_B", "signatory_name": "张\x00三"}]},
     "parties-1-signatory_name", "control characters"),
    ({"parties": [{"organization_id": "ORG_A"}, {"organization_id": "ORG_B", "signatory_name": "张" * 101}]},
     "parties-1-signatory_name", "At most 100 characters"),
    ({"sectors": []}, "sectors", "at least one sector"),
    ({"sectors": ["space"]}, "sectors", "Unknown value space"),
    ({"sectors": "recycling"}, "sectors", "Expected a list of sectors."),
    ({"kind": "merger"}, "kind", "Unknown value merger"),
    ({"title": ""}, "title", "This field is required."),
    ({"title": None}, "title", "This field is required."),
    ({"term_start": "2029-01-01", "term_end": "2027-01-01"}, "term_end", "after the start"),
    ({"term_start": "01/01/2027"}, "term_start", "YYYY-MM-DD"),
    ({"event_id": 99999}, "event_id", "no event with the id 99999"),
    ({"clauses": [{"heading": "保密"}]}, "clauses-0-body", "This field is required."),
    ({"status": "signed"}, "status", "Unknown field."),
    ({"number": "AHBR-2026-9999"}, "number", "Unknown field."),
    ({"amount_cny": "1.00"}, "amount_cny", "Unknown field."),
    ({"replaces_id": 1}, "replaces_id", "Unknown field."),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(staff, people, db, overrides, field, message):
    # ORG_A and ORG_B stand for the fixture's organizations.
    text = json.dumps(new_agreement(people, **overrides))
    body = json.loads(text.replace('"ORG_A"', str(people.org_a.id)).replace('"ORG_B"', str(people.org_b.id)))
    before = counts(db)
    response = staff.post(AGREEMENTS, json=body)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert message in " ".join(errors.get(field, [])), errors
    assert counts(db) == before


def test_parties_each_once_and_from_the_directory(staff, people, db):
    before = counts(db)
    twice = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": people.org_a.id}, {"organization_id": people.org_a.id}]))
    assert twice.status_code == 422
    assert twice.get_json()["errors"] == {"parties-1-organization_id": ["甲单位有限公司 is a party already."]}
    unknown = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": people.org_a.id}, {"organization_id": 987654}]))
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"] == {
        "parties-1-organization_id": ["There is no organization with the id 987654."]}
    assert counts(db) == before


def test_markup_in_names_is_kept_verbatim(staff, people):
    name = '<script>alert("x")</script> & <b>张</b>'
    title = "</title><img src=x onerror=alert(1)>"
    created = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": people.org_a.id, "signatory_name": name, "signatory_title": "<i>董事长</i>"},
        {"organization_id": people.org_b.id, "role_label": "<乙方>"}]))
    assert created.status_code == 201, created.get_json()
    assert created.headers["Content-Type"] == "application/json"
    read = staff.get(created.headers["Location"]).get_json()
    assert read["parties"][0]["signatory_name"] == name and read["parties"][0]["signatory_title"] == "<i>董事长</i>"
    assert read["parties"][1]["role_label"] == "<乙方>"
    patched = staff.patch(created.headers["Location"], json={"title": title}).get_json()
    assert patched["title"] == title


def test_a_body_that_is_not_a_json_object(staff, people):
    assert staff.post(AGREEMENTS, data="title=x", content_type="application/x-www-form-urlencoded"
                      ).status_code == 400
    refused = staff.post(AGREEMENTS, json=[new_agreement(people)])
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"_schema": ["Expected a JSON object."]}
    assert staff.patch(f"{AGREEMENTS}/{people.agreement.id}", data="x", content_type="text/plain").status_code == 400


# --- the workflow ---------------------------------------------------------------------------------

def test_ready_sign_then_immutable_and_void(staff, people, db):
    url = staff.post(AGREEMENTS, json=new_agreement(people, clauses=[])).headers["Location"]
    assert staff.post(f"{url}/sign").status_code == 409  # a draft is not signed
    unready = staff.post(f"{url}/ready")
    assert unready.status_code == 422 and unready.get_json()["errors"] == {
        "clauses": ["An agreement needs its clauses."]}
    staff.patch(url, json={"clauses": [{"heading": "合作内容", "body": "共建回收网络。"}]})
    ready = staff.post(f"{url}/ready")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"
    assert staff.post(f"{url}/ready").status_code == 409
    # A change to an agreement ready for signing sends it back to draft.
    back = staff.patch(url, json={"place": "芜湖"}).get_json()
    assert (back["status"], back["place"]) == ("draft", "芜湖")
    staff.post(f"{url}/ready")

    future = staff.post(f"{url}/sign", json={"signed_at": (utcnow() + timedelta(hours=2)).isoformat()})
    assert future.status_code == 422 and "future" in future.get_json()["errors"]["signed_at"][0]
    assert staff.post(f"{url}/sign", json={"signed_at": "tomorrow"}).status_code == 422
    assert staff.post(f"{url}/sign", json={"signed_at": 1}).status_code == 422
    assert staff.post(f"{url}/sign", json={"when": "now"}).status_code == 422
    assert staff.post(f"{url}/sign", data="now", content_type="text/plain").status_code == 400
    signed = staff.post(f"{url}/sign", json={"signed_at": "2026-06-16T10:30:00+08:00"})
    assert signed.status_code == 200, signed.get_json()
    assert (signed.get_json()["status"], signed.get_json()["signed_at"]) == ("signed", "2026-06-16T02:30:00Z")

    edit = staff.patch(url, json={"title": "改"})
    assert edit.status_code == 409 and "signed agreement cannot be changed" in edit.get_json()["message"]
    again = staff.post(f"{url}/sign")
    assert again.status_code == 409 and again.get_json()["message"] == "This agreement was signed already."
    assert staff.post(f"{url}/ready").status_code == 409
    assert staff.get(url).get_json()["signed_at"] == "2026-06-16T02:30:00Z"  # unchanged

    no_reason = staff.post(f"{url}/void", json={})
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"] == {"reason": ["This field is required."]}
    blank = staff.post(f"{url}/void", json={"reason": "   "})
    assert blank.status_code == 422 and "reason" in blank.get_json()["errors"]
    assert staff.post(f"{url}/void").status_code == 400  # no body at all
    assert staff.get(url).get_json()["status"] == "signed"

    voided = staff.post(f"{url}/void", json={"reason": "签约方名称有误"})
    assert voided.status_code == 200, voided.get_json()
    body = voided.get_json()
    assert (body["status"], body["void_reason"], body["signed_at"]) == ("voided", "签约方名称有误",
                                                                        "2026-06-16T02:30:00Z")
    assert body["voided_at"] is not None
    listed = staff.get(f"{AGREEMENTS}?status=voided").get_json()
    assert [(a["number"], a["status"]) for a in listed["items"]] == [(body["number"], "voided")]
    assert staff.post(f"{url}/void", json={"reason": "again"}).status_code == 409
    assert staff.patch(url, json={"title": "改"}).status_code == 409
    assert staff.post(f"{url}/sign").status_code == 409
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"agreement_ready", "agreement_signed", "agreement_voided"} <= actions


def test_a_draft_can_be_voided_and_unknown_ids_are_404(staff, people):
    url = staff.post(AGREEMENTS, json=new_agreement(people)).headers["Location"]
    assert staff.post(f"{url}/void", json={"reason": "不再签署"}).get_json()["status"] == "voided"
    for path in ("", "/pdf"):
        assert staff.get(f"{AGREEMENTS}/987654{path}").status_code == 404
    assert staff.get(f"{AGREEMENTS}/99999999999").status_code == 404
    assert staff.patch(f"{AGREEMENTS}/987654", json={"title": "x"}).status_code == 404
    for step in ("ready", "sign"):
        assert staff.post(f"{AGREEMENTS}/987654/{step}").status_code == 404
    assert staff.post(f"{AGREEMENTS}/987654/void", json={"reason": "x"}).status_code == 404


def test_a_new_currency_needs_its_own_rate(staff, people):
    url = staff.post(AGREEMENTS, json=new_agreement(people, amount="100")).headers["Location"]
    # CNY's rate of 1 is not carried over to dollars.
    dollars = staff.patch(url, json={"currency": "USD"})
    assert dollars.status_code == 422
    assert "exchange rate of USD" in dollars.get_json()["errors"]["fx_rate_to_cny"][0]
    dollars = staff.patch(url, json={"currency": "USD", "fx_rate_to_cny": "7.2"}).get_json()
    assert (dollars["amount"], dollars["amount_cny"], dollars["fx_rate_to_cny"]) == ("100.00", "720.00", "7.2")
    assert staff.patch(url, json={"amount": "200"}).get_json()["amount_cny"] == "1440.00"  # the rate stays
    back = staff.patch(url, json={"currency": "CNY"}).get_json()
    assert (back["currency"], back["fx_rate_to_cny"], back["amount_cny"]) == ("CNY", "1", "200.00")


def test_a_new_event_needs_its_own_ceremony(staff, people, db):
    from datetime import datetime

    from alliance_app.events import services as events

    ceremony = events.add_item(people.meeting.session, {
        "kind": "signing_ceremony", "title": "签约仪式", "starts_at": datetime(2027, 6, 16, 10),
        "ends_at": datetime(2027, 6, 16, 10, 30)})
    db.session.commit()
    url = staff.post(AGREEMENTS, json=new_agreement(people, event_id=people.meeting.event.id,
                                                    agenda_item_id=ceremony.id, ceremony_order=1)).headers["Location"]
    moved = staff.patch(url, json={"event_id": people.draft.event.id})
    assert moved.status_code == 422 and "agenda_item_id" in moved.get_json()["errors"]
    moved = staff.patch(url, json={"event_id": people.draft.event.id, "agenda_item_id": None}).get_json()
    assert (moved["event_id"], moved["agenda_item_id"]) == (people.draft.event.id, None)
    keynote = staff.patch(url, json={"event_id": people.meeting.event.id, "agenda_item_id": people.meeting.item.id})
    assert keynote.status_code == 422 and "signing ceremony" in keynote.get_json()["errors"]["agenda_item_id"][0]


def test_an_amount_whose_cny_value_is_too_large_is_refused(staff, people, db):
    response = staff.post(AGREEMENTS, json=new_agreement(
        people, amount="10000000000000", currency="USD", fx_rate_to_cny="999999"))
    assert response.status_code == 422, response.status_code
    assert "amount" in response.get_json()["errors"]


# --- who sees what -----------------------------------------------------------------------------------

def test_members_read_only_their_organizations_agreements(staff, member, member_b, people, db):
    org_c = factories.organization("丙单位有限公司")
    theirs = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": org_c.id}, {"organization_id": people.org_b.id}])).get_json()
    mine = member.get(AGREEMENTS).get_json()
    assert [a["id"] for a in mine["items"]] == [people.agreement.id] and mine["total"] == 1
    assert {a["id"] for a in member_b.get(AGREEMENTS).get_json()["items"]} == {people.agreement.id, theirs["id"]}
    assert staff.get(AGREEMENTS).get_json()["total"] == 2

    assert member.get(f"{AGREEMENTS}/{people.agreement.id}").status_code == 200
    refused = member.get(f"{AGREEMENTS}/{theirs['id']}")
    assert refused.status_code == 403 and theirs["number"] not in refused.get_data(as_text=True)
    assert member.get(f"{AGREEMENTS}/{theirs['id']}/pdf").status_code == 403
    assert member_b.get(f"{AGREEMENTS}/{theirs['id']}").status_code == 200

    # Members never write, even to their own organization's agreements, with a valid body.
    before = counts(db)
    own = f"{AGREEMENTS}/{people.agreement.id}"
    assert member.post(AGREEMENTS, json=new_agreement(people)).status_code == 403
    assert member.patch(own, json={"title": "改"}).status_code == 403
    assert member.post(f"{own}/sign", json={}).status_code == 403
    assert member.post(f"{own}/void", json={"reason": "不要了"}).status_code == 403
    assert member.post(f"{own}/ready").status_code == 403
    assert counts(db) == before
    assert staff.get(own).get_json()["status"] == "ready"


def test_without_a_token(client, people):
    for method, path in (("get", ""), ("post", ""), ("get", f"/{people.agreement.id}"),
                         ("patch", f"/{people.agreement.id}"), ("post", f"/{people.agreement.id}/sign"),
                         ("get", f"/{people.agreement.id}/pdf")):
        response = getattr(client, method)(AGREEMENTS + path, json={})
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


# --- the list ------------------------------------------------------------------------------------

def test_the_list_filters_and_pages(staff, people, db, app):
    year = current_year(app)
    made = {}
    for name, overrides in (("event", {"event_id": people.meeting.event.id}),
                            ("investment", {"kind": "investment", "sectors": ["energy_storage"]}),
                            ("research", {"kind": "research_cooperation", "sectors": ["talent_research"]})):
        made[name] = staff.post(AGREEMENTS, json=new_agreement(people, **overrides)).get_json()["id"]

    def ids(query):
        response = staff.get(f"{AGREEMENTS}?{query}")
        assert response.status_code == 200, response.get_json()
        return [a["id"] for a in response.get_json()["items"]]

    assert ids("") == [made["research"], made["investment"], made["event"], people.agreement.id]  # latest first
    assert ids(f"event_id={people.meeting.event.id}") == [made["event"]]
    assert ids("kind=investment") == [made["investment"]]
    assert ids("sector=energy_storage") == [made["investment"]]
    assert ids("sector=recycling") == [made["event"], people.agreement.id]
    assert ids("status=ready") == [people.agreement.id]
    assert ids(f"year={year}&kind=research_cooperation") == [made["research"]]
    assert ids(f"year={year - 1}") == []
    page = staff.get(f"{AGREEMENTS}?per_page=3&page=2").get_json()
    assert (page["total"], page["page"], page["per_page"], [a["id"] for a in page["items"]]) == (
        4, 2, 3, [people.agreement.id])
    assert "clauses" not in page["items"][0]  # ask for one agreement
    for bad in ("status=lost", "kind=merger", "sector=space", "year=1999", "year=abc", "event_id=0", "per_page=101"):
        response = staff.get(f"{AGREEMENTS}?{bad}")
        assert response.status_code == 422, bad
        assert response.get_json()["errors"], bad




def _many(db, people, n):
    from alliance_app.agreements import services

    org_c = factories.organization()
    for i in range(n):
        services.create_agreement(new_agreement(people, title=f"协议{i}", parties=[
            {"organization_id": people.org_a.id, "signatory_name": "褚兵"}, {"organization_id": people.org_b.id},
            {"organization_id": org_c.id}]), people.staff)
    db.session.commit()


@pytest.mark.parametrize("who", ["staff", "member"])
def test_the_list_runs_the_same_queries_for_3_and_30_agreements(request, db, people, who):
    api = request.getfixturevalue(who)
    _many(db, people, 2)  # 3 with the fixture's
    api.get(AGREEMENTS)  # the token's first use is written once
    few, few_statements = statements_sent(db, lambda: api.get(AGREEMENTS))
    _many(db, people, 27)
    many, many_statements = statements_sent(db, lambda: api.get(AGREEMENTS))
    assert (few.get_json()["total"], len(many.get_json()["items"])) == (3, 30)
    assert all(len(a["parties"]) == 3 and a["sectors"] == ["materials", "recycling"]
               for a in many.get_json()["items"][:29])
    assert len(few_statements) == len(many_statements), many_statements
    selects = [s for s in many_statements if s.lstrip().upper().startswith("SELECT")]
    own = [s for s in selects if not re.search(r"FROM (api_tokens|users)\b", s)]
    # The page, its parties, its sectors, its archives (pdf_sha256, signature), the total: one
    # statement each (besides the token's and the user's, which every API request reads).
    assert len(own) == 5, own
    assert not any("agreement_clauses" in s for s in many_statements)
    print(f"\nagreement list ({who}): {len(few_statements)} statements for 3, {len(many_statements)} for 30")


def test_one_agreement_runs_the_same_queries_whatever_its_size(staff, db, people):
    small = people.agreement.id
    big = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": factories.organization().id} for _ in range(8)],
        clauses=[{"heading": f"第{i}条", "body": "内容"} for i in range(20)])).get_json()["id"]
    staff.get(AGREEMENTS)
    _r, small_statements = statements_sent(db, lambda: staff.get(f"{AGREEMENTS}/{small}"))
    large, large_statements = statements_sent(db, lambda: staff.get(f"{AGREEMENTS}/{big}"))
    assert (len(large.get_json()["parties"]), len(large.get_json()["clauses"])) == (8, 20)
    assert len(small_statements) == len(large_statements), large_statements
    print(f"\nagreement detail: {len(small_statements)} statements for 2 parties, {len(large_statements)} for 8 "
          f"parties and 20 clauses")


# --- numbers under concurrency ----------------------------------------------------------------------

THREADS = 20


def test_concurrent_drafts_get_distinct_numbers_without_gaps(live_server, people, db, app):
    year = current_year(app)
    secret = factories.token(people.staff)
    body = new_agreement(people)
    db.session.remove()  # the test holds no transaction while the server works
    barrier = threading.Barrier(THREADS)

    def draft(n: int):
        data = json.dumps({**body, "title": f"并发协议{n:02d}"}).encode()
        call = urllib.request.Request(f"{live_server}{AGREEMENTS}", data=data, method="POST", headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Accept-Language": "en"})
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(call, timeout=60) as response:
                return response.status, json.loads(response.read())["number"]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()[:300]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(draft, range(THREADS)))

    assert [status for status, _number in results] == [201] * THREADS, results
    numbers = sorted(number for _status, number in results)
    assert numbers == [f"AHBR-{year}-{seq:04d}" for seq in range(2, THREADS + 2)]  # 0001 is the fixture's
    stored = db.session.execute(select(Agreement.seq, Agreement.number).order_by(Agreement.seq)).all()
    assert [seq for seq, _n in stored] == list(range(1, THREADS + 2))
    assert db.session.get(AgreementCounter, year).last_seq == THREADS + 1
    print(f"\n{THREADS} concurrent drafts on {db.engine.dialect.name}: {numbers[0]} … {numbers[-1]}")


# --- the PDF and the OpenAPI document --------------------------------------------------------------

def _pdf_builder_or_skip(agreement):
    try:
        from alliance_app.agreements.documents import agreement_pdf
    except ImportError:
        pytest.skip("alliance_app.agreements.documents.agreement_pdf does not exist yet (the PDF builder is "
                    "being written)")
    try:
        agreement_pdf(agreement)
    except NotImplementedError:
        pytest.skip("alliance_app.agreements.documents.agreement_pdf is still a placeholder (NotImplementedError)")


def test_the_pdf_for_the_secretariat_and_the_parties(staff, member, member_b, people, db, app):
    created = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": people.org_a.id, "signatory_name": '<b>张</b> & <script>alert("x")</script>',
         "signatory_title": "<para>董事长"},
        {"organization_id": people.org_b.id, "signatory_name": "O'Brien </para>"}])).get_json()
    with app.test_request_context():
        _pdf_builder_or_skip(db.session.get(Agreement, created["id"]))
    for api in (staff, member, member_b):
        response = api.get(f"{AGREEMENTS}/{created['id']}/pdf")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
        assert created["number"] in response.headers["Content-Disposition"]
    org_c = factories.organization("丙单位有限公司")
    theirs = staff.post(AGREEMENTS, json=new_agreement(people, parties=[
        {"organization_id": org_c.id}, {"organization_id": people.org_b.id}])).get_json()
    assert member.get(f"{AGREEMENTS}/{theirs['id']}/pdf").status_code == 403
    assert member_b.get(f"{AGREEMENTS}/{theirs['id']}/pdf").status_code == 200


def test_the_openapi_document_describes_the_agreements_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    expected = {
        AGREEMENTS: {"get", "post"},
        AGREEMENTS + "/{agreement_id}": {"get", "patch"},
        AGREEMENTS + "/{agreement_id}/ready": {"post"},
        AGREEMENTS + "/{agreement_id}/sign": {"post"},
        AGREEMENTS + "/{agreement_id}/void": {"post"},
        AGREEMENTS + "/{agreement_id}/pdf": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
    assert "application/pdf" in paths[AGREEMENTS + "/{agreement_id}/pdf"]["get"]["responses"]["200"]["content"]
    schemas = spec["components"]["schemas"]
    agreement = schemas["AgreementDetail"]["properties"]
    assert agreement["status"]["enum"] == ["draft", "ready", "signed", "voided"]
    assert agreement["kind"]["enum"][0] == "strategic_cooperation"
    assert "recycling" in agreement["sectors"]["items"]["enum"]
    for name in ("amount", "amount_cny", "fx_rate_to_cny"):
        assert agreement[name]["type"] == "string", name
    write = schemas["AgreementCreate"]
    assert set(write["required"]) == {"title", "sectors", "parties"}
    assert write["properties"]["amount"]["type"] == "string"
    assert write["properties"]["kind"]["enum"] == agreement["kind"]["enum"]
    assert not {"number", "status", "amount_cny", "signed_at", "void_reason", "replaces_id"} & set(
        write["properties"])
    params = {p["name"]: p for p in paths[AGREEMENTS]["get"]["parameters"]}
    assert {"event_id", "status", "kind", "sector", "year", "page", "per_page"} <= set(params)
    assert params["sector"]["schema"]["enum"][0] == "aftermarket"
    void = paths[AGREEMENTS + "/{agreement_id}/void"]["post"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(void["responses"])
