"""Membership as people live it: an applicant applies on the public page, the
secretariat approves, the new member logs in and looks after its contacts."""
import re

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.demo import demo_uscc
from tests import factories

from .test_accounts_journey import log_in


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_apply_approve_and_edit_contacts(page: Page):
    staff = factories.user(Role.staff, name="秘书处小王")

    page.goto("/members")
    page.get_by_role("link", name="申请入会").click()
    page.get_by_label("单位名称").fill("芜湖电池材料有限公司")
    page.get_by_label("统一社会信用代码").fill(demo_uscc("91340200", "芜湖"))
    page.get_by_label("省份").fill("安徽省")
    page.get_by_label("城市").fill("芜湖市")
    page.get_by_label("联系人", exact=True).fill("陈静")
    page.get_by_label("手机").fill("12345")  # a typo first
    page.get_by_label("登录邮箱").fill("chen@wuhu.example")
    page.get_by_label("密码", exact=True).fill("a-long-password")
    page.get_by_label("再次输入密码").fill("a-long-password")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("请输入 11 位大陆手机号码")).to_be_visible()
    expect(page.get_by_label("单位名称")).to_have_value("芜湖电池材料有限公司")
    page.get_by_label("手机").fill("13800138000")
    page.get_by_label("密码", exact=True).fill("a-long-password")
    page.get_by_label("再次输入密码").fill("a-long-password")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("我们已收到您的申请")).to_be_visible()

    log_in(page, "chen@wuhu.example", "a-long-password")
    # An applicant's menu offers its application, not the member pages.
    expect(page.get_by_role("link", name="本单位", exact=True)).to_have_count(0)
    page.get_by_role("link", name="您的入会申请", exact=True).click()
    expect(page.get_by_text("秘书处正在审核您的申请")).to_be_visible()
    log_out(page)

    log_in(page, staff.email)
    page.get_by_role("button", name="秘书处").click()
    page.get_by_role("link", name="入会申请").click()
    card = page.locator(".card", has_text="芜湖电池材料有限公司")
    card.get_by_label("会员级别").select_option(label="理事单位")
    card.get_by_role("button", name="批准").click()
    expect(page.get_by_text("芜湖电池材料有限公司已成为会员单位。")).to_be_visible()
    log_out(page)

    log_in(page, "chen@wuhu.example", "a-long-password")
    page.get_by_role("link", name="本单位", exact=True).click()
    expect(page.get_by_role("heading", name="芜湖电池材料有限公司")).to_be_visible()
    expect(page.get_by_text("理事单位")).to_be_visible()
    page.get_by_role("link", name="添加联系人").click()
    page.get_by_label("姓名").fill("李雷")
    page.get_by_label("职务").fill("办公室主任")
    page.get_by_label("手机").fill("13900139000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("联系人已添加。")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("李雷"))
    expect(row).to_contain_text("办公室主任")
    expect(row).to_contain_text("13900139000")
