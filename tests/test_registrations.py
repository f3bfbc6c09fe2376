"""Registration: members register delegates, capacity and waitlist hold,
moderation, quotas, duplicates, the window, check-in and counts."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance_app.core.db import utcnow
from alliance_app.core.errors import ServiceError
from alliance_app.events.models import Event, EventSession
from alliance_app.registrations import services
from alliance_app.registrations.models import EventQuota, Registration, RegistrationStatus as S

from . import factories
from .conftest import login


@pytest.fixture
def open_event(people, db):
    """Published, registration open now, capacity 3."""
    event = db.session.get(Event, people.meeting.event.id)
    event.capacity = 3
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    return event


def statuses(db, event_id):
    rows = db.session.execute(select(Registration.name, Registration.status).where(
        Registration.event_id == event_id).order_by(Registration.id)).all()
    return {name: status.value for name, status in rows}


def rows(*delegates):
    data = {}
    for index, (name, mobile) in enumerate(delegates):
        data.update({f"delegates-{index}-name": name, f"delegates-{index}-mobile": mobile,
                     f"delegates-{index}-category": "enterprise"})
    return data


def test_member_registers_until_full_then_waitlisted(client, people, open_event, db):
    login(client, people.member_a)
    page = client.get(f"/events/{open_event.slug}/register")
    assert page.status_code == 200 and "登记参会代表" in page.get_data(as_text=True)
    response = client.post(f"/events/{open_event.slug}/register",
                           data=rows(("张一", "13800000001"), ("张二", "13800000002"), ("张三", "13800000003")))
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "登记了 3 位代表" in followed
    result = statuses(db, open_event.id)
    # One seat was taken by the fixture's registration: two confirmed, one waitlisted.
    assert [result[n] for n in ("张一", "张二", "张三")] == ["confirmed", "confirmed", "waitlisted"]
    assert db.session.get(Event, open_event.id).seats_taken == 3


def test_a_cancellation_promotes_the_first_waitlisted(client, people, open_event, db):
    for name in ("一", "二", "三", "四"):
        factories.registration(open_event, people.staff, people.org_b, f"代表{name}")
    assert statuses(db, open_event.id)["代表三"] == "waitlisted"
    login(client, people.member_a)
    assert client.post(f"/registrations/{people.registration_a.id}/cancel").status_code == 302
    result = statuses(db, open_event.id)
    assert result["甲单位代表"] == "cancelled"
    assert (result["代表三"], result["代表四"]) == ("confirmed", "waitlisted")
    assert db.session.get(Event, open_event.id).seats_taken == 3


def test_a_full_event_without_waitlist_refuses(people, open_event, db):
    open_event.waitlist_enabled = False
    db.session.commit()
    factories.registration(open_event, people.staff, people.org_b, "二")
    factories.registration(open_event, people.staff, people.org_b, "三")
    with pytest.raises(ServiceError) as refused:
        services.register(open_event, {"name": "四", "mobile": "13700000004", "category": "media"}, people.staff)
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration).where(Registration.name == "四")) == 0


def test_session_capacity_and_organization_quota(people, open_event, db):
    open_event.capacity = None
    session = db.session.get(EventSession, people.meeting.session.id)
    session.capacity = 1
    db.session.commit()
    first = factories.registration(open_event, people.staff, people.org_b, "会场一", session_ids=[session.id])
    second = factories.registration(open_event, people.staff, people.org_b, "会场二", session_ids=[session.id])
    assert (first.status, second.status) == (S.confirmed, S.waitlisted)
    services.set_quota(open_event, people.org_b.id, 2)
    db.session.commit()
    third = factories.registration(open_event, people.staff, people.org_b, "配额内")
    fourth = factories.registration(open_event, people.staff, people.org_b, "配额外")
    assert (third.status, fourth.status) == (S.confirmed, S.waitlisted)
    assert db.session.scalar(select(EventQuota.seats_taken)) == 2
    with pytest.raises(ServiceError):
        services.set_quota(open_event, people.org_b.id, 1)


def test_moderated_events_wait_for_the_secretariat(client, people, open_event, db):
    open_event.requires_approval = True
    db.session.commit()
    login(client, people.member_a)
    client.post(f"/events/{open_event.slug}/register", data=rows(("待审", "13800000011")))
    waiting = db.session.scalar(select(Registration).where(Registration.name == "待审"))
    assert waiting.status == S.pending and db.session.get(Event, open_event.id).seats_taken == 1
    login(client, people.staff)
    assert client.post(f"/registrations/{waiting.id}/confirm").status_code == 302
    assert db.session.get(Registration, waiting.id).status == S.confirmed


def test_the_same_mobile_twice_names_the_existing_registration(client, people, open_event, db):
    login(client, people.member_a)
    mobile = people.registration_a.mobile
    response = client.post(f"/events/{open_event.slug}/register",
                           data=rows(("新人", f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}")))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "该手机号码已报名：甲单位代表（甲单位有限公司）" in page
    twice = client.post(f"/events/{open_event.slug}/register", data=rows(("甲", "13800000021"), ("乙", "13800000021")))
    assert "同一手机号码在本表中出现了两次" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


@pytest.mark.parametrize("mobile, email, message", [
    ("12345", "", "请输入 11 位大陆手机号码"),
    ("1380013800a", "", "请输入 11 位大陆手机号码"),
    ("13800138000", "not-an-email", "请输入有效的邮箱地址"),
    ("", "", "此项为必填项"),
])
def test_bad_delegate_input_is_shown_at_the_row_and_nothing_is_saved(client, people, open_event, db, mobile, email,
                                                                      message):
    login(client, people.member_a)
    data = rows(("好的", "13800000031"), ("坏的", mobile))
    data["delegates-1-email"] = email
    response = client.post(f"/events/{open_event.slug}/register", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="好的"' in page  # the good row is kept as typed
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_registration_window_and_event_state(client, people, open_event, db):
    login(client, people.member_a)
    open_event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    closed = client.get(f"/events/{open_event.slug}/register").get_data(as_text=True)
    assert "报名已截止" in closed
    refused = client.post(f"/events/{open_event.slug}/register", data=rows(("晚到", "13800000041")))
    assert refused.status_code == 409
    # Editing and cancelling end with the window too.
    assert client.post(f"/registrations/{people.registration_a.id}/cancel", follow_redirects=True).status_code == 200
    assert db.session.get(Registration, people.registration_a.id).status == S.confirmed
    assert client.get(f"/events/{people.draft.event.slug}/register").status_code == 404


def test_a_member_cannot_register_for_another_organization(people, open_event):
    with pytest.raises(ServiceError) as refused:
        services.register(open_event, {"name": "冒名", "mobile": "13800000051", "category": "other"},
                          people.member_a, organization_id=people.org_b.id)
    assert refused.value.status == 403


def test_members_see_masked_mobiles_staff_see_them_in_full(client, people, open_event):
    mobile = people.registration_a.mobile
    login(client, people.member_a)
    mine = client.get("/my/registrations").get_data(as_text=True)
    assert f"{mobile[:3]}****{mobile[-4:]}" in mine and mobile not in mine
    edit = client.get(f"/registrations/{people.registration_a.id}/edit").get_data(as_text=True)
    assert mobile not in edit
    assert client.get(f"/registrations/{people.registration_a.id}/edit").status_code == 200
    login(client, people.member_b)
    assert client.get(f"/registrations/{people.registration_a.id}/edit").status_code == 403
    assert "甲单位代表" not in client.get("/my/registrations").get_data(as_text=True)
    login(client, people.staff)
    assert mobile in client.get(f"/admin/events/{open_event.id}/registrations").get_data(as_text=True)


def test_member_edits_a_delegate_keeping_the_mobile(client, people, open_event, db):
    login(client, people.member_a)
    response = client.post(f"/registrations/{people.registration_a.id}/edit",
                           data={"name": "甲单位代表", "position": "总经理", "mobile": "", "email": "",
                                 "category": "expert"})
    assert response.status_code == 302
    registration = db.session.get(Registration, people.registration_a.id)
    assert (registration.position, registration.category.value) == ("总经理", "expert")
    assert registration.mobile == people.registration_a.mobile


def test_check_in_twice_is_harmless_and_says_when(client, people, open_event, db):
    login(client, people.staff)
    url = f"/t/1/{people.registration_a.ticket_code}"
    page = client.get(url).get_data(as_text=True)
    assert "甲单位代表" in page and "签到" in page
    assert client.post(url).status_code == 302
    first = db.session.get(Registration, people.registration_a.id).checked_in_at
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert db.session.get(Registration, people.registration_a.id).checked_in_at == first
    assert "已于" in again and "签到" in again
    assert client.get("/t/1/forged-code").status_code == 404
    assert client.get(f"/t/2/{people.registration_a.ticket_code}").status_code == 404


def test_only_confirmed_delegates_check_in(client, people, open_event, db):
    waiting = [factories.registration(open_event, people.staff, people.org_b, f"候{n}") for n in range(3)][-1]
    assert waiting.status == S.waitlisted
    login(client, people.staff)
    response = client.post(f"/t/1/{waiting.ticket_code}", follow_redirects=True)
    assert "只有已确认的代表才能签到" in response.get_data(as_text=True)
    assert db.session.get(Registration, waiting.id).status == S.waitlisted


def test_desk_search_and_live_counts(client, people, open_event, db):
    factories.registration(open_event, people.staff, None, "记者王", category="media")
    login(client, people.staff)
    desk = client.get(f"/admin/events/{open_event.id}/check-in?q=甲单位").get_data(as_text=True)
    assert "甲单位代表" in desk and "记者王" not in desk
    counts = client.get(f"/admin/events/{open_event.id}/registrations/counts.json").get_json()
    assert (counts["registered"], counts["confirmed"], counts["checked_in"], counts["capacity"]) == (2, 2, 0, 3)
    assert {c["category"]: c["registered"] for c in counts["by_category"]} == {"enterprise": 1, "media": 1}
    client.post(f"/t/1/{people.registration_a.ticket_code}")
    counts = client.get(f"/admin/events/{open_event.id}/registrations/counts.json").get_json()
    assert counts["checked_in"] == 1


def test_staff_register_a_guest_without_organization_at_any_time(client, people, open_event, db):
    open_event.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(client, people.staff)
    response = client.post(f"/admin/events/{open_event.id}/registrations/new", data={
        "name": "于晓舟", "position": "副秘书长", "mobile": "13800000061", "email": "", "category": "expert",
        "organization_id": ""})
    assert response.status_code == 302
    guest = db.session.scalar(select(Registration).where(Registration.name == "于晓舟"))
    assert guest.organization_id is None and guest.status == S.confirmed
    assert guest.registered_by_id == people.staff.id


REG = dict(anon=302, member_a=200, member_b=200, staff=403, admin=403)
OWN = dict(anon=302, member_a=200, member_b=403, staff=200, admin=200)
S_PAGE = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
S_ACTION = dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)

AUTHZ_ROWS = {
    ("registrations.register", "GET"): ("/events/{event_slug}/register", REG),
    # An empty form: "enter at least one delegate".
    ("registrations.register", "POST"): ("/events/{event_slug}/register", dict(REG, member_a=422, member_b=422)),
    ("registrations.mine", "GET"): ("/my/registrations", REG),
    ("registrations.edit", "GET"): ("/registrations/{registration_id}/edit", OWN),
    ("registrations.edit", "POST"): ("/registrations/{registration_id}/edit", dict(OWN, member_a=302, staff=302,
                                                                                    admin=302)),
    ("registrations.cancel", "POST"): ("/registrations/{registration_id}/cancel", dict(OWN, member_a=302, staff=302,
                                                                                        admin=302)),
    ("registrations.ticket", "GET"): ("/registrations/{registration_id}/ticket.pdf", OWN),
    ("registrations.event_list", "GET"): ("/admin/events/{event_id}/registrations", S_PAGE),
    ("registrations.event_counts", "GET"): ("/admin/events/{event_id}/registrations/counts.json", S_PAGE),
    ("registrations.staff_register", "GET"): ("/admin/events/{event_id}/registrations/new", S_PAGE),
    ("registrations.staff_register", "POST"): ("/admin/events/{event_id}/registrations/new",
                                               dict(S_PAGE, staff=422, admin=422)),
    ("registrations.confirm", "POST"): ("/registrations/{registration_id}/confirm", S_ACTION),
    ("registrations.quota", "GET"): ("/admin/events/{event_id}/quotas", S_PAGE),
    ("registrations.quota", "POST"): ("/admin/events/{event_id}/quotas", S_ACTION),
    ("registrations.export", "GET"): ("/admin/events/{event_id}/registrations/export.xlsx", S_PAGE),
    ("registrations.badges", "GET"): ("/admin/events/{event_id}/badges.pdf", S_PAGE),
    ("registrations.sign_in_sheet", "GET"): ("/admin/events/{event_id}/sign-in-sheet.pdf", S_PAGE),
    ("registrations.ticket_checkin", "GET"): ("/t/1/{ticket_code}", S_PAGE),
    ("registrations.ticket_checkin", "POST"): ("/t/1/{ticket_code}", S_ACTION),
    ("registrations.desk", "GET"): ("/admin/events/{event_id}/check-in", S_PAGE),
}


def test_capacity_cannot_drop_below_the_seats_taken(client, people, open_event, db):
    factories.registration(open_event, people.staff, people.org_b, "二")
    login(client, people.staff)
    form = {"title": open_event.title, "slug": open_event.slug, "starts_at": "2027-06-16T08:30",
            "ends_at": "2027-06-16T17:30", "capacity": "1"}
    response = client.post(f"/admin/events/{open_event.id}/edit", data=form)
    assert response.status_code == 422
    assert "已有 2 个席位被占用，容量不能更低" in response.get_data(as_text=True)
    assert db.session.get(Event, open_event.id).capacity == 3


# --- a taken mobile number tells a member no more than that -------------------------------------------

def _everything_about(registration) -> list[str]:
    return [registration.name, registration.organization.name, registration.ticket_code]


def test_another_organizations_number_is_only_said_to_be_taken(client, people, open_event, db):
    """Member B learns nothing of org A's delegate: not the name, the organization
    or the ticket code (the secret in the badge's QR), in the form or the API, on a
    new registration or an edit."""
    taken = people.registration_a
    login(client, people.member_b)
    form = client.post(f"/events/{open_event.slug}/register", data=rows(("乙新人", taken.mobile)))
    assert form.status_code == 409
    page = form.get_data(as_text=True)
    assert "该手机号码已报名本次会议" in page
    assert not [secret for secret in _everything_about(taken) if secret in page]
    api = client.post(f"/api/v1/events/{open_event.id}/registrations",
                      json={"name": "乙新人", "mobile": taken.mobile, "category": "enterprise"},
                      headers={"Authorization": f"Bearer {factories.token(people.member_b)}"})
    assert api.status_code == 409
    assert not [secret for secret in _everything_about(taken) if secret in api.get_data(as_text=True)]
    own = factories.registration(open_event, people.member_b, people.org_b, "乙单位代表", mobile="13900000077")
    db.session.commit()
    edit = client.post(f"/registrations/{own.id}/edit", data={"name": "乙单位代表", "mobile": taken.mobile,
                                                              "category": "enterprise"})
    assert edit.status_code == 422 and "该手机号码已报名本次会议" in edit.get_data(as_text=True)
    assert not [secret for secret in _everything_about(taken) if secret in edit.get_data(as_text=True)]
    assert db.session.get(Registration, own.id).mobile == "13900000077"


def test_the_secretariat_is_told_whose_number_it_is(client, people, open_event, db):
    login(client, people.staff)
    response = client.post(f"/admin/events/{open_event.id}/registrations/new",
                           data={"name": "新人", "mobile": people.registration_a.mobile, "category": "enterprise",
                                 "organization_id": people.org_b.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and people.registration_a.ticket_code in page


def test_numbers_taken_by_others_are_answered_only_so_often(app, client, people, open_event, db):
    """An account that keeps finding other organizations' numbers is stopped (429)
    for the window, even for a number nobody has: it can no longer tell the two
    apart. The count survives the refusals' rollbacks; others are not affected."""
    app.config["DUPLICATE_LOOKUP_LIMIT"] = 3
    mobiles = [factories.registration(open_event, people.staff, people.org_a, f"甲{i}", mobile=f"1380000010{i}").mobile
               for i in range(4)]
    db.session.commit()
    api = {"Authorization": f"Bearer {factories.token(people.member_b)}"}
    url = f"/api/v1/events/{open_event.id}/registrations"
    answers = [client.post(url, json={"name": "试探", "mobile": m, "category": "enterprise"}, headers=api).status_code
               for m in mobiles[:3]]
    assert answers == [409, 409, 409]
    fresh = client.post(url, json={"name": "新人", "mobile": "13900000099", "category": "enterprise"}, headers=api)
    assert fresh.status_code == 429 and "请稍后再试" in fresh.get_json()["message"]
    login(client, people.member_b)
    form = client.post(f"/events/{open_event.slug}/register", data=rows(("新人", "13900000099")))
    assert form.status_code == 429
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.name == "新人")) == 0
    # Org A's own representative, finding its own delegate, is told and not counted.
    own = client.post(url, json={"name": "重复", "mobile": mobiles[3], "category": "enterprise"},
                      headers={"Authorization": f"Bearer {factories.token(people.member_a)}"})
    assert own.status_code == 409 and "甲3" in own.get_json()["errors"]["mobile"][0]
