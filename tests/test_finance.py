"""Dues, bills, payments with their allocations, refunds, receipts, invoice
details, 发票 issue and arrears, as the secretariat and members meet them;
balances checked against an independent Decimal computation (hypothesis)."""
import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from alliance_app.core.errors import ServiceError
from alliance_app.finance import balances, invoices, services, storage
from alliance_app.finance.models import Bill, BillStatus, Payment
from alliance_app.members.models import MembershipStatus, StatusChange, Tier
from alliance_app.notifications.models import Message

from . import factories
from .conftest import login
from .pdfs import pdf_text

LOGIN = 302
ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


S = _expect(LOGIN, 403, 403, 200, 200)
OWN = _expect(LOGIN, 200, 403, 200, 200)
AUTHZ_ROWS = {
    ("finance.dues", "GET"): ("/admin/finance/dues", S),
    ("finance.dues", "POST"): ("/admin/finance/dues", _expect(LOGIN, 403, 403, 422, 422)),
    ("finance.bills", "GET"): ("/admin/finance/bills", S),
    # Paid already: refused with a message, back to the list.
    ("finance.cancel_bill", "POST"): ("/admin/finance/bills/{bill_id}/cancel", _expect(LOGIN, 403, 403, 302, 302)),
    ("finance.notice_pdf", "GET"): ("/bills/{bill_id}/notice.pdf", OWN),
    ("finance.record_payment", "GET"): ("/admin/finance/payments/new", S),
    ("finance.record_payment", "POST"): ("/admin/finance/payments/new", _expect(LOGIN, 403, 403, 422, 422)),
    ("finance.payment_detail", "GET"): ("/payments/{payment_id}", OWN),
    ("finance.receipt_pdf", "GET"): ("/payments/{payment_id}/receipt.pdf", OWN),
    ("finance.refund", "POST"): ("/admin/finance/payments/{payment_id}/refund", _expect(LOGIN, 403, 403, 422, 422)),
    ("finance.account", "GET"): ("/organizations/{org_a_id}/account", OWN),
    ("finance.my_account", "GET"): ("/my/account", _expect(LOGIN, 302, 302, 403, 403)),
    ("finance.invoice_details", "GET"): ("/organizations/{org_a_id}/invoice-details", OWN),
    ("finance.invoice_details", "POST"): ("/organizations/{org_a_id}/invoice-details",
                                          _expect(LOGIN, 422, 403, 422, 422)),
    # Requested already: refused with a message, back to the payment.
    ("finance.request_invoice", "POST"): ("/payments/{payment_id}/invoice-request", _expect(LOGIN, 302, 403, 302, 302)),
    ("finance.invoice_list", "GET"): ("/admin/finance/invoices", S),
    ("finance.issue_invoice", "GET"): ("/admin/finance/invoices/{invoice_request_id}/issue", S),
    ("finance.issue_invoice", "POST"): ("/admin/finance/invoices/{invoice_request_id}/issue",
                                        _expect(LOGIN, 403, 403, 422, 422)),
    ("finance.arrears", "GET"): ("/admin/finance/arrears", S),
    ("finance.statement_import", "GET"): ("/admin/finance/statements", S),
    ("finance.statement_import", "POST"): ("/admin/finance/statements", _expect(LOGIN, 403, 403, 422, 422)),
    # Nothing chosen: back to the upload with a message.
    ("finance.statement_confirm", "POST"): ("/admin/finance/statements/confirm", _expect(LOGIN, 403, 403, 302, 302)),
    # Org A owes nothing: refused with a message.
    ("finance.suspend", "POST"): ("/admin/finance/arrears/{org_a_id}/suspend", _expect(LOGIN, 403, 403, 302, 302)),
}


@pytest.fixture
def members(people, db):
    people.org_a.tier, people.org_b.tier = Tier.director, Tier.member
    factories.contact(people.org_a, "李会计", email="kuaiji@a.example")
    factories.contact(people.org_a, "王经理", email="wang@a.example")
    db.session.commit()
    services.set_dues_rate(2026, "director", "1万")
    services.set_dues_rate(2026, "member", "５０００")  # full width, as typed
    db.session.commit()
    return people


def _bills(year=2026, due_on="2026-03-31"):
    bills = services.generate_dues_bills(year, due_on)
    return {bill.organization.name: bill for bill in bills}


