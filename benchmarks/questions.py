"""Benchmark (issue 16): the registration list, its XLSX export, the logistics
page, the rooming list and the pick-up roster for an event whose delegates
answer 10 questions each (the accommodation and travel presets), at two sizes,
with the SQL statements each request sends.

    .venv/bin/python benchmarks/questions.py [--sizes 300,3000] [--reps 5] [--only export]

Everything happens in a temporary directory removed at the end (SQLite); nothing
listens on a socket (Flask test clients). The rows are inserted with core
executemany calls; the answers' values are those the service stores."""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def seed(conn, event_id: int, org_ids: list[int], questions: dict, count: int, start: int, rng):
    """`count` confirmed delegates with answers to the 10 questions."""
    from sqlalchemy import insert, select

    from alliance_app.registrations.models import Registration
    from alliance_app.registrations.question_models import RegistrationAnswer

    now = datetime.now(timezone.utc)
    nights = [c["value"] for c in questions["nights"].choices]
    rows = [{"event_id": event_id, "organization_id": rng.choice(org_ids), "name": f"代表{start + i:05d}",
             "position": "经理", "mobile": f"139{start + i:08d}", "category": "enterprise", "status": "confirmed",
             "ticket_code": f"bench{start + i:010d}", "created_at": now, "updated_at": now} for i in range(count)]
    conn.execute(insert(Registration.__table__), rows)
    ids = conn.execute(select(Registration.id).where(Registration.ticket_code.in_([r["ticket_code"] for r in rows]))
                       ).scalars().all()
    answers = []

    def add(registration_id, key, value, text=None):
        answers.append({"registration_id": registration_id, "question_id": questions[key].id, "value": value,
                        "text": text if text is not None else str(value)})
    for number, registration_id in enumerate(ids):
        stay = nights[: rng.randint(1, len(nights))]
        room = rng.choice(["single", "twin", "twin_shared"])
        add(registration_id, "nights", stay, ",".join(stay))
        add(registration_id, "room_type", room)
        add(registration_id, "roommate", f"代表{start + (number ^ 1):05d}")
        day = stay[0]
        add(registration_id, "arrival_at", f"{day}T{rng.randint(6, 22):02d}:{rng.choice((0, 30)):02d}")
        add(registration_id, "arrival_number", f"G{rng.randint(1, 3000)}")
        add(registration_id, "arrival_place", rng.choice(["合肥南站", "合肥站", "合肥新桥国际机场"]))
        pickup = rng.random() < 0.6
        add(registration_id, "pickup", pickup, "true" if pickup else "false")
        add(registration_id, "departure_at", f"{nights[-1]}T{rng.randint(8, 22):02d}:00")
        add(registration_id, "departure_number", f"G{rng.randint(1, 3000)}")
        add(registration_id, "departure_place", rng.choice(["合肥南站", "合肥站", "合肥新桥国际机场"]))
    for first in range(0, len(answers), 10_000):
        conn.execute(insert(RegistrationAnswer.__table__), answers[first:first + 10_000])


def timed(call, reps):
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return statistics.median(samples), samples[-1], len(response.data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="300,3000")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", default="", help="only the requests whose name contains this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ALLIANCE_INSTANCE_PATH"] = tmp
        from sqlalchemy import event as sa_event
        from sqlalchemy import insert

        from alliance_app import create_app
        from alliance_app.accounts.models import Role
        from alliance_app.accounts.services import create_user
        from alliance_app.events import services as events
        from alliance_app.extensions import db
        from alliance_app.members.models import Organization
        from alliance_app.registrations import logistics, question_services

        app = create_app({"TESTING": True, "SECRET_KEY": "b" * 40, "TASK_QUEUE_URL": "memory://",
                          "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                          "BACKGROUND_EXPORT_THRESHOLD": 100_000, "BACKGROUND_DOCUMENT_THRESHOLD": 100_000,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"})
        with app.app_context():
            db.create_all()
            now = datetime.now(timezone.utc)
            db.session.execute(insert(Organization.__table__), [
                {"name": f"基准单位{i:03d}有限公司", "name_key": f"基准单位{i:03d}有限公司", "kind": "enterprise",
                 "country": "CN", "membership_status": "active", "created_at": now, "updated_at": now}
                for i in range(200)])
            org_ids = list(db.session.scalars(db.select(Organization.id)))
            create_user("bench@example.org", "benchmark-password-123", Role.staff)
            event = events.create_event({"slug": "bench", "title": "基准会议", "starts_at": datetime(2027, 6, 16, 8, 30),
                                         "ends_at": datetime(2027, 6, 17, 17, 30), "venue": "会场"})
            for preset in ("accommodation", "travel"):
                question_services.add_preset(event, preset)
            db.session.commit()
            event_id = event.id
            questions = logistics.questions_by_key(event)
            print(f"{len(questions)} questions; SQLite; sizes {sizes}")
        statements: list = []
        with app.app_context():
            sa_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        assert client.post("/login", data={"email": "bench@example.org",
                                           "password": "benchmark-password-123"}).status_code == 302
        base = f"/admin/events/{event_id}"
        cases = [("registration list, first page (100 rows)", f"{base}/registrations"),
                 ("registration list filtered by an answer", f"{base}/registrations?question=room_type&answer=单间"),
                 ("XLSX export, every delegate, 23 columns", f"{base}/registrations/export.xlsx"),
                 ("logistics page (counts)", f"{base}/logistics"),
                 ("rooming list PDF", f"{base}/rooming-list.pdf"),
                 ("rooming list XLSX", f"{base}/rooming-list.xlsx"),
                 ("pick-up roster PDF", f"{base}/pickup-roster.pdf"),
                 ("pick-up roster XLSX", f"{base}/pickup-roster.xlsx")]
        done = 0
        rng = random.Random(16)
        for size in sizes:
            with app.app_context():
                started = time.perf_counter()
                seed(db.session.connection(), event_id, org_ids, logistics.questions_by_key(
                    db.session.get(type(event), event_id)), size - done, done, rng)
                db.session.commit()
                print(f"\n{size:,} delegates ({(size) * 10:,} answers), seeded in {time.perf_counter() - started:.1f} s")
            done = size
            print("| request | p50 | max | statements | bytes |\n|---|---:|---:|---:|---:|")
            for name, url in cases:
                if args.only not in name:
                    continue
                client.get(url)  # warm
                statements.clear()
                client.get(url)
                count = len(statements)
                p50, worst, size_bytes = timed(lambda: client.get(url), args.reps)
                print(f"| {name} | {p50:,.0f} ms | {worst:,.0f} ms | {count} | {size_bytes:,} |")


if __name__ == "__main__":
    main()
