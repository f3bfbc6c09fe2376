from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..core.errors import ServiceError
from ..extensions import db
from ..members.services import organization_choices
from ..core.permissions import admin_required, login_required
from ..core.security import is_safe_next
from ..core.i18n import request_language
from . import bp, links, recovery, services
from ..core.forms import ConfirmForm
from .forms import (ChangePasswordForm, ForgotPasswordForm, LoginForm, PasswordLinkForm, ResetPasswordForm, TokenForm,
                    UserForm)
from .models import User


def _home_for(user) -> str:
    return url_for("main.index")


def _retry_message(retry_after) -> str:
    seconds = int(retry_after.total_seconds()) + 1
    if seconds < 60:
        return _("Too many failed attempts. Try again in %(n)d seconds.", n=seconds)
    return _("Too many failed attempts. Try again in %(n)d minutes.", n=seconds // 60 + 1)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            sign_in = services.authenticate(form.email.data, form.password.data, request.remote_addr,
                                            user_agent=request.user_agent.string, remember=form.remember.data)
        except services.LoginThrottled as exc:
            form.form_errors.append(_retry_message(exc.retry_after))
            status, headers = 429, {"Retry-After": str(int(exc.retry_after.total_seconds()) + 1)}
        else:
            db.session.commit()
            if sign_in is not None:
                login_user(sign_in.user, remember=form.remember.data)
                if sign_in.failed_attempts:
                    flash(ngettext("%(num)d failed login attempt since your last login. If it was not you, "
                                   "change your password.",
                                   "%(num)d failed login attempts since your last login. If they were not yours, "
                                   "change your password.", sign_in.failed_attempts), "warning")
                target = form.next.data if is_safe_next(form.next.data) else _home_for(sign_in.user)
                return redirect(target)
            form.form_errors.append(_("The email or password is not correct."))
            status = 401
    elif request.method == "POST":
        status = 422
    return render_template("accounts/login.html", form=form), status, headers


# --- a forgotten password, an invitation: a personal link sets the password -------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether the email has an account or not."""
    form = ForgotPasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            recovery.request_password_reset(form.email.data, request.remote_addr, locale=request_language())
        except ServiceError as exc:
            exc.apply_to_form(form)
            status = exc.status
        else:
            db.session.commit()
            flash(_("If an account exists for this email, a message with a link to choose a new password is on "
                    "its way. The link is valid for an hour; check your spam folder too."), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), status


def _link_refused(refusal: links.LinkRefused):
    db.session.rollback()
    return render_template("accounts/password_link_refused.html", reason=refusal.reason), \
        400 if refusal.reason == "invalid" else 410


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def password_link(token):
    try:
        link = recovery.check_link(token)
    except links.LinkRefused as refusal:
        return _link_refused(refusal)
    form = PasswordLinkForm()
    if form.validate_on_submit():
        try:
            user = recovery.set_password_from_link(token, form.password.data, address=request.remote_addr,
                                                   user_agent=request.user_agent.string)
        except links.LinkRefused as refusal:
            return _link_refused(refusal)
        except ServiceError as exc:
            exc.apply_to_form(form)
        else:
            if current_user.is_authenticated and current_user.id != user.id:  # someone else's session here
                services.end_session(current_user, current_user.current_session.id, current_user)
            db.session.commit()
            login_user(user)
            flash(_("Your password has been set and you are logged in. Any other session of your account has "
                    "ended."), "success")
            return redirect(_home_for(user))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/password_link.html", form=form, link=link), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends this browser's session only; the user's other sessions go on."""
    services.end_session(current_user, current_user.current_session.id, current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def log_out_everywhere():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.log_out_everywhere(current_user, current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out everywhere: every session of your account has ended."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    this_browser = session_id == current_user.current_session.id
    services.end_session(current_user, session_id, current_user)
    db.session.commit()
    if this_browser:
        logout_user()
        flash(_("You have logged out."), "info")
        return redirect(url_for("accounts.login"))
    flash(_("The session has ended."), "success")
    return redirect(url_for("accounts.profile"))


def _render_profile(status=200, **forms):
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("token_form", TokenForm())
    return render_template("accounts/profile.html", tokens=services.user_tokens(current_user),
                           sessions=services.user_sessions(current_user),
                           current_session_id=current_user.current_session.id, **forms), status


@bp.route("/account")
@login_required
def profile():
    return _render_profile()


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     request.remote_addr)
        except ServiceError as exc:
            db.session.commit()  # a wrong current password counts as a failed login
            exc.apply_to_form(form)
            return _render_profile(exc.status, password_form=form)
        db.session.commit()
        flash(_("Your password has been changed. Your other sessions have ended and your API tokens "
                "have been revoked."), "success")
        return redirect(url_for("accounts.profile"))
    return _render_profile(422, password_form=form)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = services.create_own_api_token(current_user, form.name.data, form.password.data,
                                                          request.remote_addr)
        except ServiceError as exc:
            db.session.commit()  # a wrong password counts as a failed login; no token was made
            exc.apply_to_form(form)
            return _render_profile(exc.status, token_form=form)
        db.session.commit()
        return _render_profile(201, new_token=secret, token_form=TokenForm(formdata=None))
    return _render_profile(422, token_form=form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_api_token(current_user, token_id)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.profile"))


# --- administration of users -------------------------------------------------

@bp.route("/admin/users")
@admin_required
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=rows, action_form=ConfirmForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def create_user():
    form = UserForm()
    form.organization_id.choices = organization_choices()
    if form.validate_on_submit():
        try:
            user = recovery.invite_user(form.email.data, form.role.data, current_user, name=form.name.data,
                                        organization_id=form.organization_id.data, locale=request_language())
        except ServiceError as exc:
            exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("The user %(email)s has been created and invited by email to choose a password.",
                    email=user.email), "success")
            return redirect(url_for("accounts.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form,
                           invitation_days=max(1, links.max_age(links.INVITATION) // 86400)), status


def _user_or_404(user_id) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_user(user_id):
    return _set_active(user_id, False)


@bp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
@admin_required
def activate_user(user_id):
    return _set_active(user_id, True)


def _set_active(user_id, active):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(user, active, current_user)
    except ServiceError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("accounts.users"))
    db.session.commit()
    message = _("%(email)s can log in again.", email=user.email) if active else \
        _("%(email)s has been deactivated and signed out.", email=user.email)
    flash(message, "success")
    return redirect(url_for("accounts.users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def reset_password(user_id):
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data, current_user)
        db.session.commit()
        flash(_("The password of %(email)s has been set; their sessions have ended and their API tokens have been revoked.", email=user.email),
              "success")
        return redirect(url_for("accounts.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/reset_password.html", form=form, user=user), status
