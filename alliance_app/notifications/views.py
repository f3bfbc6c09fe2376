from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ServiceError
from ..core.forms import ConfirmForm
from ..core.params import paginate
from ..core.permissions import load_for, secretariat_required
from ..core.text import clean_line
from ..extensions import db
from . import bp, services
from .delivery import PermanentFailure, render
from .labels import STATUS_LABELS, kind_label
from .models import Message


def _filters() -> dict:
    return {key: clean_line(request.args.get(key))[:100] for key in services.FILTERS if request.args.get(key)}


def _secretariat(message, user) -> bool:
    return user.is_secretariat


@bp.route("/admin/messages")
@secretariat_required
def message_list():
    filters = _filters()
    page = paginate(services.message_query(filters), per_page=50)
    return render_template("notifications/list.html", page=page, filters=filters, statuses=STATUS_LABELS,
                           kind_label=kind_label, resend_form=ConfirmForm())


@bp.route("/admin/messages/<int:message_id>")
@secretariat_required
def message_detail(message_id):
    message = load_for(Message, message_id, _secretariat)
    try:
        subject, text, html, attachments = render(message, reveal=False)
        problem = None
    except PermanentFailure as exc:
        subject, text, html, attachments, problem = message.subject, message.body_text, message.body_html, [], str(exc)
    return render_template("notifications/detail.html", message=message, subject=subject, text=text,
                           attachments=attachments, problem=problem, statuses=STATUS_LABELS,
                           kind_label=kind_label, resend_form=ConfirmForm())


@bp.route("/admin/messages/<int:message_id>/preview")
@secretariat_required
def message_preview(message_id):
    """The HTML part alone, for the preview frame (sandboxed by the page's CSP)."""
    message = load_for(Message, message_id, _secretariat)
    try:
        html = render(message, reveal=False)[2]
    except PermanentFailure:
        html = message.body_html or ""
    # Shown in a frame of the detail page only: no script, no requests, this site's frames only.
    return html, 200, {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                  "frame-ancestors 'self'",
                       "X-Frame-Options": "SAMEORIGIN", "Content-Type": "text/html; charset=utf-8"}


@bp.route("/admin/messages/<int:message_id>/resend", methods=["POST"])
@secretariat_required
def message_resend(message_id):
    message = load_for(Message, message_id, _secretariat)
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_message(message, current_user)
        except ServiceError as exc:
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The message to %(email)s is queued again.", email=message.recipient_email), "success")
    return redirect(url_for("notifications.message_detail", message_id=message.id))
