"""Long documents built by the worker: above the threshold the request writes a
job and answers with its page; the worker's document reads as the immediate
one; progress is reported; the job is the secretariat's; unchanged data reuses
the job, changed data builds a new one."""
import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from alliance_app.core.db import utcnow
from alliance_app.core.queue import huey_of
from alliance_app.jobs import services as jobs
from alliance_app.jobs.models import DocumentJob, JobStatus
from alliance_app.registrations import documents, transfer

from . import factories
from .conftest import login
from .pdfs import pdf_text

SECRETARIAT = dict(anon=302, member_a=403, member_b=403, staff=200, admin=200)
AUTHZ_ROWS = {
    ("jobs.job", "GET"): ("/jobs/{job_id}", SECRETARIAT),
    ("jobs.job_status", "GET"): ("/jobs/{job_id}.json", SECRETARIAT),
    ("jobs.download", "GET"): ("/jobs/{job_id}/download", SECRETARIAT),
}


@pytest.fixture
def crowd(app, people, db):
    """The meeting with five confirmed delegates (one of them org A's), and a
    threshold of three: whole-event documents go to the worker."""
    for n in range(4):
        factories.registration(people.meeting.event, people.staff, people.org_b, f"代表{n}")
    app.config.update(BACKGROUND_DOCUMENT_THRESHOLD=3, BACKGROUND_EXPORT_THRESHOLD=3,
                      BACKGROUND_AGREEMENT_THRESHOLD=1)
    people.event = people.meeting.event
    return people


def jobs_in(db) -> list[DocumentJob]:
    return list(db.session.scalars(select(DocumentJob).order_by(DocumentJob.id)))


def job_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(re.fullmatch(r".*/jobs/(\d+)", response.headers["Location"]).group(1))


def immediate(app, client, url) -> bytes:
    """The document as a request sends it when the event is small enough."""
    saved = dict(app.config)
    app.config.update(BACKGROUND_DOCUMENT_THRESHOLD=10_000, BACKGROUND_EXPORT_THRESHOLD=10_000,
                      BACKGROUND_AGREEMENT_THRESHOLD=10_000)
    try:
        response = client.get(url)
    finally:
        app.config.update(saved)
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("path", ["badges.pdf", "sign-in-sheet.pdf"])
def test_a_big_event_is_printed_by_the_worker_and_reads_as_the_immediate_document(app, client, db, crowd, path):
    login(client, crowd.staff)
    url = f"/admin/events/{crowd.event.id}/{path}"
    at_once = immediate(app, client, url)
    assert not jobs_in(db)  # small documents write no job

    job_id = job_id_of(client.get(url))
    [job] = jobs_in(db)
    assert (job.id, job.status, job.progress_done, job.progress_total) == (job_id, JobStatus.queued, 0, 5)
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-job-url" in html and "<progress" in html and "等待" in html and "<script>" not in html
    assert client.get(f"/jobs/{job_id}/download").status_code == 302  # not built yet: back to the page

    jobs.build_document(job_id)
    state = client.get(f"/jobs/{job_id}.json").get_json()
    assert state["status"] == "done" and state["finished"] and state["percent"] == 100
    assert (state["done"], state["total"]) == (5, 5)
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert pdf_text(download.data) == pdf_text(at_once)
    assert "下载" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_export_and_the_ceremony_pack_go_to_the_worker_too(app, client, db, crowd):
    for _ in range(2):
        factories.ready_agreement((crowd.org_a, crowd.org_b), crowd.staff, event_id=crowd.event.id)
    login(client, crowd.staff)
    for url in (f"/admin/events/{crowd.event.id}/registrations/export.csv", f"/events/{crowd.event.slug}/agreements.pdf"):
        at_once = immediate(app, client, url)
        job_id = job_id_of(client.get(url))
        jobs.build_document(job_id)
        built = client.get(f"/jobs/{job_id}/download")
        assert built.status_code == 200
        if url.endswith(".csv"):
            assert built.data == at_once and built.headers["Content-Disposition"].startswith("attachment")
        else:
            assert pdf_text(built.data) == pdf_text(at_once)


