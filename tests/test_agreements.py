"""Agreements: numbering, drafting, parties, value and currency, the workflow,
immutability once signed, corrections, and the pages around them."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from alliance_app.agreements import services
from alliance_app.agreements.models import Agreement, AgreementStatus
from alliance_app.audit.models import AuditEntry
from alliance_app.core.errors import ServiceError

from . import factories
from .conftest import login


def draft(people, **overrides):
    data = {"title": "战略合作协议", "kind": "strategic_cooperation", "sectors": ["aftermarket", "materials"],
            "amount": "35亿", "currency": "CNY", "amount_disclosed": True,
            "parties": [{"organization_id": people.org_a.id, "signatory_name": "褚兵", "signatory_title": "董事长"},
                        {"organization_id": people.org_b.id, "signatory_name": "徐兴无"}]}
    data.update(overrides)
    return services.create_agreement(data, people.staff)


def test_numbers_are_sequential_per_year(people, db, app):
    first, second = draft(people), draft(people, title="第二份")
    db.session.commit()
    assert second.seq == first.seq + 1
    assert first.number.startswith(app.config["AGREEMENT_NUMBER_PREFIX"] + str(first.year) + "-")
    assert second.number.endswith(f"-{second.seq:04d}")


def test_parties_get_role_labels_and_printed_details(people, db):
    agreement = draft(people, parties=[
        {"organization_id": people.org_a.id}, {"organization_id": people.org_b.id},
        {"organization_id": factories.organization("丙单位有限公司").id, "role_label": "见证方"}])
    assert [p.role_label for p in agreement.parties] == ["甲方", "乙方", "见证方"]
    assert agreement.parties[0].printed_uscc == people.org_a.uscc
    assert [c.heading for c in agreement.clauses][:2] == ["合作目的", "合作内容"]  # the default clauses


@pytest.mark.parametrize("changes, field, message", [
    ({"parties": [{"organization_id": 1}]}, "parties", "at least two parties"),
    ({"amount": "3.5 billion"}, "amount", "This is not an amount"),
    ({"amount": "-3"}, "amount", "cannot be negative"),
    ({"amount": "1.005"}, "amount", "two decimal places"),
    ({"amount": "1e9"}, "amount", "no exponents"),
    ({"currency": "USD"}, "fx_rate_to_cny", "exchange rate of USD"),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"sectors": []}, "sectors", "at least one sector"),
    ({"sectors": ["space"]}, "sectors", "Unknown value"),
])
def test_bad_input_is_refused_with_the_reason(people, db, changes, field, message):
    before = db.session.scalar(select(func.count()).select_from(Agreement))
    with pytest.raises(ServiceError) as refused:
        draft(people, **changes)
    assert message in " ".join(refused.value.errors.get(field, []))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == before


def test_the_same_organization_twice_is_refused(people, db):
    with pytest.raises(ServiceError) as refused:
        draft(people, parties=[{"organization_id": people.org_a.id}, {"organization_id": people.org_a.id}])
    assert "甲单位有限公司 is a party already" in refused.value.errors["parties-1-organization_id"][0]


def test_foreign_currency_is_kept_with_its_rate_and_cny_value(people, db):
    agreement = draft(people, amount="1,000,000.50", currency="usd", fx_rate_to_cny="7.1234")
    assert (agreement.currency, agreement.amount, agreement.fx_rate) == ("USD", Decimal("1000000.50"),
                                                                         Decimal("7.1234"))
    assert agreement.amount_cny == Decimal("7123403.56")  # 7,123,403.5617 rounded half up


def test_undisclosed_amounts_keep_no_figures(people, db):
    agreement = draft(people, amount_disclosed=False, amount="5亿", sectors=["talent_research"])
    assert (agreement.amount_fen, agreement.amount_cny_fen) == (None, None)


def test_sectors_and_parties_can_be_changed_and_kept(people, db):
    agreement = draft(people)
    services.update_agreement(agreement, {"sectors": ["materials", "recycling"],
                                          "parties": [{"organization_id": people.org_b.id},
                                                      {"organization_id": people.org_a.id}]}, people.staff)
    services.update_agreement(agreement, {"sectors": ["materials", "recycling"]}, people.staff)
    db.session.commit()
    assert [s.value for s in agreement.sectors] == ["materials", "recycling"]
    assert [p.organization_id for p in agreement.parties] == [people.org_b.id, people.org_a.id]


def test_workflow_and_immutability_once_signed(people, db):
    agreement = draft(people)
    with pytest.raises(ServiceError):
        services.sign(agreement, people.staff)  # not checked yet
    services.mark_ready(agreement, people.staff)
    services.update_agreement(agreement, {"title": "战略合作协议（修订）"}, people.staff)
    assert agreement.status == AgreementStatus.draft  # a change sends it back to be checked
    services.mark_ready(agreement, people.staff)
    services.sign(agreement, people.staff)
    db.session.commit()
    assert agreement.status == AgreementStatus.signed and agreement.signed_by_id == people.staff.id
    for attempt in (lambda: services.update_agreement(agreement, {"title": "改"}, people.staff),
                    lambda: services.sign(agreement, people.staff),
                    lambda: services.mark_ready(agreement, people.staff)):
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert refused.value.status == 409
    with pytest.raises(ServiceError) as no_reason:
        services.void(agreement, "  ", people.staff)
    assert "reason" in no_reason.value.errors


def test_a_correction_is_a_void_plus_a_new_agreement_both_audited(people, db):
    agreement = draft(people)
    services.mark_ready(agreement, people.staff)
    services.sign(agreement, people.staff)
    copy = services.draft_correction(agreement, "金额有误", people.staff)
    db.session.commit()
    assert agreement.status == AgreementStatus.voided and agreement.void_reason == "金额有误"
    assert copy.status == AgreementStatus.draft and copy.replaces_id == agreement.id
    assert copy.number != agreement.number and [p.organization_id for p in copy.parties] == \
        [p.organization_id for p in agreement.parties]
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "agreements")))
    assert {"agreement_signed", "agreement_voided", "agreement_correction_drafted", "create"} <= actions


def test_signing_time_can_be_given_but_not_in_the_future(people, db):
    agreement = draft(people)
    services.mark_ready(agreement, people.staff)
    with pytest.raises(ServiceError):
        services.sign(agreement, people.staff, "2099-01-01T10:00:00+08:00")
    services.sign(agreement, people.staff, "2026-06-16T16:30:00+08:00")
    assert agreement.signed_at.isoformat() == "2026-06-16T08:30:00+00:00"


# --- pages -----------------------------------------------------------------------------------

def test_staff_draft_an_agreement_in_the_browser_form(client, people, db):
    login(client, people.staff)
    response = client.post("/admin/agreements/new", data={
        "title": "储能业务战略合作协议", "kind": "strategic_cooperation", "sectors": ["energy_storage"],
        "amount_disclosed": "y", "amount": "3.5亿元", "currency": "CNY", "event_id": "", "agenda_item_id": "",
        "parties-0-organization_id": str(people.org_a.id), "parties-1-organization_id": str(people.org_b.id),
        "parties-1-signatory_name": "A & B <b>x</b>"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    agreement = db.session.scalar(select(Agreement).where(Agreement.title == "储能业务战略合作协议"))
    assert agreement.amount == Decimal("350000000.00")
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "3.5亿元" in page and "A &amp; B &lt;b&gt;x&lt;/b&gt;" in page


def test_form_errors_land_at_the_party_row(client, people, db):
    login(client, people.staff)
    response = client.post("/admin/agreements/new", data={
        "title": "协议", "kind": "other", "sectors": ["other"], "amount_disclosed": "y", "amount": "abc",
        "currency": "CNY", "parties-0-organization_id": str(people.org_a.id),
        "parties-1-organization_id": str(people.org_a.id)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "甲单位有限公司已是签约方" in page and "这不是金额" in page


def test_members_see_only_their_own_agreements(client, people, db):
    mine = draft(people)
    other = draft(people, parties=[{"organization_id": people.org_b.id},
                                   {"organization_id": factories.organization("丙单位有限公司").id}])
    db.session.commit()
    login(client, people.member_a)
    listing = client.get("/my/agreements").get_data(as_text=True)
    assert mine.number in listing and other.number not in listing
    assert client.get(f"/agreements/{other.id}").status_code == 403
    assert client.get(f"/agreements/{mine.id}").status_code == 200


def test_signed_agreements_have_no_edit_page(client, people, db):
    agreement = draft(people)
    services.mark_ready(agreement, people.staff)
    services.sign(agreement, people.staff)
    db.session.commit()
    login(client, people.staff)
    response = client.get(f"/admin/agreements/{agreement.id}/edit")
    assert response.status_code == 302
    refused = client.post(f"/admin/agreements/{agreement.id}/sign", follow_redirects=True)
    assert "该协议已签署" in refused.get_data(as_text=True)


S = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
ACT = dict(anon=302, member_a=403, member_b=403, staff=302, admin=302)
PARTY = dict(anon=302, member_a=200, member_b=200, staff=200, admin=200)  # people's agreement: org A and org B

AUTHZ_ROWS = {
    ("agreements.admin_list", "GET"): ("/admin/agreements", S),
    ("agreements.create", "GET"): ("/admin/agreements/new", S),
    ("agreements.create", "POST"): ("/admin/agreements/new", dict(S, staff=422, admin=422)),
    ("agreements.edit", "GET"): ("/admin/agreements/{agreement_id}/edit", S),
    ("agreements.edit", "POST"): ("/admin/agreements/{agreement_id}/edit", dict(S, staff=422, admin=422)),
    ("agreements.detail", "GET"): ("/agreements/{agreement_id}", PARTY),
    ("agreements.pdf", "GET"): ("/agreements/{agreement_id}.pdf", PARTY),
    ("agreements.ready", "POST"): ("/admin/agreements/{agreement_id}/ready", ACT),
    ("agreements.sign", "POST"): ("/admin/agreements/{agreement_id}/sign", ACT),
    ("agreements.void", "POST"): ("/admin/agreements/{agreement_id}/void", ACT),
    ("agreements.correct", "POST"): ("/admin/agreements/{agreement_id}/correct", ACT),
    ("agreements.ceremony_pack", "GET"): ("/events/{event_slug}/agreements.pdf", S),
    ("agreements.mine", "GET"): ("/my/agreements", dict(anon=302, member_a=200, member_b=200, staff=403, admin=403)),
}


@pytest.mark.parametrize("amount, shown", [
    ("3500000000", "35亿元"), ("350000000", "3.5亿元"), ("50000000", "5000万元"), ("3507123400", "3,507,123,400.00元"),
    ("123456.78", "123,456.78元"), ("12345", "12,345.00元"), ("15000", "1.5万元"), ("0.05", "0.05元"),
])
def test_amounts_are_shown_short_only_when_exact(app, amount, shown):
    from alliance_app.core.money import format_amount

    with app.test_request_context("/"):
        assert format_amount(Decimal(amount)) == shown
