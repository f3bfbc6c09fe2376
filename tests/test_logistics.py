"""Logistics from the delegates' answers: hotel nights per room type, the
rooming list with roommates paired and ID numbers in full, the pick-up roster
grouped by day, place and time window, meal counts; as pages, PDF and XLSX,
for the secretariat only."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.registrations import logistics, question_services, services

from .conftest import login
from .pdfs import pdf_text

AUTHZ_ROWS = {
    ("registrations.logistics_page", "GET"): (
        "/admin/events/{event_id}/logistics", dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)),
    ("registrations.rooming_list", "GET"): (
        "/admin/events/{event_id}/rooming-list.pdf", dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)),
    ("registrations.pickup_roster", "GET"): (
        "/admin/events/{event_id}/pickup-roster.xlsx", dict(anon=302, member_a=403, member_b=403, staff=200,
                                                            admin=200)),
}

RIC = "11010519491231002X"


@pytest.fixture
def event(people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    event.ends_at = event.starts_at + timedelta(days=2)  # three nights offered
    for preset in question_services.PRESETS:
        question_services.add_preset(event, preset)
    db.session.commit()
    return event


def nights_of(event):
    return [c["value"] for c in logistics.questions_by_key(event)["nights"].choices]


def add(event, people, name, mobile, **answered):
    registration = services.register(event, {"name": name, "mobile": mobile, "category": "enterprise",
                                             "answers": answered}, people.staff, organization_id=people.org_a.id)
    return registration


@pytest.fixture
def delegates(event, people, db):
    n = nights_of(event)
    add(event, people, "张三", "13855500001", nights=n[:2], room_type="single", gender="male", id_number=RIC,
        diet="halal", arrival_at="2026-12-01 09:10", arrival_number="CA1234", arrival_place="首都机场", pickup=True,
        departure_at="2026-12-03 15:00", departure_place="北京南站")
    add(event, people, "李四", "13855500002", nights=n[:1], room_type="twin_shared", roommate="王五", gender="male",
        diet="vegetarian", arrival_at="2026-12-01 09:50", arrival_number="G101", arrival_place="首都机场", pickup=True)
    add(event, people, "王五", "13855500003", nights=n[:1], room_type="twin_shared", gender="male", diet="halal",
        arrival_at="2026-12-01 14:00", arrival_place="北京南站", arrival_number="G7", pickup=True)
    add(event, people, "赵六", "13855500004", nights=n[:1], room_type="twin_shared", roommate="没有此人",
        diet="other", diet_other="无麸质", arrival_at="2026-12-02 08:00", pickup=False)
    add(event, people, "钱七", "13855500005")  # no answers
    db.session.commit()
    return n


def test_counts_come_from_the_answers(event, delegates):
    counts = logistics.night_counts(event)
    first, second = delegates[0], delegates[1]
    assert counts.persons[("single", first)] == 1 and counts.persons[("single", second)] == 1
    assert counts.persons[("twin_shared", first)] == 3 and counts.persons[("twin_shared", second)] == 0
    assert counts.rooms[first] == 1 + 2 and counts.rooms[second] == 1  # three sharing: two rooms
    arrivals = logistics.travel_counts(event, "arrival")
    # 赵六 wants no pick-up; 张三 and 李四 land in the same window.
    assert arrivals == [("2026-12-01", "首都机场", 8, 2), ("2026-12-01", "北京南站", 14, 1)]
    meals = logistics.meal_counts(event)
    by_need = {choice["value"]: n for choice, n in meals["by_need"]}
    assert by_need["halal"] == 2 and by_need["vegetarian"] == 1 and by_need["other"] == 1
    assert meals["unanswered"] == meals["total"] - 4 and meals["other"] == [("无麸质", 1)]


def test_one_window_counts_every_hour_in_it(people, event, delegates, db):
    """14:xx and 15:xx are one two-hour window: one count, equal to the roster's rows."""
    add(event, people, "孙八", "13855500006", arrival_at="2026-12-01 15:30", arrival_place="北京南站", pickup=True)
    db.session.commit()
    arrivals = logistics.travel_counts(event, "arrival")
    assert ("2026-12-01", "北京南站", 14, 2) in arrivals and len(arrivals) == 2
    listed = [(r["day"], r["place"], r["window"]) for r in logistics.roster(event, "arrival")]
    assert {(d, p, w): n for d, p, w, n in arrivals} == {key: listed.count(key) for key in set(listed)}


def test_roommates_are_paired_and_the_leftover_waits(event, delegates):
    rooms = logistics.rooming_list(event)
    names = [[o["name"] for o in room.occupants] for room in rooms]
    assert ["张三"] in names and sorted(next(n for n in names if "李四" in n)) == ["李四", "王五"]
    leftover = next(room for room in rooms if room.occupants[0]["name"] == "赵六")
    assert not leftover.paired
    single = next(room for room in rooms if room.occupants[0]["name"] == "张三")
    assert (single.check_in, single.check_out) == (delegates[0], delegates[2])  # two nights


