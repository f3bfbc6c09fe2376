"""Protocol: surname stroke order, ranks and the rostrum (主席台座次)."""
import pytest
from sqlalchemy import func, select

from alliance_app.core.strokes import stroke_key
from alliance_app.events import services as events
from alliance_app.events.models import Person
from alliance_app.extensions import db
from alliance_app.protocol import services
from alliance_app.protocol.models import ProtocolRank, RostrumSeat
from alliance_app.protocol.seating import arrange_row, arrange_rows

from .conftest import login
from .pdfs import assert_embedded_font_only, language, pdf_pages, squash
from .test_api_events import SECRETARIAT_READ, _expect
from .test_authorization import SECRETARIAT, expect

SECRETARIAT_POST = expect(302, 403, 403, 302, 302)

SECRETARIAT_PUT = _expect(401, 403, 403, 400, 400)
# Without a body the array schema answers 422 (a missing array) once access is granted.
SECRETARIAT_RANKS_PUT = _expect(401, 403, 403, 422, 422)

AUTHZ_ROWS = {
    ("api_protocol.ranks", "GET"): ("/api/v1/events/{event_id}/ranks", SECRETARIAT_READ),
    ("api_protocol.ranks", "PUT"): ("/api/v1/events/{event_id}/ranks", SECRETARIAT_RANKS_PUT),
    ("api_protocol.rostrum", "GET"): ("/api/v1/sessions/{session_id}/rostrum", SECRETARIAT_READ),
    ("api_protocol.rostrum", "PUT"): ("/api/v1/sessions/{session_id}/rostrum", SECRETARIAT_PUT),
    ("protocol.session_protocol", "GET"): ("/admin/sessions/{session_id}/protocol", SECRETARIAT),
    ("protocol.ranks", "POST"): ("/admin/sessions/{session_id}/protocol/ranks", SECRETARIAT_POST),
    ("protocol.seat_proposal", "POST"): ("/admin/sessions/{session_id}/protocol/propose", SECRETARIAT_POST),
    ("protocol.swap", "POST"): ("/admin/sessions/{session_id}/protocol/swap", SECRETARIAT_POST),
    ("protocol.rostrum_pdf", "GET"): ("/admin/sessions/{session_id}/rostrum.pdf", SECRETARIAT),
    ("protocol.rostrum_cards", "GET"): ("/admin/sessions/{session_id}/table-cards.pdf", SECRETARIAT),
    ("api_protocol.seats", "GET"): ("/api/v1/sessions/{session_id}/seats", SECRETARIAT_READ),
    ("api_protocol.seats", "POST"): ("/api/v1/sessions/{session_id}/seats", SECRETARIAT_PUT),
    ("protocol.hall_page", "GET"): ("/admin/sessions/{session_id}/hall", SECRETARIAT),
    ("protocol.hall_zones", "POST"): ("/admin/sessions/{session_id}/hall/zones", SECRETARIAT_POST),
    ("protocol.hall_by_rule", "POST"): ("/admin/sessions/{session_id}/hall/by-rule", SECRETARIAT_POST),
    ("protocol.hall_assign", "POST"): ("/admin/sessions/{session_id}/hall/assign", SECRETARIAT_POST),
    ("protocol.hall_unassign", "POST"): ("/admin/sessions/{session_id}/hall/unassign", SECRETARIAT_POST),
    ("protocol.hall_pdf", "GET"): ("/admin/sessions/{session_id}/hall.pdf", SECRETARIAT),
    ("protocol.delegate_cards", "GET"): ("/admin/events/{event_id}/table-cards.pdf?registration_ids={registration_id}",
                                         SECRETARIAT),
}


# --- stroke order ----------------------------------------------------------------------------------

def test_surnames_sort_by_stroke_count_then_by_the_first_stroke():
    # 王 has 4 strokes; 李 and 张 have 7, and 李 starts with 横 where 张 starts with 折.
    assert sorted(["张伟", "李娜", "王芳"], key=stroke_key) == ["王芳", "李娜", "张伟"]
    assert sorted(["张", "李"], key=stroke_key) == ["李", "张"]


