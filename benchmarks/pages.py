"""Benchmark: four requests through the real app, each beside a bare Flask +
SQLAlchemy route of the same shape on the same SQLite database, measured by the
same harness in the same run.

    .venv/bin/python benchmarks/pages.py [--requests 400] [--budget 8] [--warmup 20] [--only event,members]
    .venv/bin/python benchmarks/pages.py --show-sql | --profile event

(a) the public event page of the demo meeting, (b) the secretariat's
organization directory (50 rows, logged in) and the public member directory
(50 members), (c) a member's registration POST through the API, (d) the totals
endpoint of the demo meeting; and /healthz, the floor of any request through
the app (its hooks, session and log line). Issue 21 item 3: the same public
pages (and the programme PDF and calendar file) asked again with the ETag of
the last answer, which the app answers 304 from one statement of change
stamps; their aim is at most 1.5x the bare one-row route. Issue 21 item 4: each page (but the
programme PDF) also beside a bare route replaying the statements the app sent for it, recorded at
the start of the run, and printing the same output with plain Jinja (benchmarks/replay.py); aim:
at most 1.5x. Everything happens in a temporary directory
removed at the end; nothing listens on a socket (Flask test clients).
See benchmarks/README.md for what is measured and how to read the table.
"""
import argparse
import json
import logging
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay import Recorded, add_replay_routes, same_calendar, same_markup  # noqa: E402
from totals import StatementCounter  # noqa: E402  the same counter as the totals benchmark

PASSWORD = "benchmark-password-123"
ACTIVE_MEMBERS = 50      # the public directory lists them all
OTHER_ORGANIZATIONS = 250  # the secretariat's directory shows 50 per page of all of them
AIM = 2.0                # app / bare, from the issue
AIM_304 = 1.5            # a 304 of a public page / the bare route (issue 21 item 3)
AIM_REPLAY = 1.5         # the app / a bare route replaying the page's own SQL (issue 21 item 4)


def _starts(prefix):
    return lambda sql: sql.startswith(prefix)


EVENT_STAMP = _starts("WITH ev AS (SELECT events.id")
MEMBERS_STAMP = _starts("SELECT max(organizations.updated_at)")
# The pages whose statements a bare route replays, with the statements its view reads rows from.
REPLAYED = {
    "healthz": {},
    "event": {"stamp": EVENT_STAMP, "event": _starts("SELECT events.id"),
              "organizers": _starts("SELECT event_organizers."), "sessions": _starts("SELECT event_sessions."),
              "organizations": _starts("SELECT organizations.id"), "items": _starts("SELECT agenda_items."),
              "participants": _starts("SELECT agenda_participants."), "people": _starts("SELECT people.")},
    "event-304": {"stamp": EVENT_STAMP},
    "calendar": {"stamp": EVENT_STAMP, "event": _starts("SELECT events.id"), "sessions": _starts("SELECT event_sessions."),
                 "items": _starts("SELECT agenda_items."), "participants": _starts("SELECT agenda_participants."),
                 "people": _starts("SELECT people.")},
    "program-304": {"stamp": EVENT_STAMP},
    "calendar-304": {"stamp": EVENT_STAMP},
    "directory": {"session": _starts("SELECT user_sessions."), "organizations": _starts("SELECT organizations.id"),
                  "count": _starts("SELECT count(*)"), "contacts": _starts("SELECT contacts."),
                  "regions": _starts("SELECT DISTINCT organizations.province")},
    "members": {"stamp": MEMBERS_STAMP, "organizations": _starts("SELECT organizations.id")},
    "members-304": {"stamp": MEMBERS_STAMP},
    "register": {},
    "totals": {},
}