def test_the_worker_builds_in_the_language_it_was_asked_in(app, client, db, crowd):
    login(client, crowd.staff)
    client.set_cookie("alliance_lang", "en")
    job_id = job_id_of(client.get(f"/admin/events/{crowd.event.id}/sign-in-sheet.pdf"))
    client.delete_cookie("alliance_lang")
    jobs.build_document(job_id)  # the worker's own language is English; the job says which
    job = db.session.get(DocumentJob, job_id)
    assert job.locale == "en" and job.filename.startswith("Sign-in sheet")
    assert "Signature" in pdf_text(client.get(f"/jobs/{job_id}/download").data)
    chinese = job_id_of(client.get(f"/admin/events/{crowd.event.id}/sign-in-sheet.pdf"))
    assert chinese != job_id  # another language, another document


def test_a_job_is_run_by_the_queue(app, client, db, crowd):
    huey = huey_of(app)
    huey.immediate = True  # the task runs as it is queued, as a worker would run it
    try:
        login(client, crowd.staff)
        response = client.get(f"/admin/events/{crowd.event.id}/badges.pdf", follow_redirects=True)
    finally:
        huey.immediate = False
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/download" in html and 'data-job-finished="true"' in html
    [job] = jobs_in(db)
    assert job.status == JobStatus.done and job.finished_at is not None


def test_the_builders_report_their_progress(app, crowd):
    from alliance_app.agreements.documents import ceremony_pack_pdf
    from alliance_app.registrations.printing import selected

    from .pdfs import language

    many = [factories.registration(crowd.event, crowd.staff, crowd.org_a, f"代表乙{n}") for n in range(6)]
    assert many
    registrations = selected(crowd.event, [])
    assert len(registrations) == 11
    agreements = [factories.ready_agreement((crowd.org_a, crowd.org_b), crowd.staff) for _ in range(2)]
    with language(app):
        for build in (lambda p: documents.badges_pdf(crowd.event, registrations, progress=p),
                      lambda p: documents.sign_in_sheet_pdf(crowd.event, registrations, progress=p),
                      lambda p: transfer.export(crowd.event, registrations, "xlsx", progress=p),
                      lambda p: ceremony_pack_pdf(crowd.event, agreements, progress=p)):
            calls = []
            build(lambda done, total: calls.append((done, total)))
            total = calls[-1][1]
            assert calls[-1] == (total, total) and total in (11, 2)
            assert [done for done, _ in calls] == sorted(done for done, _ in calls)
        calls = []
        documents.badges_pdf(crowd.event, registrations, progress=lambda *a: calls.append(a))
        assert calls == [(8, 11), (11, 11)]  # one report per sheet of eight


def test_the_page_sees_the_progress_while_the_worker_builds(app, client, db, crowd, monkeypatch):
    app.config["JOB_PROGRESS_INTERVAL_S"] = 0
    seen = []
    write = jobs.ProgressWriter.__call__

    def watched(self, done, total):
        write(self, done, total)
        with db.engine.connect() as other:  # another process's view of the row
            seen.append(tuple(other.execute(text(
                "SELECT status, progress_done, progress_total FROM document_jobs WHERE id = :id"),
                {"id": self.job_id}).one()))

    monkeypatch.setattr(jobs.ProgressWriter, "__call__", watched)
    factories.registration(crowd.event, crowd.staff, crowd.org_a, "第九位代表")
    for n in range(4):
        factories.registration(crowd.event, crowd.staff, crowd.org_b, f"代表丙{n}")
    login(client, crowd.staff)
    job_id = job_id_of(client.get(f"/admin/events/{crowd.event.id}/badges.pdf"))
    jobs.build_document(job_id)
    assert seen == [("running", 8, 10), ("running", 10, 10)]
    assert db.session.get(DocumentJob, job_id).status == JobStatus.done


