"""The finance API as a client sees it: bills, payments with their receipt
numbers (no gaps, no twins under concurrency), the receipt PDF, invoice details
with a checked 税号 and the dues totals of a year."""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from alliance_app.finance import services
from alliance_app.finance.models import Bill, Payment, ReceiptCounter

from . import factories
from .pdfs import pdf_text

ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


OWN = _expect(401, 200, 403, 200, 200)
AUTHZ_ROWS = {
    ("api_finance.bills", "GET"): ("/api/v1/bills", _expect(401, 200, 200, 200, 200)),
    ("api_finance.bills", "POST"): ("/api/v1/bills", _expect(401, 403, 403, 400, 400)),
    ("api_finance.payments", "POST"): ("/api/v1/payments", _expect(401, 403, 403, 400, 400)),
    ("api_finance.receipt", "GET"): ("/api/v1/payments/{payment_id}/receipt.pdf", OWN),
    # None given in the fixture: 404 for whoever may read them.
    ("api_finance.invoice_details", "GET"): ("/api/v1/organizations/{org_a_id}/invoice-details",
                                             _expect(401, 404, 403, 404, 404)),
    ("api_finance.invoice_details", "PUT"): ("/api/v1/organizations/{org_a_id}/invoice-details",
                                             _expect(401, 400, 403, 400, 400)),
    ("api_finance.dues", "GET"): ("/api/v1/years/2026/dues", _expect(401, 403, 403, 200, 200)),
}


def _dues_bill(staff, org_id, amount="5万"):
    answer = staff.post("/api/v1/bills", json={"kind": "dues", "organization_id": org_id, "year": 2026,
                                               "amount": amount, "due_on": "2026-03-31"})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_bills_payments_and_the_receipt(staff, member, member_b, people, app):
    bill = _dues_bill(staff, people.org_a.id)
    assert (bill["amount"], bill["paid_amount"], bill["status"], bill["kind"]) == ("50000.00", "0.00", "open", "dues")
    again = staff.post("/api/v1/bills", json={"kind": "dues", "organization_id": people.org_a.id, "year": 2026,
                                              "amount": "1", "due_on": "2026-03-31"})
    assert again.status_code == 409
    refused = staff.post("/api/v1/payments", json={"amount": 50000, "paid_on": "2026-01-05", "payer": "甲",
                                                   "allocations": [{"bill_id": bill["id"], "amount": "60000"}]})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"amount"}  # a JSON number
    refused = staff.post("/api/v1/payments", json={"amount": "60000", "paid_on": "2026-01-05", "payer": "甲",
                                                   "allocations": [{"bill_id": bill["id"], "amount": "6万"}]})
    assert refused.status_code == 422 and "open amount" in refused.get_json()["errors"]["allocations-0-amount"][0]
    paid = staff.post("/api/v1/payments", json={"amount": "5万", "paid_on": "2026-01-05", "payer": "甲单位",
                                                "reference": "HX0001", "method": "bank_transfer",
                                                "allocations": [{"bill_id": bill["id"], "amount": "50000.00"}]})
    assert paid.status_code == 201, paid.get_json()
    body = paid.get_json()
    year = services.today().year
    assert body["receipt_number"] == f"SJ-{year}-00001" and body["allocations"] == [
        {"bill_id": bill["id"], "amount": "50000.00"}]
    listed = member.get("/api/v1/bills").get_json()
    assert [(b["id"], b["status"], b["paid_amount"]) for b in listed["items"]] == [(bill["id"], "paid", "50000.00")]
    assert member_b.get("/api/v1/bills").get_json()["items"] == []
    pdf = member.get(f"/api/v1/payments/{body['id']}/receipt.pdf")
    assert pdf.status_code == 200 and "人民币伍万元整" in pdf_text(pdf.data)
    assert member_b.get(f"/api/v1/payments/{body['id']}/receipt.pdf").status_code == 403
    totals = staff.get("/api/v1/years/2026/dues").get_json()
    assert totals == {"year": 2026, "tiers": [{"tier": None, "bills": 1, "billed": "50000.00",
                                               "received": "50000.00", "outstanding": "0.00"}]}


def test_invoice_details_with_a_checked_tax_number(member, member_b, people):
    url = f"/api/v1/organizations/{people.org_a.id}/invoice-details"
    assert member.get(url).status_code == 404
    wrong = people.org_a.uscc[:-1] + ("0" if people.org_a.uscc[-1] != "0" else "1")
    refused = member.put(url, json={"title": "甲单位有限公司", "tax_id": wrong, "kind": "special", "address": "合肥"})
    errors = refused.get_json()["errors"]
    assert refused.status_code == 422 and "check character" in errors["tax_id"][0]
    assert {"phone", "bank", "account"} <= set(errors) and "address" not in errors
    saved = member.put(url, json={"title": "甲单位有限公司", "tax_id": people.org_a.uscc, "kind": "ordinary"})
    assert saved.status_code == 200 and saved.get_json()["tax_id"] == people.org_a.uscc
    assert member.get(url).get_json()["title"] == "甲单位有限公司"
    assert member_b.put(url, json={"title": "x", "tax_id": people.org_a.uscc}).status_code == 403


THREADS = 16


def test_concurrent_payments_get_gapless_receipt_numbers_and_never_overpay(live_server, people, db, app):
    """16 payments at once, each of 1,000 on a 10,000 bill: ten are recorded with
    numbers 1-10 and no gaps, six are refused; the bill is paid exactly."""
    with app.test_request_context():
        bill = services.create_bill({"kind": "dues", "organization_id": people.org_a.id, "year": 2026,
                                     "amount": "10000", "due_on": "2026-03-31"})
        db.session.commit()
        bill_id = bill.id
    secret = factories.token(people.staff)
    db.session.remove()
    barrier = threading.Barrier(THREADS)

    def pay(n: int):
        data = json.dumps({"amount": "1000", "paid_on": "2026-01-05", "payer": f"付款人{n}",
                           "allocations": [{"bill_id": bill_id, "amount": "1000"}]}).encode()
        call = urllib.request.Request(f"{live_server}/api/v1/payments", data=data, method="POST", headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json", "Accept-Language": "en"})
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(call, timeout=60) as response:
                return response.status, json.loads(response.read())["receipt_number"]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()[:300]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(pay, range(THREADS)))
    made = sorted(number for status, number in results if status == 201)
    refused = [status for status, _n in results if status != 201]
    assert len(made) == 10 and set(refused) <= {409, 422} and len(refused) == THREADS - 10, results
    with app.test_request_context():
        year = services.today().year
        assert made == [f"SJ-{year}-{seq:05d}" for seq in range(1, 11)]
        assert db.session.get(ReceiptCounter, year).last_seq == 10
        assert db.session.get(Bill, bill_id).paid_fen == 1_000_000
        assert sorted(db.session.scalars(select(Payment.receipt_seq))) == list(range(1, 11))
    print(f"\n{THREADS} concurrent payments on {db.engine.dialect.name}: {made[0]} … {made[-1]}, "
          f"{len(refused)} refused")
