from functools import lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.labels import ROLE_LABELS
from ..core.conditional import cacheable
from ..core.errors import ServiceError
from ..extensions import db
from ..core.formflow import form_data, submit
from ..core.i18n import translated
from ..core.permissions import load_for, login_required, member_account_required, secretariat_required
from ..core.params import paginate
from ..core.throttle import Throttle
from . import bp, services
from .forms import (ApplicationForm, ApproveForm, ContactForm, OrganizationForm, ProfileForm, RejectForm,
                    StatusForm)
from .labels import KIND_LABELS, STATUS_LABELS, TIER_LABELS
from .messages import applicant_accounts
from .models import Contact, MembershipStatus, Organization, tier_rank

LIST_FILTERS = ("q", "kind", "status", "tier", "region", "sort")


def _initial_values(obj) -> dict:
    """A record's values as a form shows them: enums as their values, no None in selects."""
    values = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key)
        values[column.key] = value.value if hasattr(value, "value") else value
    values["tier"] = values.get("tier") or ""
    return values


def _status_code() -> int:
    return 422 if request.method == "POST" else 200


def current_filters() -> dict:
    return {key: request.args.get(key, "") for key in LIST_FILTERS if request.args.get(key)}


# --- the secretariat's directory ------------------------------------------------------------

@bp.route("/admin/organizations")
@secretariat_required
def organization_list():
    filters = current_filters()
    page = paginate(services.organization_query(filters), per_page=50)
    # Contacts of the page in one query, whatever the page size.
    ids = [org.id for org in page.items]
    contacts = {}
    if ids:
        for contact in db.session.scalars(select(Contact).where(Contact.organization_id.in_(ids),
                                                                Contact.is_main.is_(True))):
            contacts[contact.organization_id] = contact
    return render_template("members/list.html", page=page, filters=filters, main_contacts=contacts,
                           regions=services.regions(), kinds=translated(KIND_LABELS),
                           statuses=translated(STATUS_LABELS), tiers=translated(TIER_LABELS))


@bp.route("/admin/organizations/new", methods=["GET", "POST"])
@secretariat_required
def organization_create():
    form = OrganizationForm()
    return submit(form, lambda data: services.create_organization(data, current_user),
                  _("%(name)s has been added to the directory.", name=form.name.data or ""),
                  lambda org: url_for("members.organization_detail", org_id=org.id), "members/form.html", org=None)


@bp.route("/organizations/<int:org_id>")
@login_required
def organization_detail(org_id):
    if current_user.is_member and current_user.organization_id == org_id and not current_user.can_self_serve:
        return redirect(url_for("members.application_status"))
    org = load_for(Organization, org_id, Organization.can_view)
    return render_template("members/detail.html", org=org, status_form=_status_form(org, formdata=None),
                           kinds=KIND_LABELS, statuses=STATUS_LABELS, tiers=TIER_LABELS, roles=ROLE_LABELS)


def _status_form(org, **kwargs) -> StatusForm:
    """Offers only the statuses this organization can move to."""
    form = StatusForm(**kwargs)
    allowed = services.TRANSITIONS[org.membership_status]
    form.status.choices = [choice for choice in form.status.choices if choice.value in allowed]
    return form


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def organization_edit(org_id):
    org = load_for(Organization, org_id, Organization.can_edit_profile)
    form_class = OrganizationForm if current_user.is_secretariat else ProfileForm
    form = form_class(data=_initial_values(org))
    return submit(form, lambda data: services.update_organization(org, data, current_user),
                  _("The changes have been saved."), lambda _r: url_for("members.organization_detail", org_id=org.id),
                  "members/form.html", org=org)


@bp.route("/organizations/<int:org_id>/status", methods=["POST"])
@secretariat_required
def organization_status(org_id):
    org = load_for(Organization, org_id, Organization.can_view)
    form = _status_form(org)
    if form.validate_on_submit():
        try:
            services.change_status(org, form.status.data, form.reason.data, current_user,
                                   tier=form.tier.data or None)
        except ServiceError as exc:
            exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("The membership status has been changed."), "success")
            return redirect(url_for("members.organization_detail", org_id=org.id))
    return render_template("members/detail.html", org=org, status_form=form, kinds=KIND_LABELS,
                           statuses=STATUS_LABELS, tiers=TIER_LABELS, roles=ROLE_LABELS), 422


# --- contacts (secretariat, and a representative for its own organization) ---------------------

def _contact_of(org_id, contact_id) -> Contact:
    org = load_for(Organization, org_id, Organization.can_edit_profile)
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.organization_id != org.id:
        abort(404)
    return contact


@bp.route("/organizations/<int:org_id>/contacts/new", methods=["GET", "POST"])
@login_required
def contact_create(org_id):
    org = load_for(Organization, org_id, Organization.can_edit_profile)
    return submit(ContactForm(), lambda data: services.add_contact(org, data, current_user),
                  _("The contact has been added."), lambda _r: url_for("members.organization_detail", org_id=org.id),
                  "members/contact_form.html", org=org, contact=None)


