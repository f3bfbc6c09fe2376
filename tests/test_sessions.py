"""Several sessions per user (user_sessions), and API tokens that end with the
password they were made under."""
import re
from datetime import timedelta

from sqlalchemy import select

from alliance_app.accounts.models import ApiToken, UserSession, hash_token
from alliance_app.core.db import utcnow

from . import factories
from .conftest import login

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def sign_in(client, email, password=factories.PASSWORD, user_agent=CHROME_WINDOWS, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra},
                       headers={"User-Agent": user_agent})


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def sessions_of(db, user):
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def me(client, secret):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code


# --- several sessions -------------------------------------------------------------------

def test_two_check_in_desks_sharing_an_account_stay_signed_in(app, people):
    desk1, desk2 = app.test_client(), app.test_client()
    assert sign_in(desk1, people.staff.email).status_code == 302
    assert sign_in(desk2, people.staff.email, user_agent=FIREFOX_LINUX).status_code == 302
    assert is_signed_in(desk1) and is_signed_in(desk2)


def test_logout_ends_only_this_session(app, people):
    desk1, desk2 = app.test_client(), app.test_client()
    sign_in(desk1, people.staff.email)
    sign_in(desk2, people.staff.email)
    captured = desk1.get_cookie("alliance_session").value
    assert desk1.post("/logout").status_code == 302
    assert not is_signed_in(desk1)
    assert is_signed_in(desk2)
    replay = app.test_client()
    replay.set_cookie("alliance_session", captured)
    assert not is_signed_in(replay)


def test_the_cookie_carries_a_secret_the_database_keeps_only_hashed(app, people, db):
    browser = app.test_client()
    sign_in(browser, people.staff.email)
    with browser.session_transaction() as session:
        secret = session["_user_id"]
    [row] = sessions_of(db, people.staff)
    assert len(secret) >= 40 and secret != str(people.staff.id)
    assert row.token_hash == hash_token(secret) and secret not in row.token_hash


def test_my_account_lists_the_sessions_and_ends_another_one(app, people, db):
    desk1, desk2 = app.test_client(), app.test_client()
    sign_in(desk1, people.staff.email)
    sign_in(desk2, people.staff.email, user_agent=FIREFOX_LINUX)
    html = desk1.get("/account").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>([^<]*)(.*?)</tr>", html.split('class="table table-sm align-middle sessions"')[1],
                      re.S)
    # Most recently active first; this browser's session marked.
    assert [(agent.strip(), "本会话" in rest) for agent, rest in rows] == [
        ("Firefox, Linux", False), ("Chrome, Windows", True)]
    other = sessions_of(db, people.staff)[1]
    response = desk1.post(f"/account/sessions/{other.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert not is_signed_in(desk2)
    assert is_signed_in(desk1)


def test_ending_this_session_from_the_list_logs_out(app, people, db):
    desk = app.test_client()
    sign_in(desk, people.staff.email)
    [row] = sessions_of(db, people.staff)
    response = desk.post(f"/account/sessions/{row.id}/end")
    assert response.headers["Location"] == "/login"
    assert not is_signed_in(desk)


def test_nobody_ends_a_session_of_someone_else(app, people, db):
    victim = app.test_client()
    sign_in(victim, people.admin.email)
    [row] = sessions_of(db, people.admin)
    attacker = login(app.test_client(), people.staff)
    assert attacker.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert attacker.post("/account/sessions/99999999999/end").status_code == 404
    assert is_signed_in(victim)


def test_log_out_everywhere_ends_every_session(app, people, db):
    desk1, desk2 = app.test_client(), app.test_client()
    sign_in(desk1, people.staff.email)
    sign_in(desk2, people.staff.email)
    response = desk1.post("/account/sessions/end-all")
    assert response.headers["Location"] == "/login"
    assert not is_signed_in(desk1) and not is_signed_in(desk2)
    assert sessions_of(db, people.staff) == []


def test_an_expired_session_is_refused(app, people, db):
    desk = app.test_client()
    sign_in(desk, people.staff.email)
    [row] = sessions_of(db, people.staff)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not is_signed_in(desk)


def test_sessions_expire_after_the_session_lifetime_unused_or_with_the_remember_cookie(app, people, db):
    sign_in(app.test_client(), people.staff.email)
    sign_in(app.test_client(), people.staff.email, remember="y")
    plain, remembered = sessions_of(db, people.staff)
    assert not plain.remember and remembered.remember
    assert abs(plain.expires_at - utcnow() - app.config["PERMANENT_SESSION_LIFETIME"]) < timedelta(minutes=1)
    assert abs(remembered.expires_at - utcnow() - app.config["REMEMBER_COOKIE_DURATION"]) < timedelta(minutes=1)


def test_remember_me_follows_the_same_session(app, people, db):
    laptop = app.test_client()
    sign_in(laptop, people.staff.email, remember="y")
    remember_cookie = laptop.get_cookie("alliance_remember").value
    # The browser is closed (session cookie gone) and opened again: the remember cookie signs in.
    reopened = app.test_client()
    reopened.set_cookie("alliance_remember", remember_cookie)
    assert is_signed_in(reopened)
    assert len(sessions_of(db, people.staff)) == 1  # the same session, not a new one
    # Ending that session from elsewhere ends the remember cookie too.
    [row] = sessions_of(db, people.staff)
    other = login(app.test_client(), people.staff)
    other.post(f"/account/sessions/{row.id}/end")
    again = app.test_client()
    again.set_cookie("alliance_remember", remember_cookie)
    assert not is_signed_in(again)


def test_last_seen_is_written_at_most_every_few_minutes(app, people, db):
    desk = app.test_client()
    sign_in(desk, people.staff.email)
    [row] = sessions_of(db, people.staff)
    first_seen = row.last_seen_at
    from .conftest import statements_sent

    _, statements = statements_sent(db, lambda: desk.get("/account"))
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    db.session.refresh(row)
    assert row.last_seen_at == first_seen

    row.last_seen_at = utcnow() - app.config["SESSION_TOUCH_INTERVAL"] - timedelta(seconds=1)
    db.session.commit()
    assert desk.get("/account").status_code == 200
    db.session.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_password_change_keeps_this_session_and_ends_the_others(app, people, db):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, people.staff.email)
    sign_in(phone, people.staff.email)
    response = laptop.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-pass", "confirm": "another-long-pass"})
    assert response.status_code == 302
    assert is_signed_in(laptop) and not is_signed_in(phone)
    assert len(sessions_of(db, people.staff)) == 1


