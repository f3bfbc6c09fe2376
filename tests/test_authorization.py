"""Every URL rule of the app, and what each kind of user gets from it.
A rule missing from TABLE fails test_every_rule_is_in_the_table."""
import pytest

from alliance_app import create_app

from . import factories
from .conftest import TEST_SECRET, login

ROLES = ("anon", "member_a", "member_b", "staff", "admin")
LOGIN = 302  # anonymous visitors are sent to the login page


def expect(anon, member_a, member_b, staff, admin):
    return dict(zip(ROLES, (anon, member_a, member_b, staff, admin)))


PUBLIC = expect(200, 200, 200, 200, 200)
SIGNED_IN = expect(LOGIN, 200, 200, 200, 200)
ADMIN_ONLY = expect(LOGIN, 403, 403, 403, 200)
API_SIGNED_IN = expect(401, 200, 200, 200, 200)
SECRETARIAT = expect(LOGIN, 403, 403, 200, 200)
OWN_ORG = expect(LOGIN, 200, 403, 200, 200)  # org A's pages

# (endpoint, method): (url template filled from the fixtures, expected status per role)
TABLE = {
    ("main.index", "GET"): ("/", PUBLIC),
    ("main.healthz", "GET"): ("/healthz", PUBLIC),
    ("main.set_language", "POST"): ("/language", expect(302, 302, 302, 302, 302)),
    ("static", "GET"): ("/static/css/app.css", PUBLIC),
    ("bootstrap.static", "GET"): ("/bootstrap/static/css/bootstrap.min.css", PUBLIC),
    ("accounts.login", "GET"): ("/login", PUBLIC),
    # An empty form is refused, whoever sends it.
    ("accounts.login", "POST"): ("/login", expect(422, 422, 422, 422, 422)),
    ("accounts.logout", "POST"): ("/logout", expect(LOGIN, 302, 302, 302, 302)),
    ("accounts.profile", "GET"): ("/account", SIGNED_IN),
    ("accounts.change_password", "POST"): ("/account/password", expect(LOGIN, 422, 422, 422, 422)),
    # The form needs the password again: an empty one is refused.
    ("accounts.create_token", "POST"): ("/account/tokens", expect(LOGIN, 422, 422, 422, 422)),
    # A token can only be revoked by its owner: the admin's token is "not found" for everyone else.
    ("accounts.revoke_token", "POST"): ("/account/tokens/{admin_token_id}/revoke", expect(LOGIN, 404, 404, 404, 302)),
    # A session can only be ended by its user: the admin's other session is "not found" for everyone else.
    ("accounts.end_session", "POST"): ("/account/sessions/{admin_session_id}/end", expect(LOGIN, 404, 404, 404, 302)),
    ("accounts.log_out_everywhere", "POST"): ("/account/sessions/end-all", expect(LOGIN, 302, 302, 302, 302)),
    ("accounts.users", "GET"): ("/admin/users", ADMIN_ONLY),
    ("accounts.create_user", "GET"): ("/admin/users/new", ADMIN_ONLY),
    ("accounts.create_user", "POST"): ("/admin/users/new", expect(LOGIN, 403, 403, 403, 422)),
    ("accounts.deactivate_user", "POST"): ("/admin/users/{member_b_id}/deactivate", expect(LOGIN, 403, 403, 403, 302)),
    ("accounts.activate_user", "POST"): ("/admin/users/{member_b_id}/activate", expect(LOGIN, 403, 403, 403, 302)),
    ("accounts.reset_password", "GET"): ("/admin/users/{member_b_id}/password", ADMIN_ONLY),
    ("accounts.reset_password", "POST"): ("/admin/users/{member_b_id}/password", expect(LOGIN, 403, 403, 403, 422)),
    ("audit.audit_log", "GET"): ("/admin/audit", ADMIN_ONLY),
    # Member organizations
    ("members.directory", "GET"): ("/members", PUBLIC),
    ("members.apply", "GET"): ("/members/apply", expect(200, 302, 302, 302, 302)),
    ("members.apply", "POST"): ("/members/apply", expect(422, 302, 302, 302, 302)),
    ("members.application_status", "GET"): ("/members/application", expect(LOGIN, 302, 302, 403, 403)),
    ("members.my_organization", "GET"): ("/my/organization", expect(LOGIN, 302, 302, 403, 403)),
    ("members.organization_list", "GET"): ("/admin/organizations", SECRETARIAT),
    ("members.organization_create", "GET"): ("/admin/organizations/new", SECRETARIAT),
    ("members.organization_create", "POST"): ("/admin/organizations/new", expect(LOGIN, 403, 403, 422, 422)),
    ("members.organization_detail", "GET"): ("/organizations/{org_a_id}", OWN_ORG),
    ("members.organization_edit", "GET"): ("/organizations/{org_a_id}/edit", OWN_ORG),
    # An empty edit form keeps the current values (WTForms falls back to the object).
    ("members.organization_edit", "POST"): ("/organizations/{org_a_id}/edit", expect(LOGIN, 302, 403, 302, 302)),
    ("members.organization_status", "POST"): ("/organizations/{org_a_id}/status", expect(LOGIN, 403, 403, 422, 422)),
    ("members.contact_create", "GET"): ("/organizations/{org_a_id}/contacts/new", OWN_ORG),
    ("members.contact_create", "POST"): ("/organizations/{org_a_id}/contacts/new", expect(LOGIN, 422, 403, 422, 422)),
    ("members.contact_edit", "GET"): ("/organizations/{org_a_id}/contacts/{contact_a_id}/edit", OWN_ORG),
    ("members.contact_edit", "POST"): ("/organizations/{org_a_id}/contacts/{contact_a_id}/edit",
                                       expect(LOGIN, 302, 403, 302, 302)),
    ("members.contact_delete", "POST"): ("/organizations/{org_a_id}/contacts/{contact_a_id}/delete",
                                         expect(LOGIN, 302, 403, 302, 302)),
    ("members.application_list", "GET"): ("/admin/applications", SECRETARIAT),
    ("members.application_approve", "POST"): ("/admin/applications/{applicant_id}/approve",
                                              expect(LOGIN, 403, 403, 302, 302)),
    ("members.application_reject", "POST"): ("/admin/applications/{applicant_id}/reject",
                                             expect(LOGIN, 403, 403, 302, 302)),
    ("api-docs.openapi_json", "GET"): ("/api/v1/openapi.json", PUBLIC),
    ("api_me.me", "GET"): ("/api/v1/me", API_SIGNED_IN),
}


