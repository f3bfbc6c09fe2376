"""Benchmark (issue 21 item 5): every list page, API list and export at the demo's
size and at 100,000 registrations over 50 events and 10,000 organizations, in
statements per request and median time, with the ratio of the two.

    .venv/bin/python benchmarks/scale.py [--reps 15] [--budget 6] [--only members,api-registrations]
    .venv/bin/python benchmarks/scale.py --database-url postgresql+psycopg://user@127.0.0.1:5432/postgres

Two migrated databases (SQLite files in a temporary directory, or scratch
PostgreSQL databases made and dropped by tests.servers.scratch_database, as
benchmarks/load.py does), both with the demo loaded: the reference, with
organizations up to 300; and the scale, grown with bulk Core inserts (seeded
RNG) to 10,000 organizations, 50 events and 100,000 registrations (the demo
meeting to 2,000, with its questions answered and its sessions chosen, copied
from the demo's delegates; 2,000 agreements). Every figure is measured on the
same URLs of both, in turns, so both see the same machine. Deep pages are measured at the last full page of each size. Exports list
every row, so they are compared per exported row (and said so). "MISSED"
marks a time beyond 1.5x the demo's or a different number of statements.
Also prints EXPLAIN (QUERY PLAN) of the statements of the pages named in
EXPLAINED, for the indexes' justification.
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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from totals import AgreementMaker, StatementCounter  # noqa: E402

N_ORGANIZATIONS = 10_000
N_EVENTS = 50
N_REGISTRATIONS = 100_000
MEETING_DELEGATES = 2_000
N_AGREEMENTS = 2_000
AIM = 1.5
PASSWORD = "benchmark-password-123"


# ---------------------------------------------------------------------------------- data

def seed_demo(app):
    from flask import g
    from sqlalchemy import select, update

    from alliance_app.accounts.models import Role, User
    from alliance_app.accounts.services import create_api_token, create_user, start_session
    from alliance_app.demo import DEMO_MEMBER_EMAIL, load_demo_data
    from alliance_app.demo.events import MEETING_SLUG
    from alliance_app.events.models import Event
    from alliance_app.extensions import db

    with app.test_request_context():
        g.cli_actor = None
        load_demo_data()
        staff = create_user("bench-staff@example.org", PASSWORD, Role.staff)
        member = db.session.scalar(select(User).where(User.email == DEMO_MEMBER_EMAIL))
        _t, staff_secret = create_api_token(staff, "benchmark")
        _t, member_secret = create_api_token(member, "benchmark")
        meeting = db.session.scalar(select(Event).where(Event.slug == MEETING_SLUG))
        start_session(staff, remember=True)
        start_session(member, remember=True)
        # Room for the bulk delegates (the counter is not what is measured).
        db.session.execute(update(Event).where(Event.id == meeting.id).values(capacity=10**6))
        db.session.commit()
        return {"meeting_id": meeting.id, "staff_user": staff.get_id(), "member_user": member.get_id(),
                "member_org": member.member_organization_id, "staff_secret": staff_secret,
                "member_secret": member_secret}


SCALE = {"organizations": N_ORGANIZATIONS, "events": N_EVENTS, "registrations": N_REGISTRATIONS,
         "meeting": MEETING_DELEGATES, "agreements": N_AGREEMENTS}
# The reference: the demo with organizations up to 300 (as benchmarks/pages.py), so that the
# directory's first page is as full as at scale; its 2 events and 326 delegates are the demo's.
REFERENCE = {"organizations": 300, "events": 0, "registrations": 0, "meeting": 0, "agreements": 0}


def grow(app, data, rng, sizes=SCALE):
    """Bulk Core inserts up to `sizes`; returns the seconds it took."""
    from sqlalchemy import func, insert, select

    from alliance_app.events.models import Event, EventStatus
    from alliance_app.extensions import db
    from alliance_app.members.models import MembershipStatus, Organization, OrganizationKind, Tier
    from alliance_app.registrations.models import (DelegateCategory, Registration, RegistrationSession,
                                                   RegistrationStatus)
    from alliance_app.registrations.question_models import RegistrationAnswer

    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    provinces = ["安徽省", "江苏省", "浙江省", "上海市", "湖北省", "广东省", "北京市", "四川省"]
    with app.app_context(), db.engine.begin() as conn:
        n_orgs = conn.scalar(select(func.count()).select_from(Organization))
        rows = []
        for i in range(sizes["organizations"] - n_orgs):
            status = rng.choices([MembershipStatus.active, MembershipStatus.non_member, MembershipStatus.applicant,
                                  MembershipStatus.withdrawn], weights=[30, 64, 1, 5])[0]
            name = f"规模测试{rng.choice(provinces)[:2]}新能源科技有限公司{i:05d}"
            rows.append({"name": name, "name_key": name, "short_name": f"规模{i:05d}",
                         "kind": rng.choice(list(OrganizationKind)), "country": "CN",
                         "province": rng.choice(provinces), "city": "某市", "membership_status": status,
                         "tier": rng.choice(list(Tier)) if status == MembershipStatus.active else None,
                         "created_at": now - timedelta(minutes=i), "updated_at": now})
        if rows:
            conn.execute(insert(Organization.__table__), rows)
        if not sizes["registrations"]:
            return time.perf_counter() - started
        org_ids = conn.scalars(select(Organization.id)).all()

        n_events = conn.scalar(select(func.count()).select_from(Event))
        events = []
        for i in range(sizes["events"] - n_events):
            starts = datetime(2020, 3, 10, 1, 0, tzinfo=timezone.utc) + timedelta(days=29 * i)
            events.append({"slug": f"scale-event-{i + 1}", "title": f"规模测试会议{i + 1}", "starts_at": starts,
                           "ends_at": starts + timedelta(hours=9), "status": EventStatus.published,
                           "capacity": 10**6, "created_at": now, "updated_at": now})
        conn.execute(insert(Event.__table__), events)
        event_ids = [e for e in conn.scalars(select(Event.id)) if e != data["meeting_id"]]

        # The meeting's delegates are copied (sessions and answers too) from the demo's, cyclically.
        meeting = data["meeting_id"]
        templates = conn.execute(select(Registration.id, Registration.category, Registration.status)
                                 .where(Registration.event_id == meeting).order_by(Registration.id)).all()
        sessions_of, answers_of = {}, {}
        for reg_id, session_id in conn.execute(select(RegistrationSession.registration_id,
                                                      RegistrationSession.session_id)):
            sessions_of.setdefault(reg_id, []).append(session_id)
        for reg_id, question_id, value, text in conn.execute(select(
                RegistrationAnswer.registration_id, RegistrationAnswer.question_id, RegistrationAnswer.value,
                RegistrationAnswer.text)):
            answers_of.setdefault(reg_id, []).append((question_id, value, text))
        n_regs = conn.scalar(select(func.count()).select_from(Registration))
        next_id = conn.scalar(select(func.max(Registration.id))) + 1
        plan = [meeting] * (sizes["meeting"] - len(templates))
        plan += [event_ids[i % len(event_ids)] for i in range(sizes["registrations"] - n_regs - len(plan))]
        statuses = [RegistrationStatus.confirmed] * 40 + [RegistrationStatus.checked_in] * 50 + \
            [RegistrationStatus.cancelled] * 6 + [RegistrationStatus.waitlisted] * 4
        categories = list(DelegateCategory)
        for start in range(0, len(plan), 10_000):
            regs, links, answers = [], [], []
            for offset, event_id in enumerate(plan[start:start + 10_000]):
                number = start + offset
                reg = {"id": next_id, "event_id": event_id, "organization_id": rng.choice(org_ids),
                       "name": f"代表{number:06d}", "position": "工程师", "mobile": f"188{number:08d}",
                       "category": rng.choice(categories), "status": rng.choice(statuses),
                       # Several delegates per second, as a registration rush: equal created_at values exist.
                       "created_at": now - timedelta(seconds=(len(plan) - number) // 3), "updated_at": now,
                       "checked_in_at": None}
                if event_id == meeting:
                    template = templates[number % len(templates)]
                    reg["category"], reg["status"] = template.category, template.status
                    links += [{"registration_id": next_id, "session_id": s} for s in sessions_of.get(template.id, [])]
                    answers += [{"registration_id": next_id, "question_id": q, "value": v, "text": t}
                                for q, v, t in answers_of.get(template.id, [])]
                if reg["status"] == RegistrationStatus.checked_in:
                    reg["checked_in_at"] = now
                regs.append(reg)
                next_id += 1
            conn.execute(insert(Registration.__table__), regs)
            if links:
                conn.execute(insert(RegistrationSession.__table__), links)
            if answers:
                conn.execute(insert(RegistrationAnswer.__table__), answers)

        maker = AgreementMaker(rng)
        maker.next_id = conn.scalar(select(func.max(__import__("alliance_app.agreements.models", fromlist=["x"])
                                                    .Agreement.id))) + 1000
        maker.insert(conn, [rng.choice(event_ids) for _ in range(sizes["agreements"])])
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def sizes(app):
    from sqlalchemy import func, select

    from alliance_app.agreements.models import Agreement
    from alliance_app.events.models import Event
    from alliance_app.extensions import db
    from alliance_app.members.models import Organization
    from alliance_app.registrations.models import Registration

    with app.app_context():
        return {name: db.session.scalar(select(func.count()).select_from(model))
                for name, model in (("organizations", Organization), ("events", Event),
                                    ("registrations", Registration), ("agreements", Agreement))}


# ---------------------------------------------------------------------------------- targets

def targets(data):
    """(name, client, url or url(counts), rows(counts) for exports else None). counts: the sizes and
    per-list counts of the database being measured (for the last page and the rows exported)."""
    m = data["meeting_id"]
    last = lambda n, per: max(1, n // per)  # noqa: E731  the last full page, so both sizes show as many rows
    return [
        ("admin-organizations", "staff", "/admin/organizations", None),
        ("admin-organizations-last", "staff", lambda c: f"/admin/organizations?page={last(c['organizations'], 50)}",
         None),
        ("admin-organizations-search", "staff", "/admin/organizations?q=%E7%A7%91%E6%8A%80", None),
        ("admin-events", "staff", "/admin/events", None),
        ("admin-registrations", "staff", f"/admin/events/{m}/registrations", None),
        ("admin-registrations-last", "staff",
         lambda c: f"/admin/events/{m}/registrations?page={last(c['meeting'], 100)}", None),
        ("admin-applications", "staff", "/admin/applications", None),
        ("admin-agreements", "staff", "/admin/agreements", None),
        ("admin-agreements-last", "staff", lambda c: f"/admin/agreements?page={last(c['agreements'], 50)}", None),
        ("admin-check-in-search", "staff", f"/admin/events/{m}/check-in?q=%E7%8E%8B", None),
        ("my-registrations", "member", "/my/registrations", None),
        ("members", "anon", "/members", None),
        ("events", "anon", "/events", None),
        ("api-organizations", "api-staff", "/api/v1/organizations", None),
        ("api-organizations-last", "api-staff",
         lambda c: f"/api/v1/organizations?per_page=100&page={last(c['organizations'], 100)}", None),
        ("api-events", "api-staff", "/api/v1/events", None),
        ("api-registrations", "api-staff", f"/api/v1/events/{m}/registrations", None),
        ("api-registrations-last", "api-staff",
         lambda c: f"/api/v1/events/{m}/registrations?per_page=100&page={last(c['meeting'], 100)}", None),
        ("api-registrations-cursor-last", "api-staff",
         lambda c: f"/api/v1/events/{m}/registrations?per_page=100&after={c['meeting_cursor']}", None),
        ("api-registrations-member", "api-member", f"/api/v1/events/{m}/registrations", None),
        ("api-agreements", "api-staff", "/api/v1/agreements", None),
        ("api-agreements-last", "api-staff",
         lambda c: f"/api/v1/agreements?per_page=100&page={last(c['agreements'], 100)}", None),
        ("export-organizations-xlsx", "staff", "/admin/organizations/export.xlsx", lambda c: c["organizations"]),
        ("export-organizations-csv", "staff", "/admin/organizations/export.csv", lambda c: c["organizations"]),
        ("export-registrations-xlsx", "staff", f"/admin/events/{m}/registrations/export.xlsx",
         lambda c: c["meeting"]),
        ("export-registrations-csv", "staff", f"/admin/events/{m}/registrations/export.csv",
         lambda c: c["meeting"]),
    ]


def counts_for(app, data):
    from sqlalchemy import func, select

    from alliance_app.extensions import db
    from alliance_app.api.keyset import encode
    from alliance_app.registrations.models import Registration

    counts = sizes(app)
    with app.app_context():
        counts["meeting"] = db.session.scalar(select(func.count()).select_from(Registration)
                                              .where(Registration.event_id == data["meeting_id"]))
        # The cursor of the last full page: the row before it, as next_cursor would give it.
        before = db.session.execute(
            select(Registration.created_at, Registration.id).where(Registration.event_id == data["meeting_id"])
            .order_by(Registration.created_at, Registration.id)
            .offset((counts["meeting"] // 100 - 1) * 100 - 1).limit(1)).one_or_none()
        counts["meeting_cursor"] = encode(tuple(before)) if before else ""
    return counts


def shown(response) -> int:
    """Rows the answer shows: an API page's items, an HTML page's table rows (or cards)."""
    if response.is_json:
        return len(response.get_json().get("items", []))
    if response.mimetype != "text/html":
        return 0
    text = response.get_data(as_text=True)
    rows = text.count("<tr") - text.count("<thead")
    return rows if rows > 0 else text.count('class="card mb-3"')


class Side:
    """One database (the reference or the scale) with its app, data, clients and statement counter."""

    def __init__(self, app, data, counter, clients):
        self.app, self.data, self.counter, self.clients = app, data, counter, clients
        self.counts = None

    def call_for(self, name, who, url):
        client, headers = self.clients[who]

        def call():
            response = client.get(url, headers=headers)
            assert response.status_code == 200, f"{name} {url}: {response.status_code} " \
                                                 f"{response.get_data(as_text=True)[:300]}"
            return response
        return call


def measure(sides, chosen, reps, budget, chunk=3, explain=None):
    """Per figure, on both databases: statements of one request (after a warm-up), rows shown, and
    the median time of `reps` requests taken in turns of `chunk` on each side, so that both see the
    same machine (others share its 2 CPUs) - or fewer when `budget` seconds per side run out."""
    for side in sides:
        side.counts = counts_for(side.app, side.data)
    results = {}
    for name, who, url, rows in targets(sides[0].data):
        if chosen and name not in chosen:
            continue
        calls, figures = [], []
        for side in sides:
            address = url(side.counts) if callable(url) else url
            call = side.call_for(name, who, address)
            response = call()
            _response, recorded = side.counter.record(call)
            if explain is not None and side is sides[-1]:
                explain[name] = recorded
            calls.append(call)
            figures.append({"url": address, "statements": len(recorded), "shown": shown(response), "times": [],
                            "spent": 0.0, "rows": rows(side.counts) if rows else None})
        while any(len(f["times"]) < reps and (len(f["times"]) < chunk or f["spent"] < budget) for f in figures):
            for call, figure in zip(calls, figures):
                for _ in range(chunk):
                    start = time.perf_counter()
                    call()
                    elapsed = time.perf_counter() - start
                    figure["times"].append(elapsed * 1000)
                    figure["spent"] += elapsed
        for figure in figures:
            figure["ms"] = statistics.median(figure.pop("times"))
        results[name] = figures
    return results


def explain_plans(app, recorded, dialect):
    """EXPLAIN (QUERY PLAN) of each recorded statement that reads the big tables."""
    from alliance_app.extensions import db

    out = []
    with app.app_context(), db.engine.connect() as conn:
        for number, (sql, params) in enumerate(recorded, 1):
            if not any(t in sql for t in ("registrations", "organizations", "agreements", "registration_answers")):
                continue
            prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
            try:
                plan = [row[-1] if dialect == "sqlite" else row[0]
                        for row in conn.exec_driver_sql(prefix + sql, params).all()]
            except Exception as exc:  # an executemany or a statement EXPLAIN cannot take
                plan = [f"(not explained: {type(exc).__name__})"]
            out.append((number, " ".join(sql.split())[:160], plan))
    return out


def profile(client_headers, url, top=25):
    import cProfile
    import io
    import pstats

    client, headers = client_headers
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url, headers=headers)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


# ---------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=15, help="timed requests per figure (after 1 warm-up)")
    parser.add_argument("--budget", type=float, default=6.0, help="seconds at most per figure (at least 3 requests)")
    parser.add_argument("--only", default="", help="comma-separated names of the figures to measure")
    parser.add_argument("--explain", default="admin-organizations-last,admin-registrations,admin-registrations-last,"
                        "api-registrations-last,api-registrations-member,my-registrations,admin-agreements-last,"
                        "admin-applications",
                        help="figures whose statements are EXPLAINed at scale")
    parser.add_argument("--profile", default="", help="figures to profile at scale (cProfile, top functions by "
                        "cumulative time), comma-separated")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a scratch database on "
                                               "(default: DATABASE_URL, else a SQLite file)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    chosen = {name for name in args.only.split(",") if name}
    started = time.perf_counter()

    from contextlib import ExitStack

    from tests.servers import scratch_database

    with tempfile.TemporaryDirectory(prefix="alliance-scale-") as tmp, ExitStack() as stack:
        directory = Path(tmp)
        os.environ["ALLIANCE_INSTANCE_PATH"] = str(directory / "instance")
        logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
        from alliance_app import create_app
        from alliance_app.extensions import db

        sides, loads = [], []
        for label, sizes in (("reference", REFERENCE), ("scale", SCALE)):
            url = stack.enter_context(scratch_database(label, directory, args.database_url))
            app = create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
                              "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                              # Exports built in the request (as below the threshold), to time the work itself.
                              "BACKGROUND_EXPORT_THRESHOLD": 10**9})
            # The per-request log line stays on (as in production) but goes nowhere (Alembic's
            # fileConfig gave the root logger a stderr handler).
            logging.getLogger("alliance.requests").propagate = False
            logging.getLogger("alliance.requests").addHandler(logging.NullHandler())
            load_start = time.perf_counter()
            data = seed_demo(app)
            demo_seconds = time.perf_counter() - load_start
            grow_seconds = grow(app, data, random.Random(args.seed), sizes)
            loads.append((label, demo_seconds, grow_seconds))
            with app.app_context():
                counter = StatementCounter(db.engine)
            staff, member, anon, api = (app.test_client() for _ in range(4))
            for client, user in ((staff, data["staff_user"]), (member, data["member_user"])):
                with client.session_transaction() as session:
                    session["_user_id"], session["_fresh"] = user, True
            clients = {"staff": (staff, {}), "member": (member, {}), "anon": (anon, {}),
                       "api-staff": (api, {"Authorization": f"Bearer {data['staff_secret']}"}),
                       "api-member": (api, {"Authorization": f"Bearer {data['member_secret']}"})}
            sides.append(Side(app, data, counter, clients))
        dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        load_before = os.getloadavg()
        explained = {}
        results = measure(sides, chosen, args.reps, args.budget, explain=explained)
        large_side = sides[-1]
        plans = {name: explain_plans(large_side.app, recorded, dialect) for name, recorded in explained.items()
                 if name in args.explain.split(",")}
        profiles = {}
        for name, who, url, _rows in targets(large_side.data):
            if name in args.profile.split(","):
                profiles[name] = profile(large_side.clients[who],
                                         url(large_side.counts) if callable(url) else url)
        if dialect == "sqlite":
            version = __import__("sqlite3").sqlite_version
        else:
            with large_side.app.app_context():
                version = db.session.execute(__import__("sqlalchemy").text("SHOW server_version")).scalar()
        for side in sides:
            with side.app.app_context():
                db.session.remove()
                db.engine.dispose()

    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{'SQLite' if dialect == 'sqlite' else 'PostgreSQL'} {version}, {platform.platform()}, "
          f"{datetime.now().date()}; load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for (label, demo_seconds, grow_seconds), side in zip(loads, sides):
        print(f"{label}: demo loaded in {demo_seconds:.1f} s, grown in {grow_seconds:.1f} s (bulk Core inserts): "
              f"{side.counts}")
    print(f"harness: Flask test clients, sequential; 1 warm-up, then the median of {args.reps} requests per side "
          f"(or {args.budget:g} s, at least 3), reference and scale in turns of 3; statements of one request "
          f"(BEGIN not counted); shown = rows on the page (API items, table rows or cards)\n")
    header = (f"{'figure':<28}{'SQL ref':>8}{'scale':>7}  {'shown ref':>9}{'scale':>7}  {'ms ref':>8}{'scale':>9}"
              f"  {'ratio':>7}  verdict")
    print(header + "\n" + "-" * len(header))
    missed = []
    for name, (figure, big) in results.items():
        if figure["rows"]:  # exports: time per exported row
            ratio = (big["ms"] / big["rows"]) / (figure["ms"] / figure["rows"])
            note = f"per exported row ({figure['rows']:,} vs {big['rows']:,} rows)"
        else:
            ratio, note = big["ms"] / figure["ms"], ""
            if big["shown"] > 1.5 * max(figure["shown"], 1):
                note = f"shows {big['shown'] / max(figure['shown'], 1):.0f}x the rows"
        same_sql = figure["statements"] == big["statements"]
        if figure["rows"] and not same_sql:
            # selectinload reads the related rows 500 ids per IN (...): one more statement per relationship
            # and 500 rows, the same per exported row.
            per_batch = (figure["statements"] - 1) // 3
            same_sql = big["statements"] <= 1 + per_batch * 3 * math.ceil(big["rows"] / 500)
            note += "; statements by 500-row batches"
        verdict = "ok" if ratio <= AIM and same_sql else "MISSED"
        if verdict == "MISSED":
            missed.append(name)
        print(f"{name:<28}{figure['statements']:>8}{big['statements']:>7}  {figure['shown']:>9}{big['shown']:>7}"
              f"  {figure['ms']:>8.1f}{big['ms']:>9.1f}  {ratio:>6.2f}x  {verdict} {note}")
    print("\nURLs at scale: " + "; ".join(f"{n}: {r[1]['url']}" for n, r in results.items()))
    print(f"\nmissed: {', '.join(missed) or 'none'}")
    for name, rows in plans.items():
        print(f"\n=== {name}: {'EXPLAIN QUERY PLAN' if dialect == 'sqlite' else 'EXPLAIN'} at scale")
        for number, sql, plan in rows:
            print(f"  #{number} {sql}")
            for line in plan:
                print(f"      {line}")
    for name, text in profiles.items():
        print(f"\n=== {name}: cProfile of one request at scale (top 25 by cumulative time)\n{text}")
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
