"""The events API: events, organizers, sessions, agenda items, participants and people."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from alliance_app.audit.models import AuditEntry
from alliance_app.events import services
from alliance_app.events.models import (AgendaItem, AgendaKind, AgendaParticipant, Event, EventOrganizer,
                                        EventSession, EventStatus, OrganizerRole, ParticipantPart, Person)

from . import factories
from .conftest import ApiClient, statements_sent

ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


EVERYONE = _expect(200, 200, 200, 200, 200)
SECRETARIAT_READ = _expect(401, 403, 403, 200, 200)
# Without a body, a write is refused with 400 (not JSON) once access is granted.
SECRETARIAT_WRITE = _expect(401, 403, 403, 400, 400)
SECRETARIAT_DELETE = _expect(401, 403, 403, 204, 204)
DRAFT_READ = _expect(404, 404, 404, 200, 200)

AUTHZ_ROWS = {
    ("api_events.events", "GET"): ("/api/v1/events", EVERYONE),
    ("api_events.events", "POST"): ("/api/v1/events", SECRETARIAT_WRITE),
    ("api_events.event", "GET"): ("/api/v1/events/{event_id}", EVERYONE),
    # Members get 403 for writes even on a draft: the rule is checked before the event is looked up.
    ("api_events.event", "PATCH"): ("/api/v1/events/{draft_id}", SECRETARIAT_WRITE),
    ("api_events.event_status", "POST"): ("/api/v1/events/{event_id}/status", SECRETARIAT_WRITE),
    ("api_events.event_clone", "POST"): ("/api/v1/events/{event_id}/clone", SECRETARIAT_WRITE),
    ("api_events.organizers", "GET"): ("/api/v1/events/{draft_id}/organizers", DRAFT_READ),
    ("api_events.organizers", "POST"): ("/api/v1/events/{event_id}/organizers", SECRETARIAT_WRITE),
    ("api_events.organizer", "DELETE"): ("/api/v1/organizers/{organizer_id}", SECRETARIAT_DELETE),
    ("api_events.sessions", "POST"): ("/api/v1/events/{event_id}/sessions", SECRETARIAT_WRITE),
    ("api_events.session", "PATCH"): ("/api/v1/sessions/{session_id}", SECRETARIAT_WRITE),
    ("api_events.session", "DELETE"): ("/api/v1/sessions/{session_id}", SECRETARIAT_DELETE),
    ("api_events.items", "POST"): ("/api/v1/sessions/{session_id}/items", SECRETARIAT_WRITE),
    ("api_events.item", "PATCH"): ("/api/v1/items/{item_id}", SECRETARIAT_WRITE),
    ("api_events.item", "DELETE"): ("/api/v1/items/{item_id}", SECRETARIAT_DELETE),
    ("api_events.participants", "POST"): ("/api/v1/items/{item_id}/participants", SECRETARIAT_WRITE),
    ("api_events.participant", "DELETE"): ("/api/v1/participants/{participant_id}", SECRETARIAT_DELETE),
    ("api_events.people", "GET"): ("/api/v1/people", SECRETARIAT_READ),
    ("api_events.people", "POST"): ("/api/v1/people", SECRETARIAT_WRITE),
    ("api_events.person", "GET"): ("/api/v1/people/{person_id}", SECRETARIAT_READ),
    ("api_events.person", "PATCH"): ("/api/v1/people/{person_id}", SECRETARIAT_WRITE),
}

API = "/api/v1"
EVENTS = f"{API}/events"
UTC = timezone.utc


def counts(db):
    """Rows of everything a request could write."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Event, EventOrganizer, EventSession, AgendaItem, AgendaParticipant, Person, AuditEntry)}


def created(response, status=201):
    assert response.status_code == status, response.get_json()
    return response.get_json()


NEW_EVENT = {"slug": "forum-2027", "title": "2027 电池回收论坛", "theme": "共享绿色能源，共赢能源未来",
             "starts_at": "2027-09-01T08:30:00+08:00", "ends_at": "2027-09-02T17:30:00+08:00",
             "venue": "国际会议中心", "city": "合肥市", "capacity": 300,
             "registration_closes_at": "2027-08-25T18:00:00+08:00"}


# --- building an event through the API ------------------------------------------------------------