BARE_BASE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head><body><nav>联盟秘书处</nav><main>{% block content %}{% endblock %}
</main><footer>© 联盟</footer></body></html>"""
BARE_EVENT = """{% extends "base.html" %}{% block content %}<h1>{{ e.title }}</h1><p>{{ e.theme or "" }}</p>
<p>{{ e.starts_at }} – {{ e.ends_at }} · {{ e.venue }} {{ e.address or "" }}</p><p>{{ e.description or "" }}</p>
{% endblock %}"""
BARE_LIST = """{% extends "base.html" %}{% block content %}<table><thead><tr><th>单位</th><th>类型</th><th>会员</th>
<th>级别</th><th>地区</th></tr></thead><tbody>{% for o in orgs %}<tr><td><a href="/organizations/{{ o.id }}">
{{ o.name }}</a><div>{{ o.short_name or "" }} {{ o.uscc or "" }}</div></td><td>{{ o.kind }}</td>
<td>{{ o.membership_status }}</td><td>{{ o.tier or "—" }}</td><td>{{ o.province or "" }} {{ o.city or "" }}</td>
</tr>{% endfor %}</tbody></table>{% endblock %}"""


# ---------------------------------------------------------------------------------- data

def seed(app, rng_seed):
    """The demo (meeting, next year's meeting open for registration, 17 signed
    agreements, 302 delegates), plus organizations up to 50 active members and
    300 in all; the next meeting's capacity raised so every POST is confirmed."""
    import random

    from sqlalchemy import func, insert, select, update

    from alliance_app.accounts.models import Role, User
    from alliance_app.accounts.services import create_api_token, create_user, start_session
    from alliance_app.demo import DEMO_MEMBER_EMAIL, load_demo_data
    from alliance_app.demo.events import MEETING_SLUG, NEXT_SLUG
    from alliance_app.events.models import Event
    from alliance_app.extensions import db
    from alliance_app.members.models import MembershipStatus, Organization, OrganizationKind, Tier

    rng = random.Random(rng_seed)
    load_demo_data()
    db.session.commit()
    active = db.session.scalar(select(func.count()).select_from(Organization)
                               .where(Organization.membership_status == MembershipStatus.active))
    now = datetime.now(timezone.utc)
    provinces = ["安徽省", "江苏省", "浙江省", "上海市", "湖北省", "广东省"]
    rows = []
    for i in range(ACTIVE_MEMBERS - active + OTHER_ORGANIZATIONS):
        member = i < ACTIVE_MEMBERS - active
        name = f"基准测试新能源科技有限公司{i:04d}"
        rows.append({"name": name, "name_key": name, "short_name": f"基准{i:04d}", "kind": OrganizationKind.enterprise,
                     "country": "CN", "province": rng.choice(provinces), "city": "某市",
                     "membership_status": MembershipStatus.active if member else MembershipStatus.non_member,
                     "tier": Tier.member if member else None, "created_at": now, "updated_at": now})
    db.session.execute(insert(Organization.__table__), rows)
    db.session.execute(update(Event).where(Event.slug == NEXT_SLUG).values(capacity=10**7))
    staff = create_user("bench-staff@example.org", PASSWORD, Role.staff)
    member = db.session.scalar(select(User).where(User.email == DEMO_MEMBER_EMAIL))
    _t, staff_secret = create_api_token(staff, "benchmark")
    _t, member_secret = create_api_token(member, "benchmark")
    start_session(staff, remember=True)
    db.session.commit()
    meeting = db.session.scalar(select(Event).where(Event.slug == MEETING_SLUG))
    nxt = db.session.scalar(select(Event).where(Event.slug == NEXT_SLUG))
    return {"meeting_id": meeting.id, "meeting_slug": MEETING_SLUG, "next_id": nxt.id,
            "staff_session": staff.get_id(), "staff_secret": staff_secret, "member_secret": member_secret}


# ---------------------------------------------------------------------------------- bare app

