"""Benchmark: the follow-up totals of one event (签约项目落地跟踪) at 1,000 agreements
with 4,000 progress reports and at 100,000 agreements with 400,000 reports, on SQLite.

    .venv/bin/python benchmarks/followup.py [--sizes 1000,100000] [--reports-per-agreement 4] [--reps 40]

Reuses benchmarks/totals.py: the same organizations, events and agreements (same
generator, bulk core inserts), the same timing and statement counting. On top of
them, every chunk of agreements gets its projects (one per signed agreement that
has reports, at the stage of its latest accepted report) and its share of the
progress reports, also bulk-inserted. Everything happens in a temporary
directory removed at the end; nothing listens on a socket (Flask test clients).

What is timed, for the reference event (always 20 agreements) and a typical one
(grows with the table): `GET /api/v1/events/<id>/follow-up` with a staff token
(every figure, by sector, partner, year, kind of document and place of signing)
and the same event's signed totals (`GET /api/v1/events/<id>/totals`) beside it.
The aim in the issue: the follow-up totals of the same event within 1.5× of
themselves at 1,000 agreements."""
import argparse
import logging
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import totals as signed_bench  # noqa: E402  benchmarks/totals.py, beside this file

REPO = signed_bench.REPO
N_EVENTS = signed_bench.N_EVENTS
REFERENCE_EVENT_AGREEMENTS = signed_bench.REFERENCE_EVENT_AGREEMENTS
STAGES = ["signed", "landed", "under_construction", "in_operation", "terminated"]
STAGE_WEIGHTS = [30, 30, 20, 15, 5]


