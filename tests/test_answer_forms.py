"""Answers in the registration forms: the member's multi-delegate form, the
secretariat's form and the edit form ask the event's questions, each bad answer
shown at its input with nothing written, the ID number never shown whole; and
the secretariat's question editor."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.registrations import question_services
from alliance_app.registrations.models import Registration
from alliance_app.registrations.question_models import EventQuestion

from .conftest import login

SECRETARIAT = dict(anon=302, member_a=403, member_b=403)
AUTHZ_ROWS = {
    ("registrations.questions", "GET"): ("/admin/events/{event_id}/questions", dict(**SECRETARIAT, staff=200, admin=200)),
    ("registrations.question_preset", "POST"): ("/admin/events/{event_id}/questions/preset",
                                                dict(**SECRETARIAT, staff=302, admin=302)),
    ("registrations.question_create", "GET"): ("/admin/events/{event_id}/questions/new",
                                               dict(**SECRETARIAT, staff=200, admin=200)),
    ("registrations.question_create", "POST"): ("/admin/events/{event_id}/questions/new",
                                                dict(**SECRETARIAT, staff=422, admin=422)),
    ("registrations.question_edit", "GET"): ("/admin/questions/{question_id}/edit",
                                             dict(**SECRETARIAT, staff=200, admin=200)),
    # An empty edit form keeps the current values (WTForms falls back to the object).
    ("registrations.question_edit", "POST"): ("/admin/questions/{question_id}/edit",
                                              dict(**SECRETARIAT, staff=302, admin=302)),
    ("registrations.question_move", "POST"): ("/admin/questions/{question_id}/move",
                                              dict(**SECRETARIAT, staff=302, admin=302)),
    ("registrations.question_remove", "POST"): ("/admin/questions/{question_id}/remove",
                                                dict(**SECRETARIAT, staff=302, admin=302)),
}

RIC = "11010519491231002X"


@pytest.fixture
def event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    for preset in ("accommodation", "travel", "diet", "id_number"):
        question_services.add_preset(event, preset)
    question_services.add_question(event, {"key": "visit", "label": "参观企业", "label_en": "Site visit", "kind": "choice",
                                 "required": True, "choices": [{"value": "a", "label": "甲工厂", "label_en": "Plant A"},
                                                               {"value": "b", "label": "乙工厂", "label_en": "Plant B"}]})
    question_services.add_question(event, {"key": "guests", "label": "随行人数", "label_en": "Companions", "kind": "number"})
    question_services.add_question(event, {"key": "press_pass", "label": "采访证", "label_en": "Press pass", "kind": "boolean",
                                 "categories": ["media"]})
    db.session.commit()
    return event


def count(db):
    return db.session.scalar(select(func.count()).select_from(Registration))


def member_form(event, rows):
    data = {}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"delegates-{index}-{key}"] = value
    return data


def test_the_member_registers_delegates_answering_the_questions(client, people, event, db):
    login(client, people.member_a)
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'name="delegates-0-answers-room_type"' in page and "标间合住" in page and 'data-categories="media"' in page
    night = question_services.questions(event)[0].choices[0]["value"]
    response = client.post(f"/events/{event.slug}/register", data=member_form(event, [
        {"name": "王一", "mobile": "13855600001", "category": "enterprise", "answers-visit": "a",
         "answers-nights": night, "answers-room_type": "single", "answers-id_number": RIC,
         "answers-arrival_at": "2026-12-01T09:30", "answers-pickup": "true", "answers-diet": "halal"},
        {"name": "王二", "mobile": "13855600002", "category": "media", "answers-visit": "b",
         "answers-press_pass": "true"},
    ]))
    assert response.status_code == 302, response.get_data(as_text=True)
    first = db.session.scalar(select(Registration).where(Registration.name == "王一"))
    given = {a.question.key: a.value for a in first.answers}
    assert given == {"visit": "a", "nights": [night], "room_type": "single", "id_number": RIC,
                     "arrival_at": "2026-12-01T09:30", "pickup": True, "diet": "halal"}
    second = db.session.scalar(select(Registration).where(Registration.name == "王二"))
    assert {a.question.key: a.value for a in second.answers} == {"visit": "b", "press_pass": True}


def test_every_form_asks_the_questions_in_the_readers_language(client, people, event, db):
    """The forms' question macro reads the page's language (it is imported with the context)."""
    login(client, people.member_a)
    client.set_cookie("alliance_lang", "en")
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Site visit" in page and "Plant A" in page and "参观企业" not in page
    client.set_cookie("alliance_lang", "zh_CN")
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "参观企业" in page and "甲工厂" in page and "Site visit" not in page
    login(client, people.staff)
    client.set_cookie("alliance_lang", "en")
    page = client.get(f"/admin/events/{event.id}/registrations/new").get_data(as_text=True)
    assert "Site visit" in page and "参观企业" not in page


@pytest.mark.parametrize("answered, field, message", [
    ({}, "delegates-1-answers-visit", "此项必填"),
    ({"answers-visit": "c"}, "delegates-1-answers-visit", "不在可选项中"),
    ({"answers-visit": "a", "answers-id_number": "110105194912310021"}, "delegates-1-answers-id_number",
     "最后一位校验码"),
    ({"answers-visit": "a", "answers-arrival_at": "明天上午"}, "delegates-1-answers-arrival_at", "YYYY-MM-DD HH:MM"),
    ({"answers-visit": "a", "answers-arrival_at": "2026-12-03T10:00", "answers-departure_at": "2026-12-01T10:00"},
     "delegates-1-answers-departure_at", "早于抵达时间"),
    ({"answers-visit": "a", "answers-guests": "两个"}, "delegates-1-answers-guests", "请输入数字"),
])
def test_a_bad_answer_is_shown_at_its_input_and_nothing_is_written(client, people, event, db, answered, field,
                                                                    message):
    login(client, people.member_a)
    before = count(db)
    response = client.post(f"/events/{event.slug}/register", data=member_form(event, [
        {"name": "好人", "mobile": "13855600011", "category": "enterprise", "answers-visit": "a"},
        {"name": "坏答", "mobile": "13855600012", "category": "enterprise", **answered},
    ]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    block = page[page.index(f'id="{field}"'):]
    assert message in block[:1500], block[:1500]
    assert count(db) == before
    assert 'value="好人"' in page  # what was typed stays


def test_one_delegate_gets_the_message_at_the_row(client, people, event, db):
    login(client, people.member_a)
    response = client.post(f"/events/{event.slug}/register", data=member_form(event, [
        {}, {"name": "单独", "mobile": "13855600021", "category": "enterprise"}]))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "此项必填" in page[page.index('id="delegates-1-answers-visit"'):][:800]


def test_the_staff_form_and_the_edit_keep_the_id_number_masked(client, people, event, db):
    login(client, people.staff)
    before = count(db)
    bad = client.post(f"/admin/events/{event.id}/registrations/new", data={
        "name": "专家甲", "mobile": "13855600031", "category": "expert", "answers-visit": "a",
        "answers-guests": "1.5.2", "answers-id_number": "12345"})
    assert bad.status_code == 422 and "最后一位校验码" in bad.get_data(as_text=True)
    assert "请输入数字" in bad.get_data(as_text=True)
    assert count(db) == before  # nothing written
    ok = client.post(f"/admin/events/{event.id}/registrations/new", data={
        "name": "专家甲", "mobile": "13855600031", "category": "expert", "answers-visit": "a",
        "answers-id_number": RIC})
    assert ok.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.name == "专家甲"))
    page = client.get(f"/registrations/{registration.id}/edit").get_data(as_text=True)
    assert RIC not in page and "110***********002X" in page
    # Saved without typing it again: the ID number stays; another answer changes.
    saved = client.post(f"/registrations/{registration.id}/edit", data={
        "name": "专家甲", "mobile": "13855600031", "category": "expert", "answers-visit": "b", "answers-id_number": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    given = {a.question.key: a.value for a in registration.answers}
    assert given["visit"] == "b" and given["id_number"] == RIC
    emptied = client.post(f"/registrations/{registration.id}/edit", data={
        "name": "专家甲", "mobile": "13855600031", "category": "expert", "answers-visit": ""})
    assert emptied.status_code == 422 and "此项必填" in emptied.get_data(as_text=True)


def test_the_question_editor(client, people, event, db):
    login(client, people.staff)
    page = client.get(f"/admin/events/{event.id}/questions").get_data(as_text=True)
    assert "参观企业" in page and "room_type" in page
    assert client.post(f"/admin/events/{event.id}/questions/preset", data={"preset": "gender"}).status_code == 302
    assert "gender" in [q.key for q in question_services.questions(event)]
    created = client.post(f"/admin/events/{event.id}/questions/new", data={
        "key": "shirt", "label": "T恤尺码", "label_en": "T-shirt size", "kind": "choice",
        "choices": "s | 小 | S\nm | 中 | M\nl | 大", "required": "y", "categories": ["enterprise", "expert"]})
    assert created.status_code == 302
    shirt = db.session.scalar(select(EventQuestion).where(EventQuestion.key == "shirt"))
    assert shirt.choices[2] == {"value": "l", "label": "大", "label_en": None} and shirt.required
    assert shirt.categories == ["enterprise", "expert"]
    # Bad definitions stay on the form with the message at the field.
    bad = client.post(f"/admin/events/{event.id}/questions/new", data={
        "key": "Shirt Size", "label": "", "kind": "choice", "choices": ""})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "只能使用小写字母" in text and "至少需要一个选项" in text
    duplicate = client.post(f"/admin/events/{event.id}/questions/new", data={"key": "shirt", "label": "x",
                                                                            "kind": "text"})
    assert duplicate.status_code == 422 and "已有键为 shirt" in duplicate.get_data(as_text=True)
    # Reorder: up one place.
    before = [q.key for q in question_services.questions(event)]
    client.post(f"/admin/questions/{shirt.id}/move", data={"direction": "up"})
    after = [q.key for q in question_services.questions(event)]
    assert after.index("shirt") == before.index("shirt") - 1
    edited = client.post(f"/admin/questions/{shirt.id}/edit", data={
        "key": "shirt", "label": "文化衫尺码", "kind": "choice", "choices": "s | 小\nm | 中"})
    assert edited.status_code == 302
    db.session.refresh(shirt)
    assert shirt.label == "文化衫尺码" and not shirt.required and len(shirt.choices) == 2
    # Removed once answered: hidden, the answer kept.
    client.post(f"/admin/questions/{shirt.id}/remove")
    assert "shirt" not in [q.key for q in question_services.questions(event)]
