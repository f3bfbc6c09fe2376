"""Event questions (the 参会回执): the secretariat defines them (presets in one
call), delegates answer them through the one registration service, each bad
answer refused at its field with nothing written, and answers outlive a
question removed."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.registrations.models import Registration
from alliance_app.registrations.question_models import EventQuestion, RegistrationAnswer

from . import factories
from .conftest import login

AUTHZ_ROWS = {
    ("api_questions.questions", "GET"): (
        "/api/v1/events/{event_id}/questions", dict(anon=401, member_a=200, member_b=200, staff=200, admin=200)),
    ("api_questions.questions", "POST"): (
        "/api/v1/events/{event_id}/questions", dict(anon=401, member_a=403, member_b=403, staff=400, admin=400)),
    ("api_questions.question", "PATCH"): (
        "/api/v1/questions/{question_id}", dict(anon=401, member_a=403, member_b=403, staff=400, admin=400)),
    ("api_questions.question", "DELETE"): (
        "/api/v1/questions/{question_id}", dict(anon=401, member_a=403, member_b=403, staff=204, admin=204)),
}

VALID_RIC = "11010519491231002X"
VALID_USCC = "91110000600037341L"


def bearer(user):
    return {"Authorization": f"Bearer {factories.token(user)}"}


@pytest.fixture
def open_event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return event


@pytest.fixture
def asked(client, people, open_event):
    """The event asks every preset and one required choice of its own."""
    headers = bearer(people.staff)
    url = f"/api/v1/events/{open_event.id}/questions"
    for preset in ("accommodation", "travel", "diet", "gender", "id_number", "invoice"):
        response = client.post(url, json={"preset": preset}, headers=headers)
        assert response.status_code == 201, response.get_json()
    own = client.post(url, headers=headers, json={
        "key": "visit", "label": "参观企业", "label_en": "Site visit", "kind": "choice", "required": True,
        "choices": [{"value": "a", "label": "甲工厂", "label_en": "Plant A"},
                    {"value": "b", "label": "乙工厂", "label_en": "Plant B"}]})
    assert own.status_code == 201, own.get_json()
    return open_event


def delegate(name, mobile, **answers):
    return {"name": name, "mobile": mobile, "category": "enterprise", "answers": answers}


def test_presets_and_the_question_list(client, people, asked):
    items = client.get(f"/api/v1/events/{asked.id}/questions", headers=bearer(people.member_a)).get_json()["items"]
    keys = [q["key"] for q in items]
    assert keys[:3] == ["nights", "room_type", "roommate"] and keys[-1] == "visit"
    assert {"arrival_at", "departure_at", "pickup", "diet", "gender", "id_number", "invoice_tax_id"} <= set(keys)
    room = next(q for q in items if q["key"] == "room_type")
    assert [c["label"] for c in room["choices"]] == ["单间", "标间", "标间合住"]
    nights = next(q for q in items if q["key"] == "nights")
    assert nights["kind"] == "multichoice" and nights["choices"]  # from the event's dates
    # A preset added twice adds nothing the second time.
    again = client.post(f"/api/v1/events/{asked.id}/questions", json={"preset": "diet"}, headers=bearer(people.staff))
    assert again.status_code == 201 and again.get_json()["items"] == []


def test_a_member_registers_with_answers_and_the_id_number_is_masked(client, people, asked, db):
    nights = client.get(f"/api/v1/events/{asked.id}/questions",
                        headers=bearer(people.staff)).get_json()["items"][0]["choices"]
    response = client.post(f"/api/v1/events/{asked.id}/registrations", headers=bearer(people.member_a), json=delegate(
        "王五", "13800000101", nights=[nights[0]["value"]], room_type="标间", pickup="是", diet="halal",
        arrival_at="2026-12-01 09:30", departure_at="2026-12-03T18:00", id_number=VALID_RIC,
        invoice_tax_id=VALID_USCC, visit="b"))
    assert response.status_code == 201, response.get_json()
    answers = response.get_json()["answers"]
    assert answers["room_type"] == "twin" and answers["pickup"] is True and answers["diet"] == "halal"
    assert answers["arrival_at"] == "2026-12-01T09:30" and answers["nights"] == [nights[0]["value"]]
    assert answers["id_number"] == "110***********002X"
    listing = client.get(f"/api/v1/events/{asked.id}/registrations", headers=bearer(people.staff)).get_json()
    shown = next(r for r in listing["items"] if r["name"] == "王五")
    assert shown["answers"]["visit"] == "b" and VALID_RIC not in str(listing)
    stored = db.session.scalar(select(RegistrationAnswer.value).join(EventQuestion)
                               .where(EventQuestion.key == "id_number"))
    assert stored == VALID_RIC  # kept whole for the hotel list


def test_the_members_delegate_list_shows_what_each_answered_with_the_id_number_masked(client, people, asked):
    response = client.post(f"/api/v1/events/{asked.id}/registrations", headers=bearer(people.member_a), json=delegate(
        "王五", "13800000101", room_type="标间", diet="halal", id_number=VALID_RIC, visit="b"))
    assert response.status_code == 201, response.get_json()
    plain = client.post(f"/api/v1/events/{asked.id}/registrations", headers=bearer(people.member_a),
                        json=delegate("赵六", "13800000102", visit="a"))
    assert plain.status_code == 201, plain.get_json()
    login(client, people.member_a)
    page = client.get("/my/registrations").get_data(as_text=True)
    row = page[page.index("王五"):page.index("赵六")]
    assert "房型：标间" in row and "参观企业：乙工厂" in row and "清真" in row
    assert "110***********002X" in row and VALID_RIC not in page
    assert "参观企业：甲工厂" in page[page.index("赵六"):]


@pytest.mark.parametrize("answers, field", [
    ({}, "answers.visit"),                                                   # required, missing
    ({"visit": "c"}, "answers.visit"),                                       # not offered
    ({"visit": "a", "id_number": "110105194912310021"}, "answers.id_number"),  # wrong check digit
    ({"visit": "a", "invoice_tax_id": "91110000600037341X"}, "answers.invoice_tax_id"),
    ({"visit": "a", "arrival_at": "tomorrow morning"}, "answers.arrival_at"),
    ({"visit": "a", "arrival_at": "2026-12-03 10:00", "departure_at": "2026-12-01 10:00"}, "answers.departure_at"),
    ({"visit": "a", "pickup": "maybe"}, "answers.pickup"),
    ({"visit": "a", "nights": ["1999-01-01"]}, "answers.nights"),
    ({"visit": "a", "shoe_size": "42"}, "answers.shoe_size"),                # a question not asked
])
def test_bad_answers_are_refused_at_the_field_and_nothing_is_written(client, people, asked, db, answers, field):
    before = db.session.scalar(select(func.count()).select_from(Registration))
    response = client.post(f"/api/v1/events/{asked.id}/registrations", headers=bearer(people.member_a),
                           json=delegate("赵六", "13800000102", **answers))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == before


def test_questions_are_asked_only_of_their_categories(client, people, asked):
    staff = bearer(people.staff)
    visit = next(q for q in client.get(f"/api/v1/events/{asked.id}/questions", headers=staff).get_json()["items"]
                 if q["key"] == "visit")
    changed = client.patch(f"/api/v1/questions/{visit['id']}", json={"categories": ["enterprise"]}, headers=staff)
    assert changed.status_code == 200 and changed.get_json()["categories"] == ["enterprise"]
    media = {"name": "记者", "mobile": "13800000103", "category": "media", "answers": {}}
    response = client.post(f"/api/v1/events/{asked.id}/registrations", json=media, headers=staff)
    assert response.status_code == 201, response.get_json()


def test_bad_question_definitions(client, people, open_event):
    url = f"/api/v1/events/{open_event.id}/questions"
    staff = bearer(people.staff)
    no_choices = client.post(url, json={"key": "x", "label": "X", "kind": "choice"}, headers=staff)
    assert no_choices.status_code == 422 and "choices" in no_choices.get_json()["errors"]
    bad_key = client.post(url, json={"key": "Room Type", "label": "X", "kind": "text"}, headers=staff)
    assert "key" in bad_key.get_json()["errors"]
    client.post(url, json={"key": "x", "label": "X", "kind": "text"}, headers=staff)
    twice = client.post(url, json={"key": "x", "label": "X", "kind": "text"}, headers=staff)
    assert twice.status_code == 422 and "key" in twice.get_json()["errors"]
    bad_choice = client.post(url, headers=staff, json={"key": "y", "label": "Y", "kind": "choice",
                                                       "choices": [{"value": "a"}]})
    assert "choices.0.label" in bad_choice.get_json()["errors"]


def test_a_removed_question_keeps_its_answers(client, people, asked, db):
    staff = bearer(people.staff)
    response = client.post(f"/api/v1/events/{asked.id}/registrations", headers=staff,
                           json=delegate("钱七", "13800000104", visit="a", diet="vegetarian"))
    assert response.status_code == 201
    diet = db.session.scalar(select(EventQuestion).where(EventQuestion.key == "diet"))
    assert client.delete(f"/api/v1/questions/{diet.id}", headers=staff).status_code == 204
    keys = [q["key"] for q in client.get(f"/api/v1/events/{asked.id}/questions", headers=staff).get_json()["items"]]
    assert "diet" not in keys
    listing = client.get(f"/api/v1/events/{asked.id}/registrations", headers=staff).get_json()["items"]
    assert next(r for r in listing if r["name"] == "钱七")["answers"]["diet"] == "vegetarian"
    assert client.patch(f"/api/v1/questions/{diet.id}", json={"label": "x"}, headers=staff).status_code == 404
    # Never answered: really deleted.
    gender_id = db.session.scalar(select(EventQuestion.id).where(EventQuestion.key == "gender"))
    assert client.delete(f"/api/v1/questions/{gender_id}", headers=staff).status_code == 204
    db.session.expire_all()
    assert db.session.get(EventQuestion, gender_id) is None