def make_bare_app(db_path, totals_statements):
    """Flask, Jinja and SQLAlchemy Core only, on the same file, one route per shape."""
    from flask import Flask, render_template, request
    from jinja2 import DictLoader
    from sqlalchemy import create_engine, select, text

    from alliance_app.events.models import Event
    from alliance_app.members.models import Organization

    engine = create_engine(f"sqlite:///{db_path}", connect_args={"check_same_thread": False})
    with engine.begin() as conn:  # the bare insert's own table: no triggers, no constraints but one UNIQUE
        conn.execute(text("CREATE TABLE IF NOT EXISTS bare_registrations (id INTEGER PRIMARY KEY, "
                          "event_id INTEGER NOT NULL, name VARCHAR(100) NOT NULL, mobile VARCHAR(30) NOT NULL, "
                          "category VARCHAR(20) NOT NULL, created_at VARCHAR(40) NOT NULL, UNIQUE (event_id, mobile))"))
    bare_registrations = text("INSERT INTO bare_registrations (event_id, name, mobile, category, created_at) "
                              "VALUES (:event_id, :name, :mobile, :category, :created_at) RETURNING id")
    bare = Flask("bare_pages")
    bare.jinja_loader = DictLoader({"base.html": BARE_BASE, "event.html": BARE_EVENT, "list.html": BARE_LIST})
    events, orgs = Event.__table__, Organization.__table__

    @bare.get("/healthz")
    def healthz():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @bare.get("/events/<slug>")
    def event_page(slug):
        with engine.connect() as conn:
            row = conn.execute(select(events).where(events.c.slug == slug)).one()
        return render_template("event.html", title=row.title, e=row)

    @bare.get("/organizations")
    def organization_list():
        with engine.connect() as conn:
            rows = conn.execute(select(orgs).order_by(orgs.c.name_key, orgs.c.id).limit(50)).all()
        return render_template("list.html", title="单位", orgs=rows)

    @bare.post("/events/<int:event_id>/registrations")
    def register(event_id):
        data = request.get_json()
        with engine.begin() as conn:
            new_id = conn.execute(bare_registrations, {
                "event_id": event_id, "name": data["name"], "mobile": data["mobile"], "category": data["category"],
                "created_at": datetime.now(timezone.utc).isoformat()}).scalar_one()
        return {"id": new_id, "event_id": event_id, "name": data["name"], "status": "confirmed"}, 201

    @bare.get("/events/<int:event_id>/totals")
    def totals(event_id):
        with engine.connect() as conn:
            results = [conn.exec_driver_sql(sql, params).all() for sql, params in totals_statements]
        head = results[0][0]
        return {"signed_total_fen": int(head[0] or 0), "signed_count": head[1],
                "rows": sum(len(rows) for rows in results)}

    return bare, engine


# ---------------------------------------------------------------------------------- timing

def measure_sides(calls, requests, budget, warmup, chunk=20):
    """Latencies (ms) of sequential calls to each side after `warmup` untimed
    ones each: chunks of `chunk` requests of each side taken in turn (app, bare,
    replay, app, ...), so all sides see the same machine (others may be busy on
    it), until each has `requests` (or `budget` seconds per side run out, at
    least 2 chunks). Requests per second are over each side's own timed span."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    sides = {side: (call, [], [0.0]) for side, call in calls.items()}
    while True:
        for call, times, spent in sides.values():
            start = time.perf_counter()
            for _ in range(chunk):
                t0 = time.perf_counter()
                call()
                times.append((time.perf_counter() - t0) * 1000)
            spent[0] += time.perf_counter() - start
        done = [len(times) >= requests or (spent[0] >= budget and len(times) >= 2 * chunk)
                for _call, times, spent in sides.values()]
        if all(done):
            break
    figures = {}
    for side, (_call, times, spent) in sides.items():
        ordered = sorted(times)
        figures[side] = {"n": len(times), "rps": len(times) / spent[0], "p50": statistics.median(ordered),
                         "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}
    return figures


def profile(call, requests=200):
    """cProfile over `requests` calls: the top functions by own time, then by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call()
    profiler.disable()
    if os.environ.get("PROFILE_OUT"):  # for pstats' callers/callees afterwards
        profiler.dump_stats(os.environ["PROFILE_OUT"])
    stats = pstats.Stats(profiler)
    breakdown(stats, requests)
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(45)


