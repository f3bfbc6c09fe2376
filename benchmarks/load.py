"""500 delegates registering through the API from 32 concurrent clients against
gunicorn with 4 workers, in rounds alternating with the same load on a bare
Flask + SQLAlchemy insert route (benchmarks/bare_register.py) under the same
gunicorn settings on the same database; prints each round's throughput and
p50/p99 latency and the app's throughput as a share of the bare route's, then
checks that nothing was overbooked, lost or half-written.

    .venv/bin/python benchmarks/load.py                      # SQLite file in a temporary directory
    .venv/bin/python benchmarks/load.py --kill-worker        # SIGKILL one worker halfway
    DATABASE_URL=postgresql+psycopg://user@127.0.0.1:5432/postgres .venv/bin/python benchmarks/load.py
        # PostgreSQL: a scratch database is created on that server and dropped afterwards
"""
import argparse
import dataclasses
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

import bare_register  # noqa: E402  beside this file
from tests import load_driver  # noqa: E402
from tests.servers import Gunicorn, app_for, scratch_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="app and bare runs, in alternation")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker when half are answered "
                                                                   "(the app alone, one round)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a scratch database on "
                                               "(default: DATABASE_URL, else a SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="alliance-load-") as tmp:
        directory = Path(tmp)
        with scratch_database("load", directory, args.database_url) as url:
            kind = "PostgreSQL" if url.startswith("postgresql") else f"SQLite {sqlite3.sqlite_version}"
            print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {kind}, "
                  f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            print(f"{args.delegates} delegates, {args.clients} clients, gunicorn --workers {args.workers}")
            app = app_for(url, directory / "instance")
            if args.kill_worker:
                return kill_run(app, url, directory, args)
            bare_register.create_table(bare_register.make_engine(url, served=False))
            env = {"ALLIANCE_LOG_REQUESTS": "false"}
            with Gunicorn(url, directory, workers=args.workers, env=env) as server, \
                    Gunicorn(url, directory, workers=args.workers, env=env, name="bare",
                             application="benchmarks.bare_register:create_app()") as bare:
                return compare(app, url, server, bare, args)


def compare(app, url, server, bare, args) -> int:
    """Rounds of the app's registration POST and the bare insert, in alternation
    (app first in even rounds, bare first in odd ones), each round on an event
    of its own; the app's rows checked after each of its rounds."""
    figures = {"app": [], "bare": []}
    problems = []
    # Not counted: each worker's first requests (imports, templates, catalogues, connections).
    warm = load_driver.prepare(app, args.clients, tag="warm")
    load_driver.run(server.port, warm, load_driver.delegates_for(warm, args.clients * 4))
    warm_bare = dataclasses.replace(warm, event_id=10**6 - 1)
    load_driver.run(bare.port, warm_bare, load_driver.delegates_for(warm_bare, args.clients * 4))
    for round_number in range(args.rounds):
        plan = load_driver.prepare(app, args.clients, tag=f"r{round_number}")
        sides = ("app", "bare") if round_number % 2 == 0 else ("bare", "app")
        for side in sides:
            if side == "app":
                delegates = load_driver.delegates_for(plan, args.delegates)
                wall = load_driver.run(server.port, plan, delegates)
                problems += load_driver.check(app, plan, delegates)
            else:
                bare_plan = dataclasses.replace(plan, event_id=10**6 + round_number)
                delegates = load_driver.delegates_for(bare_plan, args.delegates)
                wall = load_driver.run(bare.port, bare_plan, delegates)
                problems += bare_problems(url, bare_plan, delegates)
            result = load_driver.summary(delegates, wall)
            figures[side].append(result)
            print(f"round {round_number + 1} {side:4}: {json.dumps(result, ensure_ascii=False)}")
    app_rps = statistics.median(r["throughput_rps"] for r in figures["app"])
    bare_rps = statistics.median(r["throughput_rps"] for r in figures["bare"])
    print(f"median throughput: app {app_rps} requests/s, bare {bare_rps} requests/s: "
          f"the app at {app_rps / bare_rps:.0%} of the bare route (aim: 60 % or more)"
          + ("" if app_rps >= 0.6 * bare_rps else "  MISSED"))
    for side in ("app", "bare"):
        print(f"  {side}: p50 {statistics.median(r['p50_ms'] for r in figures[side]):.1f} ms, "
              f"p99 {statistics.median(r['p99_ms'] for r in figures[side]):.1f} ms (medians of the rounds)")
    return report(problems)


def bare_problems(url, plan, delegates) -> list[str]:
    problems = [f"bare delegate {d.number}: {a.status}" for d in delegates for a in d.attempts
                if a.status is None or a.status >= 500]
    engine = bare_register.make_engine(url, served=False)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM bare_registrations WHERE event_id = :e"),
                                    {"e": plan.event_id}).scalar_one()
    engine.dispose()
    if stored != len(delegates):
        problems.append(f"bare route: {stored} rows stored for {len(delegates)} delegates")
    return problems


def kill_run(app, url, directory, args) -> int:
    plan = load_driver.prepare(app, args.clients)
    delegates = load_driver.delegates_for(plan, args.delegates)
    with Gunicorn(url, directory, workers=args.workers, env={"ALLIANCE_LOG_REQUESTS": "false"}) as server:
        killed = []
        wall = load_driver.run(server.port, plan, delegates, halfway=lambda: killed.append(server.kill_worker()))
    figures = load_driver.summary(delegates, wall)
    print(f"worker {killed[0] if killed else '?'} killed halfway")
    print(json.dumps({**figures, "stored": load_driver.stored_counts(app, plan)}, ensure_ascii=False))
    return report(load_driver.check(app, plan, delegates))


def report(problems: list[str]) -> int:
    if problems:
        print(f"{len(problems)} PROBLEMS:")
        print("\n".join(problems[:50]))
        return 1
    print("checks: no 5xx, no overbooking, every acknowledged registration stored whole")
    return 0


if __name__ == "__main__":
    sys.exit(main())
