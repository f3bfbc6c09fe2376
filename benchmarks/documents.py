"""Benchmark: printed agreements. One agreement in contract form and the demo
meeting's ceremony pack (signing list plus every agreement), time and memory.

    .venv/bin/python benchmarks/documents.py [--runs 7]

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


def child(db_path, which, runs):
    """Runs in its own process: builds one kind of document, prints JSON figures."""
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
            if which == "pack":
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
    t0 = time.perf_counter()
    data, count = build()
    first = time.perf_counter() - t0
    statements.clear()
    build()
    per_build_statements = len(statements)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        build()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"first": first, "median": statistics.median(times), "min": min(times), "max": max(times),
                      "tracemalloc_peak": peak, "rss_start_kib": rss_start, "rss_end_kib": rss_end,
                      "bytes": len(data), "pages": data.count(b"/Type /Page") - data.count(b"/Type /Pages"),
                      "agreements": count, "statements": per_build_statements}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed builds per document after the first (median)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.db, args.child, args.runs)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        env = {**os.environ, "ALLIANCE_INSTANCE_PATH": str(Path(tmp) / "instance")}
        os.environ.update(env)
        db_path = Path(tmp) / "bench.db"
        seed(db_path)
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; "
              f"reportlab {__import__('reportlab').Version}")
        rows = []
        for which, label in (("cny", "one agreement (CNY, Chinese)"), ("usd", "one agreement (USD, bilingual)"),
                             ("pack", "ceremony pack of the demo meeting")):
            out = subprocess.run([sys.executable, __file__, "--child", which, "--db", str(db_path),
                                  "--runs", str(args.runs)], env=env, capture_output=True, text=True)
            if out.returncode:
                sys.exit(f"{label}: the measuring subprocess failed\n{out.stderr[-3000:]}")
            rows.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
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