def test_the_given_name_decides_between_equal_surnames_and_a_shorter_name_comes_first():
    assert sorted(["王五", "王", "王二"], key=stroke_key) == ["王", "王二", "王五"]


def test_minority_and_foreign_names_sort_without_failing():
    names = ["Smith", "阿依古丽·买买提", "丁一", "𠮷田"]
    ordered = sorted(names, key=stroke_key)
    assert ordered[0] == "丁一"
    assert ordered[-1] == "Smith"  # letters after every Chinese name
    assert stroke_key("阿依古丽·买买提") == stroke_key("阿依古丽买买提")  # the middle dot is not a character


# --- the arrangement -----------------------------------------------------------------------------

@pytest.mark.parametrize("count, left, right", [
    (1, [1], [1]),
    (3, [3, 1, 2], [2, 1, 3]),
    (5, [5, 3, 1, 2, 4], [4, 2, 1, 3, 5]),
    (2, [2, 1], [1, 2]),
    (4, [4, 2, 1, 3], [3, 1, 2, 4]),
    (6, [6, 4, 2, 1, 3, 5], [5, 3, 1, 2, 4, 6]),
])
def test_the_most_senior_sits_in_the_centre_and_the_next_alternate(count, left, right):
    # Rows read left to right as seen from the hall. 左为上: the second sits to the first's left
    # counted from the rostrum, i.e. to the first's right as seen from the hall.
    assert arrange_row(list(range(1, count + 1)), "left") == left
    assert arrange_row(list(range(1, count + 1)), "right") == right


def test_a_second_row_continues_behind_the_first_and_the_rest_are_named():
    rows, rest = arrange_rows(list(range(1, 10)), seats_per_row=3, rows=2, senior_side="left")
    assert rows == [[3, 1, 2], [6, 4, 5]]
    assert rest == [7, 8, 9]


# --- ranks and the rostrum through the API ------------------------------------------------------

def _people(*names):
    return [events.create_person({"name": name}) for name in names]


def test_ranks_are_replaced_whole_and_equal_ranks_go_by_strokes(staff, people):
    zhang, li, wang = _people("张三", "李四", "王五")
    db.session.commit()
    event_id = people.meeting.event.id
    answer = staff.put(f"/api/v1/events/{event_id}/ranks",
                       json=[{"person_id": zhang.id, "rank": 2}, {"person_id": li.id, "rank": 2},
                             {"person_id": wang.id, "rank": 1}])
    assert answer.status_code == 200, answer.json
    assert [r["name"] for r in answer.json["ranks"]] == ["王五", "李四", "张三"]
    assert staff.get(f"/api/v1/events/{event_id}/ranks").json == answer.json


@pytest.mark.parametrize("entries, field", [
    ([{"person_id": 1, "rank": 0}], "ranks.0"),
    ([{"person_id": 1, "rank": -3}], "ranks.0"),
    ([{"person_id": 999999, "rank": 1}], "ranks"),
])
def test_a_bad_rank_is_refused_and_nothing_is_saved(staff, people, entries, field):
    person, = _people("赵六")
    db.session.commit()
    event_id = people.meeting.event.id
    assert staff.put(f"/api/v1/events/{event_id}/ranks", json=[{"person_id": person.id, "rank": 1}]).status_code == 200
    entries = [dict(e, person_id=person.id if e["person_id"] == 1 else e["person_id"]) for e in entries]
    answer = staff.put(f"/api/v1/events/{event_id}/ranks", json=[{"person_id": person.id, "rank": 1}, *entries])
    assert answer.status_code == 422
    assert answer.json["errors"]
    assert db.session.scalar(select(func.count()).select_from(ProtocolRank)) == 1