def _collect_rows_from_other_modules():
    """Test modules of a domain may add their rows as AUTHZ_ROWS (same shape as TABLE)."""
    import importlib
    import pkgutil
    from pathlib import Path

    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("test_") and info.name != "test_authorization":
            module = importlib.import_module(f"tests.{info.name}")
            TABLE.update(getattr(module, "AUTHZ_ROWS", {}))


_collect_rows_from_other_modules()


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method


def test_every_rule_is_in_the_table():
    missing = sorted(set(_rules()) - set(TABLE))
    assert not missing, f"Add these rules to the authorization table: {missing}"


def test_the_table_has_no_stale_rows():
    stale = sorted(set(TABLE) - set(_rules()))
    assert not stale, f"These rows name rules that no longer exist: {stale}"


def _url(people, url_template):
    from sqlalchemy import select

    from alliance_app.accounts.models import ApiToken
    from alliance_app.accounts.services import start_session
    from alliance_app.extensions import db

    admin_session_id = start_session(people.admin).id  # the admin signed in elsewhere too
    db.session.commit()
    values = {
        "admin_session_id": admin_session_id,
        "admin_token_id": db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == people.admin.id)),
        "member_b_id": people.member_b.id,
        "org_a_id": people.org_a.id,
        "contact_a_id": people.contact_a.id,
        "applicant_id": people.applicant.id,
        "event_id": people.meeting.event.id,
        "event_slug": people.meeting.event.slug,
        "draft_slug": people.draft.event.slug,
        "draft_id": people.draft.event.id,
        "session_id": people.meeting.session.id,
        "item_id": people.meeting.item.id,
        "organizer_id": people.meeting.organizer.id,
        "person_id": people.meeting.person.id,
        "participant_id": people.meeting.participant.id,
        "registration_id": people.registration_a.id,
        "ticket_code": people.registration_a.ticket_code,
        "agreement_id": people.agreement.id,
        "verification_code": people.agreement.verification_code,
    }
    if any(f"{{{name}}}" in url_template for name in ("bill_id", "payment_id", "invoice_request_id")):
        values.update(factories.finance_rows(people))  # alliance_app/finance's rows
    if "{question_id}" in url_template:  # a question of the open meeting
        values["question_id"] = factories.question(people.meeting.event).id
    if "{invitation_code}" in url_template or "{invitation_id}" in url_template:  # a guest invitation
        invitation = factories.invitation(people.meeting.event, people.staff)
        values.update(invitation_code=invitation.code, invitation_id=invitation.id)
    if "{job_id}" in url_template:  # a document the worker built for the secretariat
        values["job_id"] = factories.document_job(people.meeting.event, people.staff).id
    if any(f"{{{name}}}" in url_template for name in ("signed_agreement_id", "report_id", "attachment_id")):
        report = factories.progress_report(people)  # the agreement signed, org A's report with a photo
        values.update(signed_agreement_id=report.agreement_id, report_id=report.id,
                      attachment_id=report.attachments[0].id)
    return url_template.format(**values)