class FollowUpMaker:
    """Agreements through totals.AgreementMaker, plus their kind of document and place
    of signing, projects and progress reports, inserted chunk by chunk."""

    def __init__(self, rng, reports_per_agreement: int, staff_id: int):
        self.rng = rng
        self.agreements = signed_bench.AgreementMaker(rng)
        self.per_agreement = reports_per_agreement
        self.staff_id = staff_id
        self.next_report = 1
        self.next_project = 1
        self.reports = 0

    def insert(self, conn, event_ids, chunk=5_000):
        from sqlalchemy import insert

        from alliance_app.agreements.models import Agreement, AgreementParty, AgreementSector
        from alliance_app.followup.models import ProgressReport, Project

        rng = self.rng
        now = datetime.now(timezone.utc)
        for start in range(0, len(event_ids), chunk):
            agreements, parties, sectors = [], [], []
            for event_id in event_ids[start:start + chunk]:
                a, p, s = self.agreements.rows(event_id)
                a["document_kind"] = rng.choice([None, None, "contract", "agreement", "strategic_cooperation"])
                a["signing_venue"] = "elsewhere" if rng.random() < 0.15 else "ceremony"
                agreements.append(a)
                parties.extend(p)
                sectors.extend(s)
            # The chunk's reports (reports_per_agreement × its agreements) go to its signed agreements.
            signed = [a for a in agreements if a["status"].value == "signed"]
            partner = {p["agreement_id"]: p["organization_id"] for p in parties if p["position"] == 1}
            reports, latest = [], {}
            for _ in range(self.per_agreement * len(agreements) if signed else 0):
                a = rng.choice(signed)
                stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
                planned = a["amount_cny_fen"] or 0
                invested = rng.randrange(0, planned + 1) if planned and stage != "signed" else 0
                status = rng.choices(["accepted", "submitted", "returned"], weights=[80, 12, 8])[0]
                created = a["signed_at"] + timedelta(days=rng.randrange(1, 700))
                reports.append({
                    "id": self.next_report, "agreement_id": a["id"], "organization_id": partner[a["id"]],
                    "submitted_by_id": None, "stage": stage, "stage_on": created.date(), "invested_fen": invested,
                    "note": f"进展情况{self.next_report}", "problems": None,
                    "reason": "合作方调整计划" if stage == "terminated" else None, "status": status,
                    "remark": "请补充材料" if status == "returned" else None,
                    "reviewed_by_id": self.staff_id if status != "submitted" else None,
                    "reviewed_at": created + timedelta(days=3) if status != "submitted" else None,
                    "created_at": created})
                self.next_report += 1
                if status == "accepted" and (a["id"] not in latest or latest[a["id"]]["created_at"] < created):
                    latest[a["id"]] = reports[-1]
            projects = []
            for agreement_id, report in latest.items():
                stage = report["stage"]
                day = report["stage_on"]
                projects.append({
                    "id": self.next_project, "agreement_id": agreement_id, "tracked": True, "stage": stage,
                    "landed_on": day if stage in ("landed", "under_construction", "in_operation") else None,
                    "construction_on": day if stage in ("under_construction", "in_operation") else None,
                    "operation_on": day if stage == "in_operation" else None,
                    "terminated_on": day if stage == "terminated" else None,
                    "terminated_reason": report["reason"], "invested_fen": report["invested_fen"],
                    "member_contact": None, "host_contact": None, "latest_progress": report["note"],
                    "problems": None, "created_at": now, "updated_at": now})
                self.next_project += 1
            conn.execute(insert(Agreement.__table__), agreements)
            conn.execute(insert(AgreementParty.__table__), parties)
            conn.execute(insert(AgreementSector.__table__), sectors)
            if projects:
                conn.execute(insert(Project.__table__), projects)
            if reports:
                conn.execute(insert(ProgressReport.__table__), reports)
            self.reports += len(reports)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="agreement counts, comma-separated, ascending")
    parser.add_argument("--reports-per-agreement", type=int, default=4)
    parser.add_argument("--reps", type=int, default=40, help="timed calls per figure (after 3 warm-up calls)")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds at most per figure (at least 5 calls)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sizes == sorted(sizes) and sizes[0] > REFERENCE_EVENT_AGREEMENTS, "sizes must ascend"
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        os.environ["ALLIANCE_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        db_path = Path(tmp) / "bench.db"
        logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
        from sqlalchemy import func, select

        from alliance_app import create_app
        from alliance_app import models  # noqa: F401  the whole metadata
        from alliance_app.accounts.models import Role
        from alliance_app.accounts.services import create_api_token, create_user
        from alliance_app.agreements.models import Agreement
        from alliance_app.core.db import Base
        from alliance_app.extensions import db
        from alliance_app.followup.models import ProgressReport, Project
        from alliance_app.followup.totals import follow_up
        from alliance_app.reports.totals import Scope

        app = create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        rng = random.Random(args.seed)
        with app.app_context():
            Base.metadata.create_all(db.engine)
            staff = create_user("bench-staff@example.org", signed_bench.PASSWORD, Role.staff)
            _token, secret = create_api_token(staff, "benchmark")
            db.session.commit()
            staff_id = staff.id
            with db.engine.begin() as conn:
                signed_bench.seed_base(conn, rng)
            counter = signed_bench.StatementCounter(db.engine)
        maker = FollowUpMaker(rng, args.reports_per_agreement, staff_id)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}

        def get(path):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            return response.get_json()

        reference, typical = 1, 2
        loaded, results = 0, {}
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"SQLite {__import__('sqlite3').sqlite_version}, {platform.platform()}")
        for size in sizes:
            load_start = time.perf_counter()
            if loaded == 0:
                event_ids = [reference] * REFERENCE_EVENT_AGREEMENTS + \
                    [rng.randrange(2, N_EVENTS + 1) for _ in range(size - REFERENCE_EVENT_AGREEMENTS)]
            else:
                event_ids = [rng.randrange(2, N_EVENTS + 1) for _ in range(size - loaded)]
            with app.app_context():
                with db.engine.begin() as conn:
                    maker.insert(conn, event_ids)
                counts = {name: db.session.scalar(select(func.count()).select_from(model))
                          for name, model in (("agreements", Agreement), ("projects", Project),
                                              ("reports", ProgressReport))}
                per_event = dict(db.session.execute(select(Agreement.event_id, func.count())
                                                    .group_by(Agreement.event_id)).all())
                statements, expected = {}, {}
                for event_id in (reference, typical):
                    figures, statements[event_id] = counter.record(lambda: follow_up(Scope(event_id=event_id)))
                    expected[event_id] = figures
                    db.session.rollback()
                scans = signed_bench.full_scans(db.engine, statements[reference], set(Base.metadata.tables))
            loaded = size
            load_seconds = time.perf_counter() - load_start
            print(f"\n{counts['agreements']:,} agreements, {counts['projects']:,} projects, {counts['reports']:,} "
                  f"progress reports loaded in {load_seconds:.1f} s; "
                  f"{sum(p.stat().st_size for p in Path(tmp).glob('bench.db*')) / 2**20:.1f} MiB with its WAL; "
                  "whole-table reads in the follow-up SQL of one event: "
                  + ("none" if not scans else "; ".join(f"#{n}: {d}" for n, d in scans)))
            for event_id in (reference, typical):
                answer = get(f"/api/v1/events/{event_id}/follow-up")
                figures = expected[event_id]
                assert Decimal(answer["signed_total"]) == figures["signed_total"]
                assert Decimal(answer["invested_total"]) == figures["invested_total"]
                assert sum(Decimal(row["signed_total"]) for row in answer["by_signing_venue"]) == \
                    figures["signed_total"]
                _, seen = counter.record(lambda: get(f"/api/v1/events/{event_id}/follow-up"))
                results[size, event_id] = {
                    "agreements": per_event.get(event_id, 0),
                    "figures": figures,
                    "follow_up": signed_bench.median_p90(signed_bench.timed(
                        lambda: get(f"/api/v1/events/{event_id}/follow-up"), args.reps, args.budget)),
                    "signed": signed_bench.median_p90(signed_bench.timed(
                        lambda: get(f"/api/v1/events/{event_id}/totals"), args.reps, args.budget)),
                    "function": signed_bench.median_p90(signed_bench.timed(
                        lambda: _in_context(app, lambda: follow_up(Scope(event_id=event_id))), args.reps,
                        args.budget)),
                    "follow_up_statements": len(statements[event_id]),
                    "request_statements": len(seen),
                }

        print(f"\nmedian / p90 in ms ({args.reps} calls each, at most {args.budget:g} s per figure); "
              "follow-up: GET /api/v1/events/<id>/follow-up; signed: GET /api/v1/events/<id>/totals; "
              "follow_up(): the function alone in an app context")
        header = (f"{'event':<22}{'size':>9}{'its agr.':>9}{'signed':>8}{'landed':>8}  {'follow-up':>10}{'p90':>8}"
                  f"  {'signed':>8}{'p90':>8}  {'follow_up()':>11}  {'SQL: follow_up()':>16}{'request':>8}")
        print(header)
        print("-" * len(header))
        for event_id, name in ((reference, "reference (fixed)"), (typical, "typical (grows)")):
            for size in sizes:
                r = results[size, event_id]
                f = r["figures"]
                print(f"{f'{event_id} {name}':<22}{size:>9,}{r['agreements']:>9,}{f['signed_count']:>8,}"
                      f"{f['landed_count']:>8,}  {r['follow_up'][0]:>10.2f}{r['follow_up'][1]:>8.2f}"
                      f"  {r['signed'][0]:>8.2f}{r['signed'][1]:>8.2f}  {r['function'][0]:>11.2f}"
                      f"  {r['follow_up_statements']:>16}{r['request_statements']:>8}")
        small, large = sizes[0], sizes[-1]
        print(f"\nratios ({large:,} vs {small:,} agreements; aim: follow-up {large:,}/{small:,} <= 1.5 for the same "
              "event):")
        for event_id, name in ((reference, "reference event"), (typical, "typical event")):
            grow = results[large, event_id]["follow_up"][0] / results[small, event_id]["follow_up"][0]
            signed_grow = results[large, event_id]["signed"][0] / results[small, event_id]["signed"][0]
            beside = results[large, event_id]["follow_up"][0] / results[large, event_id]["signed"][0]
            print(f"  {name:<16} follow-up {large:,}/{small:,} = {grow:6.2f} {'ok' if grow <= 1.5 else 'MISSED':<6}"
                  f"  signed totals {large:,}/{small:,} = {signed_grow:6.2f}"
                  f"  follow-up/signed at {large:,} = {beside:5.2f}")
        print(f"\ntotal run time {time.perf_counter() - started:.0f} s")


def _in_context(app, call):
    from alliance_app.extensions import db

    with app.app_context():
        result = call()
        db.session.rollback()
        return result


if __name__ == "__main__":
    main()
