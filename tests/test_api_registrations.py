"""Registrations through the API: the answer says confirmed, waitlisted or
pending; members see their own with masked mobiles; cancel; idempotent check-in."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.registrations.models import Registration

from . import factories


def bearer(user):
    return {"Authorization": f"Bearer {factories.token(user)}"}


@pytest.fixture
def open_event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.capacity = 2
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return event


def delegate(name, mobile, **extra):
    return {"name": name, "mobile": mobile, "category": "enterprise", **extra}


def test_member_registers_and_gets_the_status(client, people, open_event, db):
    headers = bearer(people.member_a)
    url = f"/api/v1/events/{open_event.id}/registrations"
    first = client.post(url, json=delegate("张一", "13800000001", session_ids=[people.meeting.session.id]),
                        headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "confirmed" and body["organization"]["name"] == "甲单位有限公司"
    assert body["session_ids"] == [people.meeting.session.id]
    assert body["mobile"] == "138****0001"  # members never see a number in full
    second = client.post(url, json=delegate("张二", "13800000002"), headers=headers)
    assert second.get_json()["status"] == "waitlisted"
    listing = client.get(url, headers=headers).get_json()
    assert [r["name"] for r in listing["items"]] == ["甲单位代表", "张一", "张二"]
    staff_view = client.get(url, headers=bearer(people.staff)).get_json()
    assert "13800000001" in [r["mobile"] for r in staff_view["items"]]
    other = client.get(url, headers=bearer(people.member_b)).get_json()
    assert other["items"] == [] and other["total"] == 0


@pytest.mark.parametrize("body, status, field", [
    (delegate("甲", "12345"), 422, "mobile"),
    (delegate("甲", "13800000009", category="pirate"), 422, "category"),
    (delegate("甲", "13800000009", session_ids=[999]), 422, "session_ids"),
    (delegate("甲", "13800000009", surprise=1), 422, "surprise"),
    (delegate("\x00甲", "13800000009"), 422, "name"),
    ({"name": "甲"}, 422, "mobile"),
])
def test_bad_input_is_refused_at_the_field_and_nothing_is_written(client, people, open_event, db, body, status,
                                                                  field):
    before = db.session.scalar(select(func.count()).select_from(Registration))
    response = client.post(f"/api/v1/events/{open_event.id}/registrations", json=body,
                           headers=bearer(people.member_a))
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == before


def test_duplicates_other_organizations_drafts_and_closed_windows(client, people, open_event, db):
    headers = bearer(people.member_a)
    url = f"/api/v1/events/{open_event.id}/registrations"
    duplicate = client.post(url, json=delegate("重复", people.registration_a.mobile), headers=headers)
    assert duplicate.status_code == 409 and "甲单位代表" in duplicate.get_json()["errors"]["mobile"][0]
    foreign = client.post(url, json=delegate("冒名", "13800000011", organization_id=people.org_b.id),
                          headers=headers)
    assert foreign.status_code == 403
    draft = client.post(f"/api/v1/events/{people.draft.event.id}/registrations",
                        json=delegate("草稿", "13800000012"), headers=headers)
    assert draft.status_code == 404
    open_event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    closed = client.post(url, json=delegate("晚到", "13800000013"), headers=headers)
    assert closed.status_code == 409 and closed.get_json()["message"] == "报名已截止。"


def test_cancel_promotes_and_check_in_is_idempotent(client, people, open_event, db):
    staff = bearer(people.staff)
    url = f"/api/v1/events/{open_event.id}/registrations"
    client.post(url, json=delegate("二", "13800000021", organization_id=people.org_b.id), headers=staff)
    waiting = client.post(url, json=delegate("三", "13800000022"), headers=staff).get_json()
    assert waiting["status"] == "waitlisted"
    cancelled = client.post(f"/api/v1/registrations/{people.registration_a.id}/cancel",
                            headers=bearer(people.member_a))
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert db.session.get(Registration, waiting["id"]).status.value == "confirmed"
    first = client.post(f"/api/v1/registrations/{waiting['id']}/check-in", headers=staff).get_json()
    again = client.post(f"/api/v1/registrations/{waiting['id']}/check-in", headers=staff).get_json()
    assert (first["checked_in_now"], again["checked_in_now"]) == (True, False)
    assert first["checked_in_at"] == again["checked_in_at"] and again["status"] == "checked_in"
    refused = client.post(f"/api/v1/registrations/{people.registration_a.id}/check-in", headers=staff)
    assert refused.status_code == 409
    assert client.post("/api/v1/registrations/99999999999/check-in", headers=staff).status_code == 404


def test_the_openapi_document_lists_registrations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/events/{event_id}/registrations" in spec["paths"]
    assert "/api/v1/registrations/{registration_id}/check-in" in spec["paths"]
    schema = spec["components"]["schemas"]["Registration"]["properties"]
    assert schema["status"]["enum"] == ["pending", "confirmed", "waitlisted", "cancelled", "checked_in"]


AUTHZ_ROWS = {
    ("api_registrations.event_registrations", "GET"): (
        "/api/v1/events/{event_id}/registrations", dict(anon=401, member_a=200, member_b=200, staff=200, admin=200)),
    # An empty body is refused; the draft rule and the access checks come first.
    ("api_registrations.event_registrations", "POST"): (
        "/api/v1/events/{event_id}/registrations", dict(anon=401, member_a=400, member_b=400, staff=400, admin=400)),
    ("api_registrations.cancel", "POST"): (
        "/api/v1/registrations/{registration_id}/cancel", dict(anon=401, member_a=200, member_b=403, staff=200,
                                                                admin=200)),
    ("api_registrations.check_in", "POST"): (
        "/api/v1/registrations/{registration_id}/check-in", dict(anon=401, member_a=403, member_b=403, staff=200,
                                                                  admin=200)),
}


def test_a_bad_session_id_gets_a_flat_translated_message(client, people, open_event, db):
    """Messages about a list's items are the list's own ({"session_ids": [...]}, as
    the error schema documents), and in the caller's language (marshmallow's range
    message was English only)."""
    url = f"/api/v1/events/{open_event.id}/registrations"
    client.set_cookie("alliance_lang", "en")
    response = client.post(url, json=delegate("甲", "13800000009", session_ids=[people.meeting.session.id, 2**40]),
                           headers=bearer(people.member_a))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"session_ids": ["Enter a number from 1 to 2147483647."]}
    client.set_cookie("alliance_lang", "zh_CN")
    response = client.post(url, json=delegate("甲", "13800000009", organization_id=0),
                           headers=bearer(people.staff))
    assert response.get_json()["errors"] == {"organization_id": ["请输入 1 到 2147483647 之间的数。"]}
