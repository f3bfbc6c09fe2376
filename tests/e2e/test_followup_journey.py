"""Follow-up in the browser: a member's representative reports a signed
project's progress with a photo from its self-service pages; the secretariat
opens the report from the follow-up page, sees the photo, accepts it, and the
follow-up figures (落地率, invested, the split by place of signing) move."""
from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.agreements import services
from alliance_app.extensions import db
from tests import factories

from .test_accounts_journey import log_in


def test_member_reports_with_a_photo_staff_accept_and_the_totals_move(page: Page, tmp_path):
    staff = factories.user(Role.staff)
    host = factories.organization("安徽巡鹰新能源集团有限公司")
    partner = factories.organization("合肥国轩高科动力能源有限公司")
    meeting = factories.event("meeting-2026", host=host).event
    member = factories.user(Role.member, partner, email="rep@guoxuan.example")
    agreement = services.create_agreement({
        "title": "后市场与材料输出业务合作协议", "kind": "business_cooperation", "sectors": ["materials"],
        "event_id": meeting.id, "amount": "6亿", "signing_venue": "elsewhere",
        "parties": [{"organization_id": host.id}, {"organization_id": partner.id}]}, staff)
    services.sign(services.mark_ready(agreement, staff), staff)
    db.session.commit()
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(factories.PNG)

    log_in(page, member.email)
    page.goto("/my/projects")
    page.get_by_role("link", name="报送进展").click()
    page.get_by_label("阶段", exact=True).select_option(label="已落地（注册）")
    page.get_by_label("累计投资（元）").fill("1.2亿")
    page.get_by_label("自上次报告以来的进展").fill("项目公司已注册，厂房开始装修。")
    page.get_by_label("照片或 PDF").set_input_files(str(photo))
    page.get_by_role("button", name="提交报告").click()
    expect(page.get_by_text("报告已提交，秘书处将进行审核。")).to_be_visible()
    page.context.clear_cookies()  # another person at another desk

    log_in(page, staff.email)
    page.goto(f"/admin/follow-up?event_id={meeting.id}")
    expect(page.locator('[data-figure="landed_rate_count"]')).to_have_text("0.00%")
    expect(page.locator('[data-figure="invested_total"]').first).to_have_text("0.00")
    page.get_by_role("link", name=f"{agreement.number} 后市场与材料输出业务合作协议").click()
    image = page.get_by_role("link", name="现场照片.png")
    expect(image).to_be_visible()
    shown = page.request.get(image.get_attribute("href"))
    assert shown.status == 200 and shown.body() == factories.PNG
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_text("报告已通过，项目数据已更新。")).to_be_visible()

    page.goto(f"/admin/follow-up?event_id={meeting.id}")
    expect(page.locator('[data-figure="landed_rate_count"]')).to_have_text("100.00%")
    expect(page.locator('[data-figure="landed_rate_value"]')).to_have_text("100.00%")
    expect(page.locator('[data-figure="invested_total"]').first).to_have_text("120,000,000.00")
    # Signed elsewhere during the event (场外签约): the split shows it there, not at the ceremony.
    elsewhere = page.locator('#follow-up-split tr[data-split="elsewhere"]')
    expect(elsewhere.locator('[data-figure="invested_total"]')).to_have_text("120,000,000.00")
    expect(page.locator('#follow-up-split tr[data-split="ceremony"] [data-figure="invested_total"]')) \
        .to_have_text("0.00")