def _call(client, people, user, url, method, admin_token_secret=None):
    headers = {}
    if user is not None:
        if url.startswith("/api/"):
            headers["Authorization"] = f"Bearer {admin_token_secret or factories.token(user)}"
        else:
            login(client, user)
    return client.open(url, method=method, headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda key: f"{key[1]} {key[0]}")
def test_access(client, people, role, key):
    url_template, expected = TABLE[key]
    method = key[1]
    admin_token_secret = factories.token(people.admin)
    url = _url(people, url_template)
    user = None if role == "anon" else getattr(people, role)
    response = _call(client, people, user, url, method, admin_token_secret if role == "admin" else None)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:500]
    if expected[role] == LOGIN and role == "anon" and not url.startswith("/api/") and key[0] not in (
        "main.set_language",
    ):
        assert "/login" in response.headers["Location"]


# An account whose organization is not a member (an applicant, a rejected or a withdrawn one)
# follows its application: these pages are its own; every other page org A's member account
# reaches is refused, and its API tokens answer only /me.
NOT_A_MEMBER_OWN = {
    ("members.application_status", "GET"): 200,
    ("members.my_organization", "GET"): 302,
    ("members.organization_detail", "GET"): 302,  # to the application's page
    ("api_me.me", "GET"): 200,
    # Refused before the batch is looked up (a member gets "not found" for a batch not its own).
    ("registrations.receipt_commit", "POST"): 403,
}


def not_a_member_expects(key) -> int:
    url_template, expected = TABLE[key]
    member = expected["member_a"]
    if key in NOT_A_MEMBER_OWN:
        return NOT_A_MEMBER_OWN[key]
    if url_template.startswith("/api/"):
        return 403
    public = expected["anon"] not in (LOGIN, 401)
    account_page = key[0].startswith(("accounts.", "main."))
    if public or account_page or member in (403, 404):
        return member
    return 403


# Every rule for an applicant; the other statuses that are not membership go through the same
# rule (User.member_organization_id), so a sample of member pages and the API suffices for them.
SAMPLE = [("registrations.register", "GET"), ("registrations.mine", "GET"), ("agreements.mine", "GET"),
          ("members.organization_detail", "GET"), ("members.application_status", "GET"),
          ("api_organizations.organizations", "GET"), ("api_me.me", "GET")]
CASES = [("applicant", key) for key in sorted(TABLE)] + \
        [(status, key) for status in ("rejected", "withdrawn") for key in SAMPLE]


@pytest.mark.parametrize("status, key", CASES, ids=lambda value: value if isinstance(value, str) else
                         f"{value[1]} {value[0]}")
def test_access_follows_the_membership_status(client, people, status, key):
    from alliance_app.extensions import db
    from alliance_app.members.models import MembershipStatus

    people.org_a.membership_status = MembershipStatus(status)
    db.session.commit()
    admin_token_secret = factories.token(people.admin)  # the admin's token row, named by one URL
    assert admin_token_secret
    url = _url(people, TABLE[key][0])
    response = _call(client, people, people.member_a, url, key[1])
    assert response.status_code == not_a_member_expects(key), response.get_data(as_text=True)[:500]