# (label, file name ending, function name, own time instead of cumulative): the parts of a request
# worth naming, each as cumulative time unless marked (they overlap: the ORM part includes the driver's).
PARTS = [
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app", False),
    ("before-request hooks (login, session, CSRF, clock)", "flask/app.py", "preprocess_request", False),
    ("  of which signing in: bearer token (API)", "alliance_app/api/__init__.py", "authenticate_api_request", False),
    ("  of which signing in: session cookie (web)", "alliance_app/__init__.py", "load_user_before_the_view", False),
    ("the view", "flask/app.py", "dispatch_request", False),
    ("after-request hooks (headers, cookies, log line)", "flask/app.py", "process_response", False),
    ("teardown (session removal)", "flask/app.py", "do_teardown_request", False),
    ("ORM: statements run through the Session", "orm/session.py", "_execute_internal", False),
    ("ORM: rows made into objects (overlaps the above)", "orm/loading.py", "chunks", False),
    ("ORM: flush (INSERT/UPDATE of objects)", "orm/session.py", "_flush", False),
    ("SQL in the driver (sqlite3 execute)", "~", "<method 'execute' of 'sqlite3.Cursor' objects>", True),
    ("SQL in the driver (fetch)", "~", "<method 'fetchall' of 'sqlite3.Cursor' objects>", True),
    ("commit in the driver", "~", "<method 'commit' of 'sqlite3.Connection' objects>", True),
    ("render_template (Jinja, all of it)", "flask/templating.py", "render_template", False),
    ("  of which _() in templates", "jinja2/ext.py", "_gettext_alias", False),
    ("  of which the datetime filter (Babel)", "flask_babel/__init__.py", "_date_format", False),
    ("  of which url_for", "flask/app.py", "url_for", False),
    ("API: arguments and answer (marshmallow)", "marshmallow/schema.py", "dump", False),
    ("API: arguments (marshmallow load)", "marshmallow/schema.py", "load", False),
    ("PDF (reportlab build)", "reportlab/platypus/doctemplate.py", "build", False),
    ("calendar (icalendar to_ical)", "icalendar/cal/component.py", "to_ical", False),
]


def breakdown(stats, requests):
    """Milliseconds per request (under the profiler, which inflates Python calls more than SQLite's C)."""
    total = None
    print(f"where the time goes, per request, under cProfile ({requests} requests):")
    for label, file_end, function, own in PARTS:
        found = [(tt, ct) for (file, _line, name), (_cc, _nc, tt, ct, _callers) in stats.stats.items()
                 if name == function and file.endswith(file_end)]
        if not found:
            continue
        seconds = sum(tt if own else ct for tt, ct in found)
        total = total or seconds
        print(f"  {label:<55}{seconds / requests * 1000:>8.2f} ms {seconds / total:>6.0%}")


def checked(response, status, what):
    assert response.status_code == status, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    return response