def test_dues_bills_for_every_active_member_once_and_sent_to_its_contacts(app, db, members):
    applicant_before = db.session.scalar(select(Bill).where(Bill.organization_id == members.applicant.id))
    bills = _bills()
    db.session.commit()
    assert {name: (b.amount, b.status, b.tier) for name, b in bills.items()} == {
        "甲单位有限公司": (Decimal("10000.00"), BillStatus.open, Tier.director),
        "乙单位有限公司": (Decimal("5000.00"), BillStatus.open, Tier.member)}
    assert applicant_before is None and members.applicant.id not in {b.organization_id for b in bills.values()}
    sent = db.session.scalars(select(Message).where(Message.kind == "dues_bill")).all()
    assert sorted(m.recipient_email for m in sent) == ["kuaiji@a.example", "wang@a.example"]
    assert services.generate_dues_bills(2026, "2026-03-31") == []  # again: nobody billed twice
    with pytest.raises(ServiceError) as refused:
        services.generate_dues_bills(2031, "2031-03-31")
    assert "2031" in refused.value.errors["year"][0]


def test_bad_dues_input_is_refused_at_its_field(app, db, members):
    with pytest.raises(ServiceError) as refused:
        services.set_dues_rate("20x6", "emperor", "-5")
    assert set(refused.value.errors) == {"year", "tier", "amount"}
    with pytest.raises(ServiceError) as refused:
        services.generate_dues_bills(2026, "31/03/2026")
    assert refused.value.errors["due_on"] == ["Enter a date as YYYY-MM-DD."]


def test_partial_payment_then_the_rest_and_the_receipt_numbers(app, db, members):
    bill = _bills()["乙单位有限公司"]
    first = services.record_payment({"amount": "0.2万", "paid_on": "2026-02-01", "payer": "乙单位有限公司",
                                     "allocations": [{"bill_id": bill.id, "amount": "2000"}]})
    assert (bill.status, bill.paid_amount, bill.open_amount) == (BillStatus.partly_paid, Decimal("2000.00"),
                                                                  Decimal("3000.00"))
    second = services.record_payment({"amount": "3000", "paid_on": "2026-02-03", "payer": "乙单位",
                                      "method": "cash", "allocations": [{"bill_id": bill.id, "amount": "3,000"}]})
    db.session.commit()
    assert bill.status == BillStatus.paid and first.organization_id == members.org_b.id
    year = services.today().year
    assert (first.receipt_number, second.receipt_number) == (f"SJ-{year}-00001", f"SJ-{year}-00002")


@pytest.mark.parametrize("allocation, field, words", [
    ({"amount": "5001"}, "allocations-0-amount", "open amount"),
    ({"amount": "0"}, "allocations-0-amount", "above zero"),
    ({"amount": "1.005"}, "allocations-0-amount", "two decimal places"),
    ({"bill_id": 999999}, "allocations-0-bill_id", "No such bill"),
])
def test_a_bad_allocation_is_refused_and_nothing_is_written(app, db, members, allocation, field, words):
    bill = _bills()["乙单位有限公司"]
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        services.record_payment({"amount": "5000", "paid_on": "2026-02-01", "payer": "乙",
                                 "allocations": [{"bill_id": bill.id, "amount": "5000", **allocation}]})
    assert words in refused.value.errors[field][0]
    db.session.rollback()
    assert db.session.scalar(select(Payment.id)) is None and db.session.get(Bill, bill.id).paid_fen == 0


def test_allocations_must_add_up_unless_an_overpayment_and_cancelled_bills_take_nothing(app, db, members):
    bills = _bills()
    a, b = bills["甲单位有限公司"], bills["乙单位有限公司"]
    with pytest.raises(ServiceError) as refused:
        services.record_payment({"amount": "16000", "paid_on": "2026-02-01", "payer": "甲",
                                 "allocations": [{"bill_id": a.id, "amount": "10000"}]})
    assert "not the payment's 16,000.00" in refused.value.errors["allocations"][0]
    with pytest.raises(ServiceError) as refused:
        services.record_payment({"amount": "100", "paid_on": "2026-02-01", "payer": "甲",
                                 "allocations": [{"bill_id": a.id, "amount": "10000"}]})
    assert "more than the payment" in refused.value.errors["allocations"][0]
    services.cancel_bill(b, "退会")
    with pytest.raises(ServiceError) as refused:
        services.record_payment({"amount": "10", "paid_on": "2026-02-01", "payer": "乙",
                                 "allocations": [{"bill_id": b.id, "amount": "10"}]})
    assert "cancelled" in refused.value.errors["allocations-0-bill_id"][0]
    over = services.record_payment({"amount": "10500", "paid_on": "2026-02-01", "payer": "甲", "overpayment": True,
                                    "allocations": [{"bill_id": a.id, "amount": "10000"}]})
    assert balances.balance(members.org_a.id)["credit"] == Decimal("500.00")
    with pytest.raises(ServiceError) as refused:
        services.refund(over, {"amount": "501", "reason": "多付"})
    assert "500.00" in refused.value.errors["amount"][0]
    services.refund(over, {"amount": "500", "reason": "多付退回", "refunded_on": "2026-02-10"})
    db.session.commit()
    assert balances.balance(members.org_a.id) == {"billed": Decimal("10000.00"), "paid": Decimal("10000.00"),
                                                   "outstanding": Decimal("0.00"), "credit": Decimal("0.00")}
    with pytest.raises(ServiceError):
        services.cancel_bill(a, "不能取消")  # paid: refund first


