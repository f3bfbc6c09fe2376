"""Issue 17 items 2, 3 and 6: the verification QR and code on every page of a
printed agreement, the public /verify/<code> page and its JSON, the PAdES
signature of the archived PDF (and what happens when the key cannot be used)."""
import hashlib
import io
import re
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance_app.agreements import services
from alliance_app.agreements.models import AgreementArchive
from alliance_app.pdf import pades

from . import factories
from .conftest import login
from .pdfs import pdf_pages, poppler, squash
from .test_agreement_documents import build, make, orgs, signed  # noqa: F401 (orgs is a fixture)
from .test_registration_documents import decode_qr_codes

ANYONE = dict(anon=200, member_a=200, member_b=200, staff=200, admin=200)
AUTHZ_ROWS = {
    ("agreements.verify", "GET"): ("/verify/{verification_code}", ANYONE),
    # Nothing to compare: the form says so, whoever sends it.
    ("agreements.verify", "POST"): ("/verify/{verification_code}", {r: 422 for r in ANYONE}),
    ("api_verify.verification", "GET"): ("/api/v1/verify/{verification_code}", ANYONE),
    ("api_verify.compare", "POST"): ("/api/v1/verify", {r: 422 for r in ANYONE}),
    ("api_verify_public.verification", "GET"): ("/verify/{verification_code}.json", ANYONE),
    ("api_verify_public.compare", "POST"): ("/verify", {r: 422 for r in ANYONE}),
}
PASSPHRASE = "correct horse battery staple"


