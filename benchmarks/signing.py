"""Benchmark (issue 17): signing and archiving agreements with the PAdES
signature, the public verification page, and a 1 MB upload compared with the
archive.

    .venv/bin/python benchmarks/signing.py [--runs 9]

Everything happens in a temporary directory (SQLite file, instance folder,
archive, a self-signed trial key), removed at the end; no port is opened.
Figures (seconds unless said otherwise):

* one agreement: `services.sign` of one ready agreement, which builds its PDF,
  signs it with pyHanko and archives it (median of --runs, after one warm-up),
  and apart the PDF build and the signature alone;
* the demo ceremony: the 17 signed demo agreements set back to ready, their
  archives removed, then all signed in one transaction (median of 3);
* the verification page: GET /verify/<code> (HTML) and GET /api/v1/verify/<code>,
  median in ms, the signature validated on each request;
* a 1 MB upload: POST /verify/<code> with a 1 MB PDF (web form) and POST /api/v1/verify.
"""
import argparse
import io
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

AIM_ONE, AIM_CEREMONY = 0.3, 3.0
PASSPHRASE = "benchmark passphrase"


def median_time(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="signing-bench-") as tmp:
        import os

        os.environ["ALLIANCE_INSTANCE_PATH"] = tmp
        run(Path(tmp), args.runs)


def run(tmp: Path, runs: int) -> None:
    from flask import g
    from sqlalchemy import delete, select, update

    from alliance_app import create_app, models  # noqa: F401
    from alliance_app.agreements import services
    from alliance_app.agreements.models import Agreement, AgreementArchive, AgreementStatus
    from alliance_app.core.db import Base
    from alliance_app.demo import load_demo_data
    from alliance_app.extensions import db
    from alliance_app.pdf import pades

    key = tmp / "signing-key.p12"
    pades.create_self_signed(key, PASSPHRASE, "安徽省新能源汽车动力电池回收利用产业联盟")
    app = create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}", "LOG_REQUESTS": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SESSION_COOKIE_SECURE": False,
                      "AGREEMENT_ARCHIVE_PATH": str(tmp / "archive"), "SIGNING_KEY_PATH": str(key),
                      "SIGNING_KEY_PASSPHRASE": PASSPHRASE, "VERIFY_LOOKUP_LIMIT": 10**9,
                      "WTF_CSRF_ENABLED": False, "TASK_QUEUE_URL": "memory://"})
    with app.test_request_context():
        g.cli_actor = None
        Base.metadata.create_all(db.engine)
        load_demo_data()
        db.session.commit()
        demo = db.session.scalars(select(Agreement).where(Agreement.status == AgreementStatus.signed)
                                  .order_by(Agreement.id)).all()
        ids = [a.id for a in demo]
        assert len(ids) == 17, len(ids)

        def unsign(agreement_ids):
            db.session.execute(delete(AgreementArchive).where(AgreementArchive.agreement_id.in_(agreement_ids)))
            db.session.execute(update(Agreement).where(Agreement.id.in_(agreement_ids))
                               .values(status=AgreementStatus.ready, signed_at=None))
            db.session.commit()
            db.session.expire_all()

        def sign(agreement_ids):
            for agreement_id in agreement_ids:
                services.sign(db.session.get(Agreement, agreement_id), None)
            db.session.commit()

        one = ids[0]
        unsign([one])
        sign([one])  # warm-up: fonts, pyHanko's imports, the key
        timings = []
        for _ in range(runs):
            unsign([one])
            started = time.perf_counter()
            sign([one])
            timings.append(time.perf_counter() - started)
        one_s = statistics.median(timings)
        ceremony = []
        for _ in range(3):
            unsign(ids)
            started = time.perf_counter()
            sign(ids)
            ceremony.append(time.perf_counter() - started)
        ceremony_s = statistics.median(ceremony)
        from alliance_app.agreements.documents import agreement_pdf
        from alliance_app.agreements.signing import current_key

        agreement = db.session.get(Agreement, one)
        content = agreement_pdf(agreement)
        build_s = median_time(lambda: agreement_pdf(agreement), runs)
        key_obj = current_key()
        pades_s = median_time(lambda: pades.sign(content, key_obj, name="联盟"), runs)
        everyone = [db.session.get(Agreement, i) for i in ids]
        started = time.perf_counter()
        built = [agreement_pdf(a) for a in everyone]
        build_all_s = time.perf_counter() - started
        started = time.perf_counter()
        for data in built:
            pades.sign(data, key_obj, name="联盟")
        sign_all_s = time.perf_counter() - started
        signatures = {row.signature for row in db.session.scalars(select(AgreementArchive))}
        agreement = db.session.get(Agreement, one)
        code = agreement.verification_code
        archived = (Path(app.config["AGREEMENT_ARCHIVE_PATH"])
                    / db.session.scalar(select(AgreementArchive.stored_name)
                                        .where(AgreementArchive.agreement_id == one))).read_bytes()

    client = app.test_client()
    page_ms = median_time(lambda: client.get(f"/verify/{code}"), runs * 3) * 1000
    json_ms = median_time(lambda: client.get(f"/api/v1/verify/{code}"), runs * 3) * 1000
    assert client.get(f"/api/v1/verify/{code}").get_json()["signature_valid"] is True
    big = archived + b"%" + b"x" * (1024 * 1024 - len(archived) - 2) + b"\n"  # 1 MB, still a PDF
    assert len(big) == 1024 * 1024

    def upload_web():
        answer = client.post(f"/verify/{code}", data={"file": (io.BytesIO(big), "copy.pdf")},
                             content_type="multipart/form-data")
        assert answer.status_code == 200, answer.status_code

    def upload_api():
        answer = client.post("/api/v1/verify", data={"file": (io.BytesIO(big), "copy.pdf"), "code": code},
                             content_type="multipart/form-data")
        assert answer.get_json()["match"] == "different"

    web_ms = median_time(upload_web, runs) * 1000
    api_ms = median_time(upload_api, runs) * 1000
    print(f"Python {platform.python_version()}, {platform.machine()}; signatures made: {sorted(signatures)}; "
          f"archived PDF {len(archived):,} bytes")
    print(f"sign + archive one agreement (PAdES)      {one_s:7.3f} s   (aim < {AIM_ONE} s)")
    print(f"  of which: the PDF built                 {build_s:7.3f} s")
    print(f"  of which: the PAdES signature (pyHanko) {pades_s:7.3f} s")
    print(f"sign + archive the 17 demo agreements     {ceremony_s:7.3f} s   (aim < {AIM_CEREMONY} s)")
    print(f"  of which: the 17 PDFs built             {build_all_s:7.3f} s")
    print(f"  of which: the 17 PAdES signatures       {sign_all_s:7.3f} s")
    print(f"GET /verify/<code> (HTML)                 {page_ms:7.1f} ms")
    print(f"GET /api/v1/verify/<code> (JSON)          {json_ms:7.1f} ms")
    print(f"POST /verify/<code>, 1 MB PDF             {web_ms:7.1f} ms")
    print(f"POST /api/v1/verify, 1 MB PDF             {api_ms:7.1f} ms")


if __name__ == "__main__":
    main()
