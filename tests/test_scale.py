"""Lists at the scale of a national congress (issue 21 item 5): the pages that
grew with the directory or the delegates stay the same size in statements, and
what moved to keep them so (the quota form, the public directory's pages) still
works. benchmarks/scale.py measures the same at 100,000 registrations."""
import re

import pytest

from alliance_app.members.models import MembershipStatus
from alliance_app.members.views import DIRECTORY_PAGE
from alliance_app.registrations.models import EventQuota
from alliance_app.registrations.views import ORGANIZATIONS_SHOWN

from . import factories
from .conftest import login, statements_sent


def _more_delegates(meeting, staff, organizations, n):
    for i in range(n):
        factories.registration(meeting, staff, organizations[i % len(organizations)], f"代表{i:03d}")


def test_registration_list_sends_the_same_statements_whatever_the_directory(client, people, db):
    meeting = people.meeting.event
    meeting.capacity = 1000
    db.session.add(EventQuota(event_id=meeting.id, organization_id=people.org_b.id, quota=10, seats_taken=0))
    db.session.commit()
    login(client, people.staff)
    url = f"/admin/events/{meeting.id}/registrations"
    few, few_statements = statements_sent(db, lambda: client.get(url))
    organizations = [factories.organization(f"规模单位{n:03d}有限公司") for n in range(40)]
    _more_delegates(meeting, people.staff, organizations, 120)
    for org in organizations[:3]:
        db.session.add(EventQuota(event_id=meeting.id, organization_id=org.id, quota=10, seats_taken=0))
    db.session.commit()
    many, many_statements = statements_sent(db, lambda: client.get(url))
    text = many.get_data(as_text=True)
    assert "代表000" in text and "规模单位002有限公司: 0 / 10" in text  # the quotas are still listed
    assert len(few_statements) == len(many_statements), many_statements
    # No select of every organization on the list page: its options do not grow with the directory.
    assert text.count("<option") == few.get_data(as_text=True).count("<option")
    assert "规模单位039有限公司</option>" not in text
    # The figures by organization show the 30 largest delegations, and say how many more there are.
    figures = text[text.index("<details"):text.index("</details>")]
    by_organization = figures[figures.index('<div class="col-md-8">'):]
    assert by_organization.count("<tr>") - 1 == ORGANIZATIONS_SHOWN  # less the header row
    assert "另有 11 家单位" in figures  # 41 organizations: 甲单位 and the 40 new ones


def test_quotas_are_set_on_their_own_page(client, people, db):
    meeting = people.meeting.event
    login(client, people.staff)
    page = client.get(f"/admin/events/{meeting.id}/quotas")
    assert page.status_code == 200
    assert re.search(rf'<option value="{people.org_b.id}">乙单位有限公司</option>', page.get_data(as_text=True))
    saved = client.post(f"/admin/events/{meeting.id}/quotas",
                        data={"organization_id": str(people.org_b.id), "quota": "5"}, follow_redirects=True)
    assert saved.request.path == f"/admin/events/{meeting.id}/quotas"
    assert "乙单位有限公司: 0 / 5" in saved.get_data(as_text=True)
    refused = client.post(f"/admin/events/{meeting.id}/quotas",
                          data={"organization_id": str(people.org_b.id), "quota": "many"}, follow_redirects=True)
    assert "请选择单位并输入整数。" in refused.get_data(as_text=True)
    assert db.session.query(EventQuota).filter_by(organization_id=people.org_b.id).one().quota == 5
    # The list page links to it.
    listing = client.get(f"/admin/events/{meeting.id}/registrations").get_data(as_text=True)
    assert f'href="/admin/events/{meeting.id}/quotas"' in listing


def test_applications_page_loads_contacts_in_one_query(client, people, db):
    login(client, people.staff)
    few, few_statements = statements_sent(db, lambda: client.get("/admin/applications"))
    for n in range(15):
        org = factories.organization(f"申请单位{n:02d}有限公司", membership_status=MembershipStatus.applicant)
        factories.contact(org, f"联系人{n:02d}", mobile=f"1380000{n:04d}", is_main=True)
    many, many_statements = statements_sent(db, lambda: client.get("/admin/applications"))
    assert "联系人14 13800000014" in many.get_data(as_text=True)
    assert len(few_statements) == len(many_statements), many_statements


