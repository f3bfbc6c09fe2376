"""Benchmark: the totals of one event, through the real app and through a bare
Flask route issuing only the same SQL, on SQLite at 1,000 and 100,000 agreements.

    .venv/bin/python benchmarks/totals.py [--sizes 1000,100000] [--reps 40] [--budget 8] [--analyze]

Everything happens in a temporary directory (a SQLite file, the app's instance
folder) removed at the end; nothing listens on a socket (Flask test clients).
See benchmarks/README.md for what is measured and how to read the table.
"""
import argparse
import logging
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

N_ORGANIZATIONS = 10_000
N_EVENTS = 50
REFERENCE_EVENT_AGREEMENTS = 20  # event 1 keeps this many whatever the table size
PASSWORD = "benchmark-password-123"
ENDPOINT_RULE = "/api/v1/events/<int:event_id>/totals"


# ---------------------------------------------------------------------------------- data

def seed_base(conn, rng):
    """10,000 organizations (1,500 members with a tier) and 50 published events."""
    from sqlalchemy import insert

    from alliance_app.events.models import Event, EventStatus
    from alliance_app.members.models import MembershipStatus, Organization, OrganizationKind, Tier

    now = datetime.now(timezone.utc)
    tiers = [Tier.chair] + [Tier.vice_chair] * 20 + [Tier.executive_director] * 80 + [Tier.director] * 400 + \
        [Tier.member] * 999
    rows = []
    for i in range(N_ORGANIZATIONS):
        member = i < len(tiers)
        name = f"基准测试单位{i:05d}有限公司"
        rows.append({"id": i + 1, "name": name, "name_key": name, "kind": OrganizationKind.enterprise,
                     "country": "CN" if rng.random() < 0.9 else "MY",
                     "membership_status": MembershipStatus.active if member else MembershipStatus.non_member,
                     "tier": tiers[i] if member else None, "created_at": now, "updated_at": now})
    conn.execute(insert(Organization.__table__), rows)
    events = []
    for i in range(N_EVENTS):
        starts = datetime(2022, 1, 10, 1, 0, tzinfo=timezone.utc) + timedelta(days=29 * i)
        events.append({"id": i + 1, "slug": f"bench-event-{i + 1}", "title": f"基准会议{i + 1}", "starts_at": starts,
                       "ends_at": starts + timedelta(hours=9), "status": EventStatus.published, "capacity": 1000,
                       "created_at": now, "updated_at": now})
    conn.execute(insert(Event.__table__), events)