def test_an_admin_reset_ends_every_session_of_the_user(app, people, db):
    desk1, desk2 = app.test_client(), app.test_client()
    sign_in(desk1, people.staff.email)
    sign_in(desk2, people.staff.email)
    admin = login(app.test_client(), people.admin)
    assert admin.post(f"/admin/users/{people.staff.id}/password",
                      data={"password": "reset-by-the-admin"}).status_code == 302
    assert not is_signed_in(desk1) and not is_signed_in(desk2)
    assert is_signed_in(admin)


def test_an_admin_resetting_their_own_password_stays_signed_in_here_only(app, people):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, people.admin.email)
    sign_in(elsewhere, people.admin.email)
    assert here.post(f"/admin/users/{people.admin.id}/password",
                     data={"password": "my-own-new-password"}).status_code == 302
    assert is_signed_in(here) and not is_signed_in(elsewhere)


def test_deactivation_ends_every_session(app, people, db):
    desk1, desk2 = app.test_client(), app.test_client()
    sign_in(desk1, people.member_a.email)
    sign_in(desk2, people.member_a.email)
    admin = login(app.test_client(), people.admin)
    admin.post(f"/admin/users/{people.member_a.id}/deactivate")
    assert not is_signed_in(desk1) and not is_signed_in(desk2)
    assert sessions_of(db, people.member_a) == []


# --- API tokens ------------------------------------------------------------------------

def test_a_password_change_revokes_the_api_tokens(app, people, db):
    browser = app.test_client()
    sign_in(browser, people.staff.email)
    secret = factories.token(people.staff, "made from a stolen session")
    assert me(app.test_client(), secret) == 200
    browser.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-pass", "confirm": "another-long-pass"})
    assert me(app.test_client(), secret) == 401
    html = browser.get("/account").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td>made from a stolen session</td>.*?</tr>", html, re.S).group(0)
    assert "已吊销" in row


def test_an_admin_reset_revokes_the_api_tokens(app, people):
    secret = factories.token(people.member_a)
    admin = login(app.test_client(), people.admin)
    admin.post(f"/admin/users/{people.member_a.id}/password", data={"password": "reset-by-the-admin"})
    assert me(app.test_client(), secret) == 401


def test_creating_a_token_asks_for_the_password(app, people, db):
    browser = login(app.test_client(), people.staff)
    html = browser.get("/account").get_data(as_text=True)
    assert 'name="password"' in html
    response = browser.post("/account/tokens", data={"name": "ERP", "password": "not-my-password"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="password"[^>]*>\s*<div class="invalid-feedback">密码不正确。</div>', html)
    assert db.session.scalars(select(ApiToken)).all() == []

    response = browser.post("/account/tokens", data={"name": "ERP", "password": factories.PASSWORD})
    assert response.status_code == 201
    secret = re.search(r'class="d-block user-select-all new-token">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert me(app.test_client(), secret) == 200


def test_password_guesses_on_my_account_are_throttled_like_logins(app, people, db):
    browser = login(app.test_client(), people.staff)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_PAIR"]):
        assert browser.post("/account/tokens", data={"password": "guess-guess"}).status_code == 422
    response = browser.post("/account/tokens", data={"password": factories.PASSWORD})
    assert response.status_code == 429
    assert db.session.scalars(select(ApiToken)).all() == []
    response = browser.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-pass", "confirm": "another-long-pass"})
    assert response.status_code == 429
