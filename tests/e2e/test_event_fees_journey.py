"""Conference fees in the browser: the secretariat sets the enterprise fee as typed
in China (0.28万, an early-bird fee in full width) on the event's page; a member
representative sees the fee that applies in the registration form, registers a
delegate and finds the delegate's bill in the organization's account; cancelling
the registration cancels the unpaid bill."""
from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from tests import factories

from .test_accounts_journey import log_in


def test_set_fees_register_a_delegate_and_find_the_bill(page: Page, tmp_path):
    org = factories.organization("安徽巡鹰新能源集团有限公司")
    meeting = factories.event(host=org).event
    staff = factories.user(Role.staff)
    member = factories.user(Role.member, org)

    log_in(page, staff.email)
    page.goto(f"/admin/events/{meeting.id}")
    page.get_by_role("link", name="会务费", exact=True).click()
    page.get_by_label("企业 会务费（元）").fill("0.28万")
    page.get_by_label("企业 早鸟价（元）").fill("２２００")
    page.get_by_label("企业 早鸟价截止日期").fill("2027-03-31")
    page.get_by_label("媒体 会务费（元）").fill("0")
    page.get_by_role("button", name="保存会务费").click()
    expect(page.get_by_text("会务费已保存")).to_be_visible()
    expect(page.get_by_label("企业 会务费（元）")).to_have_value("2800.00")
    page.screenshot(path=str(tmp_path / "fees.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, member.email)
    page.goto(f"/events/{meeting.slug}/register")
    fees = page.locator("section.fees")
    expect(fees).to_contain_text("2,200.00")  # registered before 31 March 2027: the early-bird fee
    expect(fees).to_contain_text("早鸟价截止 2027-03-31，之后 2,800.00 元")
    page.get_by_label("姓名 1").fill("徐涛磊")
    page.get_by_label("手机 1").fill("13912345678")
    page.get_by_label("姓名 2").fill("李记者")
    page.get_by_label("手机 2").fill("13912345679")
    page.get_by_label("类别 2").select_option(label="媒体")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("登记了 2 位代表")).to_be_visible()
    page.goto("/my/account")
    bills = page.locator("table").first
    expect(bills).to_contain_text("会务费：会议 authz-event（徐涛磊）")
    expect(bills).to_contain_text("2,200.00")
    expect(bills).not_to_contain_text("李记者")  # media: free, no bill
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)

    page.goto("/my/registrations")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="徐涛磊").get_by_role("button", name="取消报名").click()
    page.goto("/my/account")
    expect(page.locator("table").first).to_contain_text("已取消")