def test_the_logistics_page_shows_the_counts(client, people, event, delegates):
    login(client, people.staff)
    page = client.get(f"/admin/events/{event.id}/logistics").get_data(as_text=True)
    assert "首都机场" in page and "08:00–10:00" in page and "无麸质 (1)" in page
    assert ">3<" in page  # rooms needed on the first night


def test_the_rooming_list_shows_id_numbers_in_full(client, people, event, delegates):
    login(client, people.staff)
    response = client.get(f"/admin/events/{event.id}/rooming-list.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert RIC in text and "张三" in text and "李四" in text and "单间" in text
    workbook = load_workbook(io.BytesIO(client.get(f"/admin/events/{event.id}/rooming-list.xlsx").data))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert RIC in [row[4] for row in rows]
    shared = [row for row in rows if row[2] in ("李四", "王五")]
    assert shared[0][0] == shared[1][0]  # one room number


def test_the_pickup_roster(client, people, event, delegates):
    login(client, people.staff)
    text = pdf_text(client.get(f"/admin/events/{event.id}/pickup-roster.pdf").data)
    assert "CA1234" in text and "13855500001" in text and "赵六" not in text
    workbook = load_workbook(io.BytesIO(client.get(f"/admin/events/{event.id}/pickup-roster.xlsx").data))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert [row[6] for row in rows[1:]] == ["张三", "李四", "王五"]
    departures = load_workbook(io.BytesIO(client.get(
        f"/admin/events/{event.id}/pickup-roster.xlsx?direction=departure").data)).worksheets[0]
    assert [row[6] for row in list(departures.iter_rows(values_only=True))[1:]] == ["张三"]
    assert client.get(f"/admin/events/{event.id}/pickup-roster.pdf?direction=sideways").status_code == 404


def test_a_long_roster_is_cut_into_tables_where_a_group_begins(client, people, event, delegates, monkeypatch):
    from alliance_app.registrations.documents import logistics as documents

    login(client, people.staff)
    whole = pdf_text(client.get(f"/admin/events/{event.id}/pickup-roster.pdf").data)
    monkeypatch.setattr(documents, "CHUNK", 2)
    cut = pdf_text(client.get(f"/admin/events/{event.id}/pickup-roster.pdf").data)
    for text in (whole, cut):
        assert [text.index(name) for name in ("张三", "李四", "王五")] == sorted(
            text.index(name) for name in ("张三", "李四", "王五"))
        assert "首都机场" in text and "北京南站" in text
    # The second table starts with its day's heading again, so a page never begins without one.
    assert whole.count("2026-12-01") < cut.count("2026-12-01")


def test_an_event_without_questions_says_so(client, people, db):
    login(client, people.staff)
    page = client.get(f"/admin/events/{people.meeting.event.id}/logistics").get_data(as_text=True)
    assert "本会议未询问住宿" in page and "本会议未询问饮食要求" in page
    assert client.get(f"/admin/events/{people.meeting.event.id}/rooming-list.pdf").status_code == 200


def test_the_demo_meeting_has_answers_and_prints_its_lists_in_chinese(app, db, client):
    from sqlalchemy import func, select

    from alliance_app.accounts.models import User
    from alliance_app.demo import DEMO_STAFF_EMAIL, MEETING_SLUG
    from alliance_app.registrations.models import Registration
    from alliance_app.registrations.question_models import RegistrationAnswer

    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    meeting = db.session.scalar(select(Event).where(Event.slug == MEETING_SLUG))
    assert {"nights", "room_type", "arrival_at", "pickup", "diet", "id_number"} <= set(logistics.questions_by_key(meeting))
    answered = db.session.scalar(select(func.count(func.distinct(RegistrationAnswer.registration_id)))
                                 .join(Registration).where(Registration.event_id == meeting.id))
    assert answered == db.session.scalar(select(func.count()).select_from(Registration)
                                         .where(Registration.event_id == meeting.id)) == 302
    assert sum(logistics.night_counts(meeting).rooms.values()) > 100
    assert len(logistics.roster(meeting, "arrival")) > 50
    app.config["BACKGROUND_DOCUMENT_THRESHOLD"] = 10_000  # at once, not through the worker
    login(client, db.session.scalar(select(User).where(User.email == DEMO_STAFF_EMAIL)))
    rooming = pdf_text(client.get(f"/admin/events/{meeting.id}/rooming-list.pdf").data)
    assert "住宿名单" in rooming and "单间" in rooming and "标间合住" in rooming
    roster = pdf_text(client.get(f"/admin/events/{meeting.id}/pickup-roster.pdf").data)
    assert "接站表" in roster and "合肥南站" in roster
    stored = db.session.scalar(select(func.count()).select_from(RegistrationAnswer))
    again = app.test_cli_runner().invoke(args=["demo-data"])  # the demo loads twice without doubling
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(RegistrationAnswer)) == stored