def test_members_see_no_job_and_get_no_document(app, client, db, crowd):
    login(client, crowd.staff)
    job_id = job_id_of(client.get(f"/admin/events/{crowd.event.id}/badges.pdf"))
    jobs.build_document(job_id)
    login(client, crowd.member_a)  # a delegate of org A is on the badges: still not theirs
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
        assert client.get(url).status_code == 403
    assert client.get("/jobs/99999").status_code == 404


def test_unchanged_data_reuses_the_job_and_a_change_builds_a_new_one(app, client, db, crowd):
    from alliance_app.registrations.printing import selected
    from alliance_app.registrations.services import update_delegate

    login(client, crowd.staff)
    url = f"/admin/events/{crowd.event.id}/badges.pdf"
    first = job_id_of(client.get(url))
    assert job_id_of(client.get(url)) == first  # still queued: the same job
    jobs.build_document(first)
    assert job_id_of(client.get(url)) == first  # built: the same document
    four = ",".join(str(r.id) for r in selected(crowd.event, [])[:4])
    assert job_id_of(client.get(f"{url}?ids={four}")) != first  # another selection, another document

    update_delegate(crowd.registration_a, {"name": "甲单位新代表"}, crowd.staff)
    db.session.commit()
    second = job_id_of(client.get(url))
    assert second != first
    old = db.session.get(DocumentJob, first)
    assert old.status == JobStatus.expired and old.result is None
    assert "已变" in client.get(f"/jobs/{first}").get_data(as_text=True)
    jobs.build_document(second)
    assert "甲单位新代表" in pdf_text(client.get(f"/jobs/{second}/download").data).replace(" ", "").replace("\n", "")


def test_a_failure_is_told_plainly(app, client, db, crowd, monkeypatch):
    from alliance_app.registrations import printing

    def broken(data, progress):
        raise RuntimeError("Traceback: the font went missing at /srv/secret/path")

    login(client, crowd.staff)
    job_id = job_id_of(client.get(f"/admin/events/{crowd.event.id}/badges.pdf"))
    monkeypatch.setitem(jobs.KINDS, "badges", dataclasses.replace(printing.BADGES, build=broken))
    jobs.build_document(job_id)
    job = db.session.get(DocumentJob, job_id)
    assert job.status == JobStatus.failed and "RuntimeError" in job.error
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "无法生成" in html and "Traceback" not in html and "/srv/secret" not in html
    assert client.get(f"/jobs/{job_id}.json").get_json()["finished"]
    assert client.get(f"/jobs/{job_id}/download").status_code == 302
    # Asking again builds a new job, not the failed one.
    assert job_id_of(client.get(f"/admin/events/{crowd.event.id}/badges.pdf")) != job_id


def test_a_job_whose_event_is_gone_says_so(app, client, db, crowd):
    job = factories.document_job(crowd.event, crowd.staff, status="queued")
    job.parameters = {"event_id": 999_999, "ids": []}
    db.session.commit()
    jobs.build_document(job.id)
    login(client, crowd.staff)
    assert "不复存在" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_the_sweep_drops_old_jobs_and_gives_up_on_lost_workers(app, db, crowd):
    old = factories.document_job(crowd.event, crowd.staff)
    lost = factories.document_job(crowd.event, crowd.staff, status="running")
    fresh = factories.document_job(crowd.event, crowd.staff)
    old.created_at = utcnow() - timedelta(days=1, minutes=1)
    lost.updated_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    ids = old.id, lost.id, fresh.id
    jobs.sweep()
    db.session.expunge_all()
    old, lost, fresh = (db.session.get(DocumentJob, job_id) for job_id in ids)
    assert old is None and lost.status == JobStatus.failed and fresh.status == JobStatus.done
