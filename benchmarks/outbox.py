"""Benchmark: what the outbox costs and delivers.

    .venv/bin/python benchmarks/outbox.py [--posts 400] [--messages 500] [--workers 2]

(a) The registration POST through the API with and without an email, in
alternation in one run: with an email the registration also writes its
delegate's message (one INSERT in the same transaction) and queues it for the
worker after the commit; the difference is what the outbox adds. (b) The real
worker (`flask worker`, a process of its own, SQLite queue) delivering queued
messages to a local SMTP sink (aiosmtpd): messages per second, from the first
to the last accepted. Everything happens in a temporary directory removed at
the end.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SECRET = "benchmark-secret-" + "x" * 32


def make_app(directory: Path):
    os.environ["ALLIANCE_INSTANCE_PATH"] = str(directory / "instance")
    from alliance_app import create_app

    return create_app({"SECRET_KEY": SECRET, "BASE_URL": "http://127.0.0.1", "TESTING": True,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.db'}", "LOG_REQUESTS": False,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "TASK_QUEUE_URL": f"sqlite:///{directory / 'tasks.sqlite3'}"})


def setup(app):
    from datetime import datetime, timedelta

    from flask_migrate import upgrade

    from alliance_app.accounts.models import Role
    from alliance_app.accounts.services import create_api_token, create_user
    from alliance_app.core.db import utcnow
    from alliance_app.events import services as events
    from alliance_app.extensions import db
    from alliance_app.members.models import MembershipStatus, Organization
    from alliance_app.members.validation import example_uscc

    with app.app_context():
        upgrade()
        org = Organization(name="基准测试单位有限公司", uscc=example_uscc("91340100", "基准"),
                           membership_status=MembershipStatus.active)
        db.session.add(org)
        db.session.flush()
        user = create_user("rep@bench.example", "benchmark-password-123", Role.member, organization_id=org.id)
        event = events.create_event({"slug": "bench", "title": "基准会议", "starts_at": datetime(2030, 6, 16, 9),
                                     "ends_at": datetime(2030, 6, 16, 17)})
        events.set_event_status(event, "published")
        event.registration_opens_at = utcnow() - timedelta(days=1)
        _, secret = create_api_token(user, "bench")
        db.session.commit()
        return event.id, secret


def time_posts(app, event_id, secret, posts, first=0):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    timings = {"without email": [], "with email": []}
    for number in range(first, first + posts):
        kind = "with email" if number % 2 else "without email"
        body = {"name": f"代表{number}", "mobile": f"139{number:08d}", "category": "enterprise"}
        if kind == "with email":
            body["email"] = f"d{number}@bench.example"
        start = time.perf_counter()
        response = client.post(f"/api/v1/events/{event_id}/registrations", json=body, headers=headers)
        timings[kind].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 201, response.get_json()
    return timings


def worker_throughput(app, directory, workers):
    sys.path.insert(0, str(REPO))
    from tests.smtp import SmtpServer

    from alliance_app.extensions import db
    from alliance_app.notifications.models import Message, MessageStatus

    with app.app_context():
        queued = db.session.query(Message).filter(Message.status == MessageStatus.queued).count()
    with SmtpServer() as smtp:
        env = {**os.environ, "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{directory / 'bench.db'}",
               "ALLIANCE_INSTANCE_PATH": str(directory / "instance"),
               "ALLIANCE_TASK_QUEUE_URL": f"sqlite:///{directory / 'tasks.sqlite3'}",
               "ALLIANCE_BASE_URL": "http://127.0.0.1", "ALLIANCE_MAIL_SERVER": "127.0.0.1",
               "ALLIANCE_MAIL_PORT": str(smtp.port)}
        log = open(directory / "worker.log", "wb")
        start = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "alliance_app", "worker", "--workers",
                                   str(workers)], cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            first = None
            while len(smtp.inbox.received) < queued:
                if first is None and smtp.inbox.received:
                    first = time.perf_counter()
                if time.perf_counter() - start > 600:
                    raise SystemExit(f"only {len(smtp.inbox.received)} of {queued} arrived in 600 s")
                time.sleep(0.05)
            last = time.perf_counter()
        finally:
            worker.terminate()
            worker.wait(20)
    return queued, first - start, (queued - 1) / (last - first) if last > first else float("inf")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = make_app(directory)
        event_id, secret = setup(app)
        time_posts(app, event_id, secret, 40, first=10_000_000)  # warm-up
        timings = time_posts(app, event_id, secret, args.posts)
        print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
        print(f"(a) registration POST through the API, {args.posts} in alternation (ms)")
        print(f"    {'':16} {'p50':>7} {'mean':>7} {'p90':>7}")
        for kind, values in timings.items():
            values.sort()
            print(f"    {kind:16} {statistics.median(values):7.2f} {statistics.fmean(values):7.2f} "
                  f"{values[int(len(values) * 0.9)]:7.2f}")
        added = statistics.median(timings["with email"]) - statistics.median(timings["without email"])
        print(f"    the outbox adds {added:.2f} ms at the median (aim: under 1 ms)")
        queued, startup, rate = worker_throughput(app, directory, args.workers)
        print(f"(b) the worker ({args.workers} threads, SQLite queue) to a local SMTP sink: {queued} messages "
              f"(each with the ticket PDF), first after {startup:.1f} s, then {rate:.0f} messages/s (aim: 50)")


if __name__ == "__main__":
    main()
