"""What applicants are told: received, approved (the way into the account),
rejected (the reason); each message a row of the decision's own transaction."""
import re

from sqlalchemy import select

from alliance_app.accounts.models import Role, User
from alliance_app.members.models import Organization
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus

from .conftest import login
from .test_members import APPLICATION, demo_uscc

LINK = re.compile(r"http://localhost/password/set/[A-Za-z0-9._-]+")


def messages(db, kind=None):
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalars(query).all()


def rendered(db, message):
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status in (MessageStatus.not_sent, MessageStatus.sent)
    return message


def applied(app, db, **changes):
    assert app.test_client().post("/members/apply", data=dict(APPLICATION, **changes)).status_code == 302
    return db.session.scalar(select(Organization).where(Organization.name == changes.get("name", APPLICATION["name"])))


def test_the_applicant_is_told_the_application_was_received(app, people, db):
    org = applied(app, db)
    [message] = messages(db)
    assert (message.kind, message.recipient_email, message.recipient_name) == (
        "application_received", "chen@wuhu.example", "陈静")
    rendered(db, message)
    assert org.name in message.subject and "已收到" in message.subject
    assert "http://localhost/login" in message.body_text and "申请时设置的密码" in message.body_text


def test_an_application_refused_writes_no_message(app, people, db):
    response = app.test_client().post("/members/apply", data=dict(APPLICATION, contact_mobile="12345"))
    assert response.status_code == 422 and messages(db) == []


def test_the_owner_of_a_known_email_learns_why_no_account_was_made(app, people, db):
    """The page says the same as for a new email; the message, which only the
    owner of the address reads, says what happened."""
    org = applied(app, db, name="另一家电池有限公司", uscc=demo_uscc("91340200", "另一家"),
                  account_email=people.member_b.email)
    [message] = messages(db)
    assert (message.kind, message.recipient_email) == ("application_received", people.member_b.email)
    rendered(db, message)
    assert "此前已有账户" in message.body_text and org.name in message.body_text
    assert "/login" not in message.body_text.split("--")[0]


def test_approval_tells_the_account_how_to_log_in(app, people, db):
    org = applied(app, db, account_email="English@Wuhu.example")
    staff = login(app.test_client(), people.staff)
    assert staff.post(f"/admin/applications/{org.id}/approve", data={"tier": "member"}).status_code == 302
    [message] = messages(db, "application_approved")
    assert message.recipient_email == "english@wuhu.example"
    rendered(db, message)
    assert "已批准" in message.subject
    assert "http://localhost/login" in message.body_text and "http://localhost/password/forgot" in message.body_text
    assert not LINK.search(message.body_text)  # the applicant chose a password when applying


def test_approval_in_the_applicants_language(app, people, db):
    client = app.test_client()
    client.set_cookie("alliance_lang", "en")
    assert client.post("/members/apply", data=APPLICATION).status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == APPLICATION["name"]))
    staff = login(app.test_client(), people.staff)
    staff.post(f"/admin/applications/{org.id}/approve", data={"tier": "member"})
    received, approved = messages(db)
    assert received.locale == approved.locale == "en"
    assert rendered(db, approved).subject == f"Membership application approved: {org.name}"


def test_an_account_without_a_password_gets_a_link_to_set_one(app, people, db, mailbox):
    """An applicant's account an administrator invited (no password chosen yet):
    the approval carries the link to choose it, in the copy sent only."""
    from alliance_app.accounts.recovery import invite_user

    invite_user("rep@applicant.example", Role.member, people.admin, name="申请代表",
                organization_id=people.applicant.id)
    db.session.commit()
    staff = login(app.test_client(), people.staff)
    staff.post(f"/admin/applications/{people.applicant.id}/approve", data={"tier": "member"})
    [message] = messages(db, "application_approved")
    assert message.recipient_email == "rep@applicant.example"
    rendered(db, message)
    assert not LINK.search(message.body_text) and "[个人专用链接" in message.body_text
    link = LINK.search(mailbox[-1].body).group(0).removeprefix("http://localhost")
    newcomer = app.test_client()
    assert newcomer.post(link, data={"password": "chosen-password-1", "confirm": "chosen-password-1"}).status_code == 302
    assert db.session.scalar(select(User).where(User.email == "rep@applicant.example")).check_password(
        "chosen-password-1")


def test_an_approved_organization_without_an_account_is_told_through_its_contact(app, people, db):
    org = applied(app, db, name="另一家电池有限公司", uscc=demo_uscc("91340200", "另一家"),
                  account_email=people.member_b.email, contact_email="contact@another.example")
    staff = login(app.test_client(), people.staff)
    response = staff.post(f"/admin/applications/{org.id}/approve", data={"tier": "member"}, follow_redirects=True)
    assert "尚无账户" in response.get_data(as_text=True)  # the secretariat is told to create one
    [message] = messages(db, "application_approved")
    assert message.recipient_email == "contact@another.example"
    rendered(db, message)
    assert "秘书处将另行与您联系" in message.body_text


def test_rejection_tells_the_reason(app, people, db):
    org = applied(app, db)
    staff = login(app.test_client(), people.staff)
    staff.post(f"/admin/applications/{org.id}/reject", data={"reason": "经营范围与联盟无关 <b>"})
    [message] = messages(db, "application_rejected")
    assert message.recipient_email == "chen@wuhu.example"
    rendered(db, message)
    assert "未获批准" in message.subject
    assert "经营范围与联盟无关 <b>" in message.body_text  # the text part is not HTML
    assert "经营范围与联盟无关 &lt;b&gt;" in message.body_html


def test_a_rejection_refused_writes_no_message(app, people, db):
    org = applied(app, db)
    staff = login(app.test_client(), people.staff)
    staff.post(f"/admin/applications/{org.id}/reject", data={"reason": ""})
    assert messages(db, "application_rejected") == []
