"""Agreements in the browser: the secretariat drafts one, checks it, signs it
at the ceremony control and downloads the PDF; the hall's screen shows the new
total within two seconds of the signing, without reloading."""
import re
import time

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.agreements import services
from alliance_app.events.models import Event
from alliance_app.extensions import db
from tests import factories

from .test_accounts_journey import log_in


def test_draft_check_sign_and_download(page: Page):
    staff = factories.user(Role.staff)
    host = factories.organization("安徽巡鹰新能源集团有限公司")
    factories.organization("合肥国轩高科动力能源有限公司")
    factories.event("meeting-2027", host=host)
    log_in(page, staff.email)
    page.goto("/admin/agreements/new")
    page.get_by_label("名称").fill("后市场与材料输出业务合作协议")
    page.get_by_label("协议类型").select_option(label="业务合作")
    page.get_by_label("后市场").check()
    page.get_by_label("材料").check()
    page.get_by_label("金额", exact=True).fill("6亿")
    page.get_by_label("单位 1").select_option(label="安徽巡鹰新能源集团有限公司")
    page.get_by_label("签约代表 1").fill("褚兵")
    page.get_by_label("单位 2").select_option(label="合肥国轩高科动力能源有限公司")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(re.compile(r"协议 AHBR-\d{4}-\d{4} 已按默认条款起草"))).to_be_visible()
    page.get_by_role("button", name="保存").click()  # the clauses as proposed
    expect(page.get_by_text("修改已保存。")).to_be_visible()
    expect(page.get_by_text("6亿元")).to_be_visible()
    page.get_by_role("button", name="已核对，可以签署").click()
    expect(page.get_by_text(re.compile("已确认，待签署"))).to_be_visible()
    page.get_by_role("button", name="现在签署").click()
    expect(page.get_by_text(re.compile(r"签署于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))).to_be_visible()
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)  # signed: no more editing
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
                      "document.body.appendChild(a); a.click(); }",
                      page.get_by_role("link", name="协议文本（PDF）").get_attribute("href"))
    path = download.value.path()
    assert open(path, "rb").read(4) == b"%PDF"


def test_screen_updates_within_two_seconds_of_a_signing(page: Page, browser, live_server):
    staff = factories.user(Role.staff)
    host = factories.organization("安徽巡鹰新能源集团有限公司")
    meeting = factories.event("meeting-2027", host=host).event
    ready = []
    for n, amount in enumerate(("30亿", "5.5亿")):
        agreement = services.create_agreement({
            "title": f"合作协议{n}", "kind": "strategic_cooperation", "sectors": ["energy_storage"],
            "event_id": meeting.id, "amount": amount,
            "parties": [{"organization_id": host.id}, {"organization_id": factories.organization().id}]}, staff)
        ready.append(services.mark_ready(agreement, staff))
    services.sign(ready[0], staff)
    db.session.commit()
    token = db.session.get(Event, meeting.id).screen_token

    screen = browser.new_context(base_url=live_server).new_page()
    screen.goto(f"/events/meeting-2027/ceremony/screen?key={token}")
    expect(screen.locator('[data-field="total_yi"]')).to_have_text("30.00")
    expect(screen.locator('[data-field="count"]')).to_have_text("1")

    log_in(page, staff.email)
    page.goto(f"/admin/events/{meeting.id}/ceremony")
    page.locator(f"#agreement-{ready[1].id}").get_by_role("button", name="已签署").click()
    signed_at = time.monotonic()
    expect(screen.locator('[data-field="total_yi"]')).to_have_text("35.50", timeout=2000)
    assert time.monotonic() - signed_at < 2.0
    expect(screen.locator('[data-field="count"]')).to_have_text("2")
    expect(screen.locator('[data-field="last.title"]')).to_have_text("合作协议1")
    screen.context.close()
