"""Bare routes that replay a page's own SQL (issue 21 item 4), for benchmarks/pages.py.

Each run first records, with a before_cursor_execute listener, the statements the app
sends for one request of each page (text and bound parameters, as the driver gets
them). The bare routes below send exactly those statements, in the same order, through
SQLAlchemy Core's `exec_driver_sql` on a copy of the database taken just before the
recording, and render the same output with plain Jinja templates: the page's layout
(the part outside <main>, copied once from the app's answer) around a template that
loops over the replayed rows and prints the same markup. No ORM, no Flask extension,
no translation at request time (labels are looked up once, at setup, in Chinese).

What differs from the app's request, on purpose: the POST's transaction is rolled
back instead of committed (so that the recorded INSERTs stay valid on every call);
and the totals' JSON is the replayed rows as lists, not the report's own layout (its
size is printed beside the app's).
"""
import hashlib
import itertools
import json
import re
from collections import defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")  # the app's BABEL_DEFAULT_TIMEZONE

EVENT = """{{ head|safe }}
<header class="event-header mb-4">
  <h1 class="h2">{{ e.title }}</h1>
  {% if e.theme %}<p class="lead">主题：{{ e.theme }}</p>{% endif %}
  <p class="mb-1">{{ e.starts_at|local }} – {{ e.ends_at|local }}</p>
  <p class="mb-2">{{ e.venue or "" }}{% if e.address %}（{{ e.address }}）{% endif %}</p>
  <div class="d-print-none d-flex flex-wrap gap-2">
    <a class="btn btn-primary" href="/events/{{ e.slug }}/program.pdf">会议议程（PDF）</a>
    <a class="btn btn-outline-secondary" href="/events/{{ e.slug }}/calendar.ics">加入日历</a>
  </div>
</header>
{% if e.description %}<section class="mb-4 text-pre-wrap">{{ e.description }}</section>{% endif %}
{% if organizers %}
<section class="mb-4">
  <h2 class="h5">组织单位</h2>
  <dl class="row">
  {% for role, rows in organizers %}
    <dt class="col-sm-3">{{ labels.roles[role] }}</dt>
    <dd class="col-sm-9">{% for o in rows %}{{ orgs[o.organization_id].name }}{% if not loop.last %}<br>{% endif %}{% endfor %}</dd>
  {% endfor %}
  </dl>
</section>
{% endif %}
<section>
  <h2 class="h5">议程</h2>
  {% for s in sessions %}
    <h3 class="h6 mt-3 mb-1">{{ s.title }}</h3>
    <p class="small text-body-secondary">{{ s.starts_at|local }}–{{ s.ends_at|local('%H:%M') }}
      {% if s.room %} · {{ s.room }}{% endif %}
      {% if s.host_organization_id %} · {{ orgs[s.host_organization_id].name }}主办{% endif %}</p>
    <ol class="list-unstyled agenda">
    {% for item in items[s.id] %}
      <li class="agenda-item">
        <div class="agenda-time">{{ item.starts_at|local('%H:%M') }}–{{ item.ends_at|local('%H:%M') }}</div>
        <div>
          <div><span class="badge text-bg-light">{{ labels.item_kinds[item.kind] }}</span> <strong>{{ item.title }}</strong></div>
          {% if item.description %}<div class="small text-pre-wrap">{{ item.description }}</div>{% endif %}
          {% for p in participants[item.id] %}{% set person = people[p.person_id] %}
            <div class="small">{{ labels.parts[p.part] }}：{{ person.name }}{% if person.title %}<span class="text-body-secondary">（{{ person.title }}）</span>{% endif %}</div>
          {% endfor %}
        </div>
      </li>
    {% endfor %}
    </ol>
  {% endfor %}
</section>
{{ foot|safe }}"""

