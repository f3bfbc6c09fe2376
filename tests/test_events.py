"""Events: building one, organizers, sessions, agenda rules, cloning, public
pages, the printed programme and the calendar file."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from alliance_app.events import services
from alliance_app.events.models import Event, EventSession, EventStatus, Person

from . import factories
from .conftest import login
from .pdfs import pdf_text

LOCAL = timezone(timedelta(hours=8))


def at(hhmm: str, day: str = "2027-06-16") -> str:
    return f"{day}T{hhmm}"


EVENT_FORM = {"title": "2027年协调推进会", "theme": "共享绿色能源，共赢能源未来", "slug": "meeting-2027",
              "starts_at": at("08:30"), "ends_at": at("17:30"), "venue": "巡鹰集团", "city": "合肥市",
              "capacity": "300", "registration_opens_at": "", "registration_closes_at": at("18:00", "2027-06-10"),
              "address": "", "description": ""}

# AUTHZ rows for tests/test_authorization.py: {event_id}, {session_id}, {item_id}, ... come from `built`.
SECRETARIAT_PAGE = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)


@pytest.fixture
def built(people, db):
    """A published event with an organizer, a session, an item and a speaker; and a draft."""
    event = services.create_event({**EVENT_FORM, "starts_at": datetime(2027, 6, 16, 8, 30),
                                   "ends_at": datetime(2027, 6, 16, 17, 30),
                                   "registration_closes_at": datetime(2027, 6, 10, 18, 0)})
    organizer = services.add_organizer(event, {"organization_id": people.org_a.id, "role": "host"})
    session = services.add_session(event, {"title": "上午 主会场", "starts_at": datetime(2027, 6, 16, 9),
                                           "ends_at": datetime(2027, 6, 16, 12), "room": "报告厅",
                                           "host_organization_id": None, "capacity": None})
    item = services.add_item(session, {"kind": "keynote", "title": "讲话", "starts_at": datetime(2027, 6, 16, 9),
                                       "ends_at": datetime(2027, 6, 16, 9, 30), "description": ""})
    person = services.create_person({"name": "李力", "title": "副会长、专委会主任", "organization_id": people.org_a.id,
                                     "bio": ""})
    participant = services.add_participant(item, {"person_id": person.id, "part": "speaker"})
    services.set_event_status(event, "published")
    draft = services.create_event({**EVENT_FORM, "slug": "draft-event", "title": "草稿会议",
                                   "starts_at": datetime(2027, 9, 1, 9), "ends_at": datetime(2027, 9, 1, 17),
                                   "registration_closes_at": None})
    db.session.commit()
    people.event, people.draft, people.session, people.item = event, draft, session, item
    people.organizer, people.person, people.participant = organizer, person, participant
    return people


def test_staff_create_an_event_with_local_times(client, people, db):
    login(client, people.staff)
    response = client.post("/admin/events/new", data=EVENT_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    event = db.session.scalar(select(Event).where(Event.slug == "meeting-2027"))
    assert event.status == EventStatus.draft
    assert event.starts_at == datetime(2027, 6, 16, 0, 30, tzinfo=timezone.utc)  # 08:30 in Hefei
    assert event.theme == "共享绿色能源，共赢能源未来"  # Chinese punctuation kept as typed
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2027-06-16 08:30" in page


@pytest.mark.parametrize("changes, field_message", [
    ({"ends_at": at("07:00")}, "结束时间必须晚于开始时间"),
    ({"slug": "Not URL safe!"}, "小写字母、数字和连字符"),
    ({"slug": "a"}, "小写字母、数字和连字符"),
    ({"registration_closes_at": at("20:00", "2027-06-20")}, "报名必须在会议结束前截止"),
    ({"capacity": "-5"}, ""),
    ({"title": ""}, ""),
])
def test_bad_event_input_is_refused_with_a_message(client, people, db, changes, field_message):
    login(client, people.staff)
    before = db.session.scalar(select(func.count()).select_from(Event))
    response = client.post("/admin/events/new", data={**EVENT_FORM, **changes})
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == before


def test_a_taken_slug_names_the_other_event(client, built):
    login(client, built.staff)
    response = client.post("/admin/events/new", data={**EVENT_FORM, "title": "另一个会"})
    assert response.status_code == 422
    assert "已被“2027年协调推进会”使用" in response.get_data(as_text=True)


def test_agenda_items_stay_inside_their_session_and_never_overlap(client, built, db):
    login(client, built.staff)
    url = f"/admin/sessions/{built.session.id}/items/new"
    overlap = client.post(url, data={"kind": "keynote", "title": "另一个讲话", "starts_at": at("09:15"),
                                     "ends_at": at("09:45"), "description": ""})
    assert overlap.status_code == 422
    assert "与“讲话”（09:00–09:30）时间重叠" in overlap.get_data(as_text=True)
    outside = client.post(url, data={"kind": "break", "title": "午餐", "starts_at": at("11:45"),
                                     "ends_at": at("12:30"), "description": ""})
    assert outside.status_code == 422
    assert "议程必须在所属会场时间内（09:00–12:00）" in outside.get_data(as_text=True)
    fine = client.post(url, data={"kind": "break", "title": "茶歇", "starts_at": at("09:30"),
                                  "ends_at": at("09:40"), "description": ""})
    assert fine.status_code == 302
    assert [i.title for i in db.session.get(EventSession, built.session.id).items] == ["讲话", "茶歇"]


def test_sessions_fall_within_the_event(client, built):
    login(client, built.staff)
    response = client.post(f"/admin/events/{built.event.id}/sessions/new", data={
        "title": "晚宴", "starts_at": at("18:00"), "ends_at": at("20:00"), "room": "", "host_organization_id": "",
        "capacity": ""})
    assert response.status_code == 422
    assert "会场时间必须在会议时间内" in response.get_data(as_text=True)


def test_unknown_organization_is_refused(client, built):
    login(client, built.staff)
    response = client.post(f"/admin/events/{built.event.id}/sessions/new", data={
        "title": "分论坛", "starts_at": at("14:00"), "ends_at": at("16:00"), "room": "", "capacity": "",
        "host_organization_id": "99999"})
    assert response.status_code == 422
    assert "不存在编号为 99999 的单位" in response.get_data(as_text=True)


def test_moving_an_item_swaps_time_slots(client, built, db):
    second = services.add_item(built.session, {"kind": "break", "title": "茶歇", "starts_at": datetime(2027, 6, 16, 9, 40),
                                               "ends_at": datetime(2027, 6, 16, 9, 50), "description": ""})
    db.session.commit()
    login(client, built.staff)
    assert client.post(f"/admin/items/{second.id}/move", data={"direction": "up"}).status_code == 302
    items = db.session.get(EventSession, built.session.id).items
    local = [(i.title, i.starts_at.astimezone(LOCAL).strftime("%H:%M"), i.ends_at.astimezone(LOCAL).strftime("%H:%M"))
             for i in items]
    assert local == [("茶歇", "09:00", "09:10"), ("讲话", "09:20", "09:50")]
    assert client.post(f"/admin/items/{second.id}/move", data={"direction": "sideways"}).status_code == 400


def test_organizers_are_shown_in_conventional_order_and_reordered(client, built, db):
    guiding_1 = factories.organization("安徽省经济和信息化厅")
    guiding_2 = factories.organization("安徽省科学技术厅")
    login(client, built.staff)
    for org in (guiding_1, guiding_2):
        client.post(f"/admin/events/{built.event.id}/organizers", data={"role": "guiding", "organization_id": org.id})
    page = client.get(f"/events/{built.event.slug}").get_data(as_text=True)
    assert page.index("指导单位") < page.index("主办单位")
    assert page.index("安徽省经济和信息化厅") < page.index("安徽省科学技术厅")
    organizer = [o for o in db.session.get(Event, built.event.id).organizers if o.organization_id == guiding_2.id][0]
    client.post(f"/admin/organizers/{organizer.id}/move", data={"direction": "up"})
    page = client.get(f"/events/{built.event.slug}").get_data(as_text=True)
    assert page.index("安徽省科学技术厅") < page.index("安徽省经济和信息化厅")
    twice = client.post(f"/admin/events/{built.event.id}/organizers",
                        data={"role": "guiding", "organization_id": guiding_1.id}, follow_redirects=True)
    assert "已在该角色中" in twice.get_data(as_text=True)


def test_clone_moves_everything_to_the_new_date(client, built, db):
    login(client, built.staff)
    response = client.post(f"/admin/events/{built.event.id}/clone",
                           data={"title": "2028年协调推进会", "slug": "meeting-2028", "starts_at": at("08:30", "2028-06-20")})
    assert response.status_code == 302
    copy = db.session.scalar(select(Event).where(Event.slug == "meeting-2028"))
    assert copy.status == EventStatus.draft
    assert copy.ends_at - copy.starts_at == built.event.ends_at - built.event.starts_at
    assert [o.organization_id for o in copy.organizers] == [built.org_a.id]
    [session] = copy.sessions
    [item] = session.items
    assert item.title == "讲话" and item.starts_at.astimezone(LOCAL) == datetime(2028, 6, 20, 9, tzinfo=LOCAL)
    assert item.participants == []  # the skeleton: people are chosen again


def test_drafts_are_404_for_the_public_and_members(client, built):
    assert client.get("/events/draft-event").status_code == 404
    assert client.get("/events/draft-event/program.pdf").status_code == 404
    assert "草稿会议" not in client.get("/events").get_data(as_text=True)
    login(client, built.member_a)
    assert client.get("/events/draft-event").status_code == 404
    login(client, built.staff)
    assert client.get("/events/draft-event").status_code == 200


def test_public_page_shows_agenda_with_speakers(client, built):
    page = client.get("/events/meeting-2027").get_data(as_text=True)
    assert "主题：共享绿色能源，共赢能源未来" in page
    assert "讲话" in page and "李力" in page and "副会长、专委会主任" in page
    assert "甲单位有限公司" in page


def test_markup_in_titles_is_literal_in_page_and_pdf(client, built, db):
    built.item.title = "A & B <b>x</b> <img src=/etc/passwd>"
    built.person.title = "<link href='javascript:alert(1)'>主任</link> & 顾问"
    db.session.commit()
    page = client.get("/events/meeting-2027").get_data(as_text=True)
    assert "A &amp; B &lt;b&gt;x&lt;/b&gt;" in page
    response = client.get("/events/meeting-2027/program.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "A & B <b>x</b> <img src=/etc/passwd>" in text
    assert "<link href='javascript:alert(1)'>主任</link> & 顾问" in text.replace("\n", "")


def test_program_pdf_embeds_a_chinese_font_and_reads_as_text(client, built):
    response = client.get("/events/meeting-2027/program.pdf")
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "\n" not in disposition
    assert b"/FontFile2" in response.data  # an embedded TrueType font
    text = pdf_text(response.data)
    for expected in ("2027年协调推进会", "主题：共享绿色能源，共赢能源未来", "主办单位", "甲单位有限公司", "议程",
                     "09:00–09:30", "李力", "第1页共2页"):
        assert expected in text.replace(" ", ""), expected


def test_program_follows_the_language(client, built):
    client.set_cookie("alliance_lang", "en")
    text = pdf_text(client.get("/events/meeting-2027/program.pdf").data)
    assert "Theme: 共享绿色能源，共赢能源未来" in text and "Page 1 of 2" in text and "Agenda" in text


def test_calendar_file_parses_with_every_item(client, built):
    from icalendar import Calendar

    response = client.get("/events/meeting-2027/calendar.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["2027年协调推进会", "讲话 · 上午 主会场"]
    assert events[1].decoded("dtstart") == datetime(2027, 6, 16, 1, 0, tzinfo=timezone.utc)
    assert "李力" in str(events[1]["description"])


def test_people_are_reused_across_events(client, built, db):
    login(client, built.staff)
    response = client.post("/admin/people/new", data={"name": "于晓舟", "title": "副秘书长", "organization_id": "",
                                                      "bio": ""})
    assert response.status_code == 302
    assert "于晓舟" in client.get("/admin/people").get_data(as_text=True)
    assert db.session.scalar(select(Person).where(Person.name == "于晓舟")).title == "副秘书长"


S = SECRETARIAT_PAGE
FORM_POST = dict(anon=302, member_a=403, member_b=403, staff=422, admin=422)  # an empty form is refused
ACTION = dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)
PUBLIC = dict(anon=200, member_a=200, member_b=200, staff=200, admin=200)
DRAFT = dict(anon=404, member_a=404, member_b=404, staff=200, admin=200)

AUTHZ_ROWS = {
    ("events.public_list", "GET"): ("/events", PUBLIC),
    ("events.public_detail", "GET"): ("/events/{event_slug}", PUBLIC),
    ("events.program", "GET"): ("/events/{draft_slug}/program.pdf", DRAFT),
    ("events.calendar", "GET"): ("/events/{draft_slug}/calendar.ics", DRAFT),
    ("events.admin_list", "GET"): ("/admin/events", S),
    ("events.admin_create", "GET"): ("/admin/events/new", S),
    ("events.admin_create", "POST"): ("/admin/events/new", FORM_POST),
    ("events.admin_detail", "GET"): ("/admin/events/{event_id}", S),
    ("events.admin_edit", "GET"): ("/admin/events/{event_id}/edit", S),
    # An empty edit form keeps the stored values: saved as they are.
    ("events.admin_edit", "POST"): ("/admin/events/{event_id}/edit", ACTION),
    ("events.admin_status", "POST"): ("/admin/events/{event_id}/status", dict(FORM_POST, staff=400, admin=400)),
    ("events.admin_clone", "GET"): ("/admin/events/{event_id}/clone", S),
    # The clone form is pre-filled; an empty post keeps the suggested slug, which is free.
    ("events.admin_clone", "POST"): ("/admin/events/{event_id}/clone", ACTION),
    ("events.organizer_add", "POST"): ("/admin/events/{event_id}/organizers", ACTION),
    ("events.organizer_move", "POST"): ("/admin/organizers/{organizer_id}/move", dict(FORM_POST, staff=400, admin=400)),
    ("events.organizer_remove", "POST"): ("/admin/organizers/{organizer_id}/remove", ACTION),
    ("events.session_create", "GET"): ("/admin/events/{event_id}/sessions/new", S),
    ("events.session_create", "POST"): ("/admin/events/{event_id}/sessions/new", FORM_POST),
    ("events.session_edit", "GET"): ("/admin/sessions/{session_id}/edit", S),
    ("events.session_edit", "POST"): ("/admin/sessions/{session_id}/edit", ACTION),
    ("events.session_delete", "POST"): ("/admin/sessions/{session_id}/delete", ACTION),
    ("events.item_create", "GET"): ("/admin/sessions/{session_id}/items/new", S),
    ("events.item_create", "POST"): ("/admin/sessions/{session_id}/items/new", FORM_POST),
    ("events.item_edit", "GET"): ("/admin/items/{item_id}/edit", S),
    ("events.item_edit", "POST"): ("/admin/items/{item_id}/edit", ACTION),
    ("events.item_delete", "POST"): ("/admin/items/{item_id}/delete", ACTION),
    ("events.item_move", "POST"): ("/admin/items/{item_id}/move", dict(FORM_POST, staff=400, admin=400)),
    ("events.participant_add", "POST"): ("/admin/items/{item_id}/participants", ACTION),
    ("events.participant_remove", "POST"): ("/admin/participants/{participant_id}/remove", ACTION),
    ("events.people_list", "GET"): ("/admin/people", S),
    ("events.person_create", "GET"): ("/admin/people/new", S),
    ("events.person_create", "POST"): ("/admin/people/new", FORM_POST),
    ("events.person_edit", "GET"): ("/admin/people/{person_id}/edit", S),
    ("events.person_edit", "POST"): ("/admin/people/{person_id}/edit", ACTION),
}