class AgreementMaker:
    """Agreement rows with 2 parties (the event's host first) and 1-3 sectors, bulk-inserted."""

    def __init__(self, rng):
        self.rng = rng
        self.next_id = 1

    def rows(self, event_id):
        from alliance_app.agreements.models import AgreementKind, AgreementStatus, Sector
        from alliance_app.core.money import cny_fen, from_fen

        rng, agreement_id = self.rng, self.next_id
        self.next_id += 1
        now = datetime.now(timezone.utc)
        status = rng.choices([AgreementStatus.signed, AgreementStatus.ready, AgreementStatus.draft,
                              AgreementStatus.voided], weights=[70, 10, 12, 8])[0]
        disclosed = rng.random() < 0.9
        currency, rate_micro = rng.choices([("CNY", 1_000_000), ("USD", 7_123_400), ("EUR", 7_856_700),
                                            ("MYR", 1_540_000)], weights=[85, 8, 4, 3])[0]
        amount_fen = amount_cny = None
        if disclosed:
            amount_fen = rng.randrange(1, 10 ** rng.randint(6, 13))  # 0.01 yuan … 10^11 yuan
            amount_cny = cny_fen(from_fen(amount_fen), Decimal(rate_micro) / 10**6)
        event_start = datetime(2022, 1, 10, 1, 0, tzinfo=timezone.utc) + timedelta(days=29 * (event_id - 1))
        signed_at = event_start + timedelta(minutes=rng.randrange(540)) if status == AgreementStatus.signed or \
            (status == AgreementStatus.voided and rng.random() < 0.5) else None
        agreement = {
            "id": agreement_id, "number": f"BENCH-{agreement_id:07d}", "year": event_start.year, "seq": agreement_id,
            "title": f"战略合作协议{agreement_id}", "kind": rng.choice(list(AgreementKind)), "event_id": event_id,
            "amount_disclosed": disclosed, "amount_fen": amount_fen, "currency": currency,
            "fx_rate_micro": rate_micro if disclosed else None, "amount_cny_fen": amount_cny, "status": status,
            "signed_at": signed_at, "voided_at": now if status == AgreementStatus.voided else None,
            "void_reason": "作废" if status == AgreementStatus.voided else None, "created_at": now, "updated_at": now}
        host = event_id  # organizations 1..50 host the events
        partner = rng.randrange(N_EVENTS + 1, N_ORGANIZATIONS + 1)
        parties = [{"agreement_id": agreement_id, "position": position, "organization_id": org, "role_label": label,
                    "printed_name": f"基准测试单位{org - 1:05d}有限公司"}
                   for position, (org, label) in enumerate(((host, "甲方"), (partner, "乙方")))]
        sectors = [{"agreement_id": agreement_id, "sector": sector}
                   for sector in rng.sample(list(Sector), rng.choice([1, 1, 1, 2, 2, 3]))]
        return agreement, parties, sectors

    def insert(self, conn, event_ids, chunk=5_000):
        from sqlalchemy import insert

        from alliance_app.agreements.models import Agreement, AgreementParty, AgreementSector

        for start in range(0, len(event_ids), chunk):
            agreements, parties, sectors = [], [], []
            for event_id in event_ids[start:start + chunk]:
                a, p, s = self.rows(event_id)
                agreements.append(a)
                parties.extend(p)
                sectors.extend(s)
            conn.execute(insert(Agreement.__table__), agreements)
            conn.execute(insert(AgreementParty.__table__), parties)
            conn.execute(insert(AgreementSector.__table__), sectors)


# ---------------------------------------------------------------------------------- timing

def timed(call, reps, budget):
    """Milliseconds of `reps` calls (fewer if `budget` seconds run out), after 3 warm-up calls."""
    for _ in range(3):
        call()
    times, deadline = [], time.perf_counter() + budget
    while len(times) < reps and (len(times) < 5 or time.perf_counter() < deadline):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_p90(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


class StatementCounter:
    """Counts (and optionally records) the statements an engine sends, via before_cursor_execute."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count, self.recorded, self.recording = 0, [], False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("BEGIN"):
            return  # the app's SQLite BEGIN (alliance_app/core/engine.py), not a query
        self.count += 1
        if self.recording:
            # executemany: a list of parameter tuples, which exec_driver_sql replays as executemany too
            self.recorded.append((statement, list(parameters) if executemany else parameters))

    def record(self, call):
        self.count, self.recorded, self.recording = 0, [], True
        try:
            result = call()
        finally:
            self.recording = False
        return result, list(self.recorded)

    def per_call(self, call):
        self.count = 0
        call()
        return self.count


def make_bare_app(db_path, statements):
    """Flask and SQLAlchemy Core only: the route runs the totals' SELECTs, nothing else."""
    from flask import Flask
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db_path}", connect_args={"check_same_thread": False})
    bare = Flask("bare_totals")

    @bare.get("/events/<int:event_id>/totals")
    def event_totals(event_id):
        with engine.connect() as conn:
            results = [conn.exec_driver_sql(sql, params).all() for sql, params in statements[event_id]]
        head = results[0][0]
        return {"signed_total_fen": int(head[0] or 0), "signed_count": head[1],
                "rows": sum(len(rows) for rows in results)}

    return bare, engine


