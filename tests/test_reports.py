"""Totals through the API, the ceremony control and the live screen, the dashboard."""
import pytest

from alliance_app.agreements import services as agreements
from alliance_app.events.models import Event

from . import factories
from .conftest import login


def bearer(user):
    return {"Authorization": f"Bearer {factories.token(user)}"}


@pytest.fixture
def signed(people, db):
    """At the people's event: the fixture's ready agreement (org A + org B), one
    signed for 35亿, one undisclosed signed, one in USD."""
    event_id = people.meeting.event.id
    made = []
    for amount, currency, rate, disclosed in (("35亿", "CNY", None, True), (None, "CNY", None, False),
                                              ("1,000,000", "USD", "7.1", True)):
        agreement = agreements.create_agreement({
            "title": "战略合作协议", "kind": "strategic_cooperation", "sectors": ["energy_storage", "materials"],
            "event_id": event_id, "amount": amount, "currency": currency, "fx_rate_to_cny": rate,
            "amount_disclosed": disclosed,
            "parties": [{"organization_id": people.org_a.id},
                        {"organization_id": factories.organization().id}]}, people.staff)
        agreements.mark_ready(agreement, people.staff)
        agreements.sign(agreement, people.staff)
        made.append(agreement)
    db.session.commit()
    return made


def test_staff_get_every_figure_as_decimal_strings(client, people, signed):
    body = client.get(f"/api/v1/events/{people.meeting.event.id}/totals", headers=bearer(people.staff)).get_json()
    assert body["currency"] == "CNY" and body["scope"] == "all"
    assert body["signed_total"] == "3507100000.00"  # 35亿 + 1,000,000 USD at 7.1
    assert (body["signed_count"], body["counterparty_count"], body["undisclosed_count"]) == (3, 3, 1)
    assert body["pipeline_total"] == "0.00"  # the fixture's ready agreement belongs to no event
    assert sum(float(s["amount"]) for s in body["by_sector"]) == pytest.approx(3507100000.00)
    assert all(isinstance(s["amount"], str) for s in body["by_sector"])


def test_members_see_their_own_figures_unless_the_event_publishes_them(client, people, signed, db):
    url = f"/api/v1/events/{people.meeting.event.id}/totals"
    own = client.get(url, headers=bearer(people.member_b)).get_json()
    assert own["scope"] == "own_organization" and own["signed_count"] == 0
    event = db.session.get(Event, people.meeting.event.id)
    event.publish_totals = True
    db.session.commit()
    published = client.get(url, headers=bearer(people.member_b)).get_json()
    assert published["scope"] == "all" and published["signed_count"] == 3
    assert client.get(f"/api/v1/events/{people.draft.event.id}/totals",
                      headers=bearer(people.member_a)).status_code == 404


def test_year_totals_by_month(client, people, signed):
    from alliance_app.core.db import utcnow
    from alliance_app.core.timeutil import to_local

    year = to_local(utcnow()).year
    body = client.get(f"/api/v1/years/{year}/totals", headers=bearer(people.staff)).get_json()
    assert body["signed_total"] == "3507100000.00" and len(body["by_month"]) == 12
    assert client.get("/api/v1/years/1800/totals", headers=bearer(people.staff)).status_code == 404


def test_an_event_without_agreements_has_zero_totals(client, people):
    body = client.get(f"/api/v1/events/{people.draft.event.id}/totals", headers=bearer(people.staff)).get_json()
    assert (body["signed_total"], body["signed_count"], body["by_sector"]) == ("0.00", 0, [])


def test_ceremony_control_signs_with_one_action_and_void_undoes(client, people, db):
    event_id = people.meeting.event.id
    db.session.get(type(people.agreement), people.agreement.id).event_id = event_id
    db.session.commit()
    login(client, people.staff)
    page = client.get(f"/admin/events/{event_id}/ceremony").get_data(as_text=True)
    assert people.agreement.number in page
    response = client.post(f"/admin/agreements/{people.agreement.id}/sign",
                           data={"back": f"/admin/events/{event_id}/ceremony"})
    assert response.headers["Location"] == f"/admin/events/{event_id}/ceremony"
    assert db.session.get(type(people.agreement), people.agreement.id).status.value == "signed"
    client.post(f"/admin/agreements/{people.agreement.id}/void", data={"reason": "误点", "back": "/admin/x"})
    assert db.session.get(type(people.agreement), people.agreement.id).status.value == "voided"


def test_the_screen_needs_the_current_link_and_shows_the_running_total(client, people, signed, db):
    event = db.session.get(Event, people.meeting.event.id)
    url = f"/events/{event.slug}/ceremony/screen"
    assert client.get(url).status_code == 404
    assert client.get(url + "?key=guess").status_code == 404
    page = client.get(f"{url}?key={event.screen_token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "35.07" in text and "亿元" in text and 'href="/admin' not in text  # shows nothing else
    figures = client.get(f"{url}.json?key={event.screen_token}").get_json()
    assert (figures["total_yi"], figures["count"], figures["partners"]) == ("35.07", 3, 3)
    assert figures["last"]["parties"][0] == "甲单位有限公司"
    old = event.screen_token
    login(client, people.staff)
    client.post(f"/admin/events/{event.id}/ceremony/rotate")
    assert client.get(f"{url}.json?key={old}").status_code == 404


def test_dashboard_shows_events_members_and_charts(client, people, signed):
    factories.event("nothing-signed-yet")  # a published event without agreements shows 0元
    login(client, people.staff)
    page = client.get("/admin").get_data(as_text=True)
    assert people.meeting.event.title in page and "/admin/charts/sectors.svg" in page
    assert "0.00元" in page
    svg = client.get("/admin/charts/sectors.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


S = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
ACT = dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)
API = dict(anon=401, member_a=200, member_b=200, staff=200, admin=200)
AUTHZ_ROWS = {
    ("reports.dashboard", "GET"): ("/admin", S),
    ("reports.sector_chart", "GET"): ("/admin/charts/sectors.svg", S),
    ("reports.month_chart", "GET"): ("/admin/charts/months.svg", S),
    ("reports.ceremony", "GET"): ("/admin/events/{event_id}/ceremony", S),
    ("reports.rotate", "POST"): ("/admin/events/{event_id}/ceremony/rotate", ACT),
    ("reports.publish", "POST"): ("/admin/events/{event_id}/ceremony/publish", ACT),
    # Without the event's secret the screen is a 404 for everyone, signed in or not.
    ("reports.screen", "GET"): ("/events/{event_slug}/ceremony/screen", dict.fromkeys(S, 404)),
    ("reports.screen_data", "GET"): ("/events/{event_slug}/ceremony/screen.json", dict.fromkeys(S, 404)),
    ("reports.report_pdf", "GET"): ("/admin/events/{event_id}/report.pdf", S),
    ("reports.report_xlsx", "GET"): ("/admin/events/{event_id}/report.xlsx", S),
    ("api_totals.event_totals", "GET"): ("/api/v1/events/{event_id}/totals", API),
    ("api_totals.year_totals", "GET"): ("/api/v1/years/2026/totals", API),
}