def test_a_person_ranked_twice_or_a_rank_as_text_is_refused(staff, people):
    person, = _people("赵六")
    db.session.commit()
    url = f"/api/v1/events/{people.meeting.event.id}/ranks"
    twice = staff.put(url, json=[{"person_id": person.id, "rank": 1}, {"person_id": person.id, "rank": 2}])
    assert twice.status_code == 422 and "ranked twice" in str(twice.json["errors"])
    assert staff.put(url, json=[{"person_id": person.id, "rank": "1"}]).status_code == 422
    assert staff.put(url, json={"person_id": person.id, "rank": 1}).status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(ProtocolRank)) == 0


def test_the_proposal_seats_the_ranked_and_a_put_saves_it(staff, people):
    leaders = _people("程英春", "李力", "吴玉程", "王斌", "徐兴无")
    db.session.commit()
    event_id, session_id = people.meeting.event.id, people.meeting.session.id
    staff.put(f"/api/v1/events/{event_id}/ranks",
              json=[{"person_id": p.id, "rank": n} for n, p in enumerate(leaders, start=1)])
    proposal = staff.get(f"/api/v1/sessions/{session_id}/rostrum?propose=1").json
    assert proposal["proposed"] is True and proposal["senior_side"] == "left"
    assert proposal["names"] == [["徐兴无", "吴玉程", "程英春", "李力", "王斌"]]
    assert staff.get(f"/api/v1/sessions/{session_id}/rostrum").json["rows"] == []  # nothing saved yet
    saved = staff.put(f"/api/v1/sessions/{session_id}/rostrum", json={"rows": proposal["rows"]})
    assert saved.status_code == 200, saved.json
    assert staff.get(f"/api/v1/sessions/{session_id}/rostrum").json["rows"] == proposal["rows"]


def test_swapping_two_seats_by_hand(people):
    a, b, c = _people("甲", "乙", "丙")
    session = people.meeting.session
    services.save_rostrum(session, [[a.id, b.id, c.id]])
    rows = services.swap_seats(session, a.id, c.id)
    assert [p.id for p in rows[0]] == [c.id, b.id, a.id]


@pytest.mark.parametrize("rows, message", [
    ("rows", "Not a valid list"),
    ([[1, 1]], "two seats"),
    ([[999999]], "no person"),
    ([list(range(1, 13))], "has 11 seats"),
    ([[1], [2], [3]], "2 rows"),
])
def test_a_bad_rostrum_is_refused_and_nothing_is_saved(staff, people, rows, message):
    first, = _people("钱七")
    db.session.commit()
    session_id = people.meeting.session.id
    assert staff.put(f"/api/v1/sessions/{session_id}/rostrum", json={"rows": [[first.id]]}).status_code == 200
    if isinstance(rows, list):
        rows = [[first.id if pid == 1 else pid for pid in row] for row in rows]
    answer = staff.put(f"/api/v1/sessions/{session_id}/rostrum", json={"rows": rows})
    assert answer.status_code == 422, answer.json
    assert message in str(answer.json)
    assert db.session.scalars(select(RostrumSeat.person_id)).all() == [first.id]


def test_people_are_listed_in_surname_stroke_order(staff, people):
    _people("张伟", "李娜", "王芳")
    db.session.commit()
    names = [p["name"] for p in staff.get("/api/v1/people?order=strokes&per_page=100").json["items"]]
    chosen = [n for n in names if n in ("张伟", "李娜", "王芳")]
    assert chosen == ["王芳", "李娜", "张伟"]
    assert staff.get("/api/v1/people?order=height").status_code == 422


def test_a_renamed_person_moves_in_stroke_order(people):
    person, = _people("张伟")
    events.update_person(person, {"name": "丁伟"})
    db.session.flush()
    assert db.session.scalar(select(Person.stroke_key).where(Person.id == person.id)) == stroke_key("丁伟")


# --- pages and print: the diagram, the list and table cards -----------------------------------------

def _seated(people, *names):
    seated = _people(*names)
    db.session.commit()
    event = people.meeting.event
    services.set_ranks(event, [{"person_id": p.id, "rank": n} for n, p in enumerate(seated, start=1)])
    db.session.commit()
    return seated