def test_the_receipt_and_the_notice_print_the_amount_in_capitals(app, db, members):
    bill = _bills()["甲单位有限公司"]
    payment = services.record_payment({"amount": "10000", "paid_on": "2026-02-01", "payer": "甲单位<b>有限公司</b>",
                                       "allocations": [{"bill_id": bill.id, "amount": "1万"}]})
    db.session.commit()
    from alliance_app.finance.documents import payment_notice_pdf, receipt_pdf

    text = pdf_text(receipt_pdf(payment))
    assert "人民币壹万元整" in text and payment.receipt_number in text and "甲单位<b>有限公司</b>" in text
    notice = pdf_text(payment_notice_pdf(bill))
    assert "缴费通知" in notice and members.org_a.uscc in notice and app.config["FINANCE_BANK_ACCOUNT"] in notice


def test_invoice_details_check_the_tax_number_and_the_special_invoice_fields(app, db, members):
    good = members.org_a.uscc
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ServiceError) as refused:
        services.set_invoice_details(members.org_a, {"title": "甲单位有限公司", "tax_id": wrong, "kind": "special"})
    errors = refused.value.errors
    assert "check character" in errors["tax_id"][0]
    assert {"address", "phone", "bank", "account"} <= set(errors)
    details = services.set_invoice_details(members.org_a, {"title": "甲单位有限公司", "tax_id": good.lower(),
                                                           "kind": "ordinary"})
    assert details.tax_id == good


def _ofd() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


def test_a_fapiao_is_requested_issued_with_a_checked_file_and_mailed_with_it(app, db, members):
    from alliance_app.notifications.delivery import render

    bill = _bills()["甲单位有限公司"]
    payment = services.record_payment({"amount": "10000", "paid_on": "2026-02-01", "payer": "甲",
                                       "allocations": [{"bill_id": bill.id, "amount": "10000"}]})
    with pytest.raises(ServiceError):
        invoices.request_invoice(payment)  # no details yet
    services.set_invoice_details(members.org_a, {"title": "甲单位有限公司", "tax_id": members.org_a.uscc,
                                                 "email": "fapiao@a.example"})
    request = invoices.request_invoice(payment)
    for content, words in ((b"MZ\x90\x00 not a pdf", "neither a PDF nor an OFD"),
                           (b"%PDF-" + b"x" * app.config["INVOICE_MAX_BYTES"], "larger than"), (None, "Upload")):
        with pytest.raises(ServiceError) as refused:
            invoices.issue_invoice(request, {"number": "24342000000012345678", "issued_on": "2026-02-02"}, content)
        assert words in refused.value.errors["file"][0]
    invoices.issue_invoice(request, {"number": "24342000000012345678", "issued_on": "2026-02-02"}, _ofd())
    db.session.commit()
    stored = storage.folder() / request.stored_name
    assert stored.read_bytes() == _ofd() and "static" not in str(stored)
    message = db.session.scalar(select(Message).where(Message.kind == "invoice_issued"))
    assert message.recipient_email == "fapiao@a.example"
    _subject, text, _html, attachments = render(message)
    assert "24342000000012345678" in text
    assert [(a.filename, a.content) for a in attachments] == [("fapiao-24342000000012345678.ofd", _ofd())]


def test_arrears_propose_suspension_after_the_grace_period_and_staff_decide(app, db, members):
    _bills(due_on=(services.today() - timedelta(days=200)).isoformat())
    db.session.commit()
    rows = balances.overdue()
    assert [(r.name, r.owed) for r in rows] == [("甲单位有限公司", 1_000_000), ("乙单位有限公司", 500_000)]
    assert {r.id for r in balances.suspension_proposals()} == {members.org_a.id, members.org_b.id}
    app.config["DUES_SUSPENSION_GRACE_DAYS"] = 365
    assert balances.suspension_proposals() == []
    app.config["DUES_SUSPENSION_GRACE_DAYS"] = 90
    balances.suspend_for_arrears(members.org_b, members.staff)
    db.session.commit()
    change = db.session.scalars(select(StatusChange).where(StatusChange.organization_id == members.org_b.id)
                                .order_by(StatusChange.id.desc())).first()
    assert members.org_b.membership_status == MembershipStatus.suspended
    assert "5,000.00" in change.reason and change.actor_id == members.staff.id


