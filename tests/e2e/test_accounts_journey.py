"""Account journeys as a person in front of the browser sees them: log in,
switch language, log out, administer users, API tokens, a mistyped password."""
import json
import re
import urllib.request

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from tests import factories


def log_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_login_language_switch_and_logout(page: Page):
    user = factories.user(Role.staff, name="张晓明")

    log_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="张晓明")).to_be_visible()
    expect(page.get_by_text("您已登录：张晓明（秘书处工作人员）。")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("You are logged in as 张晓明 (Secretariat staff).")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("link", name="Alliance Secretariat")).to_be_visible()

    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.get_by_text("您已登录：张晓明（秘书处工作人员）。")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_have_text("您已退出登录。")
    expect(page.get_by_role("link", name="张晓明")).to_have_count(0)

    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)account$"))
    expect(page.get_by_role("alert")).to_have_text("请登录后查看此页面。")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_admin_creates_users_and_an_api_token(page: Page, live_server):
    admin = factories.user(Role.admin, email="chief@secretariat.example", name="管理员王")
    factories.organization("华东智能制造有限公司")

    log_in(page, admin.email)
    expect(page.get_by_role("link", name="管理员王")).to_be_visible()
    page.get_by_role("button", name="秘书处", exact=True).click()  # the navbar dropdown
    page.get_by_role("link", name="用户管理").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", name="用户管理")).to_be_visible()

    page.get_by_role("link", name="新建用户").click()
    expect(page).to_have_url(re.compile(r"/admin/users/new$"))
    page.get_by_label("邮箱").fill("li.staff@secretariat.example")
    page.get_by_label("姓名").fill("李工作")
    page.get_by_label("角色").select_option(label="秘书处工作人员")
    expect(page.get_by_label("初始密码")).to_have_count(0)  # the new user chooses it, from the invitation
    page.get_by_role("button", name="创建用户并发送邀请").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("alert")).to_have_text("已创建用户 li.staff@secretariat.example，并已发送邮件邀请其设置密码。")

    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("邮箱").fill("zhao.member@huadong.example")
    page.get_by_label("姓名").fill("赵会员")
    page.get_by_label("角色").select_option(label="会员单位联络人")
    page.get_by_label("单位", exact=True).select_option(label="华东智能制造有限公司")
    page.get_by_role("button", name="创建用户并发送邀请").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("alert")).to_have_text("已创建用户 zhao.member@huadong.example，并已发送邮件邀请其设置密码。")

    staff_row = page.get_by_role("row").filter(has_text="li.staff@secretariat.example")
    expect(staff_row).to_contain_text("李工作")
    expect(staff_row).to_contain_text("秘书处工作人员")
    expect(staff_row).to_contain_text("已邀请")
    member_row = page.get_by_role("row").filter(has_text="zhao.member@huadong.example")
    expect(member_row).to_contain_text("赵会员")
    expect(member_row).to_contain_text("会员单位联络人")
    expect(member_row).to_contain_text("华东智能制造有限公司")
    expect(page.get_by_role("row")).to_have_count(4)  # header + admin + the two new users

    page.get_by_role("link", name="管理员王").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.get_by_label("令牌名称").fill("会员系统同步")
    page.get_by_label("您的密码（用于确认身份）").fill(factories.PASSWORD)
    page.get_by_role("button", name="创建令牌").click()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("这是您的新令牌，请立即复制保存：它不会再次显示。")
    secret = notice.locator("code").inner_text().strip()
    assert secret
    expect(page.get_by_role("row").filter(has_text="会员系统同步")).to_be_visible()

    # Another system uses the token: no browser cookies, only the bearer header.
    request = urllib.request.Request(f"{live_server}/api/v1/me",
                                     headers={"Authorization": f"Bearer {secret}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        body = json.load(response)
    assert body["email"] == "chief@secretariat.example"
    assert body["role"] == "admin"


def test_wrong_password_shows_the_message_and_no_stack_trace(page: Page):
    user = factories.user(Role.member, email="wrong.pw@member.example")

    log_in(page, user.email, "not-the-password")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_have_text("邮箱或密码不正确。")
    expect(page.get_by_label("邮箱")).to_have_value("wrong.pw@member.example")
    expect(page.get_by_label("密码")).to_have_value("")
    expect(page.locator("body")).not_to_contain_text("Traceback")
    expect(page.locator("body")).not_to_contain_text("File \"")
    expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()  # still logged out

    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)account$"))


def test_forgot_password_end_to_end(page: Page, app, mailbox):
    """From the login page's link to a new password, through the message's link."""
    from sqlalchemy import select

    from alliance_app.extensions import db
    from alliance_app.notifications import delivery
    from alliance_app.notifications.models import Message

    user = factories.user(Role.member, email="forgetful@member.example", name="健忘的代表")

    page.goto("/login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page).to_have_url(re.compile(r"/password/forgot$"))
    page.get_by_label("邮箱").fill("forgetful@member.example")
    page.get_by_role("button", name="发送链接").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("如果该邮箱有账户")

    db.session.rollback()
    message = db.session.scalar(select(Message).where(Message.recipient_email == user.email))
    assert message.kind == "password_reset"
    delivery.deliver(message.id)
    link = re.search(r"http://localhost(/password/set/\S+)", mailbox[-1].body).group(1)

    page.goto(link)
    expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
    page.get_by_label("新密码", exact=True).fill("my-new-password-42")
    page.get_by_label("再次输入新密码").fill("my-new-password-42")
    page.get_by_role("button", name="设置密码并登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("alert")).to_have_text("密码已设置，您已登录。账户的其他会话均已结束。")
    expect(page.get_by_role("link", name="健忘的代表")).to_be_visible()

    page.goto(link)  # a second time
    expect(page.get_by_role("heading", name="该链接无法使用")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("该链接已被使用")
    page.get_by_role("button", name="退出登录").click()
    log_in(page, user.email, "my-new-password-42")
    expect(page.get_by_role("link", name="健忘的代表")).to_be_visible()