MEMBERS = """{{ head|safe }}
<div class="d-flex justify-content-between align-items-center mb-3">
  <h1 class="h3 mb-0">联盟会员单位</h1>
  <a class="btn btn-primary" href="/members/apply">申请入会</a>
</div>
<div class="table-responsive">
<table class="table">
  <thead><tr><th>单位</th><th>会员级别</th><th>单位类型</th><th>地区</th></tr></thead>
  <tbody>
  {% for org in orgs %}
    <tr><td>{{ org.name }}{% if org.website %} <a class="small" href="{{ org.website }}" rel="noopener noreferrer nofollow">网站</a>{% endif %}</td>
      <td>{{ labels.tiers[org.tier] if org.tier else "" }}</td><td>{{ labels.org_kinds[org.kind] }}</td><td>{{ org.province or "" }} {{ org.city or "" }}</td></tr>
  {% else %}
    <tr><td colspan="4" class="text-body-secondary">暂无会员。</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{{ foot|safe }}"""

DIRECTORY = """{{ head|safe }}
<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-3">
  <h1 class="h3 mb-0">单位名录 <small class="text-body-secondary fs-6">共 {{ total }} 家</small></h1>
  <div class="d-flex gap-2">
<div class="dropdown">
  <button class="btn btn-outline-secondary dropdown-toggle" type="button" data-bs-toggle="dropdown" aria-expanded="false">导出</button>
  <ul class="dropdown-menu dropdown-menu-end">
    <li><a class="dropdown-item" href="/admin/organizations/export.xlsx">Excel 工作簿（.xlsx）</a></li>
    <li><a class="dropdown-item" href="/admin/organizations/export.csv">CSV 文件（.csv）</a></li>
  </ul>
</div>
<a class="btn btn-outline-secondary" href="/admin/organizations/import">导入</a>
    <a class="btn btn-primary" href="/admin/organizations/new">新增单位</a>
  </div>
</div>
<form class="row g-2 mb-3 filters" method="get" role="search">
  <div class="col-md-3">
    <label class="form-label small" for="q">搜索</label>
    <input class="form-control" id="q" name="q" value="{{ filters.q }}" placeholder="名称、简称或信用代码">
  </div>
  <div class="col-6 col-md-2">
    <label class="form-label small" for="kind">单位类型</label>
    <select class="form-select" id="kind" name="kind"><option value="">全部</option>
      {% for k, label in labels.org_kinds.items() %}<option value="{{ k }}" {{ 'selected' if filters.kind == k }}>{{ label }}</option>{% endfor %}</select>
  </div>
  <div class="col-6 col-md-2">
    <label class="form-label small" for="status">会员状态</label>
    <select class="form-select" id="status" name="status"><option value="">全部</option>
      {% for k, label in labels.statuses.items() %}<option value="{{ k }}" {{ 'selected' if filters.status == k }}>{{ label }}</option>{% endfor %}</select>
  </div>
  <div class="col-6 col-md-2">
    <label class="form-label small" for="tier">会员级别</label>
    <select class="form-select" id="tier" name="tier"><option value="">全部</option>
      {% for k, label in labels.tiers.items() %}<option value="{{ k }}" {{ 'selected' if filters.tier == k }}>{{ label }}</option>{% endfor %}</select>
  </div>
  <div class="col-6 col-md-1">
    <label class="form-label small" for="region">地区</label>
    <select class="form-select" id="region" name="region"><option value="">全部</option>
      {% for r in regions %}<option {{ 'selected' if filters.region == r.province }}>{{ r.province }}</option>{% endfor %}</select>
  </div>
  <div class="col-6 col-md-1">
    <label class="form-label small" for="sort">排序</label>
    <select class="form-select" id="sort" name="sort">
      {% for value, label in [('name', '姓名'), ('tier', '会员级别'), ('-joined', '最新入会'), ('-created', '最近添加')] %}
        <option value="{{ value }}" {{ 'selected' if filters.sort == value }}>{{ label }}</option>{% endfor %}
    </select>
  </div>
  <div class="col-md-1 d-flex align-items-end"><button class="btn btn-outline-primary w-100" type="submit">筛选</button></div>
</form>
<div class="table-responsive">
<table class="table table-hover align-middle">
  <thead><tr><th>单位</th><th>单位类型</th><th>会员状态</th><th>会员级别</th><th>地区</th><th>主要联系人</th></tr></thead>
  <tbody>
  {% for org in orgs %}
    <tr>
      <td><a href="/organizations/{{ org.id }}">{{ org.name }}</a>
        {% if org.short_name %}<div class="small text-body-secondary">{{ org.short_name }}{% if org.uscc %} · {{ org.uscc }}{% endif %}</div>{% elif org.uscc %}<div class="small text-body-secondary">{{ org.uscc }}</div>{% endif %}</td>
      <td>{{ labels.org_kinds[org.kind] }}</td>
      <td><span class="badge text-bg-{{ colours[org.membership_status] }}">{{ labels.statuses[org.membership_status] }}</span></td>
      <td>{{ labels.tiers[org.tier] if org.tier else "—" }}</td>
      <td>{{ org.province or "" }}{% if org.city and org.city != org.province %} {{ org.city }}{% endif %}{% if org.country != 'CN' %} ({{ org.country }}){% endif %}</td>
      <td>{% set c = contacts.get(org.id) %}{% if c %}{{ c.name }}{% if c.position %}<div class="small text-body-secondary">{{ c.position }}</div>{% endif %}{% else %}—{% endif %}</td>
    </tr>
  {% else %}
    <tr><td colspan="6" class="text-body-secondary">没有符合条件的单位。</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% if pages > 1 %}
<nav aria-label="分页"><ul class="pagination flex-wrap">
  {% if page > 1 %}<li class="page-item"><a class="page-link" href="/admin/organizations?page={{ page - 1 }}">上一页</a></li>{% endif %}
  {% for n in pager %}
    {% if n %}<li class="page-item {{ 'active' if n == page }}"><a class="page-link" href="/admin/organizations?page={{ n }}">{{ n }}</a></li>
    {% else %}<li class="page-item disabled"><span class="page-link">…</span></li>{% endif %}
  {% endfor %}
  {% if page < pages %}<li class="page-item"><a class="page-link" href="/admin/organizations?page={{ page + 1 }}">下一页</a></li>{% endif %}
</ul></nav>
{% endif %}
{{ foot|safe }}"""

