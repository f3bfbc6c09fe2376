"""Two gunicorn instances on different ports sharing one database, as several
application servers behind one proxy: whatever one of them learns (a login, a
form's CSRF token, failed logins, a signing on the live screen, a logout) the
other knows, because nothing that matters is kept in process memory."""
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import json

import pytest

from .servers import Gunicorn, app_for, scratch_database

PASSWORD = "correct-horse-battery"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar for both servers, as a browser sees one site behind a proxy
    (cookies are per host, not per port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def open(self, server, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            response = self.opener.open(f"http://127.0.0.1:{server.port}{path}", data, timeout=30)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode()

    def csrf(self, server, path):
        status, _, html = self.open(server, path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    def login(self, server, email, password=PASSWORD):
        token = self.csrf(server, "/login")
        return self.open(server, "/login", {"csrf_token": token, "email": email, "password": password})


@pytest.fixture
def site(tmp_path):
    """Two instances (two workers each) on one new database with a staff account,
    a published event and an agreement ready for signing at its ceremony."""
    from alliance_app.accounts.models import Role
    from alliance_app.extensions import db

    from . import factories

    with scratch_database("multi", tmp_path) as url:
        app = app_for(url, tmp_path / "instance")
        with app.app_context():
            staff = factories.user(Role.staff, email="staff@multi.example")
            factories.user(Role.staff, email="victim@multi.example")
            meeting = factories.event(slug="multi")
            agreement = factories.ready_agreement([factories.organization(), factories.organization()], staff,
                                                  event_id=meeting.event.id, amount="12亿")
            ids = {"event": meeting.event.id, "agreement": agreement.id, "slug": meeting.event.slug,
                   "screen_key": meeting.event.screen_token}
            db.session.remove()
            db.engine.dispose()
        with Gunicorn(url, tmp_path, workers=2, name="a") as a, Gunicorn(url, tmp_path, workers=2, name="b") as b:
            yield a, b, ids


def _screen(browser, server, ids):
    status, _, body = browser.open(server, f"/events/{ids['slug']}/ceremony/screen.json?key={ids['screen_key']}")
    assert status == 200
    return json.loads(body)


def test_a_session_started_on_one_server_works_on_the_other(site):
    a, b, ids = site
    assert a.port != b.port
    browser = Browser()
    status, headers, _ = browser.login(a, "staff@multi.example")
    assert status == 302, status

    # Logged in on A, recognised on B.
    assert browser.open(b, f"/admin/events/{ids['event']}/ceremony")[0] == 200
    # A form rendered by B is accepted by A (CSRF token in the shared signed session),
    # and the signing made on A shows on the live screen B serves.
    assert _screen(browser, b, ids)["count"] == 0
    token = browser.csrf(b, f"/admin/events/{ids['event']}/ceremony")
    status, headers, _ = browser.open(a, f"/admin/agreements/{ids['agreement']}/sign", {"csrf_token": token})
    assert status == 302, status
    figures = _screen(browser, b, ids)
    assert figures["count"] == 1 and figures["total_yi"].startswith("12")

    # Logging out on B ends the session on A too (the session token lives in the database).
    token = browser.csrf(a, f"/admin/events/{ids['event']}/ceremony")
    assert browser.open(b, "/logout", {"csrf_token": token})[0] == 302
    status, headers, _ = browser.open(a, f"/admin/events/{ids['event']}/ceremony")
    assert status == 302 and "/login" in headers["Location"]

    # Both served, each logging one JSON line per request.
    for server, route in ((a, "/login"), (b, "/logout")):
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        assert any(line["route"] == route and line["status"] == 302 for line in lines), server.log()[-2000:]
        assert "Traceback" not in server.log()


def test_failed_logins_count_across_servers(site):
    """Five wrong passwords from one address, spread over both servers, block
    that address for that account on both (the count is in the database)."""
    a, b, ids = site
    attacker = Browser()
    for n in range(5):
        status, _, html = attacker.login((a, b)[n % 2], "victim@multi.example", "wrong-password")
        assert status == 401, status
    for server in (a, b):
        status, _, html = Browser().login(server, "victim@multi.example")  # even the right password
        assert status == 429 and ("Too many failed attempts" in html or "失败次数过多" in html), status