def test_staff_seat_the_proposal_and_swap_two_seats_on_the_page(client, people):
    chief, second, third = _seated(people, "程英春", "李力", "吴玉程")
    session = people.meeting.session
    login(client, people.staff)
    page = client.get(f"/admin/sessions/{session.id}/protocol")
    assert page.status_code == 200 and "程英春" in page.get_data(as_text=True)
    client.post(f"/admin/sessions/{session.id}/protocol/propose")
    assert [[p.name for p in row] for row in services.rostrum_rows(session)] == [["吴玉程", "程英春", "李力"]]
    answer = client.post(f"/admin/sessions/{session.id}/protocol/swap", data={"first": third.id, "second": second.id},
                         follow_redirects=True)
    assert "swapped" in answer.get_data(as_text=True) or "对调" in answer.get_data(as_text=True)
    assert [[p.name for p in row] for row in services.rostrum_rows(session)] == [["李力", "程英春", "吴玉程"]]


@pytest.mark.parametrize("form", [{"first": "1", "second": "1"}, {"first": "x", "second": ""}, {}])
def test_a_bad_swap_says_so_and_changes_nothing(client, people, form):
    seated = _seated(people, "程英春", "李力")
    session = people.meeting.session
    services.save_rostrum(session, [[seated[1].id, seated[0].id]])
    db.session.commit()
    login(client, people.staff)
    form = {k: (str(seated[0].id) if v == "1" else v) for k, v in form.items()}
    answer = client.post(f"/admin/sessions/{session.id}/protocol/swap", data=form, follow_redirects=True)
    assert "two different people" in answer.get_data(as_text=True) or "两位" in answer.get_data(as_text=True)
    assert [p.id for p in services.rostrum_rows(session)[0]] == [seated[1].id, seated[0].id]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_seating_diagram_is_seen_from_the_hall_with_a_list_in_precedence(app, people, lang):
    chief, second, third = _seated(people, "程英春", "李力", "吴玉程")
    session = people.meeting.session
    services.save_rostrum(session, [[third.id, chief.id, second.id]])
    with language(app, lang):
        data = services.rostrum_pdf(session)
    assert_embedded_font_only(data)
    diagram, listing = pdf_pages(data, layout=True)
    # Left to right as seen from the hall.
    line = next(ln for ln in diagram.splitlines() if "程英春" in ln)
    assert line.index("吴玉程") < line.index("程英春") < line.index("李力")
    assert ("左为上" in squash(diagram)) if lang == "zh_CN" else ("Left is senior" in diagram)
    assert squash(listing).index("程英春") < squash(listing).index("李力") < squash(listing).index("吴玉程")


def _card_pages(app, cards, lang="zh_CN", details=True):
    from alliance_app.protocol.documents import table_cards_pdf

    with language(app, lang):
        return table_cards_pdf(cards, title="主会场", details=details)


def test_a_table_card_carries_the_name_on_both_faces_and_shrinks_long_names(app, people):
    from alliance_app.protocol.documents import NAME_LARGEST, PAGE_W, Card, fit_name

    data = _card_pages(app, [Card("程英春", "安徽省经济和信息化厅", "副厅长"),
                             Card("阿依古丽·买买提江·艾尔肯", "", "")])
    assert_embedded_font_only(data)
    first, second = pdf_pages(data)
    assert squash(first).count("程英春") == 2 and squash(first).count("副厅长") == 2
    assert squash(second).count("阿依古丽·买买提江·艾尔肯") == 2
    with app.test_request_context("/"):
        _lines, short = fit_name("程英春", PAGE_W, 300, NAME_LARGEST)
        lines, long = fit_name("阿依古丽·买买提江·艾尔肯", PAGE_W - 24, 300, NAME_LARGEST)
        foreign, _size = fit_name("Konstantinos Papadopoulos-Georgiou", 500, 300, NAME_LARGEST, 48)
    assert short == NAME_LARGEST and long < short
    assert len(foreign) == 2  # too small on one line: two lines, cut at the space