# The calendar file as the icalendar library writes it: properties in its order, TEXT escaped, lines folded
# at 75 octets, CRLF (added after rendering; escaped values hold no line break).
CALENDAR = """{% autoescape false %}BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Alliance Secretariat//alliance_app//ZH
{{ ('X-WR-CALNAME:' ~ e.title|ics)|fold }}
{% for v in entries %}BEGIN:VEVENT
{{ ('SUMMARY:' ~ v.summary|ics)|fold }}
DTSTART:{{ v.starts|utc }}
DTEND:{{ v.ends|utc }}
DTSTAMP:{{ stamp }}
UID:{{ v.uid }}
{% if v.description %}{{ ('DESCRIPTION:' ~ v.description|ics)|fold }}
{% endif %}{% if location %}{{ ('LOCATION:' ~ location|ics)|fold }}
{% endif %}END:VEVENT
{% endfor %}END:VCALENDAR
{% endautoescape %}"""

STATUS_COLOURS = {"active": "success", "applicant": "warning", "suspended": "danger", "rejected": "secondary",
                  "withdrawn": "secondary", "non_member": "light"}


def local(value, fmt="%Y-%m-%d %H:%M"):
    """A stored UTC timestamp (SQLite text) shown in the app's time zone."""
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc).astimezone(LOCAL).strftime(fmt)


def utc(value):
    return datetime.fromisoformat(value).strftime("%Y%m%dT%H%M%SZ")