def test_reminders_before_and_after_the_due_date_are_written_once(app, db, members):
    today = services.today()
    _bills(due_on=(today + timedelta(days=5)).isoformat())
    db.session.commit()
    assert balances.send_reminders(today) == 2  # org A's two contacts; org B has none
    assert balances.send_reminders(today) == 0
    assert balances.send_reminders(today + timedelta(days=13)) == 2  # a week after the due date
    kinds = sorted(m.kind for m in db.session.scalars(select(Message).where(Message.kind.like("dues_reminder%"))))
    assert kinds == ["dues_reminder_after"] * 2 + ["dues_reminder_before"] * 2


def test_dues_totals_per_tier(app, db, members):
    bills = _bills()
    services.record_payment({"amount": "2500", "paid_on": "2026-02-01", "payer": "乙",
                             "allocations": [{"bill_id": bills["乙单位有限公司"].id, "amount": "2500"}]})
    db.session.commit()
    assert [(r["tier"], r["billed"], r["received"], r["outstanding"]) for r in balances.dues_totals(2026)] == [
        (Tier.director, Decimal("10000.00"), Decimal("0.00"), Decimal("10000.00")),
        (Tier.member, Decimal("5000.00"), Decimal("2500.00"), Decimal("2500.00"))]


# --- pages ---------------------------------------------------------------------------------------

def test_the_secretariat_records_a_payment_in_the_form_with_messages_at_the_fields(app, client, db, members):
    bill = _bills()["乙单位有限公司"]
    db.session.commit()
    login(client, members.staff)
    client.set_cookie("alliance_lang", "en")
    page = client.get(f"/admin/finance/payments/new?bill_id={bill.id}")
    assert page.status_code == 200 and "5000.00" in page.get_data(as_text=True)
    bad = client.post("/admin/finance/payments/new", data={
        "payer": "乙单位", "amount": "5000", "method": "bank_transfer", "paid_on": "2026-02-01",
        "allocations-0-bill_id": str(bill.id), "allocations-0-amount": "6000"})
    assert bad.status_code == 422 and "More than the bill&#39;s open amount" in bad.get_data(as_text=True)
    good = client.post("/admin/finance/payments/new", data={
        "payer": "乙单位", "amount": "0.5万", "method": "bank_transfer", "paid_on": "2026-02-01",
        "allocations-0-bill_id": str(bill.id), "allocations-0-amount": "5000"})
    assert good.status_code == 302
    assert db.session.get(Bill, bill.id).status == BillStatus.paid
    for url in ("/admin/finance/dues", "/admin/finance/bills", "/admin/finance/arrears",
                f"/organizations/{members.org_b.id}/account"):
        assert client.get(url).status_code == 200, url


def test_a_member_sees_its_balance_and_not_another_organizations(app, client, db, members):
    _bills()
    db.session.commit()
    login(client, members.member_a)
    own = client.get(f"/organizations/{members.org_a.id}/account")
    assert own.status_code == 200 and "10,000.00" in own.get_data(as_text=True)
    assert client.get(f"/organizations/{members.org_b.id}/account").status_code == 403


# --- balances against an independent computation ------------------------------------------------------

AMOUNTS = st.integers(min_value=1, max_value=5_000_000)  # fen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bill_fens=st.lists(AMOUNTS, min_size=1, max_size=4),
       payments=st.lists(st.tuples(st.lists(st.tuples(st.integers(0, 3), AMOUNTS), max_size=3), st.integers(0, 50_000)),
                         max_size=5))
