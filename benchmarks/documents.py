"""Benchmark: printed documents. One agreement in contract form and the demo
meeting's ceremony pack (signing list plus every agreement); badges and the
sign-in sheet of a congress of 3,000 delegates; and, side by side, the QR
codes of 3,000 badges encoded and drawn the old way (reportlab's encoder, a
path call per run of modules) and the new one (alliance_app.pdf.qr).

    .venv/bin/python benchmarks/documents.py [--runs 7] [--delegates 3000]
    .venv/bin/python benchmarks/documents.py --before /path/to/older/checkout

`--before` also builds the badges and the sign-in sheet with the code of
another checkout (e.g. `git worktree add /tmp/before main`), in the same run.

Each document is measured in a subprocess of its own, so its peak memory is
its own: the first build (the font is read then), the median of `--runs`
builds, Python's allocation peak (tracemalloc) of one build and the growth of
the process's maximum RSS. Everything happens in a temporary directory removed
at the end. See benchmarks/README.md.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

AIM_PACK_SECONDS = 1.0
AIM_BADGES_SECONDS = 5.0     # issue 21, for 3,000 delegates
AIM_BADGES_MIB = 300
AIM_SIGN_IN_SECONDS = 2.0


def make_app(db_path):
    from alliance_app import create_app

    return create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "LOG_REQUESTS": False,
                       "SESSION_COOKIE_SECURE": False})


def seed(db_path):
    """The demo data (17 signed agreements at the reference meeting, 16 of them at its closing ceremony)."""
    from flask import g

    from alliance_app import models  # noqa: F401
    from alliance_app.core.db import Base
    from alliance_app.demo import load_demo_data
    from alliance_app.extensions import db

    app = make_app(db_path)
    with app.test_request_context():
        g.cli_actor = None
        Base.metadata.create_all(db.engine)
        load_demo_data()
        db.session.commit()
        db.engine.dispose()


def seed_congress(db_path, delegates):
    """The demo meeting grown to `delegates` confirmed delegates: its own
    delegates' names, positions and organizations again, with new mobiles and
    ticket codes (the names repeat; their lengths and scripts are the demo's)."""
    from sqlalchemy import func, insert, select

    from alliance_app.demo.events import MEETING_SLUG
    from alliance_app.events.models import Event
    from alliance_app.extensions import db
    from alliance_app.registrations.models import Registration, RegistrationStatus, new_ticket_code

    app = make_app(db_path)
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == MEETING_SLUG))
        confirmed = (RegistrationStatus.confirmed, RegistrationStatus.checked_in)
        models = db.session.scalars(select(Registration).where(Registration.event_id == event_id,
                                                               Registration.status.in_(confirmed))).all()
        have = db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event_id, Registration.status.in_(confirmed)))
        rows = []
        for number in range(delegates - have):
            model = models[number % len(models)]
            rows.append({"event_id": event_id, "organization_id": model.organization_id, "name": model.name,
                         "position": model.position, "mobile": f"199{number:08d}", "email": None,
                         "category": model.category, "status": RegistrationStatus.confirmed,
                         "ticket_code": new_ticket_code()})
        if rows:
            db.session.execute(insert(Registration), rows)
        db.session.commit()
        db.engine.dispose()


def child(db_path, which, runs):
    """Runs in its own process: builds one kind of document, prints JSON figures."""
    if which == "qr":
        return qr_child(runs)
    from sqlalchemy import event as sa_event
    from sqlalchemy import select

    from alliance_app import models  # noqa: F401  every mapper, before the first query
    from alliance_app.agreements import documents, services
    from alliance_app.agreements.models import Agreement
    from alliance_app.demo.events import MEETING_SLUG
    from alliance_app.events.models import Event
    from alliance_app.extensions import db

    app = make_app(db_path)
    statements = []
    with app.test_request_context():
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        meeting_id = db.session.scalar(select(Event.id).where(Event.slug == MEETING_SLUG))

    def build():
        """As the view does it: load from a fresh session, build the bytes."""
        with app.test_request_context():  # a fresh session, as each request has
            if which in ("badges", "sign_in"):
                from alliance_app.registrations import printing

                data_ = printing._load_selected({"event_id": meeting_id, "ids": None})
                build_document = (printing.BADGES if which == "badges" else printing.SIGN_IN_SHEET).build
                data = build_document(data_, None)
                count = len(data_[1])
            elif which == "pack":
                event = db.session.get(Event, meeting_id)
                agreements = services.ceremony_agreements(event, with_clauses=True)  # as the view
                data = documents.ceremony_pack_pdf(event, agreements)
                count = len(agreements)
            else:
                agreement = db.session.scalar(select(Agreement).where(Agreement.event_id == meeting_id,
                                                                      Agreement.currency == which.upper())
                                              .order_by(Agreement.ceremony_order).limit(1))
                data = documents.agreement_pdf(agreement)
                count = 1
            db.session.remove()
        return data, count

    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    statements.clear()
    t0 = time.perf_counter()
    data, count = build()
    first = time.perf_counter() - t0
    if which in ("badges", "sign_in"):  # big: the first build's statements (the font is no statement)
        per_build_statements = len(statements)
    else:
        statements.clear()
        build()
        per_build_statements = len(statements)
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        build()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)  # CPU seconds: less sensitive to other work on the machine
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"first": first, "median": statistics.median(times), "cpu": statistics.median(cpu), "min": min(times), "max": max(times),
                      "tracemalloc_peak": peak, "rss_start_kib": rss_start, "rss_end_kib": rss_end,
                      "bytes": len(data), "pages": data.count(b"/Type /Page") - data.count(b"/Type /Pages"),
                      "agreements": count, "statements": per_build_statements}))


