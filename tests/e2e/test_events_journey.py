"""The secretariat builds a meeting in the browser: the event, its host, a
session, two agenda items with a speaker; then publishes it and the public
page shows the agenda."""
import re

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.events import services
from tests import factories

from .test_accounts_journey import log_in


def test_create_an_event_with_an_agenda(page: Page):
    staff = factories.user(Role.staff)
    factories.organization("安徽省新能源汽车动力蓄电池回收利用产业联盟")
    services.create_person({"name": "李力", "title": "副会长"})
    from alliance_app.extensions import db

    db.session.commit()
    log_in(page, staff.email)
    page.goto("/admin/events")
    page.get_by_role("link", name="新建会议").click()
    page.get_by_label("名称").fill("2027年协调推进会")
    page.get_by_label("主题").fill("共享绿色能源，共赢能源未来")
    page.get_by_label("网页地址").fill("meeting-2027")
    page.get_by_label("开始时间").fill("2027-06-16T08:30")
    page.get_by_label("结束时间").fill("2027-06-16T17:30")
    page.get_by_label("会议地点").fill("巡鹰集团报告厅")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("会议已创建为草稿。")).to_be_visible()

    page.get_by_label("角色").select_option(label="主办单位")
    page.get_by_label("单位", exact=True).select_option(label="安徽省新能源汽车动力蓄电池回收利用产业联盟")
    page.get_by_role("button", name="添加单位").click()
    expect(page.get_by_text("单位已添加。")).to_be_visible()

    page.get_by_role("link", name="新增会场").click()
    page.get_by_label("名称").fill("上午 主会场")
    page.get_by_label("开始时间").fill("2027-06-16T09:00")
    page.get_by_label("结束时间").fill("2027-06-16T12:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("会场已添加。")).to_be_visible()

    page.get_by_role("link", name="添加议程").click()
    page.get_by_label("名称").fill("致辞")
    page.get_by_label("开始时间").fill("2027-06-16T09:00")
    page.get_by_label("结束时间").fill("2027-06-16T09:15")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("议程已添加。")).to_be_visible()

    # An overlapping item is refused with the other item named, and the input stays.
    page.get_by_role("link", name="添加议程").click()
    page.get_by_label("名称").fill("主旨发言")
    page.get_by_label("开始时间").fill("2027-06-16T09:10")
    page.get_by_label("结束时间").fill("2027-06-16T09:40")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("与“致辞”（09:00–09:15）时间重叠")).to_be_visible()
    expect(page.get_by_label("名称")).to_have_value("主旨发言")
    page.get_by_label("开始时间").fill("2027-06-16T09:15")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("议程已添加。")).to_be_visible()

    item = page.locator("li", has_text="主旨发言").first
    item.get_by_text("添加人员").click()
    item.get_by_label("人员").select_option(label="李力（副会长）")
    item.get_by_role("button", name="添加", exact=True).click()
    expect(page.locator("li", has_text="主旨发言").first).to_contain_text("发言：李力（副会长）")

    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("会议状态已改为：已发布。")).to_be_visible()
    page.get_by_role("link", name="公开页面").click()
    expect(page).to_have_url(re.compile(r"/events/meeting-2027$"))
    expect(page.get_by_role("heading", name="2027年协调推进会")).to_be_visible()
    expect(page.get_by_text("主题：共享绿色能源，共赢能源未来")).to_be_visible()
    expect(page.locator(".agenda-item").nth(1)).to_contain_text("09:15–09:40")
    expect(page.locator(".agenda-item").nth(1)).to_contain_text("李力")
