"""Conference fees (会务费): the fee of each delegate category with its early-bird
rate, set on the event's admin page and through the API, shown in the registration
forms and the confirmation, billed once to each confirmed delegate's organization;
free categories stay free, a cancelled registration's unpaid bill is cancelled."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance_app.core.errors import ServiceError
from alliance_app.finance import balances, fees, services
from alliance_app.finance.models import Bill, BillKind, BillStatus, EventFee
from alliance_app.notifications.delivery import render
from alliance_app.notifications.models import Message
from alliance_app.registrations import services as registrations

from . import factories
from .conftest import login

LOGIN = 302
ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


AUTHZ_ROWS = {
    ("finance.event_fees", "GET"): ("/admin/events/{event_id}/fees", _expect(LOGIN, 403, 403, 200, 200)),
    # An empty form: every category free, saved.
    ("finance.event_fees", "POST"): ("/admin/events/{event_id}/fees", _expect(LOGIN, 403, 403, 302, 302)),
    ("finance.bill_event_fees", "POST"): ("/admin/events/{event_id}/fees/bill", _expect(LOGIN, 403, 403, 302, 302)),
    ("api_finance.event_fees", "GET"): ("/api/v1/events/{event_id}/fees", _expect(401, 200, 200, 200, 200)),
    # No body: 400 for the secretariat, refused before that for the others.
    ("api_finance.event_fees", "PUT"): ("/api/v1/events/{event_id}/fees", _expect(401, 403, 403, 400, 400)),
}

FEES = [{"category": "enterprise", "amount_cny": "2800", "early_amount_cny": "0.22万", "early_until": "2027-03-31"},
        {"category": "university", "amount_cny": "１５００元"},  # full width, as typed
        {"category": "media", "amount_cny": "0"}]


@pytest.fixture
def priced(people, db):
    """The open meeting with fees: enterprise 2800 (2200 until 31 March 2027), university
    1500, media explicitly free, government not listed (free)."""
    event = people.meeting.event
    fees.set_event_fees(event, FEES)
    db.session.commit()
    return event


def _bills(registration):
    return list(registration_bills(registration))


def registration_bills(registration):
    return db_session().scalars(select(Bill).where(Bill.registration_id == registration.id).order_by(Bill.id))


def db_session():
    from alliance_app.extensions import db

    return db.session


def _register(event, actor, org=None, **fields):
    return factories.registration(event, actor, org, **fields)


# --- setting the fees ----------------------------------------------------------------------------------

def test_fees_as_typed_in_china_are_saved_and_quoted(app, db, priced):
    saved = fees.event_fees(priced)
    assert {c.value: (f.amount_fen, f.early_amount_fen, f.early_until) for c, f in saved.items()} == {
        "enterprise": (280000, 220000, date(2027, 3, 31)), "university": (150000, None, None), "media": (0, None, None)}
    on_the_day = {q.category.value: (q.amount, q.is_early) for q in fees.quotes(priced, date(2027, 3, 31))}
    day_after = {q.category.value: (q.amount, q.is_early) for q in fees.quotes(priced, date(2027, 4, 1))}
    assert on_the_day["enterprise"] == (Decimal("2200.00"), True)
    assert day_after["enterprise"] == (Decimal("2800.00"), False)
    assert day_after["media"] == (Decimal("0.00"), False) and "government" not in day_after


def test_bad_fees_are_refused_at_their_field_and_nothing_is_written(app, db, priced):
    with pytest.raises(ServiceError) as refused:
        fees.set_event_fees(priced, [
            {"category": "enterprise", "amount_cny": "-5"},
            {"category": "university", "amount_cny": "1500", "early_amount_cny": "1600", "early_until": "2027-03-01"},
            {"category": "association", "amount_cny": "1000", "early_amount_cny": "800"},
            {"category": "expert", "amount_cny": "1000", "early_amount_cny": "800", "early_until": "2027-07-01"},
            {"category": "other", "amount_cny": "abc", "early_until": "31/03/2027"},
            {"category": "emperor", "amount_cny": "1"},
            {"category": "media", "amount_cny": "1.005"},
            {"category": "media", "amount_cny": "1"}])
    errors = refused.value.errors
    assert errors["fees-0-amount_cny"] == ["An amount cannot be negative."]
    assert errors["fees-1-early_amount_cny"] == ["The early-bird amount is above the regular fee."]
    assert errors["fees-2-early_until"] == ["An early-bird amount needs the last day it applies."]
    assert "2027-06-16" in errors["fees-3-early_until"][0]
    assert errors["fees-4-amount_cny"][0].startswith("This is not an amount.")
    assert errors["fees-4-early_until"] == ["Enter a date as YYYY-MM-DD."]
    assert "emperor" in errors["fees-5-category"][0]
    assert errors["fees-6-amount_cny"] == ["An amount has at most two decimal places (fen)."]
    assert errors["fees-7-category"] == ["This category is given twice."]
    db.session.rollback()
    assert fees.event_fees(priced)[fees.DelegateCategory.enterprise].amount_fen == 280000  # unchanged


# --- billing -------------------------------------------------------------------------------------------

def test_a_confirmed_delegate_is_billed_once_to_the_organization(app, db, people, priced):
    registration = _register(priced, people.staff, people.org_a, category="university")
    bill, = _bills(registration)
    assert (bill.kind, bill.amount, bill.organization_id, bill.event_id, bill.status) == (
        BillKind.event_fee, Decimal("1500.00"), people.org_a.id, priced.id, BillStatus.open)
    assert bill.title == f"会务费：{priced.title}（代表甲）" and bill.due_on == date(2027, 6, 16)
    assert fees.bill_registration(registration) is None  # never twice
    # registration_a was confirmed before the fees were set: only it is billed now
    assert [b.registration_id for b in fees.bill_confirmed(priced)] == [people.registration_a.id]
    assert fees.bill_confirmed(priced) == []
    with pytest.raises(ServiceError) as refused:  # nor by hand
        services.create_bill({"kind": "event_fee", "registration_id": registration.id, "year": 2027,
                              "amount": "1500", "due_on": "2027-06-16"})
    assert refused.value.status == 409
    assert len(_bills(registration)) == 1


def test_free_categories_stay_free(app, db, people, priced):
    guest = _register(priced, people.staff, None, name="厅领导", category="government")
    journalist = _register(priced, people.staff, None, name="记者", category="media")
    assert _bills(guest) == [] and _bills(journalist) == []
    assert [b.registration_id for b in fees.bill_confirmed(priced)] == [people.registration_a.id]
    message = db.session.scalar(select(Message).where(Message.kind == "registration_confirmed",
                                                      Message.params["registration_id"].as_integer() == guest.id))
    if message is not None:  # delegates without an email get no message
        assert "fee" not in render(message)[1].lower()


def test_the_early_bird_boundary_is_the_last_day_in_the_apps_time_zone(app, db, people, priced):
    priced.requires_approval = True
    db.session.commit()
    last_minute = _register(priced, people.member_a, name="甲", category="enterprise")
    first_minute = _register(priced, people.member_a, name="乙", category="enterprise")
    assert last_minute.status.value == "pending" and _bills(last_minute) == []  # billed when confirmed
    # 23:59:59 and 00:00:00 in Shanghai (UTC+8) on either side of midnight, 31 March
    last_minute.created_at = datetime(2027, 3, 31, 15, 59, 59, tzinfo=timezone.utc)
    first_minute.created_at = datetime(2027, 3, 31, 16, 0, 0, tzinfo=timezone.utc)
    db.session.commit()
    registrations.confirm(last_minute, people.staff)
    registrations.confirm(first_minute, people.staff)
    db.session.commit()
    assert [b.amount for b in _bills(last_minute)] == [Decimal("2200.00")]
    assert [b.amount for b in _bills(first_minute)] == [Decimal("2800.00")]


def test_cancelling_cancels_the_unpaid_bill_and_keeps_a_paid_one(app, db, people, priced):
    unpaid = _register(priced, people.staff, people.org_a, name="甲", category="university")
    paid = _register(priced, people.staff, people.org_a, name="乙", category="university")
    paid_bill, = _bills(paid)
    services.record_payment({"amount": "500", "paid_on": date(2026, 12, 1), "payer": people.org_a.name,
                             "allocations": [{"bill_id": paid_bill.id, "amount": "500"}]})
    db.session.commit()
    registrations.cancel(unpaid, people.staff)
    registrations.cancel(paid, people.staff)
    db.session.commit()
    bill, = _bills(unpaid)
    assert (bill.status, bill.cancel_reason) == (BillStatus.cancelled, "报名已取消")
    assert balances.balance(people.org_a.id)["outstanding"] == Decimal("1000.00")  # 1500 - 500 of the kept bill
    db.session.refresh(paid_bill)
    assert paid_bill.status == BillStatus.partly_paid


def test_a_waitlisted_delegate_is_billed_when_promoted(app, db, people, priced):
    priced.capacity = 2  # registration_a holds the other seat
    db.session.commit()
    first = _register(priced, people.staff, people.org_a, name="甲", category="university")
    waiting = _register(priced, people.staff, people.org_b, name="乙", category="enterprise")
    assert first.status.value == "confirmed" and waiting.status.value == "waitlisted" and _bills(waiting) == []
    registrations.cancel(first, people.staff)
    db.session.commit()
    bill, = _bills(waiting)
    assert bill.organization_id == people.org_b.id and bill.status == BillStatus.open


def test_a_new_category_rebills_an_unpaid_bill(app, db, people, priced):
    registration = _register(priced, people.staff, people.org_a, category="university")
    registrations.update_delegate(registration, {"category": "media"}, people.staff)
    db.session.commit()
    assert [b.status for b in _bills(registration)] == [BillStatus.cancelled]  # media is free
    registrations.update_delegate(registration, {"category": "university"}, people.staff)
    db.session.commit()
    assert [(b.status, b.amount) for b in _bills(registration)] == [
        (BillStatus.cancelled, Decimal("1500.00")), (BillStatus.open, Decimal("1500.00"))]


def test_fees_set_after_confirmation_bill_each_delegate_once(app, db, people):
    event = people.meeting.event
    before = _register(event, people.staff, people.org_a, name="早", category="enterprise")
    assert _bills(before) == [] and _bills(people.registration_a) == []  # no fees yet: nothing owed
    fees.set_event_fees(event, FEES)
    made = fees.bill_confirmed(event)
    db.session.commit()
    assert sorted(b.registration_id for b in made) == sorted([before.id, people.registration_a.id])
    assert fees.bill_confirmed(event) == []
    assert db.session.scalar(select(func.count()).select_from(Bill).where(Bill.kind == BillKind.event_fee)) == 2


# --- what people see -----------------------------------------------------------------------------------

def test_the_confirmation_tells_the_fee_and_carries_the_payment_notice(app, db, people, priced):
    registration = _register(priced, people.staff, people.org_a, category="university", email="daibiao@a.example")
    bill, = _bills(registration)
    message = db.session.scalar(select(Message).where(Message.kind == "registration_confirmed",
                                                      Message.recipient_email == "daibiao@a.example"))
    subject, text, html, attachments = render(message)
    # in the delegate's language (Chinese unless told otherwise)
    # the number printed on the payment notice, which the transfer's reference gives
    assert f"会务费: 1,500.00 元，缴费通知编号 2027-{bill.id:06d}，请于 2027-06-16 前缴纳" in text
    assert f"1,500.00 元，缴费通知编号 2027-{bill.id:06d}" in html
    assert sorted(a.filename.split("-")[0] for a in attachments) == ["payment", "ticket"]


def test_the_member_form_shows_the_fees_that_apply_today(app, client, db, people, priced):
    login(client, people.member_a)
    client.set_cookie("alliance_lang", "en")
    page = client.get(f"/events/{priced.slug}/register").get_data(as_text=True)
    assert "Conference fee per delegate" in page
    assert "1,500.00" in page and "early-bird until 2027-03-31, then 2,800.00 yuan" in page
    assert "2,200.00" in page


def test_the_members_list_of_delegates_shows_each_fee(app, client, db, people, priced):
    paying = _register(priced, people.staff, people.org_a, name="付费代表", category="university")
    _register(priced, people.staff, people.org_a, name="媒体代表", category="media")
    _register(factories.event(slug="free-forum").event, people.staff, people.org_a, name="论坛代表")
    bill, = _bills(paying)
    login(client, people.member_a)
    client.set_cookie("alliance_lang", "en")
    page = client.get("/my/registrations").get_data(as_text=True)
    row = page[page.index("付费代表"):page.index("</tr>", page.index("付费代表"))]
    assert "1,500.00" in row and f"/bills/{bill.id}/notice.pdf" in row
    free_row = page[page.index("媒体代表"):page.index("</tr>", page.index("媒体代表"))]
    assert "notice.pdf" not in free_row and ".00" not in free_row
    assert page.count("Conference fee</th>") == 1  # only the event with bills has the column


def test_without_fees_the_forms_show_none(app, client, db, people):
    login(client, people.staff)
    page = client.get(f"/admin/events/{people.meeting.event.id}/registrations/new").get_data(as_text=True)
    assert 'class="card mb-3 fees"' not in page


def test_the_secretariat_sets_fees_on_the_events_page(app, client, db, people):
    event = people.meeting.event
    login(client, people.staff)
    client.set_cookie("alliance_lang", "en")
    page = client.get(f"/admin/events/{event.id}/fees")
    assert page.status_code == 200 and "Conference fees" in page.get_data(as_text=True)
    form = {f"fees-{i}-{name}": "" for i in range(7) for name in ("amount_cny", "early_amount_cny", "early_until")}
    # enterprise is the fifth category, university the second, media the sixth
    form.update({"fees-4-amount_cny": "0.28万", "fees-4-early_amount_cny": "２２００", "fees-4-early_until": "2027-03-31",
                 "fees-1-amount_cny": "1500", "fees-5-amount_cny": "1,5万5"})
    refused = client.post(f"/admin/events/{event.id}/fees", data=form)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "This is not an amount." in body and 'value="0.28万"' in body  # the message at the field, input kept
    assert fees.event_fees(event) == {}
    form["fees-5-amount_cny"] = ""
    saved = client.post(f"/admin/events/{event.id}/fees", data=form)
    assert saved.status_code == 302
    assert {c.value: (f.amount_fen, f.early_amount_fen) for c, f in fees.event_fees(event).items()} == {
        "university": (150000, None), "enterprise": (280000, 220000)}
    page = client.get(f"/admin/events/{event.id}/fees").get_data(as_text=True)
    assert 'value="2800.00"' in page and 'value="2027-03-31"' in page
    assert client.post(f"/admin/events/{event.id}/fees/bill").status_code == 302
    assert [b.amount for b in _bills(people.registration_a)] == [Decimal("2200.00")]  # registered today: early


# --- API -----------------------------------------------------------------------------------------------

def test_api_puts_and_gets_the_fees(app, db, staff, member, priced):
    url = f"/api/v1/events/{priced.id}/fees"
    got = member.get(url)
    assert got.status_code == 200
    assert got.get_json()["fees"][0] == {"category": "university", "amount_cny": "1500.00", "early_amount_cny": None,
                                         "early_until": None, "applies_today_cny": "1500.00"}
    put = staff.put(url, json={"fees": [{"category": "enterprise", "amount_cny": "3000.00",
                                         "early_amount_cny": "2500", "early_until": "2027-05-31"}]})
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["fees"] == [{"category": "enterprise", "amount_cny": "3000.00", "early_amount_cny": "2500.00",
                                       "early_until": "2027-05-31", "applies_today_cny": "2500.00"}]
    assert set(fees.event_fees(priced)) == {fees.DelegateCategory.enterprise}  # the others left out: free


def test_api_refuses_bad_fees_at_the_field(app, db, staff, member, priced):
    url = f"/api/v1/events/{priced.id}/fees"
    refused = staff.put(url, json={"fees": [{"category": "enterprise", "amount_cny": 2800},
                                            {"category": "university", "amount_cny": "1500", "early_until": "soon"},
                                            {"category": "media", "amount_cny": "5万", "colour": "red"}]})
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert set(errors) == {"fees-0-amount_cny", "fees-1-early_until", "fees-2-colour"}
    refused = staff.put(url, json={"fees": [{"category": "enterprise", "amount_cny": "2800",
                                             "early_amount_cny": "3000", "early_until": "2027-03-01"}]})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"fees-0-early_amount_cny": ["The early-bird amount is above the regular fee."]}
    assert member.put(url, json={"fees": []}).status_code == 403
    assert staff.get("/api/v1/events/999999/fees").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(EventFee)) == 3  # unchanged


def test_the_database_refuses_a_second_live_bill_for_a_delegate(app, db, people, priced, monkeypatch):
    """What a second request billing the same delegate at the same moment meets: the
    partial unique index; the service then keeps the first bill and answers None."""
    registration = _register(priced, people.staff, people.org_a, category="university")
    from sqlalchemy.exc import IntegrityError

    twin = Bill(kind=BillKind.event_fee, organization_id=people.org_a.id, registration_id=registration.id,
                event_id=priced.id, year=2027, title="twin", amount_fen=1, paid_fen=0, due_on=date(2027, 6, 16),
                status=BillStatus.open)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(twin)
    db.session.rollback()
    real = fees.active_bill(registration)
    # the service's own check cannot see the other request's bill yet: pretend it did not
    monkeypatch.setattr(fees, "active_bill", lambda registration: None)
    assert fees.bill_registration(registration) is None
    monkeypatch.undo()
    db.session.commit()
    assert [b.id for b in _bills(registration)] == [real.id]
