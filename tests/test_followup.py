"""Following signed agreements to the ground: reports, review, attachments,
the follow-up totals (checked against an independent Decimal computation),
the 项目推进情况表 and the reminders."""
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_app.agreements import services as agreements
from alliance_app.core.errors import ServiceError
from alliance_app.followup import reminders, services
from alliance_app.followup.attachments import Upload
from alliance_app.followup.models import ProgressReport, Project, ReportStatus, Stage
from alliance_app.followup.totals import follow_up
from alliance_app.reports.totals import Scope

from . import factories
from .conftest import login
from .test_authorization import API_SIGNED_IN, LOGIN, SECRETARIAT, expect

MEMBER_PAGE = expect(LOGIN, 200, 200, 403, 403)
# Org A and org B are the agreement's parties: each reports for itself (member self-service).
OWN_SIGNED = expect(LOGIN, 200, 200, 403, 403)
AUTHZ_ROWS = {
    ("followup.mine", "GET"): ("/my/projects", MEMBER_PAGE),
    ("followup.report_form", "GET"): ("/my/projects/{signed_agreement_id}/report", OWN_SIGNED),
    # An empty form is refused at its fields.
    ("followup.report_form", "POST"): ("/my/projects/{signed_agreement_id}/report", expect(LOGIN, 422, 422, 403, 403)),
    ("followup.overview", "GET"): ("/admin/follow-up", SECRETARIAT),
    ("followup.schedule", "POST"): ("/admin/events/{event_id}/follow-up/schedule", expect(LOGIN, 403, 403, 302, 302)),
    ("followup.project", "GET"): ("/admin/follow-up/agreements/{signed_agreement_id}", SECRETARIAT),
    ("followup.accept", "POST"): ("/admin/follow-up/reports/{report_id}/accept", expect(LOGIN, 403, 403, 302, 302)),
    ("followup.send_back", "POST"): ("/admin/follow-up/reports/{report_id}/return",
                                     expect(LOGIN, 403, 403, 302, 302)),
    # Org A's report: org B, the other party, does not see its attachments.
    ("followup.attachment", "GET"): ("/follow-up/attachments/{attachment_id}", expect(LOGIN, 200, 403, 200, 200)),
    ("followup.progress_xlsx", "GET"): ("/admin/follow-up/progress.xlsx", SECRETARIAT),
    ("followup.progress_pdf", "GET"): ("/admin/follow-up/progress.pdf", SECRETARIAT),
    ("api_followup.agreement_reports", "GET"): ("/api/v1/agreements/{signed_agreement_id}/reports",
                                                API_SIGNED_IN),  # member B: its own reports (none)
    # No body: 400 for whoever may report.
    ("api_followup.agreement_reports", "POST"): ("/api/v1/agreements/{signed_agreement_id}/reports",
                                                 expect(401, 400, 400, 400, 400)),
    ("api_followup.report_accept", "POST"): ("/api/v1/reports/{report_id}/accept", expect(401, 403, 403, 200, 200)),
    ("api_followup.report_return", "POST"): ("/api/v1/reports/{report_id}/return", expect(401, 403, 403, 400, 400)),
    ("api_followup.event_follow_up", "GET"): ("/api/v1/events/{event_id}/follow-up", API_SIGNED_IN),
    ("api_followup.year_follow_up", "GET"): ("/api/v1/years/2026/follow-up", API_SIGNED_IN),
}


def bearer(user):
    return {"Authorization": f"Bearer {factories.token(user)}"}


@pytest.fixture
def signed(people, db):
    people.agreement.event_id = people.meeting.event.id
    agreements.sign(people.agreement, people.staff)
    db.session.commit()
    return people.agreement


def _report(agreement, member, **data):
    values = {"stage": "landed", "invested_cny": "1000万", "note": "完成工商注册", **data}
    return services.submit_report(agreement, values, data.pop("uploads", []), member)


# --- reports and review ----------------------------------------------------------------------------

