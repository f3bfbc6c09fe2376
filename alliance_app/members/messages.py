"""What applicants are told: their application received, approved (with the
way into their account) or rejected (with the reason)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import links
from ..accounts.models import Role, User
from ..core.i18n import request_language
from ..core.urls import absolute_url
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Kind, register_kind
from .models import Organization

RECEIVED = "application_received"
APPROVED = "application_approved"
REJECTED = "application_rejected"


def tell_received(org: Organization, email: str, name: str, *, user: User | None) -> None:
    """To the email the applicant gave for the account; `user` None: that email
    had an account already, so none was made (only its owner reads this)."""
    notify(RECEIVED, email, name=name, locale=request_language(), about=org, organization_id=org.id,
           new_account=user is not None)


def applicant_accounts(org: Organization) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organization_id == org.id, User.role == Role.member,
                                                      User.active.is_(True)).order_by(User.id)))


def tell_decision(org: Organization, kind: str, **params) -> None:
    """To each account of the organization; without one (an application kept for
    an email that had an account already), to its main contact."""
    accounts = applicant_accounts(org)
    for user in accounts:
        notify(kind, user.email, name=user.name, locale=user.locale, about=org, organization_id=org.id,
               user_id=user.id, **params)
    if not accounts:
        contact = next((c for c in org.contacts if c.is_main and c.email), None)
        if contact is not None:
            notify(kind, contact.email, name=contact.name, about=org, organization_id=org.id, user_id=None,
                   **params)


def _application(params, reveal: bool = True):
    org = db.session.get(Organization, params.get("organization_id") or 0)
    if org is None:
        return None
    user = db.session.get(User, params["user_id"]) if params.get("user_id") else None
    # An account no password opens yet (made by an administrator, the invitation unused): a link to set one.
    needs_password = user is not None and user.active and not user.has_usable_password
    return {"organization": org, "user": user, "needs_password": needs_password,
            "set_password_link": links.password_link(user, links.INVITATION) if needs_password and reveal else None,
            "valid_days": max(1, links.max_age(links.INVITATION) // 86400),
            "new_account": params.get("new_account", True), "reason": params.get("reason") or "",
            "login_url": absolute_url("accounts.login"), "forgot_url": absolute_url("accounts.forgot_password")}


SUBJECTS = {
    RECEIVED: _l("Membership application received: %(name)s"),
    APPROVED: _l("Membership application approved: %(name)s"),
    REJECTED: _l("Membership application not approved: %(name)s"),
}
DESCRIPTIONS = {
    RECEIVED: _l("Applicant: application received"),
    APPROVED: _l("Applicant: application approved (with the way into the account)"),
    REJECTED: _l("Applicant: application rejected, with the reason"),
}

for _name, _subject in SUBJECTS.items():
    register_kind(Kind(_name, subject=lambda context, s=_subject: str(s) % {"name": context["organization"].name},
                       template="application", context=_application, confidential=_name == APPROVED,
                       description=DESCRIPTIONS[_name]))