def test_balances_agree_with_a_decimal_computation(app, db, members, bill_fens, payments):
    for table in ("payment_allocations", "payment_refunds", "invoice_requests", "payments", "bills"):
        db.session.execute(__import__("sqlalchemy").text(f"DELETE FROM {table}"))
    bills = [services.create_bill({"kind": "event_fee", "organization_id": members.org_a.id, "year": 2026,
                                   "amount": str(Decimal(fen) / 100), "due_on": "2026-05-01"}) for fen in bill_fens]
    db.session.commit()  # a refused payment rolls back its own transaction only
    owed = {bill.id: Decimal(fen) / 100 for bill, fen in zip(bills, bill_fens)}
    paid = {bill.id: Decimal(0) for bill in bills}
    credit = Decimal(0)
    for allocations, extra in payments:
        wanted, ok = [], True
        for index, fen in allocations:
            bill = bills[index % len(bills)]
            amount = Decimal(fen) / 100
            if any(b == bill.id for b, _a in wanted) or amount > owed[bill.id] - paid[bill.id]:
                ok = False
            wanted.append((bill.id, amount))
        total = sum((a for _b, a in wanted), Decimal(0)) + Decimal(extra) / 100
        data = {"amount": str(total), "paid_on": "2026-02-01", "payer": "甲", "overpayment": bool(extra),
                "organization_id": members.org_a.id,
                "allocations": [{"bill_id": b, "amount": str(a)} for b, a in wanted]}
        if total <= 0:
            continue
        if ok:
            services.record_payment(data)
            db.session.commit()
            for b, a in wanted:
                paid[b] += a
            credit += Decimal(extra) / 100
        else:
            with pytest.raises(ServiceError):
                services.record_payment(data)
            db.session.rollback()
            bills = [db.session.get(Bill, b.id) for b in bills]
    found = balances.balance(members.org_a.id)
    assert found["billed"] == sum(owed.values())
    assert found["paid"] == sum(paid.values())
    assert found["outstanding"] == sum(owed.values()) - sum(paid.values())
    assert found["credit"] == credit
    for bill in bills:
        db.session.refresh(bill)
        expected = (BillStatus.open if paid[bill.id] == 0 else BillStatus.paid if paid[bill.id] == owed[bill.id]
                    else BillStatus.partly_paid)
        assert bill.status == expected
    db.session.rollback()


# --- bank statements -----------------------------------------------------------------------------------

def _upload(name, data):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(data), filename=name)


def test_a_gbk_statement_with_other_banks_dates_is_matched_by_look_alike_names_and_amount(app, db, members):
    from alliance_app.finance.statements import confirm_lines, read_statement

    bills = _bills()
    db.session.commit()
    csv_text = ("交易日期,对方户名,贷方金额,摘要\n"
                "2026/1/5,甲单位有限公司,\"10,000.00\",会费\n"
                "20260106,乙单位,2500,部分会费\n"
                "2026年1月7日,不认识的公司,100,\n"
                "05-01-26,乙单位有限公司,100,\n"
                "2026-01-08,乙单位有限公司,-5,\n")
    proposals = read_statement(_upload("statement.csv", csv_text.encode("gbk")))
    by_row = {p["row"]: p for p in proposals}
    assert by_row[2]["organization"] == "甲单位有限公司" and by_row[2]["allocations"][0]["bill_id"] == \
        bills["甲单位有限公司"].id and not by_row[2]["overpayment"]
    assert by_row[3]["organization"] == "乙单位有限公司" and by_row[3]["allocations"][0]["amount"] == "2500.00"
    assert by_row[4]["organization_id"] is None and by_row[4]["overpayment"]
    assert "Row 5: the date 05-01-26" in by_row[5]["problems"][0]
    assert by_row[6]["problems"][0].startswith("Row 6:") and "negative" in by_row[6]["problems"][0]
    assert db.session.scalar(select(Payment.id)) is None  # nothing written by reading
    lines = [{"row": p["row"], "paid_on": p["date"], "payer": p["payer"], "amount": p["amount"],
              "organization_id": p["organization_id"], "overpayment": p["overpayment"],
              "allocations": p["allocations"]} for p in proposals if not p["problems"]]
    confirm_lines(lines)
    db.session.commit()
    assert db.session.get(Bill, bills["甲单位有限公司"].id).status == BillStatus.paid
    assert db.session.get(Bill, bills["乙单位有限公司"].id).status == BillStatus.partly_paid


def test_an_xlsx_statement_with_a_merged_date_cell(app, db, members):
    from openpyxl import Workbook

    from alliance_app.finance.statements import read_statement

    _bills()
    db.session.commit()
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "付款人", "金额", "附言"])
    sheet.append([date(2026, 1, 5), "甲单位有限公司", 10000, "会费"])
    sheet.append([None, "乙单位有限公司", "0.5万", "会费"])
    sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    book.save(buffer)
    proposals = read_statement(_upload("bank.xlsx", buffer.getvalue()))
    assert [(p["date"], p["organization"], p["problems"]) for p in proposals] == [
        ("2026-01-05", "甲单位有限公司", []), ("2026-01-05", "乙单位有限公司", [])]
