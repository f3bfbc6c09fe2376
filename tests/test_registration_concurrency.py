"""Many delegates registering at once against a real threaded server: exactly
the capacity is confirmed, the rest waitlisted, no request fails. Runs on the
suite's database, so CI checks SQLite and PostgreSQL."""
import http.cookiejar
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from alliance_app.accounts.models import Role
from alliance_app.core.db import utcnow
from alliance_app.events.models import Event, EventSession
from alliance_app.registrations.models import Registration, RegistrationStatus

from . import factories

CAPACITY = 20
SESSION_CAPACITY = 12
THREADS = 16
ATTEMPTS = 64


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _signed_in_opener(base: str, email: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    body = urllib.parse.urlencode({"email": email, "password": factories.PASSWORD}).encode()
    try:
        opener.open(f"{base}/login", body, timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.code
    return opener


def test_concurrent_registrations_never_overbook(live_server, people, db):
    event = db.session.get(Event, people.meeting.event.id)
    event.capacity = CAPACITY
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=1)
    session = db.session.get(EventSession, people.meeting.session.id)
    session.capacity = SESSION_CAPACITY
    slug, session_id, event_id = event.slug, session.id, event.id
    # One representative per thread: logging in rotates a user's session token,
    # so sixteen browsers of one user would sign each other out.
    emails = [factories.user(Role.member, people.org_a, email=f"rep{n}@member.example").email
              for n in range(THREADS)]
    db.session.commit()
    db.session.remove()  # the test holds no transaction while the server works

    openers = [_signed_in_opener(live_server, email) for email in emails]

    def attempt(n: int) -> int:
        form = {"delegates-0-name": f"并发代表{n:03d}", "delegates-0-mobile": f"137{n:08d}",
                "delegates-0-category": "enterprise"}
        body = urllib.parse.urlencode(form).encode()
        if n % 2:  # half of them also want the morning session, which is smaller
            body += b"&" + urllib.parse.urlencode({"delegates-0-session_ids": session_id}).encode()
        try:
            return openers[n % THREADS].open(f"{live_server}/events/{slug}/register", body, timeout=60).status
        except urllib.error.HTTPError as exc:
            # 302 to the organization's registrations, not to the login page.
            return exc.code if exc.code != 302 or "/my/registrations" in exc.headers["Location"] else -1

    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(attempt, range(ATTEMPTS)))

    assert codes == [302] * ATTEMPTS, sorted(set(codes))
    seated = (RegistrationStatus.confirmed, RegistrationStatus.checked_in)
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.status.in_(seated)))
    waitlisted = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id, Registration.status == RegistrationStatus.waitlisted))
    assert confirmed == CAPACITY  # one seat was the fixture's registration
    assert waitlisted == ATTEMPTS + 1 - CAPACITY
    event = db.session.get(Event, event_id)
    assert event.seats_taken == CAPACITY
    in_session = db.session.scalar(select(func.count()).select_from(Registration).join(Registration.sessions).where(
        Registration.status.in_(seated)).where(Registration.sessions.any(session_id=session_id)))
    assert in_session <= SESSION_CAPACITY
    assert db.session.get(EventSession, session_id).seats_taken == in_session
