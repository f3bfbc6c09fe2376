"""Organization services: create, update, membership status, contacts,
applications. They flush, never commit."""
from datetime import date
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..core.errors import ServiceError
from ..extensions import db
from ..core.i18n import request_language
from ..core.text import clean_line, comparison_key
from .messages import APPROVED, REJECTED, tell_decision, tell_received
from .models import Contact, MembershipStatus, Organization, OrganizationKind, StatusChange, Tier, tier_rank
from ..core.validation import line
from .validation import (ALL_FIELDS, MEMBER_EDITABLE, Problems, check_uscc_or_reason, clean_contact,
                         clean_organization)

S = MembershipStatus


def _raise(problems: Problems, status: int = 422) -> None:
    if problems:
        raise ServiceError(errors=problems, status=status)


def find_duplicates(values: Mapping[str, Any], exclude_id: int | None = None, *, disclose: bool = True) -> Problems:
    """Existing organizations with the same name (look-alikes included) or code;
    named with their number only to the secretariat (`disclose`)."""
    problems = Problems()
    checks = []
    if values.get("name"):
        checks.append(("name", Organization.name_key == comparison_key(values["name"])))
    if values.get("uscc"):
        checks.append(("uscc", Organization.uscc == values["uscc"]))
    for field, condition in checks:
        query = select(Organization).where(condition)
        if exclude_id is not None:
            query = query.where(Organization.id != exclude_id)
        existing = db.session.scalar(query.limit(1))
        if existing is not None and not disclose:
            problems.add(field, _l("An organization with this name is known to the secretariat already. If it is "
                                   "yours, log in, or contact the secretariat.") if field == "name" else
                         _l("An organization with this credit code is known to the secretariat already. If it is "
                            "yours, log in, or contact the secretariat."))
        elif existing is not None:
            message = (_l("Already registered: %(name)s (no. %(id)d).", name=existing.name, id=existing.id)
                       if field == "name" else
                       _l("This credit code belongs to %(name)s (no. %(id)d).", name=existing.name, id=existing.id))
            problems.add(field, message)
    return problems