def in_a_thread(function, *args):
    """pyHanko's own synchronous calls start an event loop: in a thread of their
    own, since the browser tests' driver may keep one running in this thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


@pytest.fixture(scope="session")
def trial_key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("signing") / "signing-key.p12"
    pades.create_self_signed(path, PASSPHRASE, "安徽省新能源汽车动力电池回收利用产业联盟")
    return path


@pytest.fixture
def with_key(app, trial_key):
    app.config.update(SIGNING_KEY_PATH=str(trial_key), SIGNING_KEY_PASSPHRASE=PASSPHRASE)
    return trial_key


@pytest.fixture
def agreement(app, people, orgs, db):  # noqa: F811
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], "吴玉程", "副校长")],
                     "安徽巡鹰新能源集团有限公司与合肥工业大学战略合作协议")
    db.session.commit()
    return agreement


@pytest.fixture
def english(client):
    """The pages in English (the messages asserted below); Chinese is looked at in the screenshots."""
    client.set_cookie("alliance_lang", "en")
    return client


def archive_row(db, agreement) -> AgreementArchive | None:
    """The common copy's archive (each party's original has one of its own)."""
    db.session.rollback()
    return db.session.scalar(select(AgreementArchive).where(AgreementArchive.agreement_id == agreement.id,
                                                            AgreementArchive.organization_id.is_(None)))


def download(client, agreement) -> bytes:
    response = client.get(f"/agreements/{agreement.id}.pdf")
    assert response.status_code == 200
    return response.data


def upload(client, code, data: bytes, name="copy.pdf"):
    return client.post(f"/verify/{code}", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# --- the footer --------------------------------------------------------------------------------


def test_every_page_carries_the_qr_that_opens_the_verification_page(app, client, people, agreement, db, with_key):
    signed(app, agreement, people.staff)
    db.session.commit()
    login(client, people.staff)
    data = download(client, agreement)
    pages = pdf_pages(data)
    assert len(pages) >= 2
    url = f"http://localhost/verify/{agreement.verification_code}"
    for number, text in enumerate(pages, start=1):
        assert f"验证码：{agreement.verification_code}" in text
        assert url in squash(text)
        assert "DRAFT" not in text  # signed: no draft mark, in the footer or elsewhere
        assert [code.text for code in decode_qr_codes(data, page=number)] == [url]
    client.post("/logout")
    page = client.get(url.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert agreement.number in page.get_data(as_text=True)


def test_a_draft_says_draft_in_its_footer(app, agreement):
    pages = pdf_pages(build(app, agreement))
    assert all("草稿 / DRAFT：未签署" in page and agreement.verification_code in page for page in pages)


def test_codes_are_random_and_unique(app, people, orgs, db):  # noqa: F811
    codes = {make(app, people.staff, [(orgs["xunying"], "", ""), (orgs["hfut"], "", "")]).verification_code
             for _ in range(5)}
    assert len(codes) == 5 and all(len(code) == 16 and code.isalnum() and code.isupper() for code in codes)


# --- the verification page ---------------------------------------------------------------------


def test_the_page_shows_the_record_and_the_archived_hash(app, english, client, people, agreement, db, with_key):
    signed(app, agreement, people.staff)
    db.session.commit()
    row = archive_row(db, agreement)
    body = client.get(f"/verify/{agreement.verification_code.lower()}").get_data(as_text=True)
    for expected in (agreement.number, agreement.title, "安徽巡鹰新能源集团有限公司", "合肥工业大学", row.sha256,
                     "3,500,000,000.00"):
        assert expected in body
    assert "Valid: the archived PDF is exactly what 安徽省新能源汽车动力电池回收利用产业联盟 signed." in body

    services.void(agreement, "双方协商一致解除", people.staff)
    db.session.commit()
    body = client.get(f"/verify/{agreement.verification_code}").get_data(as_text=True)
    assert "void since" in body and row.sha256 in body
    client.set_cookie("alliance_lang", "zh_CN")
    body = client.get(f"/verify/{agreement.verification_code}").get_data(as_text=True)
    assert "起作废：本协议已不再有效" in body and "存档 PDF 的 SHA-256" in body


def test_an_undisclosed_amount_stays_undisclosed(app, english, client, people, orgs, db):  # noqa: F811
    agreement = make(app, people.staff, [(orgs["xunying"], "", ""), (orgs["hfut"], "", "")], disclosed=False)
    signed(app, agreement, people.staff)
    db.session.commit()
    body = client.get(f"/verify/{agreement.verification_code}").get_data(as_text=True)
    assert "Amount" not in body and "Not disclosed" not in body
    answer = client.get(f"/api/v1/verify/{agreement.verification_code}").get_json()
    assert answer["amount"] is None and answer["currency"] is None


def test_an_unknown_code_shows_nothing_and_lookups_are_throttled(app, client, agreement):
    def page(response, path):  # the page without its address and its form token (new each time)
        return re.sub(r'value="[\w-]+\.[\w-]+\.[\w-]+"', "", response.get_data(as_text=True).replace(path, "URL"))

    nowhere = page(client.get("/no/such/address"), "/no/such/address")
    near = agreement.verification_code[:-1] + ("2" if agreement.verification_code[-1] != "2" else "3")
    for code in ("AAAAAAAAAAAAAAAA", "not-a-code", near):
        unknown = client.get(f"/verify/{code}")
        assert unknown.status_code == 404 and page(unknown, f"/verify/{code}") == nowhere
    app.config.update(VERIFY_LOOKUP_LIMIT=5)
    statuses = [client.get(f"/verify/{agreement.verification_code}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # three lookups above were counted too
    assert client.get(f"/api/v1/verify/{agreement.verification_code}").status_code == 429


def test_a_copy_is_compared_byte_for_byte(app, english, client, people, agreement, db, with_key, tmp_path):
    signed(app, agreement, people.staff)
    db.session.commit()
    login(client, people.staff)
    original = download(client, agreement)
    code = agreement.verification_code
    answer = upload(client, code, original)
    assert answer.status_code == 200 and "Identical: this file is byte for byte" in answer.get_data(as_text=True)
    pasted = client.post(f"/verify/{code}", data={"sha256": hashlib.sha256(original).hexdigest().upper()})
    assert "Identical" in pasted.get_data(as_text=True)

    one_byte = bytearray(original)
    one_byte[len(one_byte) // 3] ^= 0x01
    (tmp_path / "a.pdf").write_bytes(original)
    subprocess.run([poppler("pdfunite"), tmp_path / "a.pdf", tmp_path / "a.pdf", tmp_path / "twice.pdf"], check=True)
    subprocess.run([poppler("pdftocairo"), "-pdf", tmp_path / "a.pdf", tmp_path / "resaved.pdf"], check=True)
    for tampered in (bytes(one_byte), original + b"\n%%EOF\n", (tmp_path / "twice.pdf").read_bytes(),
                     (tmp_path / "resaved.pdf").read_bytes()):
        answer = upload(client, code, tampered)
        assert "Not identical" in answer.get_data(as_text=True)
        api = client.post("/api/v1/verify", data={"file": (io.BytesIO(tampered), "x.pdf"), "code": code},
                          content_type="multipart/form-data")
        assert api.status_code == 200 and api.get_json()["match"] == "different"
    # Without the code, the archive is found by the file's hash; another file finds nothing.
    found = client.post("/api/v1/verify", data={"file": (io.BytesIO(original), "x.pdf")},
                        content_type="multipart/form-data").get_json()
    assert found["match"] == "identical" and found["agreement"]["number"] == agreement.number
    lost = client.post("/api/v1/verify", data={"file": (io.BytesIO(bytes(one_byte)), "x.pdf")},
                       content_type="multipart/form-data").get_json()
    assert lost == {"match": "different", "sha256": hashlib.sha256(one_byte).hexdigest(), "agreement": None}


def test_bad_uploads_get_a_clear_message(app, english, client, people, agreement, db):
    signed(app, agreement, people.staff)
    db.session.commit()
    code = agreement.verification_code
    app.config.update(VERIFY_UPLOAD_MAX_BYTES=1024 * 1024)
    cases = [(b"PK\x03\x04 a spreadsheet", "This file is not a PDF"), (b"", "Choose a PDF file"),
             (b"%PDF-1.4\n" + b"0" * (1024 * 1024), "larger than 1 MB")]
    for content, message in cases:
        answer = upload(client, code, content)
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)
        api = client.post("/api/v1/verify", data={"file": (io.BytesIO(content), "x.pdf"), "code": code},
                          content_type="multipart/form-data")
        assert api.status_code == 422 and message in api.get_json()["errors"]["file"][0]
    wrong_hash = client.post(f"/verify/{code}", data={"sha256": "abc"})
    assert wrong_hash.status_code == 422 and "64 hexadecimal characters" in wrong_hash.get_data(as_text=True)
    app.config.update(MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    huge = upload(client, code, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    assert huge.status_code == 413 and "errors/" not in huge.get_data(as_text=True)  # the error page, not a trace


# --- the digital signature ---------------------------------------------------------------------


def test_pyhanko_validates_the_archived_signature(app, client, people, agreement, db, with_key):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    signed(app, agreement, people.staff)
    db.session.commit()
    login(client, people.staff)
    data = download(client, agreement)
    assert archive_row(db, agreement).signature == "self_signed"
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(embedded) == 1
    status = in_a_thread(validate_pdf_signature, embedded[0], ValidationContext(trust_roots=[embedded[0].signer_cert]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "安徽省新能源汽车动力电池回收利用产业联盟" in embedded[0].signer_cert.subject.human_friendly
    # Not trusted by anyone who does not trust this very certificate.
    untrusted = in_a_thread(validate_pdf_signature, embedded[0], ValidationContext(trust_roots=[]))
    assert untrusted.intact and not untrusted.trusted


def test_without_a_key_the_archive_is_unsigned_and_the_dashboard_says_so(app, english, client, people, agreement, db):
    signed(app, agreement, people.staff)
    db.session.commit()
    assert archive_row(db, agreement).signature == "none"
    login(client, people.staff)
    assert b"/ByteRange" not in download(client, agreement)
    assert "No signing key" in client.get("/admin").get_data(as_text=True)
    answer = client.get(f"/api/v1/agreements/{agreement.id}",
                        headers={"Authorization": f"Bearer {factories.token(people.staff)}"}).get_json()
    assert answer["signature"] == "none"


def test_a_wrong_passphrase_leaves_the_archive_waiting_until_the_key_works(app, english, client, people, agreement, db,
                                                                          with_key):
    app.config.update(SIGNING_KEY_PASSPHRASE="wrong")
    login(client, people.staff)
    client.post(f"/admin/agreements/{agreement.id}/ready")
    signing = client.post(f"/admin/agreements/{agreement.id}/sign")
    assert signing.status_code == 302  # the ceremony goes on
    row = archive_row(db, agreement)
    assert row.signature == "none" and "wrong passphrase" in row.signature_problem
    dashboard = client.get("/admin").get_data(as_text=True)
    # the common copy and each of the two parties' originals (正本)
    assert "The signing key cannot be used" in dashboard and "3 archived PDFs wait" in dashboard
    unsigned = download(client, agreement)
    assert download(client, agreement) == unsigned  # still waiting: the same bytes

    app.config.update(SIGNING_KEY_PASSPHRASE=PASSPHRASE)  # fixed: signed at the next download
    signed_copy = download(client, agreement)
    assert signed_copy.startswith(unsigned) and pades.check(signed_copy).valid
    assert download(client, agreement) == signed_copy
    row = archive_row(db, agreement)
    assert (row.signature, row.unsigned_sha256) == ("self_signed", hashlib.sha256(unsigned).hexdigest())
    assert "Identical to the archived PDF as issued before" in upload(client, agreement.verification_code,
                                                                      unsigned).get_data(as_text=True)
    assert "2 archived PDFs wait" in client.get("/admin").get_data(as_text=True)  # the originals, not downloaded yet
    for party in agreement.parties:
        original = client.get(f"/agreements/{agreement.id}/originals/{party.organization_id}.pdf")
        assert original.status_code == 200 and pades.check(original.data).valid
    assert "signing-key-status" not in client.get("/admin").get_data(as_text=True).replace(
        'id="signing-key-status">Archived agreements are signed with a self-signed', "")


def test_sign_waiting_signs_every_archive_that_waits(app, people, orgs, db, trial_key):  # noqa: F811
    agreements = [make(app, people.staff, [(orgs["xunying"], "", ""), (orgs["hfut"], "", "")]) for _ in range(2)]
    for agreement in agreements:
        signed(app, agreement, people.staff)
    db.session.commit()
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["signing-key", "sign-waiting"])
    assert refused.exit_code != 0 and "No signing key" in refused.output
    app.config.update(SIGNING_KEY_PATH=str(trial_key), SIGNING_KEY_PASSPHRASE=PASSPHRASE)
    result = cli.invoke(args=["signing-key", "sign-waiting"])
    assert result.exit_code == 0 and "Signed 6 archived PDFs (common copies and parties' originals); 0 still wait." in result.output
    assert {archive_row(db, a).signature for a in agreements} == {"self_signed"}


def test_an_expired_certificate_is_refused_with_its_date(trial_key):
    with pytest.raises(pades.KeyProblem, match="expired on"):
        pades.load_key(trial_key, PASSPHRASE, now=datetime(2100, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(pades.KeyProblem, match="wrong passphrase"):
        pades.load_key(trial_key, "nope")


def test_signing_key_create_makes_a_trial_key_and_says_so(app, tmp_path):
    app.config.update(SIGNING_KEY_PATH=str(tmp_path / "k.p12"), SIGNING_KEY_PASSPHRASE="pw")
    cli = app.test_cli_runner()
    result = cli.invoke(args=["signing-key", "create"])
    assert result.exit_code == 0 and "SELF-SIGNED" in result.output and "trials" in result.output
    assert pades.load_key(tmp_path / "k.p12", "pw").kind == "self_signed"
    again = cli.invoke(args=["signing-key", "create"])
    assert again.exit_code != 0 and "exists already" in again.output
    assert cli.invoke(args=["signing-key", "create", "--if-missing"]).exit_code == 0


# --- the API -----------------------------------------------------------------------------------


def test_the_api_tells_the_code_the_hash_and_the_signature(app, client, people, agreement, db, with_key):
    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    draft = client.get(f"/api/v1/agreements/{agreement.id}", headers=headers).get_json()
    assert draft["verification_code"] == agreement.verification_code
    assert draft["verify_url"] == f"http://localhost/verify/{agreement.verification_code}"
    assert (draft["pdf_sha256"], draft["signed_pdf_url"], draft["signature"]) == (None, None, "none")
    client.post(f"/api/v1/agreements/{agreement.id}/ready", headers=headers)
    answer = client.post(f"/api/v1/agreements/{agreement.id}/sign", headers=headers).get_json()
    data = client.get(answer["signed_pdf_url"].removeprefix("http://localhost"), headers=headers).data
    assert answer["pdf_sha256"] == hashlib.sha256(data).hexdigest() and answer["signature"] == "self_signed"
    listed = client.get("/api/v1/agreements", headers=headers).get_json()["items"][0]
    assert listed["pdf_sha256"] == answer["pdf_sha256"]
    public = client.get(f"/api/v1/verify/{agreement.verification_code}").get_json()
    assert public["status"] == "signed" and public["pdf_sha256"] == answer["pdf_sha256"]
    assert public["signature"] == "self_signed" and public["signature_valid"] is True
    assert public["parties"] == ["安徽巡鹰新能源集团有限公司", "合肥工业大学"] and public["amount"] == "3500000000.00"
    assert client.get("/api/v1/verify/AAAAAAAAAAAAAAAA").status_code == 404


def test_demo_agreements_download_identically_and_their_qr_opens_the_page(app, client, db, trial_key):
    from alliance_app.agreements.models import Agreement, AgreementStatus
    from alliance_app.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

    app.config.update(SIGNING_KEY_PATH=str(trial_key), SIGNING_KEY_PASSPHRASE=PASSPHRASE)
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    client.post("/login", data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    demo = db.session.scalars(select(Agreement).where(Agreement.status == AgreementStatus.signed)).all()
    assert len(demo) == 17
    for agreement in demo[:3]:
        first, second = download(client, agreement), download(client, agreement)
        assert first == second and pades.check(first).valid
        (url,) = [code.text for code in decode_qr_codes(first)]
        page = client.get(url.removeprefix("http://localhost"))
        assert page.status_code == 200 and agreement.number in page.get_data(as_text=True)


def test_the_ceremony_pack_prints_each_agreements_own_footer(app, people, orgs, db):  # noqa: F811
    from .test_agreement_documents import _pack

    event = people.meeting.event
    for title in ("甲协议", "乙协议"):
        make(app, people.staff, [(orgs["xunying"], "", ""), (orgs["hfut"], "", "")], title, event=event)
    db.session.commit()
    agreements, data = _pack(app, event)
    pages = pdf_pages(data)
    signing_list = [page for page in pages if "第1页共" in squash(page)][0]
    assert "验证码" not in signing_list  # the list is the secretariat's, not an agreement
    for agreement in agreements:
        own = [page for page in pages if agreement.number in page or agreement.verification_code in page]
        assert own and all(agreement.verification_code in page for page in own[1:])


def test_the_public_addresses_answer_json_as_the_api_does(app, client, people, agreement, db, with_key):
    """GET /verify/<code>.json and POST /verify, the names integrations call,
    answer what /api/v1/verify does, errors in JSON too; a party's original
    (正本) is recognised as identical like the common copy."""
    from alliance_app.agreements import archive as archive_module

    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    client.post(f"/api/v1/agreements/{agreement.id}/ready", headers=headers)
    client.post(f"/api/v1/agreements/{agreement.id}/sign", headers=headers)
    code = agreement.verification_code
    public = client.get(f"/verify/{code}.json")
    assert public.status_code == 200 and public.is_json
    assert public.get_json() == client.get(f"/api/v1/verify/{code}").get_json()
    missing = client.get("/verify/AAAAAAAAAAAAAAAA.json")
    assert missing.status_code == 404 and missing.is_json and missing.get_json()["status"] == 404
    assert client.get(f"/verify/{code}").mimetype == "text/html"  # the page itself is unchanged

    with app.test_request_context():
        party = db.session.get(type(agreement), agreement.id).parties[1]
        original = archive_module.issued_original_pdf(party.agreement, party)
        db.session.commit()
    answer = client.post("/verify", data={"file": (io.BytesIO(original), "original.pdf"), "code": code},
                         content_type="multipart/form-data")
    assert answer.status_code == 200 and answer.get_json()["match"] == "identical"
    tampered = original[:-10] + b"%%EOF\n\n\n\n"
    answer = client.post("/verify", data={"file": (io.BytesIO(tampered), "x.pdf"), "code": code},
                         content_type="multipart/form-data")
    assert answer.get_json()["match"] == "different"
    refused = client.post("/verify", data={"file": (io.BytesIO(b"hello"), "x.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "file" in refused.get_json()["errors"]


def test_signing_and_checking_work_inside_a_running_event_loop(app, trial_key):
    """pyHanko runs asyncio.run() inside: where the thread already runs an event loop
    (an async server worker; the browser tests' driver) it must still sign."""
    import asyncio

    key = pades.load_key(trial_key, PASSPHRASE)
    with app.app_context():
        from alliance_app.pdf.document import build_pdf, styles
        from reportlab.platypus import Paragraph

        content = build_pdf([Paragraph("协议", styles()["body"])], title="t", subject="s")

    async def inside_a_loop():
        signed = pades.sign(content, key, name="联盟")
        return signed, pades.check(signed)

    signed, checked = in_a_thread(asyncio.run, inside_a_loop())
    assert signed.startswith(content) and checked.valid and checked.signer == "安徽省新能源汽车动力电池回收利用产业联盟"