def qr_child(runs):
    """The QR codes of 3,000 badges on one canvas (no text, no layout): the
    reportlab encoder drawn as before (a path.rect call per run of modules,
    copied here from the old alliance_app/pdf/qr.py), then the app's own."""
    import io
    import itertools
    import secrets

    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.pdfgen.canvas import Canvas

    from alliance_app.pdf import qr as new_qr

    urls = [f"https://alliance.example.org/t/1/{secrets.token_urlsafe(9)}" for _ in range(3000)]

    def old_draw(canv, value, x, y, size):
        def widget():
            return QrCodeWidget(value, barLevel="M", barBorder=4, barWidth=size, barHeight=size)
        counted = widget().qr  # qr_box_size and qr_quiet_zone each measured the version
        4 * (counted.version or counted.calculate_version()) + 17
        w = widget()
        qr = w.qr
        qr.make()
        module = size / (qr.getModuleCount() + 8)
        path = canv.beginPath()
        for row_number, row in enumerate(qr.modules):
            top = y + size - (row_number + 4) * module
            column = 0
            for dark, run in itertools.groupby(bool(cell) for cell in row):
                length = len(list(run))
                if dark:
                    path.rect(x + (column + 4) * module, top - module, length * module, module)
                column += length
        canv.saveState()
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()

    def new_draw(canv, value, x, y, size):
        side = new_qr.qr_box_size(value, 23, 30)
        new_qr.qr_quiet_zone(value, side)
        new_qr.draw_qr(canv, value, x, y, size)

    def run(draw, count):
        canv = Canvas(io.BytesIO())
        t0 = time.process_time()
        for index, url in enumerate(urls[:count]):
            draw(canv, url, 10 + (index % 8) * 60, 10 + (index // 8 % 10) * 60, 80)
            if index % 80 == 79:
                canv.showPage()
        canv.save()
        return time.process_time() - t0  # CPU seconds: the machine may be busy with other work

    # The old way is slow: 300 codes a turn, scaled to 3,000; old and new in alternation.
    old, new = [], []
    for _ in range(max(1, runs // 2)):
        old.append(run(old_draw, 300) * 10)
        new.append(run(new_draw, 3000))
    print(json.dumps({"old": statistics.median(old), "new": statistics.median(new), "codes": 3000,
                      "version": len(new_qr.qr_matrix(urls[0]))}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed builds per document after the first (median)")
    parser.add_argument("--delegates", type=int, default=3000, help="confirmed delegates on badges and sign-in sheet")
    parser.add_argument("--before", help="another checkout whose badges and sign-in sheet are built too, for comparison")
    parser.add_argument("--only", choices=("agreements", "registrations"), help="one group of documents only")
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.code:
            sys.path.insert(0, args.code)
        return child(args.db, args.child, args.runs)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        env = {**os.environ, "ALLIANCE_INSTANCE_PATH": str(Path(tmp) / "instance")}
        os.environ.update(env)
        db_path = Path(tmp) / "bench.db"
        seed(db_path)
        seed_congress(db_path, args.delegates)
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; "
              f"reportlab {__import__('reportlab').Version}")
        def measure(which, label, code=None, runs=args.runs):
            command = [sys.executable, __file__, "--child", which, "--db", str(db_path), "--runs", str(runs)]
            out = subprocess.run(command + (["--code", code] if code else []), env=env, capture_output=True,
                                 text=True)
            if out.returncode:
                sys.exit(f"{label}: the measuring subprocess failed\n{out.stderr[-3000:]}")
            return label, json.loads(out.stdout.strip().splitlines()[-1])

        if args.only != "agreements":
            qr = measure("qr", "qr")[1]
            print(f"\nQR codes of 3,000 badges (version {(qr['version'] - 17) // 4}), encoded and drawn on one canvas, "
                  f"CPU seconds, median of {max(1, args.runs // 2)}:\n  before (reportlab encoder, path.rect per run): "
                  f"{qr['old']:.2f} s ({qr['old'] / 3:.2f} ms a code)\n  after (alliance_app.pdf.qr): "
                  f"{qr['new']:.2f} s ({qr['new'] / 3:.3f} ms a code), {qr['old'] / qr['new']:.0f}x faster")
            printed = []
            # The big documents are built fewer times: 3 builds after the first.
            for code, when in ((args.before, "before"), (None, "after")):
                if code is None and when == "before":
                    continue
                for which, label in (("badges", f"badges ({when})"), ("sign_in", f"sign-in sheet ({when})")):
                    printed.append(measure(which, label, code, runs=min(args.runs, 3)))
            header = (f"{'document':<24}{'delegates':>10}{'pages':>6}{'MiB':>6}{'first s':>9}{'median s':>9}"
                      f"{'ms each':>8}{'CPU s':>7}{'CPU ms each':>12}{'SQL':>5}{'py peak MiB':>12}{'RSS MiB':>8}")
            print(f"\n{args.delegates} confirmed delegates at the demo meeting; {min(args.runs, 3)} builds after "
                  f"the first\n{header}\n" + "-" * len(header))
            for label, r in printed:
                print(f"{label:<24}{r['agreements']:>10}{r['pages']:>6}{r['bytes'] / 2**20:>6.1f}{r['first']:>9.3f}"
                      f"{r['median']:>9.3f}{r['median'] * 1000 / r['agreements']:>8.2f}{r['cpu']:>7.2f}"
                      f"{r['cpu'] * 1000 / r['agreements']:>12.2f}{r['statements']:>5}"
                      f"{r['tracemalloc_peak'] / 2**20:>12.1f}{r['rss_end_kib'] / 1024:>8.0f}")
            after = dict(printed)
            badges, sheet = after["badges (after)"], after["sign-in sheet (after)"]
            print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (wall times grow with it; "
                  f"CPU times less so)")
            print(f"aims: badges under {AIM_BADGES_SECONDS:g} s: {badges['median']:.2f} s "
                  f"{'ok' if badges['median'] < AIM_BADGES_SECONDS else 'MISSED'} (CPU {badges['cpu']:.2f} s); under {AIM_BADGES_MIB} MiB peak RSS: "
                  f"{badges['rss_end_kib'] / 1024:.0f} MiB {'ok' if badges['rss_end_kib'] / 1024 < AIM_BADGES_MIB else 'MISSED'}"
                  f"; sign-in sheet under {AIM_SIGN_IN_SECONDS:g} s: {sheet['median']:.2f} s "
                  f"{'ok' if sheet['median'] < AIM_SIGN_IN_SECONDS else 'MISSED'} (CPU {sheet['cpu']:.2f} s)")
            if args.only == "registrations":
                print(f"total run time {time.perf_counter() - started:.0f} s")
                return

        rows = []
        for which, label in (("cny", "one agreement (CNY, Chinese)"), ("usd", "one agreement (USD, bilingual)"),
                             ("pack", "ceremony pack of the demo meeting")):
            rows.append(measure(which, label))
        header = (f"{'document':<36}{'agr.':>5}{'pages':>6}{'KiB':>6}{'first s':>9}{'median s':>9}{'min':>7}"
                  f"{'max':>7}{'SQL':>5}{'py peak MiB':>12}{'RSS +MiB':>9}{'RSS MiB':>8}")
        print(f"\n{args.runs} builds each after the first, in a fresh subprocess per document\n{header}\n"
              + "-" * len(header))
        for label, r in rows:
            print(f"{label:<36}{r['agreements']:>5}{r['pages']:>6}{r['bytes'] / 1024:>6.0f}{r['first']:>9.3f}"
                  f"{r['median']:>9.3f}{r['min']:>7.3f}{r['max']:>7.3f}{r['statements']:>5}"
                  f"{r['tracemalloc_peak'] / 2**20:>12.1f}{(r['rss_end_kib'] - r['rss_start_kib']) / 1024:>9.1f}"
                  f"{r['rss_end_kib'] / 1024:>8.0f}")
        pack = rows[-1][1]
        print(f"\nfirst/median: the first build reads the font; SQL: statements per build (loading included); "
              f"py peak: tracemalloc of one build; RSS +: growth of the process's max RSS over all its builds.\n"
              f"aim: the ceremony pack under {AIM_PACK_SECONDS:g} s: median {pack['median']:.3f} s "
              f"{'ok' if pack['median'] < AIM_PACK_SECONDS else 'MISSED'}, first {pack['first']:.3f} s "
              f"{'ok' if pack['first'] < AIM_PACK_SECONDS else 'MISSED'}")
        print(f"total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