def test_a_character_no_font_has_is_reported_before_the_cards(app, people):
    from alliance_app.protocol.documents import Card

    data = _card_pages(app, [Card("𠮷田春")], details=False)
    warning, card = pdf_pages(data)
    assert "U+20BB7" in warning and "〓田春" in squash(warning)
    assert squash(card).count("田春") == 2
    clean = pdf_pages(_card_pages(app, [Card("王芳")], details=False))
    assert len(clean) == 1  # no warning page when every character prints


def test_cards_for_chosen_delegates_in_the_order_chosen(client, people):
    from . import factories

    other = factories.registration(people.meeting.event, people.staff, people.org_b, "乙单位代表")
    login(client, people.staff)
    ids = f"{other.id},{people.registration_a.id},999999"
    answer = client.get(f"/admin/events/{people.meeting.event.id}/table-cards.pdf?registration_ids={ids}&details=1")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pages = [squash(p) for p in pdf_pages(answer.data)]
    assert len(pages) == 2 and "乙单位代表" in pages[0] and "甲单位代表" in pages[1]
    assert "乙单位有限公司" in pages[0]


# --- hall seating -------------------------------------------------------------------------------------

ZONES = [{"name": "贵宾区", "kind": "vip", "rows": 1, "seats": 3},
         {"name": "媒体区", "kind": "media", "rows": 1, "seats": 2},
         {"name": "代表区", "kind": "general", "rows": 2, "seats": 4}]


def _delegates(people, *specs):
    """(name, category, organization) → confirmed registrations."""
    from . import factories

    return [factories.registration(people.meeting.event, people.staff, org, name, category=category)
            for name, category, org in specs]


def test_zones_are_saved_and_delegates_seated_by_rule(staff, people):
    from alliance_app.protocol import hall

    session = people.meeting.session
    media, official, b1, a2 = _delegates(people, ("记者甲", "media", None), ("厅长乙", "government", None),
                                         ("乙单位代表二", "enterprise", people.org_b),
                                         ("甲单位代表二", "enterprise", people.org_a))
    answer = staff.post(f"/api/v1/sessions/{session.id}/seats", json={"zones": ZONES, "by_rule": True})
    assert answer.status_code == 200, answer.json
    where = {a["name"]: (a["zone"], a["row"], a["seat"]) for a in answer.json["assignments"]}
    assert where["记者甲"][0] == "媒体区" and where["厅长乙"] == ("贵宾区", 1, 2)  # the middle of the front row
    # Each organization sits together: 甲单位's two delegates side by side.
    a_seats = sorted(where[n][2] for n in ("甲单位代表", "甲单位代表二"))
    assert where["甲单位代表"][:2] == where["甲单位代表二"][:2] and a_seats[1] - a_seats[0] in (1, 2)
    assert answer.json["seated"] == 5 and answer.json["capacity"] == 13
    assert hall.seat_text(official) in ("座位：贵宾区 第 1 排 2 座", "Seat: 贵宾区, row 1, seat 2")


@pytest.mark.parametrize("assignments, message", [
    ([{"zone": "代表区", "row": 1, "seat": 1}, {"zone": "代表区", "row": 1, "seat": 1}], "both given"),
    ([{"zone": "代表区", "row": 3, "seat": 1}], "there is no row 3"),
    ([{"zone": "代表区", "row": 1, "seat": 0}], "there is no row 1, seat 0"),
    ([{"zone": "后排", "row": 1, "seat": 1}], "no zone called"),
    ([{"zone": "代表区", "row": 1, "seat": 2}], "is taken by"),
])
def test_bad_seats_are_refused_and_nothing_is_saved(staff, people, assignments, message):
    session = people.meeting.session
    first, second = _delegates(people, ("代表一", "enterprise", None), ("代表二", "enterprise", None))
    url = f"/api/v1/sessions/{session.id}/seats"
    held = {"registration_id": people.registration_a.id, "zone": "代表区", "row": 1, "seat": 2}
    assert staff.post(url, json={"zones": ZONES, "assignments": [held]}).status_code == 200
    sent = [dict(a, registration_id=r.id) for a, r in zip(assignments, (first, second))]
    answer = staff.post(url, json={"assignments": sent})
    assert answer.status_code == 422, answer.json
    assert message in str(answer.json["errors"])
    assert [(a["name"], a["seat"]) for a in staff.get(url).json["assignments"]] == [("甲单位代表", 2)]


