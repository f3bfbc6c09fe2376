"""Money in the browser: the secretariat sets this year's dues, bills the
members, records a transfer typed as 1.2万元 against a bill and downloads the
receipt, whose amount in capitals (大写) is right."""
import re

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.members.models import Tier
from tests import factories
from tests.pdfs import pdf_text

from .test_accounts_journey import log_in


def test_bill_record_a_payment_and_download_the_receipt(page: Page, tmp_path):
    staff = factories.user(Role.staff)
    factories.organization("安徽巡鹰新能源集团有限公司", tier=Tier.vice_chair)
    log_in(page, staff.email)
    page.goto("/admin/finance/dues")
    page.get_by_label("级别").select_option(value="vice_chair")
    page.get_by_label("会费（元）").fill("1.2万")
    page.get_by_role("button", name="保存会费标准").click()
    expect(page.get_by_text("会费标准已保存。")).to_be_visible()
    page.get_by_role("button", name="向全部在册会员开具账单").click()
    expect(page.get_by_text("已开具 1 份缴费通知")).to_be_visible()
    page.screenshot(path=str(tmp_path / "bills.png"), full_page=True)
    page.get_by_role("link", name="登记缴款").first.click()
    page.get_by_label("收款金额").fill("1.2万元")
    page.get_by_label("参考号").fill("HX20260105")
    page.get_by_role("button", name="登记此笔缴款").click()
    expect(page.get_by_text(re.compile(r"缴款已登记，收据号 SJ-\d{4}-00001"))).to_be_visible()
    expect(page.locator("#payment-amount")).to_have_text("12,000.00")
    page.screenshot(path=str(tmp_path / "payment.png"), full_page=True)
    href = page.locator("#receipt-link").get_attribute("href")
    receipt = page.request.get(href)
    assert receipt.ok and receipt.body()[:4] == b"%PDF"
    text = pdf_text(receipt.body())
    assert "人民币壹万贰仟元整" in text and "HX20260105" in text