def full_scans(engine, statements, tables):
    """The EXPLAIN QUERY PLAN lines that read a whole table or a whole index of one
    (SCAN <table> ..., as opposed to SEARCH, which reads only the matching rows)."""
    found = []
    with engine.connect() as conn:
        for number, (sql, params) in enumerate(statements, 1):
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all():
                words = row[-1].split()
                if words[0] == "SCAN" and len(words) > 1 and words[1] in tables:
                    found.append((number, row[-1]))
    return found


# ---------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="agreement counts, comma-separated, ascending")
    parser.add_argument("--reps", type=int, default=40, help="timed calls per figure (after 3 warm-up calls)")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds at most per figure (at least 5 calls)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE after each load (sqlite_stat1)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sizes == sorted(sizes) and sizes[0] > REFERENCE_EVENT_AGREEMENTS, "sizes must ascend"
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        os.environ["ALLIANCE_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        db_path = Path(tmp) / "bench.db"
        # The per-request JSON log line stays on (as in production) but goes nowhere, not between the figures.
        logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
        from sqlalchemy import func, select

        from alliance_app import create_app
        from alliance_app import models  # noqa: F401  the whole metadata
        from alliance_app.accounts.models import Role
        from alliance_app.accounts.services import create_api_token, create_user
        from alliance_app.agreements.models import Agreement
        from alliance_app.core.db import Base
        from alliance_app.extensions import db
        from alliance_app.reports.totals import Scope, totals

        app = create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        has_endpoint = any(rule.rule == ENDPOINT_RULE for rule in app.url_map.iter_rules())
        rng = random.Random(args.seed)
        maker = AgreementMaker(rng)
        with app.app_context():
            Base.metadata.create_all(db.engine)
            staff = create_user("bench-staff@example.org", PASSWORD, Role.staff)
            _token, secret = create_api_token(staff, "benchmark")
            db.session.commit()
            with db.engine.begin() as conn:
                seed_base(conn, rng)
            counter = StatementCounter(db.engine)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}

        def through_app(event_id):
            if has_endpoint:
                response = client.get(f"/api/v1/events/{event_id}/totals", headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:500]
                return Decimal(response.get_json()["signed_total"])
            with app.app_context():
                return totals(Scope(event_id=event_id))["signed_total"]

        reference, typical = 1, 2
        loaded, results = 0, {}
        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"SQLite {__import__('sqlite3').sqlite_version}, {platform.platform()}")
        print("through the app: " + (f"GET {ENDPOINT_RULE} (test client, staff bearer token)" if has_endpoint else
                                     "NO ENDPOINT YET: totals(Scope(event_id=...)) in an app context"))
        for size in sizes:
            load_start = time.perf_counter()
            if loaded == 0:  # the reference event gets its agreements once, the rest spread over events 2..50
                event_ids = [reference] * REFERENCE_EVENT_AGREEMENTS + \
                    [rng.randrange(2, N_EVENTS + 1) for _ in range(size - REFERENCE_EVENT_AGREEMENTS)]
            else:
                event_ids = [rng.randrange(2, N_EVENTS + 1) for _ in range(size - loaded)]
            with app.app_context():
                with db.engine.begin() as conn:
                    maker.insert(conn, event_ids)
                    if args.analyze:
                        conn.exec_driver_sql("ANALYZE")
                per_event = dict(db.session.execute(select(Agreement.event_id, func.count())
                                                    .group_by(Agreement.event_id)).all())
                statements, totals_statements, expected = {}, {}, {}
                for event_id in (reference, typical):
                    figures, statements[event_id] = counter.record(lambda: totals(Scope(event_id=event_id)))
                    totals_statements[event_id] = len(statements[event_id])
                    expected[event_id] = figures["signed_total"]
                    db.session.rollback()
                scans = full_scans(db.engine, statements[reference], set(Base.metadata.tables))
            loaded = size
            load_seconds = time.perf_counter() - load_start

            bare, bare_engine = make_bare_app(db_path, statements)
            bare_counter = StatementCounter(bare_engine)
            bare_client = bare.test_client()
            for event_id in (reference, typical):
                assert through_app(event_id) == expected[event_id]
                answer = bare_client.get(f"/events/{event_id}/totals").get_json()
                assert Decimal(answer["signed_total_fen"]) / 100 == expected[event_id], "bare route disagrees"
                _, seen = counter.record(lambda: through_app(event_id))
                request_statements = len(seen)
                if size == sizes[0] and event_id == reference and has_endpoint:
                    own = {sql for sql, _params in statements[event_id]}
                    print("the request's statements besides the totals': " + "; ".join(
                        " ".join(sql.split())[:60] for sql, _params in seen if sql not in own))
                results[size, event_id] = {
                    "agreements": per_event.get(event_id, 0),
                    "app": median_p90(timed(lambda: through_app(event_id), args.reps, args.budget)),
                    "bare": median_p90(timed(lambda: bare_client.get(f"/events/{event_id}/totals"), args.reps,
                                             args.budget)),
                    "totals_statements": totals_statements[event_id],
                    "request_statements": request_statements,
                    "bare_statements": bare_counter.per_call(lambda: bare_client.get(f"/events/{event_id}/totals")),
                }
            bare_engine.dispose()
            print(f"\n{size:,} agreements loaded in {load_seconds:.1f} s; "
                  f"{sum(p.stat().st_size for p in Path(tmp).glob('bench.db*')) / 2**20:.1f} MiB with its WAL; "
                  f"whole-table reads in the totals SQL of one event (statement #: EXPLAIN QUERY PLAN): "
                  + ("none" if not scans else "; ".join(f"#{n}: {d}" for n, d in scans)))

        label = "endpoint" if has_endpoint else "totals()"
        print(f"\nmedian / p90 in ms ({args.reps} calls each, at most {args.budget:g} s per figure)")
        header = (f"{'event':<22}{'size':>9}{'its agr.':>9}  {label + ' med':>13}{'p90':>8}  {'bare med':>9}{'p90':>8}"
                  f"  {label + '/bare':>14}  {'SQL: totals()':>13}{'request':>8}{'bare':>6}")
        print(header)
        print("-" * len(header))
        for event_id, name in ((reference, "reference (fixed)"), (typical, "typical (grows)")):
            for size in sizes:
                r = results[size, event_id]
                print(f"{f'{event_id} {name}':<22}{size:>9,}{r['agreements']:>9,}  {r['app'][0]:>13.2f}{r['app'][1]:>8.2f}"
                      f"  {r['bare'][0]:>9.2f}{r['bare'][1]:>8.2f}  {r['app'][0] / r['bare'][0]:>14.2f}"
                      f"  {r['totals_statements']:>13}{r['request_statements']:>8}{r['bare_statements']:>6}")
        small, large = sizes[0], sizes[-1]
        print(f"\nratios ({large:,} vs {small:,} agreements; aim: {label} {large:,}/{small:,} <= 1.5, "
              f"{label}/bare at {large:,} <= 2):")
        for event_id, name in ((reference, "reference event"), (typical, "typical event")):
            grow = results[large, event_id]["app"][0] / results[small, event_id]["app"][0]
            bare_grow = results[large, event_id]["bare"][0] / results[small, event_id]["bare"][0]
            versus = results[large, event_id]["app"][0] / results[large, event_id]["bare"][0]
            print(f"  {name:<16} {label} {large:,}/{small:,} = {grow:6.2f} {'ok' if grow <= 1.5 else 'MISSED':<6}"
                  f"  bare {large:,}/{small:,} = {bare_grow:6.2f}"
                  f"  {label}/bare at {large:,} = {versus:5.2f} {'ok' if versus <= 2 else 'MISSED'}")
        print(f"\ntotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
