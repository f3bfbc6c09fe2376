"""A member representative registers delegates until the event is full; a
cancellation moves the first on the waiting list up; at the door the
secretariat checks a delegate in through the badge's QR link, twice."""
import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.extensions import db
from alliance_app.registrations.models import Registration
from tests import factories

from .test_accounts_journey import log_in
from .test_members_journey import log_out


def test_register_until_full_cancel_and_check_in(page: Page):
    org = factories.organization("芜湖电池材料有限公司")
    member = factories.user(Role.member, org, name="陈静")
    staff = factories.user(Role.staff, name="秘书处小王")
    meeting = factories.event("meeting-2027", host=org).event
    event = db.session.get(Event, meeting.id)
    event.capacity = 2
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=10)
    db.session.commit()

    log_in(page, member.email)
    page.goto("/events/meeting-2027")
    page.get_by_role("link", name="登记参会代表").click()
    for index, (name, mobile) in enumerate([("张一", "13800000001"), ("张二", "13800000002"),
                                            ("张三", "13800000003")]):
        page.get_by_label(f"姓名 {index + 1}").fill(name)
        page.get_by_label(f"手机 {index + 1}").fill(mobile)
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("登记了 3 位代表：已确认 2，候补 1。")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="张三")).to_contain_text("候补")
    expect(rows.filter(has_text="张一")).to_contain_text("138****0001")

    page.once("dialog", lambda dialog: dialog.accept())
    rows.filter(has_text="张一").get_by_role("button", name="取消报名").click()
    expect(page.get_by_text("已取消张一的报名。")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text="张三")).to_contain_text("已确认")
    log_out(page)

    db.session.rollback()  # end the test's read snapshot: see what the server wrote
    ticket = db.session.scalar(db.select(Registration.ticket_code).where(Registration.name == "张三"))
    log_in(page, staff.email)
    page.goto(f"/t/1/{ticket}")
    expect(page.get_by_role("heading", name="张三")).to_be_visible()
    page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("张三已签到。")).to_be_visible()
    expect(page.get_by_text(re.compile(r"已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 签到。"))).to_be_visible()
    page.goto(f"/t/1/{ticket}")  # the badge scanned again: harmless, says when
    expect(page.get_by_text(re.compile(r"已于 .* 签到。"))).to_be_visible()
    expect(page.get_by_role("button", name="签到")).to_have_count(0)
