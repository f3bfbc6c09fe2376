"""Public pages answer conditional requests: an unchanged page is a 304 for an
anonymous visitor or a proxy, any change to what it shows makes a new ETag, and
a signed-in visitor's page is never stored by anyone."""
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.http import http_date

from alliance_app.events import services as event_services
from alliance_app.members import services as member_services

from . import factories
from .conftest import login


def _urls(people):
    slug = people.meeting.event.slug
    return [f"/events/{slug}", f"/events/{slug}/program.pdf", f"/events/{slug}/calendar.ics", "/members"]


def _cacheable(response):
    control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    return response.status_code in (200, 304) and "public" in control and "must-revalidate" in control \
        and any(part.startswith("max-age=") for part in control) and "Cookie" in response.headers.get("Vary", "")


@pytest.mark.parametrize("index", range(4), ids=["event page", "programme", "calendar", "directory"])
def test_unchanged_page_is_304_for_etag_and_date(client, people, index):
    url = _urls(people)[index]
    first = client.get(url)
    assert first.status_code == 200 and _cacheable(first)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Set-Cookie" not in first.headers  # a proxy may keep it: nothing personal in it
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and _cacheable(again)
    assert again.headers["ETag"] == first.headers["ETag"]
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    older = http_date(datetime.now(timezone.utc) - timedelta(days=400))
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    # Another ETag (another version of the page) gets the whole page.
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def _changes(people, db):
    meeting = people.meeting

    def edit_event():
        event_services.update_event(meeting.event, {"title": "改名后的会议"}, people.staff)

    def edit_session():
        event_services.update_session(meeting.session, {"room": "第二报告厅"}, people.staff)

    def add_organizer():
        event_services.add_organizer(meeting.event, {"organization_id": people.org_b.id, "role": "co_organizer"},
                                     people.staff)

    def remove_organizer():
        event_services.remove_organizer(meeting.event.organizers[0], people.staff)

    def remove_speaker():
        event_services.remove_participant(meeting.participant, people.staff)

    def rename_host():
        member_services.update_organization(meeting.event.organizers[0].organization, {"name": "新名字有限公司"},
                                            people.staff)

    return {"event edit": edit_event, "session edit": edit_session, "organizer added": add_organizer,
            "organizer removed": remove_organizer, "speaker removed": remove_speaker,
            "host organization renamed": rename_host}


@pytest.mark.parametrize("change", ["event edit", "session edit", "organizer added", "organizer removed",
                                    "speaker removed", "host organization renamed"])
def test_a_change_to_what_the_event_shows_makes_a_new_etag(client, people, db, change):
    slug = people.meeting.event.slug
    urls = [f"/events/{slug}", f"/events/{slug}/program.pdf", f"/events/{slug}/calendar.ics"]
    before = {url: client.get(url).headers["ETag"] for url in urls}
    db.session.expire_all()
    _changes(people, db)[change]()
    db.session.commit()
    for url in urls:
        response = client.get(url, headers={"If-None-Match": before[url]})
        assert response.status_code == 200, (change, url)
        assert response.headers["ETag"] != before[url]
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    if change == "event edit":
        assert "改名后的会议" in page
    if change == "host organization renamed":
        assert "新名字有限公司" in page


def test_directory_changes_when_a_member_joins_or_is_renamed(client, people, db):
    first = client.get("/members")
    factories.organization("新加入的会员单位")
    db.session.commit()
    joined = client.get("/members", headers={"If-None-Match": first.headers["ETag"]})
    assert joined.status_code == 200 and "新加入的会员单位" in joined.get_data(as_text=True)
    member_services.update_organization(people.org_a, {"name": "甲单位改名"}, people.staff)
    db.session.commit()
    renamed = client.get("/members", headers={"If-None-Match": joined.headers["ETag"]})
    assert renamed.status_code == 200 and "甲单位改名" in renamed.get_data(as_text=True)


@pytest.mark.parametrize("role", ["member_a", "staff"])
def test_signed_in_pages_are_never_stored_nor_304(client, people, role):
    urls = _urls(people)
    anonymous = {url: client.get(url).headers["ETag"] for url in urls}
    login(client, getattr(people, role))
    for url in urls:
        response = client.get(url, headers={"If-None-Match": anonymous[url]})
        assert response.status_code == 200, url
        assert "ETag" not in response.headers
        control = response.headers["Cache-Control"]
        assert "private" in control and "no-store" in control and "public" not in control
        assert "Cookie" in response.headers["Vary"]


def test_languages_do_not_share_an_answer(client, people):
    url = f"/events/{people.meeting.event.slug}"
    chinese = client.get(url)
    assert "议程" in chinese.get_data(as_text=True)
    client.set_cookie("alliance_lang", "en")
    english = client.get(url, headers={"If-None-Match": chinese.headers["ETag"]})
    assert english.status_code == 200 and "Agenda" in english.get_data(as_text=True)
    assert english.headers["ETag"] != chinese.headers["ETag"]
    assert "Cookie" in english.headers["Vary"]
    assert client.get(url, headers={"If-None-Match": english.headers["ETag"]}).status_code == 304


def test_drafts_stay_hidden_and_uncached(client, people, db):
    draft = factories.event("draft-meeting", publish=False)
    db.session.commit()
    response = client.get(f"/events/{draft.event.slug}")
    assert response.status_code == 404 and "ETag" not in response.headers
    assert client.get(f"/events/{draft.event.slug}/program.pdf", headers={"If-None-Match": "*"}).status_code == 404


@pytest.fixture
def csrf_app(app_config, tmp_path, monkeypatch):
    from alliance_app import create_app

    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({**app_config, "WTF_CSRF_ENABLED": True})


def test_anonymous_language_switch_needs_no_session_token(csrf_app, people, db):
    """The cached page carries no session token, so switching works without one;
    a signed-in user's switch is saved on the account and still needs it."""
    client = csrf_app.test_client()
    page = client.get(f"/events/{people.meeting.event.slug}")
    assert "csrf_token" not in page.get_data(as_text=True) and "Set-Cookie" not in page.headers
    switched = client.post("/language", data={"lang": "en", "next": "/members"})
    assert switched.status_code == 302 and "alliance_lang=en" in switched.headers["Set-Cookie"]
    login(client, people.member_a)
    assert client.post("/language", data={"lang": "en", "next": "/members"}).status_code == 400
    db.session.refresh(people.member_a)
    assert people.member_a.locale != "en"


def test_reordering_organizers_makes_a_new_etag(client, people, db):
    """Organizer rows have no time of their own: a move changes no count and no
    organization, only the order the page prints them in."""
    event = people.meeting.event
    second = event_services.add_organizer(event, {"organization_id": people.org_b.id, "role": "host"}, people.staff)
    db.session.commit()
    url = f"/events/{event.slug}"
    before = client.get(url)
    page = before.get_data(as_text=True)
    assert page.index(people.org_a.name) < page.index(people.org_b.name)
    event_services.move_organizer(second, "up", people.staff)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    page = after.get_data(as_text=True)
    assert page.index(people.org_b.name) < page.index(people.org_a.name)