def ics(text):
    """RFC 5545 TEXT escaping, as icalendar does it."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n").replace("\r", "\\n"))


def fold(line, limit=75):
    """Lines of at most 75 octets, continued after a line break and a space (RFC 5545 3.1)."""
    if len(line.encode()) < limit:
        return line
    lines, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= limit:
            lines.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    lines.append("".join(current))
    return "\n ".join(lines)


def same_calendar(a, b):
    """Equal but for DTSTAMP (the time the file was made)."""
    def strip(text):
        return [line for line in text.splitlines() if not line.startswith("DTSTAMP:")]
    return strip(a) == strip(b)


def layout(body):
    """The app's page split around the content of <main>: what the bare template prints as is."""
    start = body.index('<main class="container py-4">') + len('<main class="container py-4">')
    return body[:start], body[body.index("</main>"):]


def same_markup(a, b):
    """Equal once whitespace is ignored (Jinja's blocks leave blank lines the bare templates don't)."""
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def iter_pages(page, pages, left_edge=1, left_current=2, right_current=3, right_edge=1):
    """Flask-SQLAlchemy's Pagination.iter_pages, with the app's arguments (templates/_macros/pagination.html)."""
    end = pages + 1
    left_end = min(1 + left_edge, end)
    yield from range(1, left_end)
    if left_end == end:
        return
    mid_start, mid_end = max(left_end, page - left_current), min(page + right_current + 1, end)
    if mid_start - left_end > 0:
        yield None
    yield from range(mid_start, mid_end)
    right_start = max(mid_end, end - right_edge)
    if right_start - mid_end > 0:
        yield None
    yield from range(right_start, end)


class Recorded:
    """One request's statements, with the indexes of those a bare view reads, found once by predicates
    on the SQL text (an AssertionError at setup, not a wrong figure, if the app's SQL changes shape)."""

    def __init__(self, statements, **picks):
        self.statements = statements
        self.picks = {}
        for name, test in picks.items():
            found = [i for i, (sql, _p) in enumerate(statements) if test(" ".join(sql.split()))]
            assert found, f"no recorded statement for {name!r}"
            self.picks[name] = found

    def run(self, conn):
        results = []
        for sql, params in self.statements:
            result = conn.exec_driver_sql(sql, params)
            results.append(result.all() if result.returns_rows else result.lastrowid)
        return {name: [row for i in found for row in results[i]] for name, found in self.picks.items()}, results


