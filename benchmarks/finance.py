"""Benchmark: dues totals and arrears at 10,000 members x 10 years of dues bills
(100,000 bills, a third of them with a payment), computed by the database,
through the real API (GET /api/v1/years/<year>/dues) and the arrears service,
beside a bare Flask route issuing only the same SQL; statements per request.

    .venv/bin/python benchmarks/finance.py [--members 10000] [--years 10] [--reps 30]

Everything happens in a temporary directory removed at the end (SQLite);
nothing listens on a socket (Flask test clients)."""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def seed(conn, members: int, years: int, rng):
    from sqlalchemy import insert

    from alliance_app.finance.models import Bill, BillKind, BillStatus
    from alliance_app.members.models import MembershipStatus, Organization, Tier

    now = datetime.now(timezone.utc)
    tiers = list(Tier)
    fees = {Tier.chair: 5_000_000, Tier.vice_chair: 3_000_000, Tier.executive_director: 2_000_000,
            Tier.director: 1_000_000, Tier.member: 500_000}
    orgs = [{"id": i + 1, "name": f"基准会员{i:05d}有限公司", "name_key": f"基准会员{i:05d}有限公司",
             "kind": "enterprise", "country": "CN", "membership_status": MembershipStatus.active,
             "tier": tiers[min(4, int(rng.expovariate(1.2)))], "created_at": now, "updated_at": now}
            for i in range(members)]
    conn.execute(insert(Organization.__table__), orgs)
    rows = []
    for year in range(2027 - years, 2027):
        for org in orgs:
            amount = fees[org["tier"]]
            roll = rng.random()
            paid = amount if roll < 0.6 else amount // 2 if roll < 0.7 else 0
            status = BillStatus.paid if paid == amount else BillStatus.partly_paid if paid else BillStatus.open
            rows.append({"kind": BillKind.dues, "organization_id": org["id"], "year": year, "tier": org["tier"],
                         "title": f"{year}年度会费", "amount_fen": amount, "paid_fen": paid,
                         "due_on": date(year, 3, 31), "status": status, "created_at": now, "updated_at": now})
    for start in range(0, len(rows), 20_000):
        conn.execute(insert(Bill.__table__), rows[start:start + 20_000])
    return len(rows)


def timed(call, reps):
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ALLIANCE_INSTANCE_PATH"] = tmp
        from flask import jsonify
        from sqlalchemy import event

        from alliance_app import create_app
        from alliance_app.accounts.models import Role
        from alliance_app.accounts.services import create_api_token, create_user
        from alliance_app.extensions import db
        from alliance_app.finance import balances

        app = create_app({"TESTING": True, "SECRET_KEY": "b" * 40, "TASK_QUEUE_URL": "memory://",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"})

        @app.route("/bare/<int:year>")
        def bare(year):  # the same SQL, no token, no schema
            return jsonify([{k: str(v) for k, v in row.items()} for row in balances.dues_totals(year)])

        @app.route("/bare-arrears")
        def bare_arrears():
            return jsonify(len(balances.overdue(date(2026, 12, 1))))

        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            bills = seed(db.session.connection(), args.members, args.years, random.Random(20))
            staff = create_user("bench@example.org", "benchmark-password-123", Role.staff)
            _token, secret = create_api_token(staff, "bench")
            db.session.commit()
            print(f"seeded {args.members:,} members and {bills:,} bills in {time.perf_counter() - started:.1f} s "
                  f"({db.engine.dialect.name})")
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        cases = [("GET /api/v1/years/2026/dues", lambda: client.get("/api/v1/years/2026/dues", headers=headers)),
                 ("bare route, same SQL", lambda: client.get("/bare/2026")),
                 ("arrears (service, all years)", lambda: client.get("/bare-arrears"))]
        print(f"| request | p50 | p90 | statements |\n|---|---:|---:|---:|")
        for name, call in cases:
            assert call().status_code == 200
            statements.clear()
            call()
            count = len(statements)
            p50, p90 = timed(call, args.reps)
            print(f"| {name} | {p50:.1f} ms | {p90:.1f} ms | {count} |")
        with app.app_context():
            totals = balances.dues_totals(2026)
            print("2026:", ", ".join(f"{r['tier']} billed {r['billed']:,} received {r['received']:,}" for r in totals))


if __name__ == "__main__":
    main()
