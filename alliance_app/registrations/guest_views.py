"""Guests outside member organizations (invitation links, public registration),
the secretariat's invitations and approvals, and substitutes (换人)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..core.errors import ServiceError
from ..core.permissions import load_for, login_required, secretariat_required
from ..events.models import Event
from ..events.services import event_by_slug
from ..extensions import db
from ..members.services import organization_choices
from . import question_services
from . import answer_fields, bp, invitations, substitutes
from .guest_forms import GuestForm, InvitationForm, PublicForm, SubstituteForm
from .invitation_models import Invitation
from .models import Registration
from .views import LABELS, _back_to


def _sessions(event: Event):
    return [SelectChoice(s.id, s.title) for s in event.sessions]


def _asked(event: Event, category=None):
    """The questions shown: those the category is asked (all when it is not known yet)."""
    return [q for q in question_services.questions(event) if category is None or q.applies_to(category)]


def _delegate_data(form, fields=("name", "position", "mobile", "email")) -> dict:
    data = {name: form[name].data for name in fields}
    if "session_ids" in form:
        data["session_ids"] = form.session_ids.data or []
    return data


def _field_errors(form, exc: ServiceError) -> dict:
    """Messages for the form's fields go on them; the answers' are returned by input name; the rest on top."""
    answer_errors, other = answer_fields.split_errors(exc.errors)
    for name, messages in other.items():
        if name in form and hasattr(form[name], "errors"):
            form[name].errors = list(form[name].errors) + messages
        else:
            form.form_errors.extend(messages)
    if not exc.errors:
        form.form_errors.append(str(exc.message))
    return answer_errors


class _Posted:
    """A guest form as posted: the answers read back, their problems, the status
    and the service's refusal, if it refused."""

    def __init__(self, questions):
        self.questions, self.answers, self.errors, self.status = questions, {}, {}, 200
        self.refusal: ServiceError | None = None

    def register(self, form, work, fields=("name", "position", "mobile", "email"), **extra):
        """`work(data)` with the form's delegate and answers, committed; None (the
        problems at their inputs, nothing written) when the form or the service refuses."""
        self.status = 422
        self.answers = answer_fields.read_answers(request.form, "", self.questions)
        if not form.validate_on_submit():
            return None
        try:
            result = work({**_delegate_data(form, fields), **extra, "answers": self.answers})
        except ServiceError as exc:
            db.session.rollback()
            self.errors, self.status = _field_errors(form, exc), exc.status
            self.refusal = exc
            return None
        db.session.commit()
        return result


def _refused(exc: ServiceError, event=None):
    return render_template("registrations/guest_refused.html", message=str(exc.message), event=event), exc.status


# --- guests --------------------------------------------------------------------------------------------

@bp.route("/invite/<code>", methods=["GET", "POST"])
def guest_register(code):
    """The invitation link: a guest registers without an account."""
    try:
        invitation = invitations.find_invitation(code, request.remote_addr)
        invitations.check_usable(invitation)
    except ServiceError as exc:
        return _refused(exc)
    event = invitation.event
    questions = _asked(event, invitation.category)
    form = GuestForm(data={"name": invitation.name or "", "email": invitation.email or ""})
    form.session_ids.choices = _sessions(event)
    posted = _Posted(questions)
    if request.method == "POST":
        registration = posted.register(
            form, lambda data: invitations.register_guest(invitation, data, request.remote_addr))
        if registration is not None:
            return render_template("registrations/guest_done.html", registration=registration, event=event, **LABELS)
        refusal = posted.refusal
        if refusal is not None and not refusal.errors and refusal.status != 429:
            return _refused(refusal, event)  # gone, closed or full: the form cannot help
    return render_template("registrations/guest_form.html", form=form, event=event, invitation=invitation,
                           questions=questions, values=posted.answers, errors=posted.errors,
                           **LABELS), posted.status


@bp.route("/events/<slug>/join", methods=["GET", "POST"])
def public_register(slug):
    """An event's open public registration; the registrations wait for the secretariat."""
    event = event_by_slug(slug)
    if event is None:
        abort(404)
    try:
        invitations.check_public(event)
    except ServiceError:
        abort(404)
    questions = _asked(event)
    form = PublicForm()
    form.session_ids.choices = _sessions(event)
    posted = _Posted(questions)
    if request.method == "POST":
        registration = posted.register(form, lambda data: invitations.register_public(event, data, request.remote_addr),
                                       category=form.category.data)
        if registration is not None:
            return render_template("registrations/guest_done.html", registration=registration, event=event, **LABELS)
    return render_template("registrations/guest_form.html", form=form, event=event, invitation=None,
                           questions=questions, values=posted.answers, errors=posted.errors,
                           **LABELS), posted.status