def etag_response(response, stamp, make_response):
    """What the app's @cacheable adds to an anonymous answer: a digest of the change stamps and caching headers."""
    response = make_response(response)
    response.set_etag(hashlib.sha256(repr((tuple(stamp), "zh_CN", "code")).encode()).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=60, must-revalidate"
    response.headers["Vary"] = "Cookie"
    return response


def add_replay_routes(bare, engine, recorded, bodies, labels):
    """The replay routes on the bare app: /replay/<page>. `recorded` holds a Recorded per page,
    `bodies` the app's answer per page (its layout and the POST's JSON keys), `labels` the
    Chinese labels by enum value."""
    from flask import make_response, request

    bare.jinja_env.filters.update(local=local, utc=utc, ics=ics, fold=fold)
    templates = {name: bare.jinja_env.from_string(source)
                 for name, source in (("event", EVENT), ("members", MEMBERS), ("directory", DIRECTORY),
                                      ("calendar", CALENDAR))}
    frames = {name: layout(bodies[name].decode()) for name in ("event", "members", "directory") if name in bodies}

    def read(name):
        with engine.connect() as conn:  # BEGIN (deferred) from the app's own begin listener, as in the app
            return recorded[name].run(conn)

    @bare.get("/replay/healthz")
    def replay_healthz():
        read("healthz")
        return {"status": "ok"}

    @bare.get("/replay/event")
    def replay_event():
        rows, _all = read("event")
        e = rows["event"][0]
        organizers = [(role, list(group)) for role, group in itertools.groupby(rows["organizers"], lambda o: o.role)]
        items, participants = defaultdict(list), defaultdict(list)
        for item in rows["items"]:
            items[item.session_id].append(item)
        for p in rows["participants"]:
            participants[p.agenda_item_id].append(p)
        head, foot = frames["event"]
        html = templates["event"].render(
            head=head, foot=foot, e=e, organizers=organizers, sessions=rows["sessions"], items=items,
            participants=participants, orgs={o.id: o for o in rows["organizations"]},
            people={p.id: p for p in rows["people"]}, labels=labels)
        return etag_response(html, rows["stamp"][0], make_response)

    @bare.get("/replay/calendar")
    def replay_calendar():
        rows, _all = read("calendar")
        e = rows["event"][0]
        items, participants = defaultdict(list), defaultdict(list)
        for item in rows["items"]:
            items[item.session_id].append(item)
        for p in rows["participants"]:
            participants[p.agenda_item_id].append(p)
        people = {p.id: p for p in rows["people"]}
        entries = [{"uid": f"event-{e.id}@alliance-app", "summary": e.title, "starts": e.starts_at, "ends": e.ends_at,
                    "description": f"主题：{e.theme}" if e.theme else ""}]
        for s in rows["sessions"]:
            for item in items[s.id]:
                speakers = "\n".join(f"{labels['parts'][p.part]}: {people[p.person_id].name}" +
                                      (f"（{people[p.person_id].title}）" if people[p.person_id].title else "")
                                      for p in participants[item.id])
                entries.append({"uid": f"agenda-item-{item.id}@alliance-app", "summary": f"{item.title} · {s.title}",
                                "starts": item.starts_at, "ends": item.ends_at, "description": speakers})
        text = templates["calendar"].render(
            e=e, entries=entries, location="，".join(x for x in (e.venue, e.address, e.city) if x),
            stamp=datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
        response = etag_response(text.replace("\n", "\r\n").encode(), rows["stamp"][0], make_response)
        response.mimetype = "text/calendar"
        response.headers["Content-Disposition"] = f"attachment; filename={e.slug}.ics"
        return response

    @bare.get("/replay/members")
    def replay_members():
        rows, _all = read("members")
        head, foot = frames["members"]
        html = templates["members"].render(head=head, foot=foot, orgs=rows["organizations"], labels=labels)
        return etag_response(html, rows["stamp"][0], make_response)

    @bare.get("/replay/directory")
    def replay_directory():
        rows, _all = read("directory")
        assert rows["session"], "the staff session is gone"
        page, total = 1, rows["count"][0][0]
        pages = -(-total // 50)
        head, foot = frames["directory"]
        return templates["directory"].render(
            head=head, foot=foot, total=total, filters=defaultdict(str), labels=labels, regions=rows["regions"],
            orgs=rows["organizations"], contacts={c.organization_id: c for c in rows["contacts"]},
            colours=STATUS_COLOURS, page=page, pages=pages, pager=list(iter_pages(page, pages)))

    answer = json.loads(bodies["register"]) if "register" in bodies else {}
    first_insert = next((i for i, (sql, _p) in enumerate(recorded["register"].statements)
                         if sql.lstrip().upper().startswith("INSERT")), None) if "register" in recorded else None

    @bare.post("/replay/register")
    def replay_register():
        data = request.get_json()
        with engine.connect() as conn:
            transaction = conn.begin()  # BEGIN IMMEDIATE: the app's begin listener sees a POST
            try:
                _rows, results = recorded["register"].run(conn)
            finally:
                transaction.rollback()  # so the recorded INSERTs (same mobile, same ids) are valid next time
        new_id = results[first_insert]  # the registration's row id, or its RETURNING row
        return {**answer, "id": new_id if isinstance(new_id, int) else new_id[0][0], "name": data["name"], "mobile": data["mobile"][:3] + "****" +
                data["mobile"][-4:], "created_at": datetime.now(timezone.utc).isoformat()}, 201

    @bare.get("/replay/totals")
    def replay_totals():
        _rows, results = read("totals")
        return {"results": [[list(row) for row in rows] for rows in results if isinstance(rows, list)]}

    @bare.get("/replay/not-modified/<name>")
    def replay_not_modified(name):
        """A 304 of a public page: its one statement of change stamps, then the digest."""
        rows, _all = read(name)
        response = etag_response("", rows["stamp"][0], make_response)
        response.status_code = 304
        return response
