"""The secretariat invites an expert; the expert, without an account, opens the
link, answers the event's questions (a wrong ID number is refused at its
field) and is confirmed; the link then says it has been used."""
from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.extensions import db
from alliance_app.registrations import question_services
from alliance_app.registrations.invitation_models import Invitation
from alliance_app.registrations.models import Registration
from tests import factories

from .test_accounts_journey import log_in
from .test_members_journey import log_out


def test_an_invited_expert_registers_through_the_link(page: Page):
    org = factories.organization("合肥新能源研究院")
    staff = factories.user(Role.staff, name="秘书处小李")
    meeting = factories.event("expert-2027", host=org).event
    question_services.add_preset(meeting, "id_number", staff)
    db.session.commit()

    log_in(page, staff.email)
    page.goto(f"/admin/events/{meeting.id}/invitations")
    page.get_by_label("类别").select_option("expert")
    page.get_by_label("姓名").fill("周教授")
    page.get_by_role("button", name="生成邀请").click()
    expect(page.get_by_text("邀请已生成")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text="周教授")).to_contain_text("0 / 1")
    db.session.rollback()  # see what the server wrote
    code = db.session.scalar(db.select(Invitation.code))
    log_out(page)

    page.goto(f"/invite/{code}")
    expect(page.get_by_role("heading", name="报名参加会议 expert-2027")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("周教授")
    page.get_by_label("手机").fill("13912345678")
    page.get_by_label("邮箱").fill("zhou@example.edu")
    id_number = page.locator('input[name="answers-id_number"]')
    id_number.fill("110105194912310021")  # a wrong check digit
    page.get_by_role("button", name="提交报名").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.get_by_label("手机")).to_have_value("13912345678")  # kept for the correction
    page.locator('input[name="answers-id_number"]').fill("11010519491231002X")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("您的报名已确认。")).to_be_visible()

    db.session.rollback()
    registration = db.session.scalar(db.select(Registration).where(Registration.mobile == "13912345678"))
    assert registration.category.value == "expert" and registration.invitation_id is not None
    page.goto(f"/invite/{code}")
    expect(page.get_by_text("此邀请已用完")).to_be_visible()
