"""500 delegates registering through the API from 32 concurrent clients against
gunicorn with 4 workers; prints throughput and p50/p99 latency, then checks that
nothing was overbooked, lost or half-written.

    .venv/bin/python benchmarks/load.py                      # SQLite file in a temporary directory
    .venv/bin/python benchmarks/load.py --kill-worker        # SIGKILL one worker halfway
    DATABASE_URL=postgresql+psycopg://user@127.0.0.1:5432/postgres .venv/bin/python benchmarks/load.py
        # PostgreSQL: a scratch database is created on that server and dropped afterwards
"""
import argparse
import json
import platform
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import load_driver  # noqa: E402
from tests.servers import Gunicorn, app_for, scratch_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one worker when half are answered")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a scratch database on "
                                               "(default: DATABASE_URL, else a SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="alliance-load-") as tmp:
        directory = Path(tmp)
        with scratch_database("load", directory, args.database_url) as url:
            app = app_for(url, directory / "instance")
            plan = load_driver.prepare(app, args.clients)
            delegates = load_driver.delegates_for(plan, args.delegates)
            with Gunicorn(url, directory, workers=args.workers, env={"ALLIANCE_LOG_REQUESTS": "false"}) as server:
                killed = []
                halfway = (lambda: killed.append(server.kill_worker())) if args.kill_worker else None
                wall = load_driver.run(server.port, plan, delegates, halfway=halfway)
            figures = load_driver.summary(delegates, wall)
            problems = load_driver.check(app, plan, delegates)
            stored = load_driver.stored_counts(app, plan)

    kind = "PostgreSQL" if url.startswith("postgresql") else f"SQLite {sqlite3.sqlite_version}"
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {kind}")
    print(f"{args.delegates} delegates, {args.clients} clients, gunicorn --workers {args.workers}"
          + (f", worker {killed[0]} killed halfway" if killed else ""))
    print(json.dumps({**figures, "stored": stored}, ensure_ascii=False))
    print(f"throughput {figures['throughput_rps']} requests/s, p50 {figures['p50_ms']} ms, "
          f"p99 {figures['p99_ms']} ms, wall {figures['wall_s']} s")
    if problems:
        print(f"{len(problems)} PROBLEMS:")
        print("\n".join(problems[:50]))
        return 1
    print("checks: no 5xx, no overbooking, every acknowledged registration stored whole")
    return 0


if __name__ == "__main__":
    sys.exit(main())