def test_staff_build_an_event_through_the_api_and_anyone_reads_it_back(staff, anon, db, people):
    body = created(staff.post(EVENTS, json=NEW_EVENT))
    event_id = body["id"]
    assert body["status"] == "draft" and body["organizers"] == [] and body["sessions"] == []
    assert body["starts_at"] == "2027-09-01T00:30:00Z" and body["registration_opens_at"] is None
    assert body["theme"] == "共享绿色能源，共赢能源未来" and body["capacity"] == 300

    for org, role in ((people.org_a, "host"), (people.org_b, "co_organizer"), (people.org_b, "guiding")):
        organizer = created(staff.post(f"{EVENTS}/{event_id}/organizers",
                                       json={"organization_id": org.id, "role": role}))
        assert organizer["organization"] == {"id": org.id, "name": org.name} and organizer["role"] == role

    chair = created(staff.post(f"{API}/people", json={"name": "李力", "title": "副会长",
                                                      "organization_id": people.org_a.id, "bio": "私人简介"}))
    guest = created(staff.post(f"{API}/people", json={"name": "王芳", "title": "<b>研究员</b>"}))
    assert chair["organization"] == {"id": people.org_a.id, "name": "甲单位有限公司"} and guest["organization"] is None

    # The afternoon session first: the detail lists sessions in time order.
    afternoon = created(staff.post(f"{EVENTS}/{event_id}/sessions", json={
        "title": "分论坛", "starts_at": "2027-09-01T14:00:00+08:00", "ends_at": "2027-09-01T17:00:00+08:00",
        "room": "B厅", "host_organization_id": people.org_b.id, "capacity": 80}))
    morning = created(staff.post(f"{EVENTS}/{event_id}/sessions", json={
        "title": "主论坛", "starts_at": "2027-09-01T01:00:00Z", "ends_at": "2027-09-01T04:00:00Z"}))
    assert morning["items"] == [] and morning["host_organization"] is None
    assert afternoon["host_organization"] == {"id": people.org_b.id, "name": "乙单位有限公司"}

    agenda = [(morning, "opening_remarks", "开幕致辞", "09:00", "09:20"),
              (morning, "break", "茶歇", "10:30", "10:45"),
              (morning, "keynote", "主旨报告", "09:20", "10:00"),
              (afternoon, "signing_ceremony", "签约仪式", "14:00", "14:30"),
              (afternoon, "panel", "圆桌对话", "15:00", "16:30")]
    items = {}
    for session, kind, title, start, end in agenda:
        item = created(staff.post(f"{API}/sessions/{session['id']}/items", json={
            "kind": kind, "title": title, "starts_at": f"2027-09-01T{start}:00+08:00",
            "ends_at": f"2027-09-01T{end}:00+08:00"}))
        assert item["kind"] == kind and item["participants"] == [] and item["session_id"] == session["id"]
        items[title] = item
    speaker = created(staff.post(f"{API}/items/{items['主旨报告']['id']}/participants",
                                 json={"person_id": chair["id"]}))
    assert speaker["part"] == "speaker" and speaker["person"] == {"id": chair["id"], "name": "李力",
                                                                  "title": "副会长"}
    created(staff.post(f"{API}/items/{items['圆桌对话']['id']}/participants",
                       json={"person_id": chair["id"], "part": "moderator"}))
    created(staff.post(f"{API}/items/{items['圆桌对话']['id']}/participants",
                       json={"person_id": guest["id"], "part": "panelist"}))

    assert anon.get(f"{EVENTS}/{event_id}").status_code == 404  # still a draft
    assert staff.post(f"{EVENTS}/{event_id}/status", json={"status": "published"}).get_json()["status"] == "published"

    detail = anon.get(f"{EVENTS}/{event_id}")
    assert detail.status_code == 200
    event = detail.get_json()
    assert [(o["role"], o["organization"]["name"]) for o in event["organizers"]] == [
        ("guiding", "乙单位有限公司"), ("host", "甲单位有限公司"), ("co_organizer", "乙单位有限公司")]
    assert [s["title"] for s in event["sessions"]] == ["主论坛", "分论坛"]
    assert event["sessions"][0]["starts_at"] == "2027-09-01T01:00:00Z"
    assert [(i["kind"], i["title"]) for i in event["sessions"][0]["items"]] == [
        ("opening_remarks", "开幕致辞"), ("keynote", "主旨报告"), ("break", "茶歇")]
    panel = event["sessions"][1]["items"][1]
    assert panel["starts_at"] == "2027-09-01T07:00:00Z" and panel["ends_at"] == "2027-09-01T08:30:00Z"
    assert [(p["part"], p["person"]) for p in panel["participants"]] == [
        ("moderator", {"id": chair["id"], "name": "李力", "title": "副会长"}),
        ("panelist", {"id": guest["id"], "name": "王芳", "title": "<b>研究员</b>"})]
    assert "私人简介" not in detail.get_data(as_text=True)  # a bio is not public
    assert event_id in [e["id"] for e in anon.get(EVENTS).get_json()["items"]]
    organizers = anon.get(f"{EVENTS}/{event_id}/organizers").get_json()
    assert [o["role"] for o in organizers] == ["guiding", "host", "co_organizer"]

    # What the API built is what the HTML page shows.
    page = anon.client.get("/events/forum-2027").get_data(as_text=True)
    assert "圆桌对话" in page and "王芳" in page and "14:00" in page


