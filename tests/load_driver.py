"""Many member organizations registering delegates through the API at once, and
the checks that nothing was overbooked, lost or half-written afterwards.

Used by tests/test_load.py (bounded, in CI on both databases) and by
benchmarks/load.py (which prints the figures)."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from sqlalchemy import func, select

from .servers import Answer, call

CAPACITY = 400
SESSION_CAPACITY = 150
QUOTA = 5
QUOTA_ORGANIZATIONS = 4
RETRIES = 5


@dataclass
class Plan:
    event_id: int
    session_id: int
    tokens: list[str]  # one member organization (and its bearer token) per client
    organization_ids: list[int]
    quotas: dict[int, int]
    capacity: int = CAPACITY
    session_capacity: int = SESSION_CAPACITY


@dataclass
class Attempt:
    status: int | None  # None: the connection failed (no answer at all)
    seconds: float
    body: dict | None = None
    error: str = ""


@dataclass
class Delegate:
    number: int
    client: int
    payload: dict
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def final(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


def prepare(app, clients: int, tag: str = "") -> Plan:
    """An open event with a capacity, a smaller session and quotas for a few of
    the organizations; one member account with an API token per client. `tag`
    tells apart several plans in one database (rounds of a benchmark)."""
    from alliance_app.accounts.models import Role
    from alliance_app.core.db import utcnow
    from alliance_app.extensions import db
    from alliance_app.registrations import services as registrations

    from . import factories

    with app.app_context():
        meeting = factories.event(slug=f"load-{clients}{tag}")
        event, session = meeting.event, meeting.session
        event.capacity = CAPACITY
        event.registration_opens_at = utcnow() - timedelta(days=1)
        event.registration_closes_at = utcnow() + timedelta(days=30)
        session.capacity = SESSION_CAPACITY
        db.session.commit()
        tokens, organization_ids, quotas = [], [], {}
        for n in range(clients):
            org = factories.organization(name=f"压测单位{tag}{n:02d}有限公司")
            account = factories.user(Role.member, org, email=f"load{tag}{n}@member.example")
            tokens.append(factories.token(account, "load"))
            organization_ids.append(org.id)
            if n < QUOTA_ORGANIZATIONS:
                registrations.set_quota(event, org.id, QUOTA)
                quotas[org.id] = QUOTA
        db.session.commit()
        plan = Plan(event.id, session.id, tokens, organization_ids, quotas)
        db.session.remove()
        db.engine.dispose()
        return plan


def delegates_for(plan: Plan, count: int) -> list[Delegate]:
    clients = len(plan.tokens)
    out = []
    for n in range(count):
        payload = {"name": f"代表{n:04d}", "mobile": f"136{n:08d}", "category": "enterprise",
                   "position": "经理"}
        if n % 3 == 0:  # a third also want the afternoon sub-forum, which is smaller
            payload["session_ids"] = [plan.session_id]
        out.append(Delegate(n, n % clients, payload))
    return out


def _post(port: int, plan: Plan, delegate: Delegate) -> Attempt:
    started = time.perf_counter()
    try:
        answer: Answer = call(port, "POST", f"/api/v1/events/{plan.event_id}/registrations",
                              body=delegate.payload, timeout=60,
                              headers={"Authorization": f"Bearer {plan.tokens[delegate.client]}"})
    except (OSError, http.client.HTTPException) as exc:
        return Attempt(None, time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    try:
        body = answer.json()
    except ValueError:
        body = {"raw": answer.text[:300]}
    return Attempt(answer.status, answer.seconds, body)


def run(port: int, plan: Plan, delegates: list[Delegate], *,
        halfway: Callable[[], None] | None = None,
        later: Callable[[], None] | None = None) -> float:
    """Each client posts its delegates one after another, all clients at once.
    A request that got no answer (or a 503) is sent again, as a real client
    would; `halfway` runs once, when half the delegates have an answer, and
    `later` once at three quarters. Returns the wall time in seconds."""
    clients = len(plan.tokens)
    answered = 0
    lock = threading.Lock()
    fired = threading.Event()
    fired_later = threading.Event()

    def work(client: int) -> None:
        nonlocal answered
        for delegate in delegates:
            if delegate.client != client:
                continue
            for _ in range(RETRIES):
                attempt = _post(port, plan, delegate)
                delegate.attempts.append(attempt)
                if attempt.status is not None and attempt.status != 503:
                    break
                time.sleep(0.2)
            with lock:
                answered += 1
                due = halfway is not None and not fired.is_set() and answered >= len(delegates) // 2
                if due:
                    fired.set()
                due_later = later is not None and not fired_later.is_set() and answered >= len(delegates) * 3 // 4
                if due_later:
                    fired_later.set()
            if due:
                halfway()
            if due_later:
                later()

    threads = [threading.Thread(target=work, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def summary(delegates: list[Delegate], wall: float) -> dict:
    attempts = [a for d in delegates for a in d.attempts]
    answered = sorted(a.seconds for a in attempts if a.status is not None)
    acknowledged = [d for d in delegates if d.final and d.final.status == 201]
    return {
        "delegates": len(delegates),
        "requests": len(attempts),
        "statuses": dict(sorted(Counter(str(a.status) for a in attempts).items())),
        "acknowledged": len(acknowledged),
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(answered) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(answered) * 1000, 1) if answered else None,
        "p99_ms": round(answered[min(len(answered) - 1, int(len(answered) * 0.99))] * 1000, 1) if answered else None,
    }


def check(app, plan: Plan, delegates: list[Delegate]) -> list[str]:
    """Everything a user would notice if it went wrong; an empty list is a pass."""
    from alliance_app.audit.models import AuditEntry
    from alliance_app.events.models import Event, EventSession
    from alliance_app.extensions import db
    from alliance_app.registrations.models import EventQuota, Registration, RegistrationSession, RegistrationStatus as S

    problems = []
    for delegate in delegates:
        for attempt in delegate.attempts:
            if attempt.status is not None and attempt.status >= 500 and attempt.status != 503:
                problems.append(f"delegate {delegate.number}: {attempt.status} {attempt.body}")
        final = delegate.final
        if final is None or final.status is None or final.status == 503:
            problems.append(f"delegate {delegate.number}: no answer after {RETRIES} tries: {final}")
        elif final.status == 409:
            # Only legitimate after an unanswered try: the first one was committed.
            if all(a.status is not None for a in delegate.attempts[:-1]) or len(delegate.attempts) == 1:
                problems.append(f"delegate {delegate.number}: 409 without an earlier lost try: {final.body}")
        elif final.status != 201:
            problems.append(f"delegate {delegate.number}: {final.status} {final.body}")

    with app.app_context():
        rows = {r.mobile: r for r in db.session.scalars(
            select(Registration).where(Registration.event_id == plan.event_id))}
        links = Counter(db.session.scalars(select(RegistrationSession.registration_id)))
        audited = set(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == "registrations", AuditEntry.action == "create")))
        sent = {d.payload["mobile"]: d for d in delegates}
        for mobile, row in rows.items():
            if mobile not in sent:
                problems.append(f"registration {row.id} ({mobile}) was never sent")
        for mobile, delegate in sent.items():
            row = rows.get(mobile)
            final = delegate.final
            if final is not None and final.status == 201:
                if row is None:
                    problems.append(f"delegate {delegate.number}: acknowledged as {final.body.get('id')} but lost")
                    continue
                if row.id != final.body.get("id") or row.status.value != final.body.get("status"):
                    problems.append(f"delegate {delegate.number}: answered {final.body.get('id')}/"
                                    f"{final.body.get('status')}, stored {row.id}/{row.status.value}")
            if row is None:
                if final is not None and final.status in (201, 409):
                    problems.append(f"delegate {delegate.number}: missing")
                continue
            # Whole or not at all: the name, the sessions asked for, the audit entry.
            if row.name != delegate.payload["name"] or row.organization_id != plan.organization_ids[delegate.client]:
                problems.append(f"registration {row.id}: stored {row.name}/{row.organization_id}")
            if links[row.id] != len(delegate.payload.get("session_ids", [])):
                problems.append(f"registration {row.id}: {links[row.id]} session links")
            if str(row.id) not in audited:
                problems.append(f"registration {row.id}: no audit entry")

        seated = (S.confirmed, S.checked_in)
        confirmed = [r for r in rows.values() if r.status in seated]
        event = db.session.get(Event, plan.event_id)
        if len(confirmed) > plan.capacity:
            problems.append(f"overbooked: {len(confirmed)} confirmed for {plan.capacity} seats")
        if event.seats_taken != len(confirmed):
            problems.append(f"event counter {event.seats_taken} != {len(confirmed)} confirmed")
        session = db.session.get(EventSession, plan.session_id)
        in_session = [r for r in confirmed if links[r.id]]
        if len(in_session) > plan.session_capacity or session.seats_taken != len(in_session):
            problems.append(f"session: counter {session.seats_taken}, {len(in_session)} confirmed, "
                            f"capacity {plan.session_capacity}")
        for org_id, quota in plan.quotas.items():
            taken = db.session.scalar(select(EventQuota.seats_taken).where(
                EventQuota.event_id == plan.event_id, EventQuota.organization_id == org_id))
            mine = sum(1 for r in confirmed if r.organization_id == org_id)
            if mine > quota or taken != mine:
                problems.append(f"quota of organization {org_id}: counter {taken}, {mine} confirmed, quota {quota}")
        statuses = Counter(r.status.value for r in rows.values())
        if set(statuses) - {"confirmed", "waitlisted"}:
            problems.append(f"unexpected statuses {dict(statuses)}")
        db.session.remove()
        db.engine.dispose()
    return problems


def stored_counts(app, plan: Plan) -> dict:
    from alliance_app.extensions import db
    from alliance_app.registrations.models import Registration

    with app.app_context():
        counts = dict(db.session.execute(select(Registration.status, func.count()).where(
            Registration.event_id == plan.event_id).group_by(Registration.status)).all())
        db.session.remove()
        db.engine.dispose()
    return {status.value: n for status, n in counts.items()}
