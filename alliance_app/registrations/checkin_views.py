"""Check-in at the door: the desk page, and the page a badge's QR code opens."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ServiceError
from ..extensions import db
from ..core.permissions import secretariat_required
from ..core.security import is_safe_next
from ..protocol.hall import seat_text
from . import bp, services
from .tickets import TICKET_VERSION
from .views import LABELS, _event, registration_query



def _by_code(version: int, code: str):
    registration = services.by_ticket(code) if version == TICKET_VERSION else None
    if registration is None:
        abort(404)
    return registration


@bp.route("/t/<int:version>/<code>", methods=["GET", "POST"])
@secretariat_required
def ticket_checkin(version, code):
    """What staff see when they scan a badge: the delegate and one button."""
    registration = _by_code(version, code)
    if request.method == "POST":
        from ..core.forms import ConfirmForm

        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            done = services.check_in(registration, current_user)
        except ServiceError as exc:
            flash(str(exc.message), "danger")
        else:
            db.session.commit()
            if done:
                flash(_("%(name)s has checked in.", name=registration.name), "success")
        back = request.form.get("back", "")
        if is_safe_next(back):
            return redirect(back)
        return redirect(url_for("registrations.ticket_checkin", version=version, code=code))
    return render_template("registrations/checkin_ticket.html", registration=registration,
                           seat=seat_text(registration), **LABELS)


@bp.route("/admin/events/<int:event_id>/check-in")
@secretariat_required
def desk(event_id):
    event = _event(event_id)
    q = request.args.get("q", "")
    results = db.session.scalars(registration_query(event, {"q": q}).limit(30)).all() if q.strip() else []
    return render_template("registrations/desk.html", event=event, q=q, results=results,
                           counts=services.counts(event), **LABELS)
