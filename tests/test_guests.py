"""Guests outside member organizations (invitations, public registration) and
substitutes (换人): through the one registration service, with bad input
refused at its field and nothing half-written."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.audit.models import AuditEntry
from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.notifications.models import Message
from alliance_app.registrations import services
from alliance_app.registrations.invitation_models import Invitation
from alliance_app.registrations.models import EventQuota, Registration

from . import factories
from .conftest import login

AUTHZ_ROWS = {
    # The guest's link: public; an unknown code is a page that says so.
    ("registrations.guest_register", "GET"): ("/invite/{invitation_code}",
                                              dict(anon=200, member_a=200, member_b=200, staff=200, admin=200)),
    ("registrations.guest_register", "POST"): ("/invite/{invitation_code}",
                                               dict(anon=422, member_a=422, member_b=422, staff=422, admin=422)),
    # Public registration is off unless the secretariat opens it.
    ("registrations.public_register", "GET"): ("/events/{event_slug}/join",
                                               dict(anon=404, member_a=404, member_b=404, staff=404, admin=404)),
    ("registrations.public_register", "POST"): ("/events/{event_slug}/join",
                                                dict(anon=404, member_a=404, member_b=404, staff=404, admin=404)),
    ("registrations.invitation_list", "GET"): ("/admin/events/{event_id}/invitations",
                                               dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)),
    ("registrations.invitation_list", "POST"): ("/admin/events/{event_id}/invitations",
                                                dict(anon=302, member_a=403, member_b=403, staff=422, admin=422)),
    ("registrations.invitation_revoke", "POST"): ("/admin/invitations/{invitation_id}/revoke",
                                                  dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)),
    ("registrations.public_registration", "POST"): ("/admin/events/{event_id}/public-registration",
                                                    dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)),
    ("registrations.reject", "POST"): ("/registrations/{registration_id}/reject",
                                       dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)),
    ("registrations.substitute", "GET"): ("/registrations/{registration_id}/substitute",
                                          dict(anon=302, member_a=200, member_b=403, staff=200, admin=200)),
    ("registrations.substitute", "POST"): ("/registrations/{registration_id}/substitute",
                                           dict(anon=302, member_a=422, member_b=403, staff=422, admin=422)),
    ("api_guests.invitations", "POST"): ("/api/v1/events/{event_id}/invitations",
                                         dict(anon=401, member_a=403, member_b=403, staff=400, admin=400)),
    ("api_guests.invitation_registrations", "POST"): ("/api/v1/invitations/{invitation_code}/registrations",
                                                      dict(anon=400, member_a=400, member_b=400, staff=400,
                                                           admin=400)),
    ("api_guests.substitute", "POST"): ("/api/v1/registrations/{registration_id}/substitute",
                                        dict(anon=401, member_a=400, member_b=403, staff=400, admin=400)),
}


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("alliance_lang", "en")  # the messages asserted below are the English ones


def bearer(user):
    return {"Authorization": f"Bearer {factories.token(user)}"}


def invite(client, people, **fields):
    body = {"category": "expert", **fields}
    response = client.post(f"/api/v1/events/{people.meeting.event.id}/invitations", json=body,
                           headers=bearer(people.staff))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def guest(name="李专家", mobile="13700000001", **fields):
    return {"name": name, "mobile": mobile, "email": "expert@example.edu", **fields}


def count(db, model=Registration):
    return db.session.scalar(select(func.count()).select_from(model))


# --- invitations ---------------------------------------------------------------------------------------

def test_an_invited_expert_registers_without_an_account(client, people, db):
    made = invite(client, people, name="李专家", email="expert@example.edu")
    assert made["url"] == f"http://localhost/invite/{made['code']}" and len(made["code"]) >= 32
    assert made["uses"] == 0 and made["max_uses"] == 1
    # The named guest is sent the link.
    sent = db.session.scalar(select(Message).where(Message.kind == "guest_invitation"))
    assert sent.recipient_email == "expert@example.edu"
    response = client.post(f"/api/v1/invitations/{made['code']}/registrations",
                           json=guest(category="media"))  # no token; the invitation decides the category
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "confirmed" and body["category"] == "expert" and body["organization"] is None
    registration = db.session.get(Registration, body["id"])
    assert registration.invitation_id == made["id"] and registration.registered_by_id is None
    kinds = db.session.scalars(select(Message.kind).where(Message.recipient_email == "expert@example.edu")).all()
    assert "registration_confirmed" in kinds  # with the ticket, like every delegate


def test_a_used_up_invitation_is_refused_and_writes_nothing(client, people, db):
    made = invite(client, people, max_uses=2)
    url = f"/api/v1/invitations/{made['code']}/registrations"
    assert client.post(url, json=guest(mobile="13700000011")).status_code == 201
    assert client.post(url, json=guest(mobile="13700000012")).status_code == 201
    before = count(db)
    third = client.post(url, json=guest(mobile="13700000013"))
    assert third.status_code == 410 and "used" in third.get_json()["message"]
    assert count(db) == before
    assert db.session.get(Invitation, made["id"]).uses == 2


def test_an_expired_or_withdrawn_invitation_is_refused_with_a_message(client, people, db):
    made = invite(client, people)
    invitation = db.session.get(Invitation, made["id"])
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/api/v1/invitations/{made['code']}/registrations", json=guest())
    assert response.status_code == 410 and "expired" in response.get_json()["message"]
    page = client.get(f"/invite/{made['code']}")
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    other = invite(client, people)
    login(client, people.staff)
    assert client.post(f"/admin/invitations/{other['id']}/revoke").status_code == 302
    refused = client.post(f"/api/v1/invitations/{other['code']}/registrations", json=guest())
    assert refused.status_code == 410 and "withdrawn" in refused.get_json()["message"]
    assert count(db) == 1  # people's own registration only


def test_guessed_codes_are_throttled_per_address(client, people, app):
    made = invite(client, people)
    limit = app.config["INVITATION_LOOKUP_LIMIT"]
    for attempt in range(limit):
        response = client.post(f"/api/v1/invitations/guess{attempt:04d}aaaaaaaaaaaaaaaaaaaaaaaaa/registrations",
                               json=guest())
        assert response.status_code == 404
    # Past the limit even a real code is refused from that address, for the window.
    blocked = client.post(f"/api/v1/invitations/{made['code']}/registrations", json=guest())
    assert blocked.status_code == 429
    assert client.get("/invite/another-guess").status_code == 429


def test_guests_follow_capacity_quota_and_duplicate_rules(client, people, db):
    event = db.session.get(Event, people.meeting.event.id)
    made = invite(client, people, max_uses=5, organization_id=people.org_b.id, category="enterprise")
    db.session.add(EventQuota(event_id=event.id, organization_id=people.org_b.id, quota=1, seats_taken=0))
    db.session.commit()
    url = f"/api/v1/invitations/{made['code']}/registrations"
    first = client.post(url, json=guest(mobile="13700000021"))
    assert first.status_code == 201 and first.get_json()["organization"]["id"] == people.org_b.id
    # The quota is full: waitlisted (the event keeps a waiting list).
    second = client.post(url, json=guest(mobile="13700000022"))
    assert second.status_code == 201 and second.get_json()["status"] == "waitlisted"
    # A number registered already: refused at the field, without naming who has it, and no use is taken.
    duplicate = client.post(url, json=guest(mobile=people.registration_a.mobile))
    assert duplicate.status_code == 409 and "mobile" in duplicate.get_json()["errors"]
    assert "甲单位" not in str(duplicate.get_json())
    assert db.session.get(Invitation, made["id"]).uses == 2
    # Bad input: at the field, nothing written.
    bad = client.post(url, json={"name": "", "mobile": "12345"})
    assert bad.status_code == 422 and {"name", "mobile"} <= set(bad.get_json()["errors"])


def test_a_full_event_without_waitlist_refuses_the_guest(client, people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.capacity, event.waitlist_enabled = 1, False
    db.session.commit()
    made = invite(client, people)
    response = client.post(f"/api/v1/invitations/{made['code']}/registrations", json=guest())
    assert response.status_code == 409 and "full" in response.get_json()["message"]
    assert db.session.get(Invitation, made["id"]).uses == 0  # rolled back with the registration


@pytest.mark.parametrize("body, field", [
    ({"category": "astronaut"}, "category"),
    ({"category": "expert", "max_uses": 0}, "max_uses"),
    ({"category": "expert", "name": "张三", "max_uses": 5}, "max_uses"),
    ({"category": "expert", "expires_at": "2020-01-01T10:00"}, "expires_at"),
    ({"category": "expert", "expires_at": "next week"}, "expires_at"),
    ({"category": "expert", "email": "not-an-email"}, "email"),
    ({"category": "expert", "organization_id": 999999}, "organization_id"),
])
def test_bad_invitations_are_refused_at_the_field(client, people, db, body, field):
    response = client.post(f"/api/v1/events/{people.meeting.event.id}/invitations", json=body,
                           headers=bearer(people.staff))
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
    assert count(db, Invitation) == 0


def test_the_guest_page_asks_the_questions_and_refuses_bad_answers_at_the_field(client, people, db):
    factories.question(people.meeting.event, key="diet_note", label="饮食", required=True)
    made = invite(client, people, name="王教授")
    page = client.get(f"/invite/{made['code']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="王教授"' in text and 'name="answers-diet_note"' in text
    missing = client.post(f"/invite/{made['code']}", data={"name": "王教授", "mobile": "13700000031"})
    assert missing.status_code == 422 and "must be answered" in missing.get_data(as_text=True)
    assert count(db) == 1
    done = client.post(f"/invite/{made['code']}", data={"name": "王教授", "mobile": "13700000031",
                                                         "answers-diet_note": "素食"})
    assert done.status_code == 200 and "confirmed" in done.get_data(as_text=True)
    registration = db.session.scalar(select(Registration).where(Registration.mobile == "13700000031"))
    assert registration.answers[0].value == "素食"
    # Used once: the link now says so.
    again = client.get(f"/invite/{made['code']}")
    assert again.status_code == 410 and "used" in again.get_data(as_text=True)


def test_staff_create_invitations_on_the_web(client, people, db):
    login(client, people.staff)
    response = client.post(f"/admin/events/{people.meeting.event.id}/invitations",
                           data={"category": "media", "max_uses": "20", "organization_id": ""})
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.max_uses == 20 and invitation.category.value == "media"
    page = client.get(f"/admin/events/{people.meeting.event.id}/invitations").get_data(as_text=True)
    assert f"/invite/{invitation.code}" in page
    bad = client.post(f"/admin/events/{people.meeting.event.id}/invitations",
                      data={"category": "media", "max_uses": "lots"})
    assert bad.status_code == 422 and "whole number" in bad.get_data(as_text=True).lower()


# --- public registration -------------------------------------------------------------------------------------

def test_public_registrations_wait_for_the_secretariat(client, people, db):
    event = people.meeting.event
    assert client.get(f"/events/{event.slug}/join").status_code == 404
    login(client, people.staff)
    client.post(f"/admin/events/{event.id}/public-registration", data={"enabled": "1"})
    client.post("/logout")
    response = client.post(f"/events/{event.slug}/join", data={
        "name": "记者甲", "mobile": "13700000041", "email": "press@example.com", "category": "media"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    registration = db.session.scalar(select(Registration).where(Registration.mobile == "13700000041"))
    assert registration.status.value == "pending" and registration.organization_id is None
    seats = db.session.get(Event, event.id).seats_taken
    assert db.session.scalar(select(Message.kind).where(Message.recipient_email == "press@example.com")) == \
        "registration_pending"
    login(client, people.staff)
    assert client.post(f"/registrations/{registration.id}/confirm").status_code == 302
    db.session.expire_all()
    assert registration.status.value == "confirmed" and db.session.get(Event, event.id).seats_taken == seats + 1
    other = client.post(f"/events/{event.slug}/join", data={"name": "路人", "mobile": "13700000042",
                                                            "category": "other"})
    assert other.status_code == 200
    turned = db.session.scalar(select(Registration).where(Registration.mobile == "13700000042"))
    assert client.post(f"/registrations/{turned.id}/reject").status_code == 302
    db.session.expire_all()
    assert turned.status.value == "cancelled"
    # Only pending ones can be turned down.
    client.post(f"/registrations/{registration.id}/reject")
    db.session.expire_all()
    assert registration.status.value == "confirmed"


def test_a_bad_public_registration_is_refused_at_the_field(client, people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.public_registration = True
    db.session.commit()
    response = client.post(f"/events/{event.slug}/join", data={"name": "", "mobile": "abc", "category": "other"})
    assert response.status_code == 422 and 'is-invalid' in response.get_data(as_text=True)
    assert count(db) == 1


# --- substitutes -------------------------------------------------------------------------------------------

def test_a_member_replaces_a_delegate_and_the_old_ticket_stops_working(client, people, db):
    old = people.registration_a
    old_code = old.ticket_code
    seats = db.session.get(Event, old.event_id).seats_taken
    response = client.post(f"/api/v1/registrations/{old.id}/substitute", headers=bearer(people.member_a),
                           json={"name": "甲单位新代表", "mobile": "13700000051", "email": "new@a.example"})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["status"] == "confirmed" and new["organization"]["id"] == people.org_a.id
    assert new["ticket_code"] != old_code and new["category"] == old.category.value
    db.session.expire_all()
    assert old.status.value == "cancelled" and db.session.get(Event, old.event_id).seats_taken == seats
    assert db.session.get(Registration, new["id"]).replaces_id == old.id
    # The old ticket no longer checks in, and says why.
    refused = client.post(f"/api/v1/registrations/{old.id}/check-in", headers=bearer(people.staff))
    assert refused.status_code == 409 and "甲单位新代表" in refused.get_json()["message"]
    assert client.post(f"/api/v1/registrations/{new['id']}/check-in",
                       headers=bearer(people.staff)).status_code == 200
    kinds = db.session.scalars(select(Message.kind).where(Message.recipient_email == "new@a.example")).all()
    assert kinds == ["registration_confirmed"]
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration_substituted"))
    assert audit.object_id == str(old.id) and audit.changes["replaced_by_id"] == new["id"]


@pytest.mark.parametrize("who, body, status, field", [
    ("member_b", {"name": "乙", "mobile": "13700000061"}, 403, None),          # another organization's
    ("member_a", {"name": "甲", "mobile": "SAME"}, 422, "mobile"),            # the same person
    ("member_a", {"name": "", "mobile": "13700000062"}, 422, "name"),
    ("member_a", {"name": "甲", "mobile": "13700000063", "answers": {"nope": 1}}, 422, "answers.nope"),
])
def test_bad_substitutes_are_refused(client, people, db, who, body, status, field):
    old = people.registration_a
    if body["mobile"] == "SAME":
        body["mobile"] = old.mobile
    response = client.post(f"/api/v1/registrations/{old.id}/substitute", headers=bearer(getattr(people, who)),
                           json=body)
    assert response.status_code == status, response.get_json()
    if field:
        assert field in response.get_json()["errors"]
    db.session.expire_all()
    assert old.status.value == "confirmed" and count(db) == 1


def test_substitutes_only_for_confirmed_delegates_before_closing(client, people, db):
    old = people.registration_a
    services.check_in(old, people.staff)
    db.session.commit()
    checked = client.post(f"/api/v1/registrations/{old.id}/substitute", headers=bearer(people.staff),
                          json={"name": "丙", "mobile": "13700000071"})
    assert checked.status_code == 409 and "checked in" in checked.get_json()["message"]
    other = factories.registration(people.meeting.event, people.staff, people.org_a, "甲二", mobile="13700000072")
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    closed = client.post(f"/api/v1/registrations/{other.id}/substitute", headers=bearer(people.member_a),
                         json={"name": "丙", "mobile": "13700000073"})
    assert closed.status_code == 409 and "closed" in closed.get_json()["message"]


def test_a_substitute_on_the_web(client, people, db):
    old = people.registration_a
    login(client, people.member_a)
    page = client.get(f"/registrations/{old.id}/substitute")
    assert page.status_code == 200 and old.name in page.get_data(as_text=True)
    response = client.post(f"/registrations/{old.id}/substitute",
                           data={"name": "网页换人", "mobile": "13700000081", "category": "enterprise"})
    assert response.status_code == 302
    new = db.session.scalar(select(Registration).where(Registration.mobile == "13700000081"))
    assert new.replaces_id == old.id and new.status.value == "confirmed"
    again = client.post(f"/registrations/{old.id}/substitute",
                        data={"name": "再换", "mobile": "13700000082", "category": "enterprise"})
    assert again.status_code == 409 and "Only a confirmed delegate" in again.get_data(as_text=True)


def test_the_event_page_offers_public_registration_once_opened(client, people, db):
    event = db.session.get(Event, people.meeting.event.id)
    assert f"/events/{event.slug}/join" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    event.public_registration = True
    db.session.commit()
    assert f"/events/{event.slug}/join" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_the_invitation_message_carries_the_link(client, people, db):
    from alliance_app.notifications.delivery import render

    made = invite(client, people, name="孙研究员", email="sun@example.org", expires_at="2027-05-01T18:00")
    message = db.session.scalar(select(Message).where(Message.kind == "guest_invitation"))
    rendered = render(message)
    text = str(rendered)
    assert made["url"] in text and "2027-05-01 18:00" in text
    assert rendered[0].startswith("参会邀请：")  # in the message's language, Chinese by default
