"""Passwords set through a personal link: "Forgot your password?" (an hour), the
invitation of an account an administrator creates (a week), the API's request.
The link travels in the message sent only: the outbox keeps (and the
secretariat previews) a placeholder instead."""
import re

import pytest
from sqlalchemy import select

from alliance_app.accounts import links
from alliance_app.accounts.models import ApiToken, Role, User, UserSession
from alliance_app.accounts.services import start_session
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus

from . import factories
from .conftest import ApiClient, login

LINK = re.compile(r"http://localhost/password/set/[A-Za-z0-9._-]+")
NEW_PASSWORD = "a-brand-new-password"


def queued(db, kind=None):
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalars(query).all()


def deliver_link(db, mailbox, message: Message) -> str:
    """Deliver the message; the link from the copy the mail server got."""
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status == MessageStatus.sent
    sent = mailbox[-1]
    assert sent.to and message.recipient_email in sent.to[0]
    found = LINK.findall(sent.body)
    assert found and found[0] in sent.alternatives[0][0]  # the same link in the HTML part
    assert not LINK.search(message.body_text or "") and not LINK.search(message.body_html or "")
    return found[0].removeprefix("http://localhost")


def ask_for_reset(client, email):
    return client.post("/password/forgot", data={"email": email})


def test_forgot_password_end_to_end(client, app, people, db, mailbox):
    user = people.member_a
    elsewhere = start_session(user).token_hash  # signed in on another browser
    db.session.commit()
    factories.token(user)
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page and "忘记密码？" in login_page

    answer = ask_for_reset(client, user.email.upper())
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    [message] = queued(db)
    assert (message.kind, message.recipient_email, message.status) == ("password_reset", user.email,
                                                                       MessageStatus.queued)
    path = deliver_link(db, mailbox, message)
    assert "重置" in message.subject and "[个人专用链接" in message.body_text

    form = client.get(path)
    assert form.status_code == 200 and user.email in form.get_data(as_text=True)
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "something-else"})
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # logged in by the link
    sessions = db.session.scalars(select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    assert len(sessions) == 1 and elsewhere not in sessions  # every other session ended; this one is new
    assert all(t.revoked_at for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)))
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)

    again = app.test_client().get(path)
    assert again.status_code == 410 and "该链接已被使用" in again.get_data(as_text=True)
    reuse = app.test_client().post(path, data={"password": "yet-another-password", "confirm": "yet-another-password"})
    assert reuse.status_code == 410
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_an_unknown_email_gets_the_same_answer(app, people, db):
    people.member_b.active = False
    db.session.commit()
    answers = []
    for email in (people.member_a.email, "nobody@nowhere.example", people.member_b.email):
        client = app.test_client()
        response = ask_for_reset(client, email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.search(r'role="alert"[^>]*>(.*?)<', page, re.S).group(1).strip()))
    assert answers[0] == answers[1] == answers[2]
    assert "如果该邮箱有账户" in answers[0][2]
    assert [m.recipient_email for m in queued(db)] == [people.member_a.email]  # not the unknown, not the inactive


def test_requests_are_limited_per_email_and_per_address(app, people, db):
    app.config.update(PASSWORD_RESET_LIMIT_PER_EMAIL=2, PASSWORD_RESET_LIMIT_PER_ADDRESS=4)
    client = app.test_client()
    for email in (people.member_a.email, "nobody@nowhere.example"):
        statuses = [ask_for_reset(client, email).status_code for _ in range(3)]
        assert statuses == [302, 302, 429]  # the same for a known and an unknown email
    assert "请求次数过多" in ask_for_reset(client, people.staff.email).get_data(as_text=True)  # the address's 4 are used
    assert len(queued(db)) == 2
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert ask_for_reset(other, people.staff.email).status_code == 302


def test_an_expired_link_is_refused_and_a_new_one_works(client, people, db, mailbox, monkeypatch):
    ask_for_reset(client, people.staff.email)
    path = deliver_link(db, mailbox, queued(db)[0])
    later = links._now() + 3601
    monkeypatch.setattr(links, "_now", lambda: later)
    refused = client.get(path)
    assert refused.status_code == 410 and "该链接已过期" in refused.get_data(as_text=True)
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 410
    assert 'href="/password/forgot"' in refused.get_data(as_text=True)
    assert not db.session.get(User, people.staff.id).check_password(NEW_PASSWORD)