def test_zones_that_would_drop_a_seated_delegate_are_refused_whole(staff, people):
    session = people.meeting.session
    url = f"/api/v1/sessions/{session.id}/seats"
    staff.post(url, json={"zones": ZONES, "assignments": [
        {"registration_id": people.registration_a.id, "zone": "代表区", "row": 2, "seat": 4}]})
    smaller = [ZONES[0], dict(ZONES[2], rows=1), {"name": "新区", "rows": 0, "seats": 2}]
    answer = staff.post(url, json={"zones": smaller})
    assert answer.status_code == 422 and "zones.2" in answer.json["errors"]
    answer = staff.post(url, json={"zones": smaller[:2]})
    assert answer.status_code == 422 and "would no longer exist" in str(answer.json["errors"])
    assert [z["name"] for z in staff.get(url).json["zones"]] == ["贵宾区", "媒体区", "代表区"]


def test_a_delegate_not_confirmed_gets_no_seat(staff, people):
    from alliance_app.registrations.models import RegistrationStatus

    waiting, = _delegates(people, ("候补代表", "enterprise", None))
    waiting.status = RegistrationStatus.waitlisted
    db.session.commit()
    url = f"/api/v1/sessions/{people.meeting.session.id}/seats"
    answer = staff.post(url, json={"zones": ZONES, "assignments": [
        {"registration_id": waiting.id, "zone": "代表区", "row": 1, "seat": 1}]})
    assert answer.status_code == 422 and "not confirmed" in str(answer.json["errors"])
    assert staff.get(url).json["zones"] == []  # the zones of the same request are not kept either


def test_the_database_refuses_one_seat_given_twice(people):
    from sqlalchemy.exc import IntegrityError

    from alliance_app.protocol import hall
    from alliance_app.protocol.models import HallSeat

    session = people.meeting.session
    zone = hall.set_zones(session, ZONES)[2]
    other, = _delegates(people, ("代表二", "enterprise", None))
    db.session.add_all([HallSeat(session_id=session.id, zone_id=zone.id, row=1, seat=1,
                                 registration_id=people.registration_a.id),
                        HallSeat(session_id=session.id, zone_id=zone.id, row=1, seat=1, registration_id=other.id)])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_concurrent_requests_for_one_seat_give_it_once(live_server, people, db):
    import json
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from alliance_app.protocol import hall
    from alliance_app.protocol.models import HallSeat

    from . import factories

    session_id = people.meeting.session.id
    hall.set_zones(people.meeting.session, [{"name": "代表区", "rows": 1, "seats": 1}])
    delegates = _delegates(people, *[(f"并发代表{n}", "enterprise", None) for n in range(8)])
    ids = [d.id for d in delegates]
    token = factories.token(people.staff)
    db.session.commit()
    db.session.remove()

    def attempt(registration_id):
        body = json.dumps({"assignments": [{"registration_id": registration_id, "zone": "代表区", "row": 1,
                                            "seat": 1}]}).encode()
        request = urllib.request.Request(f"{live_server}/api/v1/sessions/{session_id}/seats", body, method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        try:
            return urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(attempt, ids))
    assert codes.count(200) == 1 and set(codes) <= {200, 409, 422}, codes
    assert db.session.scalar(select(func.count()).select_from(HallSeat)) == 1