def _flush_unique() -> None:
    """Flush; a race lost on a unique column becomes a clear 409."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ServiceError(_l("Another organization with this name or credit code was saved just now."),
                           status=409)


def create_organization(data: Mapping[str, Any], actor=None) -> Organization:
    values, problems = clean_organization(data)
    check_uscc_or_reason(problems, values)
    _raise(problems)
    duplicates = find_duplicates(values)
    _raise(duplicates, status=409)
    org = Organization(**values)
    org.membership_status = S.non_member
    db.session.add(org)
    _flush_unique()
    return org


def update_organization(org: Organization, data: Mapping[str, Any], actor) -> Organization:
    """Change the fields present in `data`; a member representative may change
    only its contact details."""
    allowed = ALL_FIELDS if actor.is_secretariat else MEMBER_EDITABLE
    values, problems = clean_organization(data, allowed=allowed, partial=True)
    code_fields = ("uscc", "country", "uscc_exempt_reason")
    if any(field in values for field in code_fields):
        check_uscc_or_reason(problems, {field: getattr(org, field) for field in code_fields} | values)
    _raise(problems)
    _raise(find_duplicates(values, exclude_id=org.id), status=409)
    for field, value in values.items():
        setattr(org, field, value)
    _flush_unique()
    return org


# Which membership status can follow which. Applications are decided through
# approve/reject; everything else is the secretariat's call with a reason.
TRANSITIONS = {
    S.non_member: {S.applicant, S.active},
    S.applicant: {S.active, S.rejected},
    S.active: {S.suspended, S.withdrawn},
    S.suspended: {S.active, S.withdrawn},
    S.withdrawn: {S.active, S.non_member},
    S.rejected: {S.applicant, S.active, S.non_member},
}


def change_status(org: Organization, new_status: MembershipStatus | str, reason: str, actor,
                  *, tier: Tier | None = None) -> StatusChange:
    try:
        new_status = MembershipStatus(new_status)
    except ValueError:
        raise ServiceError(_l("Unknown membership status."), field="status")
    problems = Problems()
    reason = line(problems, "reason", reason, 500)
    _raise(problems)
    if not reason:
        raise ServiceError(_l("Give a reason for the change; it is kept in the history."), field="reason")
    if new_status not in TRANSITIONS[org.membership_status]:
        raise ServiceError(_l("An organization cannot go from %(old)s to %(new)s.",
                              old=status_label(org.membership_status), new=status_label(new_status)),
                           field="status", status=409)
    change = StatusChange(organization=org, from_status=org.membership_status, to_status=new_status,
                          reason=reason, actor_id=getattr(actor, "id", None))
    org.membership_status = new_status
    if new_status == S.active:
        org.joined_on = org.joined_on or date.today()
        org.tier = tier or org.tier or Tier.member
    db.session.add(change)
    db.session.flush()
    return change


def status_label(status: MembershipStatus) -> str:
    from .labels import STATUS_LABELS

    return str(STATUS_LABELS[status])


# --- contacts -------------------------------------------------------------------------------------

def _one_main_contact(org: Organization, main: Contact) -> None:
    for contact in org.contacts:
        if contact is not main and contact.is_main:
            contact.is_main = False


def _check_contact_duplicate(org: Organization, values: Mapping[str, Any], exclude_id=None) -> None:
    problems = Problems()
    for contact in org.contacts:
        if contact.id == exclude_id or contact.id is None:
            continue
        if values.get("mobile") and contact.mobile == values["mobile"]:
            problems.add("mobile", _l("This mobile number belongs to %(name)s already.", name=contact.name))
        if values.get("email") and contact.email == values["email"]:
            problems.add("email", _l("This email belongs to %(name)s already.", name=contact.name))
    _raise(problems, status=409)


def add_contact(org: Organization, data: Mapping[str, Any], actor=None) -> Contact:
    values, problems = clean_contact(data)
    _raise(problems)
    _check_contact_duplicate(org, values)
    contact = Contact(**values)
    org.contacts.append(contact)
    if contact.is_main or len(org.contacts) == 1:
        contact.is_main = True
        _one_main_contact(org, contact)
    db.session.flush()
    return contact


def update_contact(contact: Contact, data: Mapping[str, Any], actor=None) -> Contact:
    values, problems = clean_contact(data, partial=True)
    _raise(problems)
    _check_contact_duplicate(contact.organization, values, exclude_id=contact.id)
    for field, value in values.items():
        setattr(contact, field, value)
    if contact.is_main:
        _one_main_contact(contact.organization, contact)
    db.session.flush()
    return contact


def delete_contact(contact: Contact, actor=None) -> None:
    org = contact.organization
    org.contacts.remove(contact)
    db.session.flush()
    if contact.is_main and org.contacts:
        org.contacts[0].is_main = True
        db.session.flush()


# --- applications ------------------------------------------------------------------------------

def submit_application(org_data: Mapping[str, Any], contact_data: Mapping[str, Any],
                       account: Mapping[str, Any]):
    """A public membership application: the organization (status applicant), its
    main contact and the applicant's account, which can only follow the
    application until the secretariat approves it.

    The answer never tells whether an email has an account: with one that has,
    the application is kept without a new account (the audit log says so), and
    the applicant sees the same thanks. Returns (organization, user or None)."""
    from ..accounts.models import Role, User
    from ..accounts.services import create_user, normalize_email

    values, problems = clean_organization(org_data, allowed=ALL_FIELDS - {"notes", "tier", "joined_on"},
                                          partial=True)
    if not values.get("name") and "name" not in problems:
        problems.add("name", _l("This field is required."))
    values.setdefault("country", "CN")
    check_uscc_or_reason(problems, values)
    contact_values, contact_problems = clean_contact(contact_data)
    for field, messages in contact_problems.items():
        problems.setdefault(f"contact_{field}", []).extend(messages)
    email = normalize_email(account.get("email", ""))
    has_account = db.session.scalar(select(User.id).where(User.email == email)) is not None
    _raise(problems)
    _raise(find_duplicates(values, disclose=False), status=409)
    org = Organization(**values)
    org.membership_status = S.applicant
    db.session.add(org)
    _flush_unique()
    db.session.add(StatusChange(organization=org, from_status=None, to_status=S.applicant,
                                reason=str(_l("Application submitted"))))
    contact_values["is_main"] = True
    org.contacts.append(Contact(**contact_values))
    if has_account:
        record(db.session, "application_with_existing_account", org, object_label=f"{org.name} <{email}>")
        tell_received(org, email, contact_values["name"], user=None)  # only the owner of the email reads it
        return org, None
    try:
        user = create_user(email, account.get("password", ""), Role.member, name=contact_values["name"],
                           organization_id=org.id)
    except ServiceError as exc:
        field = {"email": "account_email", "password": "account_password"}.get(exc.field, exc.field)
        raise ServiceError(exc.message, field=field, status=exc.status)
    user.locale = request_language()  # the language the applicant applied in, for the messages that follow
    record(db.session, "application_submitted", org, actor=user)
    tell_received(org, user.email, user.name, user=user)
    return org, user


def pending_applications() -> Select:
    """Oldest first; each card shows the main contact: selectin-loaded, one query and not one per card."""
    return (select(Organization).where(Organization.membership_status == S.applicant).order_by(Organization.id)
            .options(selectinload(Organization.contacts)))


def approve_application(org: Organization, actor, *, tier: Tier | None = None, reason: str = "") -> None:
    if org.membership_status != S.applicant:
        raise ServiceError(_l("Only pending applications can be approved."), status=409)
    change_status(org, S.active, reason or str(_l("Application approved")), actor, tier=tier)
    record(db.session, "application_approved", org, actor=actor)
    tell_decision(org, APPROVED)


def reject_application(org: Organization, reason: str, actor) -> None:
    if org.membership_status != S.applicant:
        raise ServiceError(_l("Only pending applications can be rejected."), status=409)
    change = change_status(org, S.rejected, reason, actor)
    record(db.session, "application_rejected", org, actor=actor)
    tell_decision(org, REJECTED, reason=change.reason)


# --- lists ------------------------------------------------------------------------------------

SORTS = {
    "name": Organization.name_key.asc(),
    "-name": Organization.name_key.desc(),
    "joined": Organization.joined_on.asc(),
    "-joined": Organization.joined_on.desc(),
    "created": Organization.id.asc(),
    "-created": Organization.id.desc(),
}


def organization_query(filters: Mapping[str, str]) -> Select:
    """The directory, searched, filtered and sorted; unknown filter values match nothing."""
    query = select(Organization)
    q = clean_line(filters.get("q"))[:100]
    if q:
        key = comparison_key(q)
        query = query.where(or_(
            Organization.name_key.contains(key, autoescape=True),
            func.lower(Organization.short_name).contains(q.lower(), autoescape=True),
            Organization.uscc.contains(q.upper().replace(" ", ""), autoescape=True),
            func.lower(Organization.name_en).contains(q.lower(), autoescape=True),
        ))
    for field, enum_cls, column in (("kind", OrganizationKind, Organization.kind),
                                    ("status", MembershipStatus, Organization.membership_status),
                                    ("tier", Tier, Organization.tier)):
        value = filters.get(field)
        if value:
            try:
                query = query.where(column == enum_cls(value))
            except ValueError:
                query = query.where(False)
    region = clean_line(filters.get("region"))[:50]
    if region:
        query = query.where(or_(Organization.province == region, Organization.city == region))
    sort = filters.get("sort") or "name"
    if sort not in SORTS and sort != "tier":
        sort = "name"
    order = [tier_rank() if sort == "tier" else SORTS[sort]]
    if sort not in ("name", "-name"):
        order.append(Organization.name_key)
    return query.order_by(*order, Organization.id)


def regions() -> list[str]:
    return list(db.session.scalars(
        select(Organization.province).where(Organization.province.is_not(None)).distinct()
        .order_by(Organization.province)
    ))


def organization_choices():
    """Every organization for a select box: a blank first, then by name."""
    from wtforms.fields.choices import SelectChoice

    orgs = db.session.execute(select(Organization.id, Organization.name).order_by(Organization.name_key)).all()
    return [SelectChoice("", "—")] + [SelectChoice(str(org_id), name) for org_id, name in orgs]


def directory_stamp() -> tuple:
    """What the public directory is made of, in one statement: the newest
    change to any organization (joining, leaving, a new name or tier all update
    its row) and how many there are (a deleted one lowers the count)."""
    return tuple(db.session.connection().execute(_DIRECTORY_STAMP).one())


# count(*), not count(id): PostgreSQL then reads ix_organizations_updated_at alone (index-only), as SQLite does.
_DIRECTORY_STAMP = select(func.max(Organization.updated_at), func.count())  # built once