@pytest.mark.parametrize("change", [lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                                    lambda token: token[:20], lambda token: "x" * 500, lambda token: "not.a.token"])
def test_an_altered_link_is_refused_without_a_stack_trace(client, people, db, mailbox, change):
    ask_for_reset(client, people.staff.email)
    token = deliver_link(db, mailbox, queued(db)[0]).rsplit("/", 1)[1]
    for method in ("get", "post"):
        response = getattr(client, method)(f"/password/set/{change(token)}",
                                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "该链接无效" in page and "Traceback" not in page
    assert not db.session.get(User, people.staff.id).check_password(NEW_PASSWORD)


def test_a_link_of_another_user_or_another_purpose_cannot_be_forged(app, people, db):
    """The payload is signed: the id or the purpose changed is another token, refused."""
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("not-the-secret-key-" + "y" * 30, salt=links.SALT).dumps(
        [people.admin.id, links.INVITATION, links.fingerprint(people.admin)])
    assert app.test_client().get(f"/password/set/{forged}").status_code == 400


def test_the_link_dies_when_the_password_changes_otherwise(client, people, db, mailbox):
    from alliance_app.accounts.services import set_password

    ask_for_reset(client, people.staff.email)
    path = deliver_link(db, mailbox, queued(db)[0])
    set_password(people.staff, "set-by-the-admin-123", people.admin)
    db.session.commit()
    assert client.get(path).status_code == 410


def test_using_a_link_while_someone_else_is_logged_in_here(client, people, db, mailbox):
    ask_for_reset(client, people.staff.email)
    path = deliver_link(db, mailbox, queued(db)[0])
    login(client, people.member_a)
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    # member A's session in this browser has ended; the staff member's has begun
    assert db.session.scalars(select(UserSession.user_id)).all() == [people.staff.id]
    assert people.staff.email in client.get("/account").get_data(as_text=True)


def test_the_secretariat_previews_the_message_without_the_link(client, people, db, mailbox):
    ask_for_reset(client, people.admin.email)
    message = queued(db)[0]
    login(client, people.staff)
    for url in (f"/admin/messages/{message.id}", f"/admin/messages/{message.id}/preview"):
        page = client.get(url).get_data(as_text=True)
        assert "/password/set/" not in page and "个人专用链接" in page
    deliver_link(db, mailbox, message)  # the recipient's copy has it
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "/password/set/" not in page


# --- invitations ------------------------------------------------------------------------------

def test_a_new_account_is_invited_to_choose_its_password(app, people, db, mailbox, monkeypatch):
    admin = login(app.test_client(), people.admin)
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'type="password"' not in form and "7 天" in form
    created = admin.post("/admin/users/new", data={"email": "New.Rep@Member.example", "name": "新代表",
                                                   "role": "member", "organization_id": people.org_a.id})
    assert created.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.rep@member.example"))
    assert not user.has_usable_password and not user.check_password("")
    assert "已邀请" in admin.get("/admin/users").get_data(as_text=True)
    [message] = queued(db)
    assert (message.kind, message.recipient_email) == ("account_invitation", "new.rep@member.example")
    path = deliver_link(db, mailbox, message)
    sent = mailbox[-1].body
    assert "甲单位有限公司" in sent and "7 天" in sent and "http://localhost/password/forgot" in sent

    # A week is longer than a reset's hour.
    start = links._now()
    monkeypatch.setattr(links, "_now", lambda: start + 6 * 86400)
    newcomer = app.test_client()
    page = newcomer.get(path).get_data(as_text=True)
    assert "设置您的密码" in page
    assert newcomer.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert newcomer.get("/account").status_code == 200
    assert db.session.get(User, user.id).has_usable_password
    assert app.test_client().get(path).status_code == 410


def test_an_invitation_expires_after_a_week(app, people, db, mailbox, monkeypatch):
    admin = login(app.test_client(), people.admin)
    admin.post("/admin/users/new", data={"email": "late@secretariat.example", "role": "staff"})
    path = deliver_link(db, mailbox, queued(db, "account_invitation")[0])
    start = links._now()
    monkeypatch.setattr(links, "_now", lambda: start + 7 * 86400 + 1)
    assert app.test_client().get(path).status_code == 410


def test_an_invited_user_can_also_use_forgot_password(client, people, db, mailbox):
    from alliance_app.accounts.recovery import invite_user

    invite_user("invited@secretariat.example", Role.staff, people.admin)
    db.session.commit()
    ask_for_reset(client, "invited@secretariat.example")
    path = deliver_link(db, mailbox, queued(db, "password_reset")[0])
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


# --- the API ---------------------------------------------------------------------------------

def test_the_api_answers_202_whatever_the_email(client, people, db):
    api = ApiClient(client)
    known = api.post("/api/v1/password-reset", json={"email": people.member_a.email})
    unknown = api.post("/api/v1/password-reset", json={"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert known.get_json()["message"].startswith("If an account exists for this email")
    assert [(m.kind, m.recipient_email) for m in queued(db)] == [("password_reset", people.member_a.email)]


@pytest.mark.parametrize("body, status, field", [
    ("not json", 400, None), ("[1]", 422, None), ("{}", 422, "email"), ('{"email": 5}', 422, "email"),
    ('{"email": null}', 422, "email"), ('{"email": "x@y.example", "more": 1}', 422, "more"),
    ('{"email": "not-an-email"}', 422, "email"),
])
def test_the_api_refuses_a_bad_body_in_json(client, people, db, body, status, field):
    response = ApiClient(client).post("/api/v1/password-reset", data=body, content_type="application/json")
    assert response.status_code == status and response.is_json
    if field:
        assert field in response.get_json()["errors"]
    assert queued(db) == []


def test_the_api_is_limited_too(app, client, people, db):
    app.config["PASSWORD_RESET_LIMIT_PER_EMAIL"] = 1
    api = ApiClient(client)
    assert api.post("/api/v1/password-reset", json={"email": people.staff.email}).status_code == 202
    limited = api.post("/api/v1/password-reset", json={"email": people.staff.email})
    assert limited.status_code == 429 and limited.get_json()["status"] == 429
    assert len(queued(db)) == 1


EVERYONE = dict(anon=200, member_a=200, member_b=200, staff=200, admin=200)
AUTHZ_ROWS = {
    ("accounts.forgot_password", "GET"): ("/password/forgot", EVERYONE),
    # An empty form is refused, whoever sends it.
    ("accounts.forgot_password", "POST"): ("/password/forgot", {role: 422 for role in EVERYONE}),
    # A link that is not one is refused, whoever opens it.
    ("accounts.password_link", "GET"): ("/password/set/not-a-link", {role: 400 for role in EVERYONE}),
    ("accounts.password_link", "POST"): ("/password/set/not-a-link", {role: 400 for role in EVERYONE}),
    # Anonymous; an empty body is not a JSON object.
    ("api_accounts.password_reset", "POST"): ("/api/v1/password-reset", {role: 400 for role in EVERYONE}),
}