@bp.route("/organizations/<int:org_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def contact_edit(org_id, contact_id):
    contact = _contact_of(org_id, contact_id)
    return submit(ContactForm(obj=contact), lambda data: services.update_contact(contact, data, current_user),
                  _("The contact has been saved."), lambda _r: url_for("members.organization_detail", org_id=org_id),
                  "members/contact_form.html", org=contact.organization, contact=contact)


@bp.route("/organizations/<int:org_id>/contacts/<int:contact_id>/delete", methods=["POST"])
@login_required
def contact_delete(org_id, contact_id):
    contact = _contact_of(org_id, contact_id)
    services.delete_contact(contact, current_user)
    db.session.commit()
    flash(_("The contact has been removed."), "success")
    return redirect(url_for("members.organization_detail", org_id=org_id))


# --- applications ----------------------------------------------------------------------------

# Each application may reveal that an organization is known already: so many per address.
APPLICATIONS = Throttle("application", "APPLICATION_LIMIT", "APPLICATION_WINDOW_S")

@bp.route("/members/apply", methods=["GET", "POST"])
def apply():
    if current_user.is_authenticated:
        flash(_("You are logged in already; log out to apply for another organization."), "info")
        return redirect(url_for("main.index"))
    form = ApplicationForm()
    status = _status_code()
    if form.validate_on_submit():
        contact = {"name": form.contact_name.data, "position": form.contact_position.data,
                   "mobile": form.contact_mobile.data, "email": form.contact_email.data}
        account = {"email": form.account_email.data, "password": form.account_password.data}
        address = f"address:{request.remote_addr}"
        try:
            if APPLICATIONS.exceeded(address):
                raise ServiceError(_("Too many applications from your network in the last hour. Please try again "
                                     "later or contact the secretariat."), status=429)
            APPLICATIONS.hit(address)
            services.submit_application(form_data(form, ApplicationForm.ORGANIZATION_FIELDS), contact, account)
        except ServiceError as exc:
            exc.apply_to_form(form)
            status = 429 if exc.status == 429 else status
        else:
            db.session.commit()
            flash(_("Thank you. Your application has been received: log in with your email to follow it (if you "
                    "had an account with this email already, with that account)."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("members/apply.html", form=form), status


@bp.route("/members/application")
@member_account_required
def application_status():
    org = current_user.organization
    if current_user.can_self_serve:
        return redirect(url_for("members.organization_detail", org_id=org.id))
    return render_template("members/application.html", org=org, statuses=STATUS_LABELS)


APPLICATIONS_PAGE = 50  # cards with two forms each: about 2 ms a card


@bp.route("/admin/applications")
@secretariat_required
def application_list():
    page = paginate(services.pending_applications(), per_page=APPLICATIONS_PAGE)
    return render_template("members/applications.html", applications=page.items, page=page,
                           approve_form=ApproveForm(formdata=None), reject_form=RejectForm(formdata=None),
                           kinds=KIND_LABELS)


@bp.route("/admin/applications/<int:org_id>/approve", methods=["POST"])
@secretariat_required
def application_approve(org_id):
    org = load_for(Organization, org_id, Organization.can_view)
    form = ApproveForm()
    if form.validate_on_submit():
        services.approve_application(org, current_user, tier=form.tier.data)
        db.session.commit()
        flash(_("%(name)s is now a member.", name=org.name), "success")
        if not applicant_accounts(org):  # applied with an email that had an account already
            flash(_("%(name)s has no account yet: create one under Users; its holder gets an invitation to choose "
                    "a password.", name=org.name), "warning")
    else:
        flash(_("Choose a tier for the new member."), "danger")
    return redirect(url_for("members.application_list"))


@bp.route("/admin/applications/<int:org_id>/reject", methods=["POST"])
@secretariat_required
def application_reject(org_id):
    org = load_for(Organization, org_id, Organization.can_view)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_application(org, form.reason.data, current_user)
        except ServiceError as exc:
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The application of %(name)s has been rejected.", name=org.name), "success")
    else:
        flash(_("Give the applicant a reason for the rejection."), "danger")
    return redirect(url_for("members.application_list"))


# --- members' own area and the public directory --------------------------------------------------

@bp.route("/my/organization")
@member_account_required
def my_organization():
    return redirect(url_for("members.organization_detail", org_id=current_user.organization_id))


DIRECTORY_PAGE = 100


@lru_cache(maxsize=1)
def _directory_statement():
    """Built once: the CASE of the tiers and the statement's cache key, made on
    each request, cost more than the query (benchmarks/pages.py, issue 21 item 4)."""
    return (select(Organization).where(Organization.membership_status == MembershipStatus.active)
            .order_by(tier_rank(), Organization.name_key, Organization.id))


@bp.route("/members")
@cacheable(services.directory_stamp)
def directory():
    """Public: active members with their public details only."""
    # Pages of 100: at thousands of members one page of all of them costs time and bytes in proportion.
    page = paginate(_directory_statement(), per_page=DIRECTORY_PAGE)
    return render_template("members/directory.html", orgs=page.items, page=page, tiers=translated(TIER_LABELS),
                           kinds=translated(KIND_LABELS))