def test_an_accepted_report_moves_the_project_and_a_returned_one_does_not(people, signed, db):
    returned = _report(signed, people.member_a, invested_cny="5亿")
    services.return_report(returned, "金额有误", people.staff)
    db.session.commit()
    assert services.project_of(signed) is None  # nothing recorded yet: still `signed`, nothing invested
    report = _report(signed, people.member_a, stage="under_construction", stage_on="2027-03-01")
    services.accept_report(report, people.staff)
    db.session.commit()
    project = services.project_of(signed)
    assert project.stage == Stage.under_construction and project.invested == Decimal("10000000.00")
    # Passing landed on the way: that stage is dated too.
    assert project.landed_on == project.construction_on == date(2027, 3, 1)
    with pytest.raises(ServiceError) as refused:
        services.accept_report(report, people.staff)
    assert refused.value.status == 409


@pytest.mark.parametrize("data, field", [
    ({"invested_cny": "-5"}, "invested_cny"),
    ({"invested_cny": "很多"}, "invested_cny"),
    ({"invested_cny": "10亿"}, "invested_cny"),  # the agreement is 3.5亿: implausible without confirming
    ({"stage": "terminated"}, "reason"),
    ({"stage": "flying"}, "stage"),
    ({"note": ""}, "note"),
    ({"stage_on": "2027-13-01"}, "stage_on"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(people, signed, db, data, field):
    with pytest.raises(ServiceError) as refused:
        _report(signed, people.member_a, **data)
    db.session.rollback()
    assert field in refused.value.errors
    assert db.session.query(ProgressReport).count() == 0


def test_a_confirmed_large_amount_and_a_stage_going_back_with_a_reason(people, signed, db):
    services.accept_report(_report(signed, people.member_a, stage="in_operation"), people.staff)
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        _report(signed, people.member_a, stage="landed")
    assert "reason" in refused.value.errors
    report = _report(signed, people.member_a, stage="landed", reason="生产线停产整改", invested_cny="10亿",
                     confirm=True)
    services.accept_report(report, people.staff)
    db.session.commit()
    project = services.project_of(signed)
    assert project.stage == Stage.landed and project.operation_on is None and project.invested_fen == 10**11


def test_another_organizations_project_is_refused(people, signed, db):
    outsider = factories.user(organization=factories.organization(), role=factories.Role.member)
    with pytest.raises(ServiceError) as refused:
        _report(signed, outsider)
    assert refused.value.status == 403


@pytest.mark.parametrize("name, content, message", [
    ("../../etc/passwd.png", factories.PNG, "not allowed"),
    ("现场\r\n.png", factories.PNG, "not allowed"),
    ("photo\u202egnp.exe", factories.PNG, "not allowed"),
    ("合同.pdf", factories.PNG, "not the kind of file"),
    ("现场.png", b"%PDF-1.4\n%%EOF", "not the kind of file"),
    ("现场.jpg", b"\xff\xd8\xff" + b"0" * 100, "not the kind of file"),
    ("脚本.html", b"<script>", "only photos"),
    ("大图.png", factories.PNG + b"\0" * (8 * 1024 * 1024), "larger than"),
])
def test_hostile_attachments_are_refused_and_no_file_is_written(app, people, signed, db, name, content, message):
    from pathlib import Path

    folder = Path(app.config["FOLLOWUP_FILES_PATH"])
    before = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(ServiceError) as refused:
        _report(signed, people.member_a, uploads=[Upload(name, content)])
    assert message in refused.value.errors["attachments"][0]
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_member_submits_with_a_photo_staff_accept_and_the_page_moves(client, people, signed, db):
    login(client, people.member_a)
    answer = client.post(f"/my/projects/{signed.id}/report", data={
        "stage": "landed", "invested_cny": "1,200万", "note": "<b>已落地</b>", "problems": "用地指标",
        "attachments": [(io.BytesIO(factories.PNG), "现场照片.png")]}, content_type="multipart/form-data")
    assert answer.status_code == 302
    report = db.session.query(ProgressReport).one()
    photo = client.get(f"/follow-up/attachments/{report.attachments[0].id}")
    assert photo.data == factories.PNG and photo.mimetype == "image/png"
    assert "sandbox" in photo.headers["Content-Security-Policy"] and photo.headers["X-Content-Type-Options"] == "nosniff"
    login(client, people.staff)
    before = client.get(f"/admin/follow-up?event_id={people.meeting.event.id}").get_data(as_text=True)
    assert 'data-figure="landed_rate_count">0.00%' in before
    assert client.post(f"/admin/follow-up/reports/{report.id}/accept").status_code == 302
    page = client.get(f"/admin/follow-up?event_id={people.meeting.event.id}").get_data(as_text=True)
    assert 'data-figure="landed_rate_count">100.00%' in page and "12,000,000.00" in page
    history = client.get(f"/admin/follow-up/agreements/{signed.id}").get_data(as_text=True)
    assert "&lt;b&gt;已落地&lt;/b&gt;" in history and "现场照片.png" in history


def test_a_wrong_form_keeps_what_was_typed(client, people, signed):
    login(client, people.member_a)
    answer = client.post(f"/my/projects/{signed.id}/report", data={"stage": "landed", "invested_cny": "-3",
                                                                    "note": "进展说明"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "金额不能为负数" in page and "is-invalid" in page and "进展说明" in page


# --- the API -------------------------------------------------------------------------------------

def test_api_reports_and_follow_up(client, people, signed, db):
    url = f"/api/v1/agreements/{signed.id}/reports"
    answer = client.post(url, json={"stage": "landed", "invested_cny": "10000000.00", "note": "注册完成"},
                         headers=bearer(people.member_a))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert (body["status"], body["invested_cny"], body["stage"]) == ("submitted", "10000000.00", "landed")
    refused = client.post(url, json={"stage": "landed", "invested_cny": 5, "note": "x"},
                          headers=bearer(people.member_a))
    assert refused.status_code == 422 and "invested_cny" in refused.get_json()["errors"]
    accepted = client.post(f"/api/v1/reports/{body['id']}/accept", headers=bearer(people.staff))
    assert accepted.get_json()["status"] == "accepted"
    figures = client.get(f"/api/v1/events/{people.meeting.event.id}/follow-up", headers=bearer(people.staff)).get_json()
    assert (figures["signed_total"], figures["landed_count"], figures["landed_total"]) == (
        "350000000.00", 1, "350000000.00")
    assert (figures["invested_total"], figures["landed_rate_count"], figures["landed_rate_value"],
            figures["invested_rate"]) == ("10000000.00", "1.0000", "1.0000", "0.0286")
    assert figures["by_sector"][0]["sector"] == "recycling" and figures["by_sector"][0]["landed_count"] == 1
    returned = client.post(f"/api/v1/reports/{body['id']}/return", json={"remark": "x"}, headers=bearer(people.staff))
    assert returned.status_code == 409


# --- the figures, against an independent computation -----------------------------------------------

STAGES = list(Stage)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=st.lists(st.tuples(st.integers(0, 10**13), st.sampled_from(STAGES), st.integers(0, 10**13),
                                   st.booleans(), st.sampled_from(["recycling", "materials", "energy_storage"])),
                         min_size=0, max_size=8))
def test_every_figure_matches_a_decimal_computation(app, db, projects):
    from alliance_app.agreements.models import Agreement, AgreementParty, AgreementSector, AgreementStatus
    from alliance_app.core.db import utcnow
    from alliance_app.members.models import Organization

    for table in (Project, AgreementSector, AgreementParty, Agreement):
        db.session.query(table).delete()
    db.session.commit()
    host = db.session.query(Organization).filter_by(name="属性测试主办").one_or_none() or factories.organization("属性测试主办")
    partner = db.session.query(Organization).filter_by(name="属性测试伙伴").one_or_none() or factories.organization("属性测试伙伴")
    for i, (fen, stage, invested, tracked, sector) in enumerate(projects):
        agreement = Agreement(number=f"P-{i}", year=2026, seq=i + 1, title="t", kind="investment", amount_fen=fen,
                              amount_cny_fen=fen, fx_rate_micro=10**6, status=AgreementStatus.signed,
                              signed_at=utcnow())
        agreement.parties = [AgreementParty(position=0, organization_id=host.id, role_label="甲方", printed_name="h"),
                             AgreementParty(position=1, organization_id=partner.id, role_label="乙方", printed_name="p")]
        agreement.sector_rows = [AgreementSector(sector=sector)]
        db.session.add(agreement)
        db.session.flush()
        reason = "原因" if stage == Stage.terminated else None
        db.session.add(Project(agreement_id=agreement.id, tracked=tracked, stage=stage, invested_fen=invested,
                               terminated_reason=reason))
    db.session.commit()
    figures = follow_up(Scope())

    counted = [p for p in projects if p[3]]
    yuan = lambda fen: Decimal(fen) / 100  # noqa: E731

    def expect_rate(a, b):
        return None if b == 0 else (Decimal(a) / Decimal(b)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    landed = [p for p in counted if p[1] in (Stage.landed, Stage.under_construction, Stage.in_operation)]
    signed_total = sum((yuan(p[0]) for p in counted), Decimal(0))
    landed_total = sum((yuan(p[0]) for p in landed), Decimal(0))
    invested = sum((yuan(p[2]) for p in counted), Decimal(0))
    assert figures["signed_count"] == len(counted) and figures["signed_total"] == signed_total
    assert figures["landed_count"] == len(landed) and figures["landed_total"] == landed_total
    assert figures["invested_total"] == invested
    for stage in (Stage.under_construction, Stage.in_operation, Stage.terminated):
        rows = [p for p in counted if p[1] == stage]
        assert figures[f"{stage.value}_count"] == len(rows)
        assert figures[f"{stage.value}_total"] == sum((yuan(p[0]) for p in rows), Decimal(0))
    assert figures["landed_rate_count"] == expect_rate(len(landed), len(counted))
    assert figures["landed_rate_value"] == expect_rate(landed_total, signed_total)
    assert figures["invested_rate"] == expect_rate(invested, signed_total)
    for row in figures["by_sector"]:
        rows = [p for p in counted if p[4] == row["sector"]]
        assert row["signed_total"] == sum((yuan(p[0]) for p in rows), Decimal(0))
        assert row["landed_count"] == sum(1 for p in rows if p in landed)
    assert sum(r["signed_count"] for r in figures["by_sector"]) == len(counted)
    partners = figures["by_partner"]
    assert (partners[0]["signed_total"] if partners else Decimal(0)) == signed_total


# --- documents and reminders --------------------------------------------------------------------------

def test_progress_table_prints_with_filters(client, people, signed, db):
    services.accept_report(_report(signed, people.member_a, problems="=HYPERLINK(\"x\")"), people.staff)
    db.session.commit()
    login(client, people.staff)
    from openpyxl import load_workbook

    xlsx = client.get(f"/admin/follow-up/progress.xlsx?event_id={people.meeting.event.id}&stage=landed")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert signed.number in rows[1][1] and rows[1][4] == 35000 and rows[1][7] == 1000
    assert rows[1][9].startswith("'=")  # a formula typed by a member is text
    assert len(list(load_workbook(io.BytesIO(client.get(
        "/admin/follow-up/progress.xlsx?stage=in_operation").data)).active.values)) == 2  # header and total only
    pdf = client.get("/admin/follow-up/progress.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert client.get("/admin/follow-up/progress.pdf?stage=flying").status_code == 404


def test_reminders_due_then_overdue_once_each(people, signed, db):
    from alliance_app.notifications.models import Message

    db.session.add(reminders.ReportSchedule(event_id=people.meeting.event.id, first_due=date(2027, 9, 30),
                                            interval_months=3, remind_days=7))
    db.session.commit()
    assert reminders.send_report_reminders(date(2027, 9, 1)) == 0  # not yet within the 7 days
    assert reminders.send_report_reminders(date(2027, 9, 25)) == 1  # member A's account, 5 days before
    assert reminders.send_report_reminders(date(2027, 9, 26)) == 0  # once
    assert reminders.send_report_reminders(date(2027, 10, 2)) == 1  # overdue
    kinds = [m.kind for m in db.session.query(Message).order_by(Message.id)]
    assert kinds == [reminders.DUE, reminders.OVERDUE]
    from datetime import datetime, timezone

    _report(signed, people.member_a).created_at = datetime(2027, 10, 2, 3, tzinfo=timezone.utc)  # late, but sent
    db.session.commit()
    assert reminders.pending(date(2027, 10, 3)) == []  # reported since: nothing owed