def test_staff_lay_out_the_hall_and_seat_by_hand_on_the_page(client, people):
    session = people.meeting.session
    login(client, people.staff)
    form = {"zones-0-name": "代表区", "zones-0-kind": "general", "zones-0-layout": "tables", "zones-0-rows": "2",
            "zones-0-seats": "10"}
    page = client.post(f"/admin/sessions/{session.id}/hall/zones", data=form, follow_redirects=True)
    assert "代表区" in page.get_data(as_text=True)
    bad = client.post(f"/admin/sessions/{session.id}/hall/assign", follow_redirects=True,
                      data={"registration_id": people.registration_a.id, "zone": "代表区", "row": "3", "seat": "1"})
    assert "there is no row 3" in bad.get_data(as_text=True) or "没有第 3" in bad.get_data(as_text=True)
    client.post(f"/admin/sessions/{session.id}/hall/assign",
                data={"registration_id": people.registration_a.id, "zone": "代表区", "row": "2", "seat": "7"})
    page = client.get(f"/admin/sessions/{session.id}/hall").get_data(as_text=True)
    assert "甲单位代表" in page
    ticket = client.get(f"/t/1/{people.registration_a.ticket_code}").get_data(as_text=True)
    assert "代表区" in ticket  # shown at check-in


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_seat_is_on_the_badge_and_the_ticket_and_the_chart(app, people, lang):
    from alliance_app.protocol import hall
    from alliance_app.registrations.documents import badges_pdf, ticket_pdf

    session = people.meeting.session
    hall.set_zones(session, ZONES)
    hall.assign(session, [{"registration_id": people.registration_a.id, "zone": "贵宾区", "row": 1, "seat": 3}])
    db.session.commit()
    with language(app, lang):
        badge = squash(pdf_pages(badges_pdf(people.meeting.event, [people.registration_a]))[0])
        ticket = squash(pdf_pages(ticket_pdf(people.registration_a))[0])
        chart = hall.seating_chart_pdf(session)
    seat = "贵宾区第1排3座" if lang == "zh_CN" else "贵宾区,row1,seat3"
    assert seat in badge and seat in ticket
    assert_embedded_font_only(chart)
    grid, listing = (squash(p) for p in pdf_pages(chart))
    assert "甲单位代表" in grid and "媒体区" in grid and seat in listing