# --- the secretariat -------------------------------------------------------------------------------------

def _invitation_page(event: Event, form, status: int = 200):
    rows = [(invitation, invitations.invitation_url(invitation)) for invitation in invitations.event_invitations(event)]
    pending = db.session.scalars(
        db.select(Registration).where(Registration.event_id == event.id, Registration.status == "pending")
        .order_by(Registration.created_at, Registration.id)).all()
    return render_template("registrations/invitations.html", event=event, form=form, rows=rows, pending=pending,
                           **LABELS), status


def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    form.organization_id.choices = organization_choices()
    return form


@bp.route("/admin/events/<int:event_id>/invitations", methods=["GET", "POST"])
@secretariat_required
def invitation_list(event_id):
    event = db.get_or_404(Event, event_id)
    form = _invitation_form()
    if request.method == "GET":
        return _invitation_page(event, form)
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("category", "name", "email", "organization_id", "max_uses",
                                                    "expires_at")}
        try:
            invitation = invitations.create_invitation(event, data, current_user)
        except ServiceError as exc:
            db.session.rollback()
            exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("The invitation has been created. Send the guest its link: %(url)s",
                    url=invitations.invitation_url(invitation)), "success")
            return redirect(url_for("registrations.invitation_list", event_id=event.id))
    return _invitation_page(event, form, 422)


@bp.route("/admin/invitations/<int:invitation_id>/revoke", methods=["POST"])
@secretariat_required
def invitation_revoke(invitation_id):
    invitation = db.get_or_404(Invitation, invitation_id)
    invitations.revoke_invitation(invitation, current_user)
    db.session.commit()
    flash(_("The invitation has been withdrawn: its link no longer works."), "success")
    return redirect(url_for("registrations.invitation_list", event_id=invitation.event_id))


@bp.route("/admin/events/<int:event_id>/public-registration", methods=["POST"])
@secretariat_required
def public_registration(event_id):
    event = db.get_or_404(Event, event_id)
    enabled = request.form.get("enabled") == "1"
    invitations.set_public_registration(event, enabled, current_user)
    db.session.commit()
    flash(_("Public registration is open: registrations wait for your approval.") if enabled else
          _("Public registration is closed."), "success")
    return redirect(url_for("registrations.invitation_list", event_id=event.id))


@bp.route("/registrations/<int:registration_id>/reject", methods=["POST"])
@secretariat_required
def reject(registration_id):
    registration = db.get_or_404(Registration, registration_id)
    try:
        invitations.reject(registration, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
    else:
        db.session.commit()
        flash(_("The registration of %(name)s has been turned down.", name=registration.name), "success")
    return redirect(request.form.get("back") == "invitations"
                    and url_for("registrations.invitation_list", event_id=registration.event_id)
                    or url_for("registrations.event_list", event_id=registration.event_id))


# --- substitutes (换人) ------------------------------------------------------------------------------------

@bp.route("/registrations/<int:registration_id>/substitute", methods=["GET", "POST"])
@login_required
def substitute(registration_id):
    registration = load_for(Registration, registration_id, Registration.can_view)
    try:
        substitutes.check_can_substitute(registration, current_user)
        refused = None
    except ServiceError as exc:
        refused = str(exc.message)
    form = SubstituteForm(data={"category": registration.category.value})
    questions = _asked(registration.event)
    posted = _Posted(questions)
    if request.method == "POST" and refused:
        posted.answers, posted.status = answer_fields.read_answers(request.form, "", questions), 409
    elif request.method == "POST":
        new = posted.register(form, lambda data: substitutes.substitute(registration, data, current_user),
                              fields=("name", "position", "mobile", "email", "category"))
        if new is not None:
            flash(_("%(new)s replaces %(old)s: a new ticket has been issued; the old one no longer works.",
                    new=new.name, old=registration.name), "success")
            return redirect(_back_to(registration))
    return render_template("registrations/substitute.html", form=form, registration=registration, refused=refused,
                           questions=questions, values=posted.answers, errors=posted.errors,
                           **LABELS), posted.status
