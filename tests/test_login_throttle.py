"""Failed-login throttling (accounts/throttle.py): brute force stays impractical,
and nobody can lock an account's owner out by failing on purpose."""
import re
from datetime import timedelta

from sqlalchemy import select

from alliance_app.accounts.models import LoginFailure
from alliance_app.accounts.throttle import address_key
from alliance_app.audit.models import AuditEntry

from . import factories

OWNER = "192.168.7.20"


def age_failures(db, by: timedelta) -> None:
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at -= by
    db.session.commit()


def attempt(client, email, password=factories.PASSWORD, address="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_owner_logs_in_while_an_attacker_at_other_addresses_keeps_failing(app, people):
    attacker = app.test_client()
    answers = [attempt(attacker, people.admin.email, "wrong-password", f"10.0.0.{n % 4}").status_code
               for n in range(30)]  # four addresses: refused (401), then blocked or slowed (429)
    assert set(answers) == {401, 429} and answers[-4:] == [429] * 4
    owner = app.test_client()
    assert attempt(owner, people.admin.email, address=OWNER).status_code == 302


def test_an_attacker_at_one_address_gets_five_tries_then_is_blocked(app, people):
    limit = app.config["LOGIN_MAX_FAILURES_PER_PAIR"]
    attacker = app.test_client()
    for _ in range(limit):
        assert attempt(attacker, people.staff.email, "wrong-password").status_code == 401
    # From that address even the right password waits now, and the page says for how long.
    response = attempt(attacker, people.staff.email)
    assert response.status_code == 429
    assert "分钟后再试" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 60
    # Another account from the same address, and the same account from elsewhere, are not affected.
    assert attempt(app.test_client(), people.admin.email).status_code == 302
    assert attempt(app.test_client(), people.staff.email, address=OWNER).status_code == 302


def test_the_block_ends_with_the_window(app, people, db):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_PAIR"]):
        attempt(app.test_client(), people.staff.email, "wrong-password")
    assert attempt(app.test_client(), people.staff.email).status_code == 429
    age_failures(db, app.config["LOGIN_WINDOW"])
    assert attempt(app.test_client(), people.staff.email).status_code == 302


def test_an_attacker_rotating_addresses_is_slowed_by_the_account_backoff(app, people):
    app.config["LOGIN_BACKOFF_AFTER"] = 3
    attacker = app.test_client()
    for n in range(4):  # one quick guess from each of four addresses
        assert attempt(attacker, people.staff.email, "wrong-password", f"10.1.0.{n}").status_code == 401
    # An address that has failed waits after the account's latest failure, right password or not.
    response = attempt(attacker, people.staff.email, address="10.1.0.0")
    assert response.status_code == 429
    assert "秒后再试" in response.get_data(as_text=True)
    # A new address still gets its answer: the owner's right password is never refused.
    assert attempt(attacker, people.staff.email, "wrong-password", "10.1.0.9").status_code == 401
    assert attempt(app.test_client(), people.staff.email, address=OWNER).status_code == 302


def test_failed_logins_are_throttled_per_address_across_accounts(client, people, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    for n in range(4):
        attempt(client, f"guess{n}@example.com", "wrong-password")
    assert attempt(client, people.staff.email).status_code == 429
    assert attempt(client, people.staff.email, address="10.0.0.9").status_code == 302


def test_ipv6_addresses_count_per_64_network(app, people):
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:10.0.0.1") == "10.0.0.1"
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_PAIR"]):
        attempt(app.test_client(), people.staff.email, "wrong-password", f"2001:db8:1:2::{n + 1}")
    assert attempt(app.test_client(), people.staff.email, address="2001:db8:1:2::ff").status_code == 429
    assert attempt(app.test_client(), people.staff.email, address="2001:db8:1:3::1").status_code == 302


def test_unknown_and_known_accounts_are_throttled_alike(app, people):
    answers = []
    for email in ("nobody@example.com", people.staff.email):
        for _ in range(app.config["LOGIN_MAX_FAILURES_PER_PAIR"]):
            attempt(app.test_client(), email, "wrong-password")
        response = attempt(app.test_client(), email, "wrong-password")
        page = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(email, "")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_a_successful_login_clears_that_address_only(client, people, app, db):
    limit = app.config["LOGIN_MAX_FAILURES_PER_PAIR"]
    for _ in range(limit - 1):
        attempt(client, people.staff.email, "wrong-password")
        attempt(client, people.staff.email, "wrong-password", "10.2.0.1")
    assert attempt(client, people.staff.email).status_code == 302
    client.post("/logout")
    for _ in range(limit - 1):
        attempt(client, people.staff.email, "wrong-password")
    assert attempt(client, people.staff.email).status_code == 302
    # The other address's failures still count against it.
    attempt(client, people.staff.email, "wrong-password", "10.2.0.1")
    assert attempt(client, people.staff.email, address="10.2.0.1").status_code == 429


def test_the_owner_is_told_of_failed_attempts_at_the_next_login(app, people, db):
    for n in range(3):
        attempt(app.test_client(), people.admin.email, "wrong-password", f"10.3.0.{n}")
    owner = app.test_client()
    response = attempt(owner, people.admin.email, address=OWNER)
    assert response.status_code == 302
    page = owner.get("/").get_data(as_text=True)
    assert "自您上次登录以来，有 3 次登录失败" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "failed_logins_reported"))
    assert entry.object_id == str(people.admin.id) and entry.changes == {"failed_attempts": [None, 3]}
    # Told once: the next login has nothing to report.
    again = app.test_client()
    attempt(again, people.admin.email, address=OWNER)
    assert "登录失败" not in again.get("/").get_data(as_text=True)


def test_the_notice_is_in_english_too(app, people):
    attempt(app.test_client(), people.admin.email, "wrong-password", "10.3.0.1")
    owner = app.test_client()
    owner.set_cookie("alliance_lang", "en")
    attempt(owner, people.admin.email, address=OWNER)
    assert "1 failed login attempt since your last login" in owner.get("/").get_data(as_text=True)


def test_old_failures_are_forgotten(app, people, db):
    attempt(app.test_client(), people.staff.email, "wrong-password")
    age_failures(db, app.config["LOGIN_FAILURE_RETENTION"] + timedelta(minutes=1))
    attempt(app.test_client(), people.staff.email, "wrong-password")
    assert len(db.session.scalars(select(LoginFailure)).all()) == 1