def test_staff_change_and_remove_parts_of_an_event(staff, db, people):
    meeting = people.meeting
    response = staff.patch(f"{EVENTS}/{meeting.event.id}", json={"venue": "巡鹰集团", "capacity": None})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["venue"] == "巡鹰集团" and response.get_json()["capacity"] is None
    assert response.get_json()["title"] == "会议 authz-event"  # untouched
    response = staff.patch(f"{API}/sessions/{meeting.session.id}", json={"room": "报告厅", "title": "上午 主会场"})
    assert response.status_code == 200 and response.get_json()["room"] == "报告厅"
    assert [i["title"] for i in response.get_json()["items"]] == ["主旨发言"]
    response = staff.patch(f"{API}/items/{meeting.item.id}", json={"kind": "expert_lecture",
                                                                  "ends_at": "2027-06-16T09:45:00+08:00"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["kind"] == "expert_lecture" and response.get_json()["ends_at"] == "2027-06-16T01:45:00Z"
    assert len(response.get_json()["participants"]) == 1
    response = staff.patch(f"{API}/people/{meeting.person.id}", json={"title": "秘书长", "bio": "简介"})
    assert response.status_code == 200 and response.get_json()["title"] == "秘书长"
    assert staff.get(f"{API}/people/{meeting.person.id}").get_json()["bio"] == "简介"

    for url in (f"{API}/participants/{meeting.participant.id}", f"{API}/organizers/{meeting.organizer.id}",
                f"{API}/items/{meeting.item.id}", f"{API}/sessions/{meeting.session.id}"):
        response = staff.delete(url)
        assert response.status_code == 204 and response.get_data() == b"", url
        assert staff.delete(url).status_code == 404, url
    event = staff.get(f"{EVENTS}/{meeting.event.id}").get_json()
    assert event["organizers"] == [] and event["sessions"] == []
    assert db.session.get(Person, meeting.person.id) is not None  # the person stays
    assert staff.get(f"{EVENTS}/99999999999").status_code == 404
    assert staff.delete(f"{API}/items/99999999999").status_code == 404


def test_duplicates_are_409_and_unknown_references_422(staff, db, people):
    meeting = people.meeting
    before = counts(db)
    response = staff.post(f"{EVENTS}/{meeting.event.id}/organizers",
                          json={"organization_id": people.org_a.id, "role": "host"})
    assert response.status_code == 409 and "甲单位有限公司" in response.get_json()["errors"]["organization_id"][0]
    response = staff.post(f"{API}/items/{meeting.item.id}/participants",
                          json={"person_id": meeting.person.id, "part": "speaker"})
    assert response.status_code == 409 and meeting.person.name in response.get_json()["errors"]["person_id"][0]
    response = staff.post(f"{EVENTS}/{meeting.event.id}/organizers", json={"organization_id": 424242, "role": "host"})
    assert response.status_code == 422 and "424242" in response.get_json()["errors"]["organization_id"][0]
    response = staff.post(f"{API}/items/{meeting.item.id}/participants", json={"person_id": 424242})
    assert response.status_code == 422 and "424242" in response.get_json()["errors"]["person_id"][0]
    assert counts(db) == before


# --- the agenda's rules ---------------------------------------------------------------------------

def test_overlapping_and_out_of_session_items_are_refused_naming_the_other(staff, db, people):
    session = people.meeting.session  # 09:00–12:00 local; 主旨发言 09:00–09:30
    before = counts(db)
    response = staff.post(f"{API}/sessions/{session.id}/items", json={
        "kind": "panel", "title": "对话", "starts_at": "2027-06-16T09:15:00+08:00",
        "ends_at": "2027-06-16T09:45:00+08:00"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["starts_at"] == ["This overlaps 主旨发言 (09:00–09:30)."]
    # The same moment written in UTC overlaps as well.
    response = staff.post(f"{API}/sessions/{session.id}/items", json={
        "kind": "panel", "title": "对话", "starts_at": "2027-06-16T01:20:00Z", "ends_at": "2027-06-16T01:40:00Z"})
    assert response.status_code == 422 and "主旨发言" in response.get_json()["errors"]["starts_at"][0]
    response = staff.post(f"{API}/sessions/{session.id}/items", json={
        "kind": "panel", "title": "对话", "starts_at": "2027-06-16T11:30:00+08:00",
        "ends_at": "2027-06-16T12:30:00+08:00"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["starts_at"] == [
        "An agenda item must fall within its session (09:00–12:00)."]
    assert counts(db) == before

    second = created(staff.post(f"{API}/sessions/{session.id}/items", json={
        "kind": "break", "title": "茶歇", "starts_at": "2027-06-16T10:00:00+08:00",
        "ends_at": "2027-06-16T10:15:00+08:00"}))
    response = staff.patch(f"{API}/items/{second['id']}", json={"starts_at": "2027-06-16T09:00:00+08:00"})
    assert response.status_code == 422 and "主旨发言" in response.get_json()["errors"]["starts_at"][0]
    # A session may not shrink past its items, nor leave its event.
    response = staff.patch(f"{API}/sessions/{session.id}", json={"ends_at": "2027-06-16T10:05:00+08:00"})
    assert response.status_code == 422 and "茶歇" in response.get_json()["errors"]["starts_at"][0]
    response = staff.post(f"{EVENTS}/{people.meeting.event.id}/sessions", json={
        "title": "晚宴", "starts_at": "2027-06-16T18:00:00+08:00", "ends_at": "2027-06-16T20:00:00+08:00"})
    assert response.status_code == 422 and "2027-06-16 17:30" in response.get_json()["errors"]["starts_at"][0]
    response = staff.patch(f"{EVENTS}/{people.meeting.event.id}", json={"starts_at": "2027-06-16T10:00:00+08:00"})
    assert response.status_code == 422 and "主会场" in response.get_json()["errors"]["starts_at"][0]
    item = db.session.get(AgendaItem, second["id"])
    assert item.starts_at == datetime(2027, 6, 16, 2, 0, tzinfo=UTC)


def test_a_slug_collision_names_the_other_event(staff, db, people):
    before = counts(db)
    response = staff.post(EVENTS, json={**NEW_EVENT, "slug": "authz-draft"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["slug"] == ["This address is used by 会议 authz-draft already."]
    response = staff.patch(f"{EVENTS}/{people.meeting.event.id}", json={"slug": "AUTHZ-DRAFT"})
    assert response.status_code == 422 and "会议 authz-draft" in response.get_json()["errors"]["slug"][0]
    response = staff.post(f"{EVENTS}/{people.meeting.event.id}/clone",
                          json={"title": "副本", "slug": "authz-draft", "starts_at": "2028-06-14T08:30:00+08:00"})
    assert response.status_code == 422 and "会议 authz-draft" in response.get_json()["errors"]["slug"][0]
    assert counts(db) == before
    assert db.session.get(Event, people.meeting.event.id).slug == "authz-event"


# --- times ----------------------------------------------------------------------------------------

def test_times_with_an_offset_or_without_one(staff, db, people):
    body = created(staff.post(EVENTS, json={**NEW_EVENT, "starts_at": "2027-09-01T08:30",  # local: Asia/Shanghai
                                            "ends_at": "2027-09-01T17:30:00+08:00",
                                            "registration_opens_at": "2027-07-01T00:00:00Z",
                                            "registration_closes_at": "2027-08-31 18:00:00.250-04:00"}))
    assert body["starts_at"] == "2027-09-01T00:30:00Z" and body["ends_at"] == "2027-09-01T09:30:00Z"
    assert body["registration_opens_at"] == "2027-07-01T00:00:00Z"
    assert body["registration_closes_at"] == "2027-08-31T22:00:00.250000Z"
    event = db.session.get(Event, body["id"])
    assert event.starts_at == datetime(2027, 9, 1, 0, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 9, 1, 17, 30, tzinfo=timezone(timedelta(hours=8)))

    response = staff.patch(f"{EVENTS}/{body['id']}", json={"ends_at": "2027-09-01T12:00:00+02:00"})
    assert response.get_json()["ends_at"] == "2027-09-01T10:00:00Z"
    assert staff.get(f"{EVENTS}/{body['id']}").get_json()["ends_at"] == "2027-09-01T10:00:00Z"


@pytest.mark.parametrize("value", ["2027-09-01", "tomorrow", "2027-09-01T25:00:00+08:00", "2027-9-1T08:00",
                                   "2027-09-01T08:00:00+08:00\x00", " 2027-09-01T08:00", "2027-09-01T08:00 CST",
                                   20270901, None, ["2027-09-01T08:00"]])
def test_a_time_that_is_not_iso_8601_is_refused(staff, db, people, value):
    before = counts(db)
    response = staff.post(EVENTS, json={**NEW_EVENT, "starts_at": value})
    assert response.status_code == 422, response.get_json()
    message = response.get_json()["errors"]["starts_at"]
    assert message in (["Enter a date and time in ISO 8601, e.g. 2027-06-16T09:00:00+08:00."],
                       ["This field is required."]), message
    assert counts(db) == before


# --- cloning --------------------------------------------------------------------------------------

def test_clone_moves_everything_to_the_new_date(staff, db, people):
    meeting = people.meeting
    response = staff.post(f"{EVENTS}/{meeting.event.id}/clone",
                          json={"title": "2028年协调推进会", "slug": "meeting-2028",
                                "starts_at": "2028-06-14T08:30:00+08:00"})
    body = created(response)
    assert response.headers["Location"].endswith(f"{EVENTS}/{body['id']}")
    assert body["status"] == "draft" and body["title"] == "2028年协调推进会" and body["slug"] == "meeting-2028"
    assert (body["starts_at"], body["ends_at"]) == ("2028-06-14T00:30:00Z", "2028-06-14T09:30:00Z")
    assert body["capacity"] == 100
    assert [(o["role"], o["organization"]["id"]) for o in body["organizers"]] == [("host", people.org_a.id)]
    [session] = body["sessions"]
    assert (session["title"], session["starts_at"], session["ends_at"]) == (
        "主会场", "2028-06-14T01:00:00Z", "2028-06-14T04:00:00Z")
    [item] = session["items"]
    assert (item["title"], item["starts_at"], item["participants"]) == ("主旨发言", "2028-06-14T01:00:00Z", [])
    original = staff.get(f"{EVENTS}/{meeting.event.id}").get_json()
    assert original["starts_at"] == "2027-06-16T00:30:00Z" and original["status"] == "published"
    assert len(original["sessions"][0]["items"][0]["participants"]) == 1


def test_clone_asks_the_same_questions_for_its_own_dates_and_charges_the_same_fees(staff, db, people):
    meeting = people.meeting.event  # 2027-06-16, one day
    url = f"{EVENTS}/{meeting.id}"
    for preset in ("accommodation", "diet"):
        created(staff.post(f"{url}/questions", json={"preset": preset}))
    removed = created(staff.post(f"{url}/questions", json={"key": "shoe_size", "label": "鞋码", "kind": "text"}))
    assert staff.delete(f"/api/v1/questions/{removed['items'][0]['id']}").status_code == 204
    fees = staff.put(f"{url}/fees", json={"fees": [
        {"category": "enterprise", "amount_cny": "2800.00", "early_amount_cny": "2400.00", "early_until": "2027-05-31"},
        {"category": "government", "amount_cny": "0"}]})
    assert fees.status_code == 200, fees.get_json()

    copy = created(staff.post(f"{url}/clone", json={"title": "2028年协调推进会", "slug": "meeting-2028",
                                                     "starts_at": "2028-06-14T08:30:00+08:00"}))
    old = staff.get(f"{url}/questions").get_json()["items"]
    new = staff.get(f"{EVENTS}/{copy['id']}/questions").get_json()["items"]
    assert [q["key"] for q in new] == [q["key"] for q in old] and "shoe_size" not in [q["key"] for q in new]
    assert [q["label"] for q in new] == [q["label"] for q in old]
    nights = {q["key"]: q for q in new}["nights"]["choices"]
    assert [c["value"] for c in nights] == ["2028-06-13"]  # the night before the new date, not last year's
    assert {q["key"]: q for q in old}["nights"]["choices"][0]["value"] == "2027-06-15"
    charged = {f["category"]: f for f in staff.get(f"{EVENTS}/{copy['id']}/fees").get_json()["fees"]}
    assert charged["enterprise"]["amount_cny"] == "2800.00" and charged["enterprise"]["early_amount_cny"] == "2400.00"
    assert charged["enterprise"]["early_until"] == "2028-05-29"  # moved with the event (728 days later)
    assert charged["government"]["amount_cny"] == "0.00"
    # The original keeps its own.
    assert len(staff.get(f"{url}/fees").get_json()["fees"]) == 2


# --- who sees what --------------------------------------------------------------------------------

def test_drafts_and_cancelled_events_are_the_secretariats(staff, member, anon, db, people):
    meeting, draft = people.meeting.event, people.draft.event
    for caller in (anon, member):
        assert caller.get(f"{EVENTS}/{draft.id}").status_code == 404
        assert caller.get(f"{EVENTS}/{draft.id}/organizers").status_code == 404
        listing = caller.get(EVENTS).get_json()
        assert [e["id"] for e in listing["items"]] == [meeting.id] and listing["total"] == 1
        assert caller.get(f"{EVENTS}?status=draft").get_json()["items"] == []
    assert anon.get(f"{EVENTS}/{draft.id}").get_json()["status"] == 404

    assert staff.get(f"{EVENTS}/{draft.id}").get_json()["status"] == "draft"
    assert {e["id"] for e in staff.get(EVENTS).get_json()["items"]} == {meeting.id, draft.id}
    assert [e["id"] for e in staff.get(f"{EVENTS}?status=draft").get_json()["items"]] == [draft.id]

    response = staff.post(f"{EVENTS}/{meeting.id}/status", json={"status": "cancelled"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert anon.get(f"{EVENTS}/{meeting.id}").status_code == 404
    assert member.get(EVENTS).get_json()["items"] == []
    assert [e["id"] for e in staff.get(f"{EVENTS}?status=cancelled").get_json()["items"]] == [meeting.id]
    assert db.session.get(Event, meeting.id).status == EventStatus.cancelled


def test_members_cannot_write_or_read_people(member, db, people):
    before = counts(db)
    assert member.post(EVENTS, json=NEW_EVENT).status_code == 403
    assert member.patch(f"{EVENTS}/{people.meeting.event.id}", json={"title": "改"}).status_code == 403
    assert member.post(f"{EVENTS}/{people.meeting.event.id}/status", json={"status": "draft"}).status_code == 403
    assert member.get(f"{API}/people").status_code == 403
    assert member.get(f"{API}/people/{people.meeting.person.id}").status_code == 403
    assert member.delete(f"{API}/sessions/{people.meeting.session.id}").status_code == 403
    assert counts(db) == before


def test_the_list_paginates_latest_first(staff, anon, db, people):
    for n in range(5):
        factories.event(f"series-{n}")  # all on the same day: newest id first
    listing = anon.get(f"{EVENTS}?per_page=2").get_json()
    assert (listing["page"], listing["per_page"], listing["total"]) == (1, 2, 6)
    assert "sessions" not in listing["items"][0] and "organizers" not in listing["items"][0]
    pages = [anon.get(f"{EVENTS}?per_page=2&page={page}").get_json()["items"] for page in (1, 2, 3)]
    ids = [e["id"] for page in pages for e in page]
    assert len(set(ids)) == 6 and ids == sorted(ids, reverse=True)
    assert anon.get(f"{EVENTS}?per_page=2&page=9").get_json()["items"] == []
    for query in ("per_page=101", "page=0", "status=open", "status=%00", "page=x"):
        response = anon.get(f"{EVENTS}?{query}")
        assert response.status_code == 422, query


def test_people_are_listed_by_name_for_the_secretariat(staff, db, people):
    for name in ("张三", "李四", "张五"):
        created(staff.post(f"{API}/people", json={"name": name}))
    listing = staff.get(f"{API}/people?q=张").get_json()
    assert [p["name"] for p in listing["items"]] == ["张三", "张五"] and listing["total"] == 2
    assert staff.get(f"{API}/people?q=%25").get_json()["items"] == []  # a literal %, not a wildcard
    assert staff.get(f"{API}/people?per_page=1&page=2").get_json()["total"] == 5
    assert staff.get(f"{API}/people?q=%00").status_code == 422


# --- JSON is not HTML -------------------------------------------------------------------------------

def test_markup_in_titles_is_returned_verbatim(staff, anon, db, people):
    title = "<script>alert('x')</script> & <b>论坛</b> \"2027\""
    body = created(staff.post(EVENTS, json={**NEW_EVENT, "title": title}))
    assert body["title"] == title
    session = created(staff.post(f"{EVENTS}/{body['id']}/sessions", json={
        "title": "<i>主会场</i>", "starts_at": "2027-09-01T09:00:00+08:00", "ends_at": "2027-09-01T12:00:00+08:00"}))
    created(staff.post(f"{API}/sessions/{session['id']}/items", json={
        "kind": "other", "title": "<img src=x onerror=alert(1)>", "starts_at": "2027-09-01T09:00:00+08:00",
        "ends_at": "2027-09-01T09:30:00+08:00"}))
    staff.post(f"{EVENTS}/{body['id']}/status", json={"status": "published"})
    response = anon.get(f"{EVENTS}/{body['id']}")
    assert response.mimetype == "application/json"
    event = response.get_json()
    assert event["title"] == title and event["sessions"][0]["title"] == "<i>主会场</i>"
    assert event["sessions"][0]["items"][0]["title"] == "<img src=x onerror=alert(1)>"
    assert "&lt;" not in response.get_data(as_text=True) and "&amp;" not in response.get_data(as_text=True)
    assert db.session.get(Event, body["id"]).title == title


# --- bad input ------------------------------------------------------------------------------------

def _targets(people):
    meeting = people.meeting
    return {
        "event": ("post", EVENTS),
        "event_patch": ("patch", f"{EVENTS}/{meeting.event.id}"),
        "status": ("post", f"{EVENTS}/{meeting.event.id}/status"),
        "clone": ("post", f"{EVENTS}/{meeting.event.id}/clone"),
        "organizer": ("post", f"{EVENTS}/{meeting.event.id}/organizers"),
        "session": ("post", f"{EVENTS}/{meeting.event.id}/sessions"),
        "session_patch": ("patch", f"{API}/sessions/{meeting.session.id}"),
        "item": ("post", f"{API}/sessions/{meeting.session.id}/items"),
        "item_patch": ("patch", f"{API}/items/{meeting.item.id}"),
        "participant": ("post", f"{API}/items/{meeting.item.id}/participants"),
        "person": ("post", f"{API}/people"),
        "person_patch": ("patch", f"{API}/people/{meeting.person.id}"),
    }


SESSION = {"title": "下午", "starts_at": "2027-06-16T13:00:00+08:00", "ends_at": "2027-06-16T16:00:00+08:00"}
ITEM = {"kind": "keynote", "title": "报告", "starts_at": "2027-06-16T10:00:00+08:00",
        "ends_at": "2027-06-16T10:30:00+08:00"}


@pytest.mark.parametrize("target, payload, field", [
    ("event", {**NEW_EVENT, "status": "published"}, "status"),
    ("event", {**NEW_EVENT, "id": 7}, "id"),
    ("event", {**NEW_EVENT, "organizers": []}, "organizers"),
    ("event", {**NEW_EVENT, "title": 42}, "title"),
    ("event", {**NEW_EVENT, "title": None}, "title"),
    ("event", {**NEW_EVENT, "title": "  "}, "title"),
    ("event", {**NEW_EVENT, "title": "论坛\x00"}, "title"),
    ("event", {**NEW_EVENT, "venue": "会议\x00中心"}, "venue"),
    ("event", {**NEW_EVENT, "title": "x" * 201}, "title"),
    ("event", {**NEW_EVENT, "capacity": "300"}, "capacity"),
    ("event", {**NEW_EVENT, "capacity": 1.5}, "capacity"),
    ("event", {**NEW_EVENT, "capacity": True}, "capacity"),
    ("event", {**NEW_EVENT, "capacity": -1}, "capacity"),
    ("event", {**NEW_EVENT, "slug": "Forum 2027!"}, "slug"),
    ("event", {**NEW_EVENT, "slug": "fo"}, "slug"),
    ("event", {k: v for k, v in NEW_EVENT.items() if k != "slug"}, "slug"),
    ("event", {**NEW_EVENT, "ends_at": "2027-09-01T08:00:00+08:00"}, "ends_at"),
    ("event", {**NEW_EVENT, "starts_at": "1999-09-01T08:00:00+08:00"}, "starts_at"),
    ("event", {**NEW_EVENT, "registration_closes_at": "2027-09-03T08:00:00+08:00"}, "registration_closes_at"),
    ("event_patch", {"slug": None}, "slug"),
    ("event_patch", {"theme": ["a"]}, "theme"),
    ("event_patch", {"status": "published"}, "status"),
    ("event_patch", {"ends_at": "2027-06-16T07:00:00+08:00"}, "ends_at"),
    ("status", {"status": "archived"}, "status"),
    ("status", {}, "status"),
    ("status", {"status": "published", "reason": "x"}, "reason"),
    ("clone", {"title": "副本", "slug": "copy-2028"}, "starts_at"),
    ("clone", {"title": "副本", "starts_at": "2028-06-14T08:30:00+08:00"}, "slug"),
    ("clone", {"title": "副\x00本", "slug": "copy-2028", "starts_at": "2028-06-14T08:30:00+08:00"}, "title"),
    ("organizer", {"organization_id": "1", "role": "host"}, "organization_id"),
    ("organizer", {"role": "host"}, "organization_id"),
    ("organizer", {"organization_id": 1, "role": "boss"}, "role"),
    ("organizer", {"organization_id": 1, "role": "Host"}, "role"),
    ("session", {**SESSION, "room": "A\x00"}, "room"),
    ("session", {**SESSION, "capacity": "many"}, "capacity"),
    ("session", {**SESSION, "host_organization_id": 0}, "host_organization_id"),
    ("session", {**SESSION, "event_id": 1}, "event_id"),
    ("session", {**SESSION, "ends_at": "2027-06-16T12:00:00+08:00"}, "ends_at"),
    ("session_patch", {"starts_at": None}, "starts_at"),
    ("item", {**ITEM, "kind": "lunch"}, "kind"),
    ("item", {**ITEM, "kind": "break_"}, "kind"),
    ("item", {**ITEM, "title": "报\x00告"}, "title"),
    ("item", {**ITEM, "position": 1}, "position"),
    ("item", {k: v for k, v in ITEM.items() if k != "kind"}, "kind"),
    ("item_patch", {"kind": None}, "kind"),
    ("item_patch", {"description": 5}, "description"),
    ("participant", {"person_id": 1, "part": "host"}, "part"),
    ("participant", {"person_id": [1]}, "person_id"),
    ("participant", {}, "person_id"),
    ("person", {"name": "张\x00三"}, "name"),
    ("person", {"name": "张三", "bio": "简\x00介"}, "bio"),
    ("person", {"name": "张三", "email": "a@b.cn"}, "email"),
    ("person", {"title": "主任"}, "name"),
    ("person", {"name": "张三", "organization_id": 999999}, "organization_id"),
    ("person_patch", {"name": ""}, "name"),
    ("person_patch", {"name\x00": "张三"}, "name\x00"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(staff, db, people, target, payload, field):
    method, url = _targets(people)[target]
    before = counts(db)
    snapshot = staff.get(f"{EVENTS}/{people.meeting.event.id}").get_json()
    response = getattr(staff, method)(url, json=payload)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == 422 and body["errors"][field], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert counts(db) == before
    assert staff.get(f"{EVENTS}/{people.meeting.event.id}").get_json() == snapshot
    assert db.session.get(Person, people.meeting.person.id).name == people.meeting.person.name


@pytest.mark.parametrize("target", ["event", "event_patch", "status", "clone", "organizer", "session", "item",
                                    "participant", "person", "person_patch"])
def test_a_body_that_is_not_a_json_object_is_refused(staff, db, people, target):
    method, url = _targets(people)[target]
    before = counts(db)
    call = getattr(staff, method)
    for kwargs, status in (
        ({"data": {"title": "x"}}, 400),
        ({}, 400),
        ({"data": '{"title": ', "content_type": "application/json"}, 400),
        ({"json": ["title"]}, 422),
        ({"json": "title"}, 422),
    ):
        response = call(url, **kwargs)
        assert response.status_code == status, (kwargs, response.get_json())
        assert response.is_json and response.get_json()["status"] == status
    assert counts(db) == before


def test_field_messages_follow_the_language(client, people):
    api = ApiClient(client, people.staff)
    client.set_cookie("alliance_lang", "zh_CN")
    response = api.post(EVENTS, json={**NEW_EVENT, "title": "论坛\x00"})
    assert response.get_json()["errors"]["title"] == ["包含控制字符，请重新输入。"]
    response = api.post(EVENTS, json={**NEW_EVENT, "extra": 1})
    assert response.get_json()["errors"] == {"extra": ["未知字段。"]}


# --- bounded queries ------------------------------------------------------------------------------



def _big_event(db, people, sessions, items_per_session, slug):
    """An event with `sessions` × `items_per_session` agenda items, each with a speaker."""
    meeting = services.create_event({"slug": slug, "title": slug, "starts_at": datetime(2028, 5, 1, 8),
                                     "ends_at": datetime(2028, 5, 3, 18)})
    services.add_organizer(meeting, {"organization_id": people.org_a.id, "role": "host"})
    services.add_organizer(meeting, {"organization_id": people.org_b.id, "role": "sponsor"})
    for s in range(sessions):
        session = services.add_session(meeting, {"title": f"会场{s}", "starts_at": datetime(2028, 5, 1 + s % 3, 8),
                                                 "ends_at": datetime(2028, 5, 1 + s % 3, 18),
                                                 "host_organization_id": people.org_b.id})
        for i in range(items_per_session):
            start = datetime(2028, 5, 1 + s % 3, 8) + timedelta(minutes=30 * i)
            item = services.add_item(session, {"kind": "keynote", "title": f"报告{s}-{i}", "starts_at": start,
                                               "ends_at": start + timedelta(minutes=25)})
            person = services.create_person({"name": f"专家{s}-{i}", "title": "教授",
                                             "organization_id": people.org_a.id})
            services.add_participant(item, {"person_id": person.id})
    services.set_event_status(meeting, "published")
    db.session.commit()
    return meeting.id


def test_the_event_detail_runs_the_same_queries_whatever_its_size(anon, staff, db, people):
    small = _big_event(db, people, 1, 1, "small-event")
    large = _big_event(db, people, 2, 10, "large-event")
    small_response, small_statements = statements_sent(db, lambda: anon.get(f"{EVENTS}/{small}"))
    large_response, large_statements = statements_sent(db, lambda: anon.get(f"{EVENTS}/{large}"))
    sessions = large_response.get_json()["sessions"]
    assert [len(s["items"]) for s in sessions] == [10, 10]
    assert all(len(i["participants"]) == 1 for s in sessions for i in s["items"])
    assert len(small_statements) == len(large_statements), large_statements
    # The event, its organizers, their organizations, sessions, host organizations, items, participants,
    # people: one statement each (plus SQLite's BEGIN).
    assert len([s for s in large_statements if s.lstrip().upper().startswith("SELECT")]) == 8, large_statements
    print(f"\nevent detail: {len(small_statements)} statements for 1×1, {len(large_statements)} for 2×10")


def test_the_event_list_does_not_load_sessions_per_row(anon, staff, db, people):
    few, few_statements = statements_sent(db, lambda: anon.get(EVENTS))
    for n in range(30):
        factories.event(f"many-{n:02d}")
    many, many_statements = statements_sent(db, lambda: anon.get(EVENTS))
    assert few.get_json()["total"] == 1 and len(many.get_json()["items"]) == 31
    assert len(few_statements) == len(many_statements), many_statements
    assert len(many_statements) <= 3, many_statements
    assert not any("event_sessions" in s or "event_organizers" in s for s in many_statements), many_statements
    staff.get(EVENTS)  # the token's first use is written once
    _response, staff_statements = statements_sent(db, lambda: staff.get(f"{EVENTS}?per_page=100"))
    print(f"\nevent list: {len(many_statements)} statements anonymous, {len(staff_statements)} with a token")


def test_the_people_list_runs_the_same_queries_whatever_the_page_size(staff, db, people):
    for n in range(30):
        services.create_person({"name": f"专家{n:02d}", "organization_id": people.org_a.id if n % 2 else None})
    db.session.commit()
    staff.get(f"{API}/people")
    small, small_statements = statements_sent(db, lambda: staff.get(f"{API}/people?per_page=2"))
    large, large_statements = statements_sent(db, lambda: staff.get(f"{API}/people?per_page=100"))
    assert len(large.get_json()["items"]) == 32
    assert len(small_statements) == len(large_statements), large_statements


# --- OpenAPI --------------------------------------------------------------------------------------

def test_the_openapi_document_describes_the_events_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    expected = {
        EVENTS: {"get", "post"},
        EVENTS + "/{event_id}": {"get", "patch"},
        EVENTS + "/{event_id}/status": {"post"},
        EVENTS + "/{event_id}/clone": {"post"},
        EVENTS + "/{event_id}/organizers": {"get", "post"},
        API + "/organizers/{organizer_id}": {"delete"},
        EVENTS + "/{event_id}/sessions": {"post"},
        API + "/sessions/{session_id}": {"patch", "delete"},
        API + "/sessions/{session_id}/items": {"post"},
        API + "/items/{item_id}": {"patch", "delete"},
        API + "/items/{item_id}/participants": {"post"},
        API + "/participants/{participant_id}": {"delete"},
        API + "/people": {"get", "post"},
        API + "/people/{person_id}": {"get", "patch"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    assert "delete" not in paths[EVENTS + "/{event_id}"]
    # Public reads may be called without a token.
    assert {} in paths[EVENTS]["get"]["security"] and {} in paths[EVENTS + "/{event_id}"]["get"]["security"]
    assert "security" not in paths[API + "/people"]["get"]  # the document's default: a bearer token
    assert {"400", "401", "403", "404", "422"} <= set(paths[API + "/items/{item_id}"]["patch"]["responses"])
    assert "409" in paths[EVENTS + "/{event_id}/organizers"]["post"]["responses"]
    assert "204" in paths[API + "/sessions/{session_id}"]["delete"]["responses"]

    def ref(content):
        return content["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert ref(paths[EVENTS]["get"]["responses"]["200"]) == "EventPage"
    assert ref(paths[EVENTS]["post"]["requestBody"]) == "EventCreate"
    assert ref(paths[EVENTS + "/{event_id}"]["get"]["responses"]["200"]) == "EventDetail"

    parameters = {p["name"]: p for p in paths[EVENTS]["get"]["parameters"]}
    assert parameters["status"]["schema"]["enum"] == ["draft", "published", "cancelled"]
    assert parameters["per_page"]["schema"]["maximum"] == 100

    schemas = spec["components"]["schemas"]
    assert {"slug", "title", "theme", "starts_at", "ends_at", "venue", "city", "capacity", "registration_opens_at",
            "registration_closes_at", "status"} <= set(schemas["Event"]["properties"])
    assert "sessions" not in schemas["Event"]["properties"]
    assert {"organizers", "sessions"} <= set(schemas["EventDetail"]["properties"])
    assert schemas["Event"]["properties"]["starts_at"]["format"] == "date-time"
    assert "offset" in schemas["EventCreate"]["properties"]["starts_at"]["description"]
    assert sorted(schemas["EventCreate"]["required"]) == ["ends_at", "slug", "starts_at", "title"]
    assert schemas["Organizer"]["properties"]["role"]["enum"] == [r.value for r in OrganizerRole]
    assert schemas["Organizer"]["properties"]["role"]["enum"][:3] == ["guiding", "host", "co_organizer"]
    assert schemas["ItemCreate"]["properties"]["kind"]["enum"] == [k.value for k in AgendaKind]
    assert {"opening_remarks", "signing_ceremony", "break"} <= set(schemas["Item"]["properties"]["kind"]["enum"])
    assert schemas["ParticipantCreate"]["properties"]["part"]["enum"] == [p.value for p in ParticipantPart]
    assert schemas["EventStatus"]["properties"]["status"]["enum"] == [s.value for s in EventStatus]
    assert set(schemas["PersonRef"]["properties"]) == {"id", "name", "title"}


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_moving_an_event_with_sessions_to_an_impossible_year_is_refused_at_the_field(staff, db, people, field):
    """A time outside 2000–2100 used to reach the session check as None (500)."""
    url = f"{EVENTS}/{people.meeting.event.id}"
    before = staff.get(url).get_json()
    for value in ("0331-08-06T22:12:33Z", "9999-12-31T23:59:59-23:59"):
        response = staff.patch(url, json={field: value, "capacity": 2100})
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"] == {field: ["Enter a year between 2000 and 2100."]}
    assert staff.get(url).get_json() == before