# ---------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="timed requests per figure (default 400)")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds at most per figure (at least 20 requests)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests before each figure")
    parser.add_argument("--only", default="", help="comma-separated subset: healthz,event,event-304,program,program-304,calendar,"
                        "calendar-304,directory,members,members-304,register,totals")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show-sql", action="store_true", help="print the recorded statements of each page and stop")
    parser.add_argument("--profile", metavar="PAGE", help="profile 200 app requests of one page (cProfile), print "
                        "the top functions by own time and by cumulative time, and stop")
    args = parser.parse_args()
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        os.environ["ALLIANCE_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        db_path = Path(tmp) / "bench.db"
        # The per-request JSON log line stays on (as in production) but goes nowhere.
        devnull = open(os.devnull, "w")
        logging.basicConfig(level=logging.INFO, stream=devnull)

        from flask import g

        from alliance_app import create_app
        from alliance_app import models  # noqa: F401  the whole metadata
        from sqlalchemy import create_engine

        from alliance_app.core.db import Base
        from alliance_app.core.i18n import translated
        from alliance_app.events.labels import KIND_LABELS as ITEM_KIND_LABELS
        from alliance_app.events.labels import PART_LABELS, ROLE_LABELS
        from alliance_app.members.labels import KIND_LABELS as ORG_KIND_LABELS
        from alliance_app.members.labels import STATUS_LABELS as ORG_STATUS_LABELS
        from alliance_app.members.labels import TIER_LABELS
        from alliance_app.extensions import db
        from alliance_app.reports.totals import Scope, totals

        # Production settings but the cheap password hash (only the seeding logs in) and plain-HTTP cookies.
        app = create_app({"SECRET_KEY": "benchmark-secret-" + "x" * 32, "BASE_URL": "http://127.0.0.1",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
        with app.test_request_context():
            g.cli_actor = None
            Base.metadata.create_all(db.engine)
            data = seed(app, args.seed)
            counter = StatementCounter(db.engine)
            _figures, recorded = counter.record(lambda: totals(Scope(event_id=data["meeting_id"])))
            db.session.rollback()

        bare, bare_engine = make_bare_app(db_path, recorded)
        bare_counter = StatementCounter(bare_engine)
        staff_client, anon_client, api_client, bare_client = (app.test_client(), app.test_client(),
                                                              app.test_client(), bare.test_client())
        with staff_client.session_transaction() as session:  # logged in as Flask-Login would after /login
            session["_user_id"], session["_fresh"] = data["staff_session"], True
        member_auth = {"Authorization": f"Bearer {data['member_secret']}"}
        staff_auth = {"Authorization": f"Bearer {data['staff_secret']}"}
        mobiles = iter(range(10**8))

        def registration():
            return {"name": "基准代表", "mobile": f"199{next(mobiles):08d}", "category": "enterprise"}

        slug, meeting, nxt = data["meeting_slug"], data["meeting_id"], data["next_id"]
        etags = {}

        def again(url, what):
            """A conditional GET with the ETag of the last full answer: a 304."""
            def call():
                if url not in etags:
                    etags[url] = checked(anon_client.get(url), 200, what).headers["ETag"]
                return checked(anon_client.get(url, headers={"If-None-Match": etags[url]}), 304, what)
            return call

        def bare_event():
            return checked(bare_client.get(f"/events/{slug}"), 200, "bare event")

        pages = [  # name, what, app call, bare call
            ("healthz", "GET /healthz (the app's floor: SELECT 1, JSON)",
             lambda: checked(anon_client.get("/healthz"), 200, "healthz"),
             lambda: checked(bare_client.get("/healthz"), 200, "bare healthz")),
            ("event", f"GET /events/{slug} (public)",
             lambda: checked(anon_client.get(f"/events/{slug}"), 200, "event page"),
             lambda: checked(bare_client.get(f"/events/{slug}"), 200, "bare event")),
            ("event-304", f"GET /events/{slug} again: 304",
             again(f"/events/{slug}", "event page 304"), bare_event),
            ("program", f"GET /events/{slug}/program.pdf (public)",
             lambda: checked(anon_client.get(f"/events/{slug}/program.pdf"), 200, "programme"), bare_event),
            ("program-304", "GET .../program.pdf again: 304",
             again(f"/events/{slug}/program.pdf", "programme 304"), bare_event),
            ("calendar", f"GET /events/{slug}/calendar.ics (public)",
             lambda: checked(anon_client.get(f"/events/{slug}/calendar.ics"), 200, "calendar"), bare_event),
            ("calendar-304", "GET .../calendar.ics again: 304",
             again(f"/events/{slug}/calendar.ics", "calendar 304"), bare_event),
            ("directory", "GET /admin/organizations (staff, 50 rows)",
             lambda: checked(staff_client.get("/admin/organizations"), 200, "directory"),
             lambda: checked(bare_client.get("/organizations"), 200, "bare list")),
            ("members", "GET /members (public, 50 rows)",
             lambda: checked(anon_client.get("/members"), 200, "members"),
             lambda: checked(bare_client.get("/organizations"), 200, "bare list")),
            ("members-304", "GET /members again: 304",
             again("/members", "members 304"), lambda: checked(bare_client.get("/organizations"), 200, "bare list")),
            ("register", f"POST /api/v1/events/{nxt}/registrations (member token)",
             lambda: checked(api_client.post(f"/api/v1/events/{nxt}/registrations", json=registration(),
                                             headers=member_auth), 201, "register"),
             lambda: checked(bare_client.post(f"/events/{nxt}/registrations", json=registration()), 201,
                             "bare insert")),
            ("totals", f"GET /api/v1/events/{meeting}/totals (staff token)",
             lambda: checked(api_client.get(f"/api/v1/events/{meeting}/totals", headers=staff_auth), 200, "totals"),
             lambda: checked(bare_client.get(f"/events/{meeting}/totals"), 200, "bare totals")),
        ]
        only = {name for name in args.only.split(",") if name}
        pages = [page for page in pages if not only or page[0] in only]

        # Sanity: the pages show what they should.
        assert anon_client.get(f"/events/{slug}").get_data(as_text=True).count("协调推进会") >= 1
        assert staff_client.get("/admin/organizations").get_data(as_text=True).count("/organizations/") >= 50, \
            "directory page has fewer than 50 rows (not logged in?)"
        assert anon_client.get("/members").get_data(as_text=True).count("<tr>") == ACTIVE_MEMBERS + 1

        # Issue 21 item 4: the statements of one request of each page, recorded now (never written down), and a
        # copy of the database as it was just before, which the replay routes read (and write, rolled back).
        for _name, _what, app_call, _bare_call in pages:
            app_call()  # one-time work (caches, the font) out of the way first; a POST leaves one registration
        replay_path = Path(tmp) / "replay.db"
        with sqlite3.connect(db_path) as source, sqlite3.connect(replay_path) as copy:
            source.backup(copy)
        recorded, bodies = {}, {}
        for name, _what, app_call, _bare_call in pages:
            if name in REPLAYED:
                response, statements = counter.record(app_call)
                recorded[name] = Recorded(statements, **REPLAYED[name])
                bodies[name] = response.get_data()
                if args.show_sql:
                    print(f"== {name}: {len(statements)} statements, {len(bodies[name])} bytes")
                    for sql, params in statements:
                        print("   ", " ".join(sql.split())[:300], "|", repr(params)[:200])
        if args.show_sql:
            return
        if args.profile:
            profile([page for page in pages if page[0] == args.profile][0][2])
            return
        replay_engine = create_engine(f"sqlite:///{replay_path}", connect_args={"check_same_thread": False})
        replay_counter = StatementCounter(replay_engine)
        with app.test_request_context():  # the labels in the default language, once
            labels = {"roles": translated(ROLE_LABELS), "item_kinds": translated(ITEM_KIND_LABELS),
                      "parts": translated(PART_LABELS), "org_kinds": translated(ORG_KIND_LABELS),
                      "statuses": translated(ORG_STATUS_LABELS), "tiers": translated(TIER_LABELS)}
            labels = {group: {key.value: label for key, label in names.items()} for group, names in labels.items()}
        add_replay_routes(bare, replay_engine, recorded, bodies, labels)

        def replay_call(name):
            if name == "register":
                return lambda: checked(bare_client.post("/replay/register", json=registration()), 201, "replay POST")
            if name.endswith("-304"):
                return lambda: checked(bare_client.get(f"/replay/not-modified/{name}"), 304, f"replay {name}")
            return lambda: checked(bare_client.get(f"/replay/{name}"), 200, f"replay {name}")

        replays = {name: replay_call(name) for name in recorded}
        sizes = {}
        for name, call in replays.items():
            body = call().get_data()
            sizes[name] = (len(bodies[name]), len(body))
            if name in ("event", "members", "directory"):
                assert same_markup(bodies[name].decode(), body.decode()), f"replay {name}: not the app's HTML"
            if name == "calendar":
                assert same_calendar(bodies[name].decode(), body.decode()), "replay calendar: not the app's file"

        print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
              f"{platform.platform()}, {datetime.now().date()}")
        print(f"harness: Flask test clients in one process, sequential requests; {args.warmup} warm-up requests, "
              f"then {args.requests} timed (or {args.budget:g} s) per figure, app, bare and replay in turns of 20; "
              f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results = []
        for name, what, app_call, bare_call in pages:
            # Statements per request: the second call, so one-time work (font, caches) is not counted.
            app_call()
            app_statements = counter.per_call(app_call)
            bare_call()
            bare_statements = bare_counter.per_call(bare_call)
            calls = {"app": app_call, "bare": bare_call}
            replay_statements = None
            if name in replays:
                calls["replay"] = replays[name]
                replay_statements = replay_counter.per_call(replays[name])
            figures = measure_sides(calls, args.requests, args.budget, args.warmup)
            results.append((name, what, figures, app_statements, bare_statements, replay_statements))

        header = (f"{'page':<58}{'app rps':>8}{'p50':>7}{'p99':>7}  {'bare p50':>8}  {'app/bare':>8}"
                  f"  {'replay p50':>10}  {'app/replay':>10}  {'SQL app':>7}{'bare':>5}{'replay':>7}"
                  f"  {'bytes app':>9}{'replay':>7}")
        print("\n" + header + "\n" + "-" * len(header))
        for name, what, f, sa, sb, sr in results:
            a, b, r = f["app"], f["bare"], f.get("replay")
            ratio = b["rps"] / a["rps"]  # time per request, app over bare
            aim = AIM_304 if name.endswith("-304") else AIM
            line = (f"{what:<58}{a['rps']:>8.0f}{a['p50']:>7.2f}{a['p99']:>7.2f}  {b['p50']:>8.2f}"
                    f"  {ratio:>6.1f}x{' ' if ratio <= aim else '!'}")
            if r:
                versus = r["rps"] / a["rps"]
                line += f"  {r['p50']:>10.2f}  {versus:>8.2f}x{' ' if versus <= AIM_REPLAY else '!'}"
            else:
                line += f"  {'—':>10}  {'—':>10}"
            line += f"  {sa:>7}{sb:>5}{sr if sr is not None else '—':>7}"
            if name in sizes:
                line += f"  {sizes[name][0]:>9}{sizes[name][1]:>7}"
            print(line)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"latencies in ms; app/bare = time per request of the app over the one-row bare route (aim: <= {AIM:g}x, "
              f"<= {AIM_304:g}x for a 304); app/replay = over the bare route replaying the page's own statements and "
              f"printing the same output with plain Jinja (aim: <= {AIM_REPLAY:g}x); '!' marks a miss; SQL = statements "
              "per request (before_cursor_execute, BEGIN not counted); bytes = the answer's body, app and replay")
        if os.environ.get("BENCH_JSON"):
            Path(os.environ["BENCH_JSON"]).write_text(json.dumps(
                [{"page": n, **f, "app_sql": sa, "bare_sql": sb, "replay_sql": sr, "bytes": sizes.get(n)}
                 for n, _w, f, sa, sb, sr in results], indent=1))
        bare_engine.dispose()
        replay_engine.dispose()
        with app.app_context():
            db.engine.dispose()
        print(f"total run time {time.perf_counter() - started:.0f} s")

if __name__ == "__main__":
    main()
