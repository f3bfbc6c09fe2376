"""Sessions, redirects, CSRF, throttling, headers and production config."""
import re

import pytest
from sqlalchemy import select

from alliance_app import ConfigurationError, create_app
from alliance_app.accounts.models import User
from alliance_app.audit.models import AuditEntry

from . import factories
from .conftest import login


def sign_in(client, email, password=factories.PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


# --- session tokens ---------------------------------------------------------------

def test_a_cookie_captured_before_logout_no_longer_works(app, people):
    browser = app.test_client()
    sign_in(browser, people.staff.email)
    captured = browser.get_cookie("alliance_session").value
    browser.post("/logout")

    attacker = app.test_client()
    attacker.set_cookie("alliance_session", captured)
    assert not is_signed_in(attacker)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, people):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, people.staff.email)
    login(phone, people.staff)  # already signed in elsewhere, with the current token
    response = laptop.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-pass", "confirm": "another-long-pass"})
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert sign_in(app.test_client(), people.staff.email, "another-long-pass").status_code == 302


def test_deactivation_ends_the_session_and_the_api_tokens(app, people, db):
    victim = app.test_client()
    sign_in(victim, people.member_a.email)
    secret = factories.token(people.member_a)
    admin = login(app.test_client(), people.admin)
    assert admin.post(f"/admin/users/{people.member_a.id}/deactivate").status_code == 302
    assert not is_signed_in(victim)
    assert victim.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert sign_in(app.test_client(), people.member_a.email).status_code == 401


def test_an_admin_cannot_deactivate_themselves(client, people, db):
    login(client, people.admin)
    response = client.post(f"/admin/users/{people.admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    assert db.session.get(User, people.admin.id).active


# --- login answers ------------------------------------------------------------------

def test_unknown_email_and_wrong_password_get_the_same_answer(client, people):
    unknown = sign_in(client, "nobody@example.com", "whatever-password")
    wrong = sign_in(client, people.staff.email, "whatever-password")
    assert unknown.status_code == wrong.status_code == 401
    assert "邮箱或密码不正确" in unknown.get_data(as_text=True)
    # The CSRF token carries the second it was made in: a slow machine crosses one between the two.
    def page(response, email):
        return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*', r"\1", response.get_data(as_text=True)
                      ).replace(email, "")

    assert page(unknown, "nobody@example.com") == page(wrong, people.staff.email)


def test_unknown_email_costs_a_password_check_too(client, people, monkeypatch):
    """Both paths verify one hash, so they take about as long (timings are measured
    in benchmarks, not asserted here)."""
    import werkzeug.security

    calls = []
    original = werkzeug.security.check_password_hash
    monkeypatch.setattr(werkzeug.security, "check_password_hash",
                        lambda *a: calls.append(1) or original(*a))
    import alliance_app.accounts.models as models

    monkeypatch.setattr(models, "check_password_hash", werkzeug.security.check_password_hash)
    sign_in(client, "nobody@example.com", "whatever-password")
    sign_in(client, people.staff.email, "whatever-password")
    assert len(calls) == 2


def test_inactive_account_cannot_log_in_and_is_not_revealed(client, people, db):
    db.session.get(User, people.staff.id).active = False
    db.session.commit()
    response = sign_in(client, people.staff.email)
    assert response.status_code == 401
    assert "邮箱或密码不正确" in response.get_data(as_text=True)


def test_email_is_case_and_space_insensitive(client, people):
    assert sign_in(client, "  STAFF@Secretariat.example ").status_code == 302


def test_login_failures_are_audited_without_the_password(client, people, db):
    sign_in(client, people.staff.email, "my-secret-guess")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert entry.object_label == people.staff.email
    assert entry.address == "127.0.0.1"
    assert "my-secret-guess" not in str(entry.changes)


# Throttling: tests/test_login_throttle.py; sessions and API tokens: tests/test_sessions.py.


