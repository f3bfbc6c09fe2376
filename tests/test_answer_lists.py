"""Answers wherever a delegate appears: the registration list filters by answer
(a choice, yes/no, text, none), the XLSX/CSV exports have one column per
question (removed questions too, the ID number masked, formulas neutralised),
and the delegate's confirmation lists their answers."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message
from alliance_app.registrations import question_services, services

from .conftest import login

RIC = "11010519491231002X"


@pytest.fixture
def event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    for preset in ("accommodation", "travel", "diet", "id_number"):
        question_services.add_preset(event, preset)
    question_services.add_question(event, {"key": "guests", "label": "随行人数", "label_en": "Companions", "kind": "number"})
    question_services.add_question(event, {"key": "note", "label": "备注", "label_en": "Note", "kind": "text"})
    db.session.commit()
    n = [c["value"] for c in question_services.questions(event)[0].choices]
    for name, mobile, given in [
        ("甲代表", "13855700001", {"room_type": "single", "nights": n[:1], "diet": "halal", "pickup": True,
                                 "id_number": RIC, "guests": 2, "note": "=HYPERLINK(\"http://x\")"}),
        ("乙代表", "13855700002", {"room_type": "twin_shared", "roommate": "甲代表", "diet": "vegetarian",
                                 "pickup": False, "note": "靠窗座位"}),
        ("丙代表", "13855700003", {}),
    ]:
        services.register(event, {"name": name, "mobile": mobile, "category": "enterprise", "email":
                                  f"{mobile}@example.com", "answers": given}, people.staff,
                          organization_id=people.org_a.id)
    db.session.commit()
    return event


def names(page: str) -> set[str]:
    return {name for name in ("甲代表", "乙代表", "丙代表") if f"<td>{name}</td>" in page}


@pytest.mark.parametrize("question, answer, expected", [
    ("room_type", "single", {"甲代表"}),
    ("room_type", "标间合住", {"乙代表"}),        # a choice's label works too
    ("pickup", "是", {"甲代表"}),
    ("pickup", "no", {"乙代表"}),
    ("note", "靠窗", {"乙代表"}),                  # text contained
    ("diet", "-", {"丙代表"}),                     # not answered
    ("shoe_size", "42", set()),                    # not asked: nobody
])
def test_the_list_filters_by_answer(client, people, event, question, answer, expected):
    login(client, people.staff)
    page = client.get(f"/admin/events/{event.id}/registrations",
                      query_string={"question": question, "answer": answer}).get_data(as_text=True)
    assert names(page) == expected


def test_the_list_shows_the_answers_with_the_id_number_masked(client, people, event):
    login(client, people.staff)
    page = client.get(f"/admin/events/{event.id}/registrations").get_data(as_text=True)
    assert "110***********002X" in page and RIC not in page and "清真" in page


def test_the_exports_have_a_column_per_question(client, people, event, db):
    question_services.remove_question(question_services.questions(event)[-1])  # "note": answered, so hidden and kept
    db.session.commit()
    login(client, people.staff)
    data = client.get(f"/admin/events/{event.id}/registrations/export.xlsx").data
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert {"房型", "抵达时间", "身份证号", "随行人数"} <= set(header) and "备注（已删除）" in header
    first = dict(zip(header, next(r for r in rows if r[1] == "甲代表")))
    assert first["房型"] == "单间" and first["需要接站"] == "是" and first["随行人数"] == 2
    assert first["身份证号"] == "110***********002X"
    assert not str(first["备注（已删除）"]).startswith("=")  # a formula stays text
    text = client.get(f"/admin/events/{event.id}/registrations/export.csv?question=diet&answer=素食").data
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][1] == "乙代表" and "素食" in lines[1]


def test_the_confirmation_lists_the_answers(people, event, db):
    message = db.session.scalar(select(Message).where(Message.recipient_email == "13855700001@example.com",
                                                      Message.kind == "registration_confirmed"))
    subject, text, html, _attachments = delivery.render(message)
    assert "房型: 单间" in text and "饮食要求: 清真" in text and "110***********002X" in text
    assert RIC not in text and RIC not in html and "单间" in html