def test_the_demo_plenary_has_its_rostrum_table_cards_and_hall(app, db):
    from alliance_app.demo import MEETING_SLUG, load_demo_data
    from alliance_app.events.models import Event
    from alliance_app.protocol import hall
    from alliance_app.protocol.documents import card_for_person, table_cards_pdf
    from alliance_app.registrations.documents import badges_pdf

    load_demo_data()
    db.session.commit()
    meeting = db.session.scalar(select(Event).where(Event.slug == MEETING_SLUG))
    plenary = meeting.sessions[0]
    front = services.rostrum_rows(plenary)[0]
    most_senior = services.ranked_people(meeting)[0][0]
    assert len(front) % 2 == 1 and front[len(front) // 2].id == most_senior.id
    with language(app):
        cards = pdf_pages(table_cards_pdf([card_for_person(p) for p in services.rostrum_in_precedence(plenary)],
                                          title=plenary.title))
        assert len(cards) == len(front) and squash(cards[0]).count(most_senior.name) == 2
        seated = hall.assignments(plenary)
        assert hall.counts(plenary)["seated"] == len(seated) > 250
        delegate = seated[-1].registration
        badge = squash(pdf_pages(badges_pdf(meeting, [delegate]))[0])
        assert squash(hall.seat_label(seated[-1].zone, seated[-1].row, seated[-1].seat)) in badge


def test_seating_by_rule_names_who_finds_no_seat(client, people):
    from alliance_app.protocol import hall

    session = people.meeting.session
    hall.set_zones(session, [{"name": "小厅", "rows": 1, "seats": 1}])
    _delegates(people, ("乙单位代表", "enterprise", people.org_b))
    login(client, people.staff)
    page = client.post(f"/admin/sessions/{session.id}/hall/by-rule", follow_redirects=True).get_data(as_text=True)
    assert "No seat was left for 1 delegates" in page or "1 位代表没有座位" in page
    assert hall.counts(session) == {"capacity": 1, "seated": 1}


def test_staff_rank_the_agenda_people_on_the_page_and_a_bad_rank_is_named(client, people):
    speaker = people.meeting.person  # on the meeting's agenda
    extra, = _people("李力")
    services.set_ranks(people.meeting.event, [{"person_id": extra.id, "rank": 3}])
    db.session.commit()
    session = people.meeting.session
    login(client, people.staff)
    page = client.get(f"/admin/sessions/{session.id}/protocol").get_data(as_text=True)
    assert f'name="rank-{speaker.id}"' in page and f'name="rank-{extra.id}"' in page
    settings = {"senior_side": "right", "rostrum_rows": "1", "seats_per_row": "9"}
    bad = client.post(f"/admin/sessions/{session.id}/protocol/ranks", follow_redirects=True,
                      data={f"rank-{speaker.id}": "0", f"rank-{extra.id}": "1", **settings}).get_data(as_text=True)
    assert f"{speaker.name}: " in bad
    assert [(p.name, r) for p, r in services.ranked_people(people.meeting.event)] == [("李力", 3)]
    bad = client.post(f"/admin/sessions/{session.id}/protocol/ranks", follow_redirects=True,
                      data={f"rank-{speaker.id}": "1", **settings, "seats_per_row": "99"}).get_data(as_text=True)
    assert "1 to 31" in bad or "1 至 31" in bad
    assert [(p.name, r) for p, r in services.ranked_people(people.meeting.event)] == [("李力", 3)]
    client.post(f"/admin/sessions/{session.id}/protocol/ranks",
                data={f"rank-{speaker.id}": "1", f"rank-{extra.id}": "", **settings})
    assert [(p.id, r) for p, r in services.ranked_people(people.meeting.event)] == [(speaker.id, 1)]
    saved = services.settings_for(people.meeting.event)
    assert (saved.senior_side.value, saved.rostrum_rows, saved.seats_per_row) == ("right", 1, 9)


def test_the_seating_chart_warns_of_a_name_the_fonts_cannot_print(app, people):
    from alliance_app.protocol import hall

    session = people.meeting.session
    odd, = _delegates(people, ("𠮷田春", "enterprise", None))
    hall.set_zones(session, ZONES)
    hall.assign(session, [{"registration_id": odd.id, "zone": "代表区", "row": 1, "seat": 1}])
    with language(app):
        pages = pdf_pages(hall.seating_chart_pdf(session))
    assert "U+20BB7" in pages[0] and "〓田春" in squash(pages[0])
    assert "代表区" in squash(pages[1])


def test_a_substitute_takes_over_the_seat_and_a_cancelled_delegate_frees_it(app, people):
    from alliance_app.protocol import hall
    from alliance_app.registrations import services as registrations
    from alliance_app.registrations.substitutes import substitute

    session = people.meeting.session
    leaving, = _delegates(people, ("代表二", "enterprise", people.org_a))
    hall.set_zones(session, ZONES)
    hall.assign(session, [{"registration_id": people.registration_a.id, "zone": "代表区", "row": 1, "seat": 1},
                          {"registration_id": leaving.id, "zone": "代表区", "row": 1, "seat": 2}])
    db.session.commit()
    new = substitute(people.registration_a, {"name": "替换代表", "mobile": "13955550000"}, people.staff)
    db.session.commit()
    with app.test_request_context("/"):
        assert [(s.registration.name, s.seat) for s in hall.assignments(session)] == [("替换代表", 1), ("代表二", 2)]
        registrations.cancel(leaving, people.staff)
        db.session.commit()
        assert hall.counts(session)["seated"] == 1 and hall.seats_of(leaving) == []
        # The cancelled delegate's seat can be given again.
        other, = _delegates(people, ("代表三", "enterprise", None))
        hall.assign(session, [{"registration_id": other.id, "zone": "代表区", "row": 1, "seat": 2}])
        assert [s.registration.name for s in hall.assignments(session)] == ["替换代表", "代表三"]