# --- redirects after login --------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https://evil.example/", "http:evil.example",
    "javascript:alert(1)", "/\t/evil.example", "\\\\evil.example", "///evil.example", "",
])
def test_next_never_leaves_the_site(client, people, target):
    response = sign_in(client, people.staff.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_inside_the_site_is_followed(client, people):
    response = sign_in(client, people.staff.email, next="/account?tab=tokens")
    assert response.headers["Location"] == "/account?tab=tokens"


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"


def test_language_switch_ignores_outside_next(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


# --- CSRF and methods -----------------------------------------------------------------------

@pytest.fixture
def csrf_app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({**app_config, "WTF_CSRF_ENABLED": True})


def test_every_form_post_needs_a_csrf_token(csrf_app, people):
    client = csrf_app.test_client()
    login(client, people.admin)
    checked = 0
    for rule in csrf_app.url_map.iter_rules():
        # The API's blueprints (also the two verification addresses outside /api/) take no session's authority.
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint.startswith("api_"):
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        response = client.post(url, data={"lang": "en", "email": people.admin.email})
        assert response.status_code == 400, url
        assert "表单已过期" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 8


def test_a_form_with_its_csrf_token_is_accepted(csrf_app, people):
    import re

    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": people.staff.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_logout_by_get_is_refused(client, people):
    login(client, people.staff)
    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


# --- headers and cookies ---------------------------------------------------------------------

def test_security_headers_on_every_kind_of_response(client):
    for url in ("/", "/login", "/no-such-page", "/api/v1/me", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_over_https(client):
    headers = client.get("/", base_url="https://alliance.example").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client, people):
    login(client, people.admin)
    for url in ("/", "/login", "/account", "/admin/users", "/admin/users/new", "/admin/audit"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html and " style=" not in html, url


@pytest.fixture
def production_app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {k: v for k, v in app_config.items()
              if k not in ("TESTING", "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "WTF_CSRF_ENABLED")}
    return create_app({**config, "WTF_CSRF_ENABLED": False, "BASE_URL": "https://alliance.example"})


def test_production_cookies_are_secure_httponly_lax(production_app, people):
    client = production_app.test_client()
    response = client.post("/login", base_url="https://alliance.example",
                           data={"email": people.staff.email, "password": factories.PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("alliance_session", "alliance_remember"):
        flags = cookies[name].lower()
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookies[name]
    assert production_app.config["MAX_CONTENT_LENGTH"] > 0
    assert production_app.permanent_session_lifetime.total_seconds() <= 24 * 3600


@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError) as excinfo:
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(excinfo.value)
    assert "SECRET_KEY" in message and "\n" not in message


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'i' * 40\nPAGE_SIZE = 20\nBASE_URL = 'https://alliance.example'\n")
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ALLIANCE_PAGE_SIZE", "30")
    monkeypatch.setenv("ALLIANCE_TRUSTED_HOSTS", '["alliance.example"]')
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "i" * 40
    assert app.config["PAGE_SIZE"] == 30
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'alliance.db'}"
    assert app.test_client().get("/", base_url="http://evil.example").status_code == 400


@pytest.mark.parametrize("method, url, data", [
    ("GET", "/admin/audit?actor=%25_%00&action=%00", None),
    ("GET", "/admin/organizations?q=a%00b&region=%00", None),
    ("POST", "/login", {"email": "a\x00b@example.com", "password": "x\x00y"}),
    ("GET", "/members?x=%00", None),
])
def test_nul_bytes_never_reach_the_database(client, people, method, url, data):
    """PostgreSQL refuses NUL in text outright; SQLite would hide the bug."""
    login(client, people.admin)
    response = client.open(url, method=method, data=data)
    assert response.status_code in (200, 401), response.status_code


# --- absolute links come from BASE_URL, never from the Host header -------------------------------------

def test_serving_without_base_url_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("ALLIANCE_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError) as excinfo:
        create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "BASE_URL" in str(excinfo.value) and "\n" not in str(excinfo.value)


@pytest.mark.parametrize("value", ["alliance.example.org", "ftp://alliance.example.org", "https://",
                                   "https://alliance.example.org/?next=x", "https://a.example/#top"])
def test_a_base_url_that_is_not_an_address_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError) as excinfo:
        create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "BASE_URL": value})
    assert value in str(excinfo.value)


@pytest.mark.parametrize("base", ["https://alliance.example.org", "https://intranet.example/alliance/"])
def test_ticket_and_screen_links_ignore_the_host_header(app, client, people, db, base):
    from alliance_app.registrations.tickets import ticket_url

    app.config["BASE_URL"] = base
    root = base.rstrip("/")
    with app.test_request_context("/", base_url="http://evil.example"):
        assert ticket_url(people.registration_a) == f"{root}/t/1/{people.registration_a.ticket_code}"
    from alliance_app.accounts.services import start_session

    start_session(people.staff)
    db.session.commit()
    with client.session_transaction(base_url="http://evil.example") as session:  # the cookie of that host
        session["_user_id"] = people.staff.get_id()
    page = client.get(f"/admin/events/{people.meeting.event.id}/ceremony", base_url="http://evil.example")
    text = page.get_data(as_text=True)
    screen = f"{root}/events/{people.meeting.event.slug}/ceremony/screen?key="
    assert page.status_code == 200 and screen in text and "evil.example" not in text


def test_json_answers_are_not_cached_and_features_are_off(client, people):
    from .conftest import ApiClient

    me = ApiClient(client, people.member_a).get("/api/v1/me")
    assert me.headers["Cache-Control"] == "no-store"
    login(client, people.staff)
    counts = client.get(f"/admin/events/{people.meeting.event.id}/registrations/counts.json")
    assert counts.status_code == 200 and counts.headers["Cache-Control"] == "no-store"
    policy = client.get("/").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy
