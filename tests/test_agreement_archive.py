"""Signed agreements archived as issued (issue 17 item 1): the PDF built at
signing is the one every later download returns, byte for byte, whatever the
labels or templates became; voiding keeps it."""
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_app.agreements import archive, documents, services
from alliance_app.agreements.documents import wording
from alliance_app.agreements.models import AgreementArchive

from . import factories
from .conftest import login
from .pdfs import language, pdf_pages, squash
from .test_agreement_documents import make, orgs, signed  # noqa: F401 (orgs is a fixture)


@pytest.fixture
def agreement(app, people, orgs, db):  # noqa: F811
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], "吴玉程", "副校长")],
                     "安徽巡鹰新能源集团有限公司与合肥工业大学战略合作协议")
    db.session.commit()
    return agreement


def archive_row(db, agreement):
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(select(AgreementArchive).where(AgreementArchive.agreement_id == agreement.id,
                                                            AgreementArchive.organization_id.is_(None)))


def download(client, agreement) -> bytes:
    response = client.get(f"/agreements/{agreement.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def test_a_signed_agreement_downloads_the_bytes_archived_at_signing(app, client, people, agreement, db, monkeypatch):
    assert archive_row(db, agreement) is None  # a draft has no archive
    signed(app, agreement, people.staff)
    db.session.commit()
    row = archive_row(db, agreement)
    assert row is not None
    stored = Path(app.config["AGREEMENT_ARCHIVE_PATH"]) / row.stored_name
    assert stored.is_file() and row.size == stored.stat().st_size

    login(client, people.staff)
    first, second = download(client, agreement), download(client, agreement)
    assert first == second == stored.read_bytes()
    assert archive_row(db, agreement).sha256 == hashlib.sha256(first).hexdigest()
    assert "人民币叁拾伍亿元整" in squash("".join(pdf_pages(first)))  # the real agreement, not a stand-in
    api = client.get(f"/api/v1/agreements/{agreement.id}/pdf",
                     headers={"Authorization": f"Bearer {factories.token(people.staff)}"})
    assert api.status_code == 200 and api.data == first

    # The labels change after the ceremony: a fresh printout would differ, the download does not.
    monkeypatch.setitem(wording.LABELS, "place", ("签约地点（新版）", "Place (new)"))
    with language(app):
        reprinted = documents.agreement_pdf(agreement)
    assert "签约地点（新版）" in squash("".join(pdf_pages(reprinted)))
    assert download(client, agreement) == first
    db.session.rollback()
    assert db.session.scalar(select(AgreementArchive.id).where(AgreementArchive.agreement_id == agreement.id,
                                                               AgreementArchive.organization_id.is_(None))) \
        == row.id  # still the one archive of the common copy


def test_voiding_keeps_the_archive_untouched(app, client, people, agreement, db):
    signed(app, agreement, people.staff)
    db.session.commit()
    row = archive_row(db, agreement)
    stored = Path(app.config["AGREEMENT_ARCHIVE_PATH"]) / row.stored_name
    before = stored.read_bytes()

    with language(app):
        services.void(agreement, "金额有误", people.staff)
    db.session.commit()
    after = archive_row(db, agreement)
    assert (after.id, after.sha256, after.stored_name) == (row.id, row.sha256, row.stored_name)
    assert stored.read_bytes() == before and hashlib.sha256(before).hexdigest() == row.sha256
    # The voided agreement's download carries its VOID mark; the archive is not rewritten for it.
    login(client, people.staff)
    voided = download(client, agreement)
    assert voided != before and all("作废/VOID" in squash(page) for page in pdf_pages(voided))
    assert stored.read_bytes() == before


def test_an_agreement_signed_before_archives_is_archived_at_its_first_download(app, client, people, agreement,
                                                                              db, monkeypatch):
    monkeypatch.setattr(services, "archive", lambda agreement: None)  # signed as before issue 17
    monkeypatch.setattr(services, "archive_originals", lambda agreement: [])
    signed(app, agreement, people.staff)
    db.session.commit()
    assert archive_row(db, agreement) is None

    login(client, people.staff)
    first = download(client, agreement)
    row = archive_row(db, agreement)
    assert row is not None and row.sha256 == hashlib.sha256(first).hexdigest()
    monkeypatch.setitem(wording.LABELS, "place", ("签约地点（新版）", "Place (new)"))
    assert download(client, agreement) == first


def test_a_damaged_archive_is_reported_not_replaced(app, client, people, agreement, db):
    signed(app, agreement, people.staff)
    db.session.commit()
    row = archive_row(db, agreement)
    stored = Path(app.config["AGREEMENT_ARCHIVE_PATH"]) / row.stored_name
    stored.write_bytes(stored.read_bytes() + b"%tampered")

    login(client, people.staff)
    response = client.get(f"/agreements/{agreement.id}.pdf")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert stored.read_bytes().endswith(b"%tampered")  # left for the secretariat to look at
    assert archive.archive_of(agreement) is not None