def test_public_directory_comes_in_pages(client, people, db):
    for n in range(DIRECTORY_PAGE + 5):
        factories.organization(f"会员单位{n:03d}有限公司", tier="member")
    first = client.get("/members").get_data(as_text=True)
    rows = first.count("<tr>") - 1  # the header row
    assert rows == DIRECTORY_PAGE
    second = client.get("/members?page=2").get_data(as_text=True)
    assert second.count("<tr>") - 1 == DIRECTORY_PAGE + 2 + 5 - DIRECTORY_PAGE  # 甲, 乙 and the 105 new ones
    names = set(re.findall(r"会员单位\d{3}有限公司|[甲乙]单位有限公司", first + second))
    assert len(names) == DIRECTORY_PAGE + 5 + 2  # every member once, over the two pages
    assert 'href="/members?page=2"' in first


# --- keyset pages of the API's registration list ---------------------------------------------------

def _walk(client, url, headers, per_page):
    """Every page by `after`, from the first; the ids in the order answered."""
    ids, after, pages = [], None, 0
    while True:
        answer = client.get(url, query_string={"per_page": per_page, **({"after": after} if after else {})},
                            headers=headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        ids += [item["id"] for item in body["items"]]
        pages += 1
        after = body["next_cursor"]
        if after is None:
            return ids, pages, body


def test_registration_pages_by_cursor_walk_the_list_once_with_equal_times(client, people, db):
    from sqlalchemy import update

    from alliance_app.registrations.models import Registration

    meeting = people.meeting.event
    meeting.capacity = 1000
    db.session.commit()
    for i in range(10):
        factories.registration(meeting, people.staff, people.org_b if i % 2 else people.org_a, f"代表{i}")
    # A registration rush: four delegates in the same instant, between others.
    ids = db.session.scalars(select_ids(meeting.id)).all()
    same = ids[3:7]
    moment = db.session.get(Registration, ids[3]).created_at
    db.session.execute(update(Registration).where(Registration.id.in_(same)).values(created_at=moment))
    db.session.commit()
    expected = [r.id for r in sorted(db.session.query(Registration).filter_by(event_id=meeting.id),
                                     key=lambda r: (r.created_at, r.id))]
    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    url = f"/api/v1/events/{meeting.id}/registrations"
    for per_page in (1, 2, 3, 4, 100):
        walked, pages, last = _walk(client, url, headers, per_page)
        assert walked == expected, per_page  # no gap, no repeat, in registration order
        assert pages == -(-len(expected) // per_page) and last["total"] == len(expected)
        assert last["page"] == (1 if pages == 1 else None)  # a page asked by cursor has no number
    # The page numbers still work, give the same rows, and a cursor to go on from.
    by_page = client.get(url, query_string={"per_page": 4, "page": 2}, headers=headers).get_json()
    assert [i["id"] for i in by_page["items"]] == expected[4:8] and by_page["page"] == 2
    after = client.get(url, query_string={"per_page": 4, "after": by_page["next_cursor"]}, headers=headers)
    assert [i["id"] for i in after.get_json()["items"]] == expected[8:]
    # A member walks its own organization's rows only.
    member = {"Authorization": f"Bearer {factories.token(people.member_b)}"}
    own, _pages, _last = _walk(client, url, member, 2)
    assert own == [i for i in expected if db.session.get(Registration, i).organization_id == people.org_b.id]


def select_ids(event_id):
    from sqlalchemy import select

    from alliance_app.registrations.models import Registration

    return select(Registration.id).where(Registration.event_id == event_id).order_by(Registration.id)


@pytest.mark.parametrize("after", ["nonsense", "W10", "WyJ4IiwxXQ", "WzEsMl0", "WyIyMDI3LTAxLTAxVDAwOjAwOjAwIiwxXQ",
                                   "WyIyMDI3LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwiMSJd", "!!!"])
def test_a_cursor_not_from_the_list_is_refused_at_its_field(client, people, after):
    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    answer = client.get(f"/api/v1/events/{people.meeting.event.id}/registrations", query_string={"after": after},
                        headers=headers)
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == ["after"]


def test_deep_cursor_pages_send_the_statements_of_the_first(client, people, db):
    meeting = people.meeting.event
    meeting.capacity = 1000
    db.session.commit()
    for i in range(12):
        factories.registration(meeting, people.staff, people.org_a, f"代表{i}")
    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    url = f"/api/v1/events/{meeting.id}/registrations"
    client.get(url, headers=headers)  # the token's first use is stamped (an UPDATE) once
    first, first_statements = statements_sent(db, lambda: client.get(url, query_string={"per_page": 3},
                                                                      headers=headers))
    cursor = first.get_json()["next_cursor"]
    for _ in range(2):
        cursor = client.get(url, query_string={"per_page": 3, "after": cursor}, headers=headers).get_json()[
            "next_cursor"]
    deep, deep_statements = statements_sent(db, lambda: client.get(url, query_string={"per_page": 3, "after": cursor},
                                                                    headers=headers))
    assert len(deep.get_json()["items"]) == 3
    assert len(first_statements) == len(deep_statements), deep_statements


def test_applications_come_in_pages(client, people, db):
    from alliance_app.members.views import APPLICATIONS_PAGE

    for n in range(APPLICATIONS_PAGE + 3):
        factories.organization(f"排队申请单位{n:03d}有限公司", membership_status=MembershipStatus.applicant)
    login(client, people.staff)
    first = client.get("/admin/applications").get_data(as_text=True)
    second = client.get("/admin/applications?page=2").get_data(as_text=True)
    assert first.count('class="card mb-3"') == APPLICATIONS_PAGE and 'href="/admin/applications?page=2"' in first
    # people.applicant and the 53 new ones, oldest first, each once.
    assert second.count('class="card mb-3"') == 4 and "排队申请单位052有限公司" in second
    names = re.findall(r"排队申请单位\d{3}有限公司|申请中单位有限公司", first + second)
    assert len(names) == len(set(names)) == APPLICATIONS_PAGE + 4
    assert names[0] == "申请中单位有限公司"


def test_public_events_come_in_pages(client, people, db):
    from datetime import datetime, timedelta, timezone

    from alliance_app.events.models import Event, EventStatus
    from alliance_app.events.views import PUBLIC_EVENTS_PAGE

    start = datetime(2020, 1, 1, 1, tzinfo=timezone.utc)
    for n in range(PUBLIC_EVENTS_PAGE + 2):  # two of them at the same time
        moment = start.replace(year=2020 + min(n, PUBLIC_EVENTS_PAGE))
        db.session.add(Event(slug=f"page-event-{n}", title=f"往届会议{n:02d}", starts_at=moment,
                             ends_at=moment + timedelta(hours=8), status=EventStatus.published))
    db.session.add(Event(slug="page-draft", title="草稿会议", starts_at=start,
                         ends_at=start + timedelta(hours=8), status=EventStatus.draft))
    db.session.commit()
    few, few_statements = statements_sent(db, lambda: client.get("/events?page=2"))
    first, first_statements = statements_sent(db, lambda: client.get("/events"))
    titles = re.findall(r"往届会议\d{2}|草稿会议", first.get_data(as_text=True) + few.get_data(as_text=True))
    # The meeting of the people fixture (2027) first, then the 22 by date; the draft never; each once.
    assert first.get_data(as_text=True).count('class="card h-100"') == PUBLIC_EVENTS_PAGE
    assert len(titles) == len(set(titles)) == PUBLIC_EVENTS_PAGE + 2 and "草稿会议" not in titles
    assert 'href="/events?page=2"' in first.get_data(as_text=True)
    assert len(few_statements) == len(first_statements)
