"""The secretariat's protocol pages: a session's rostrum (proposal, swaps),
its seating diagram, table cards and the hall seating."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.downloads import download_response
from ..core.errors import ServiceError
from ..core.params import MAX_ID
from ..core.permissions import secretariat_required
from ..events.models import Event, EventSession
from ..extensions import db
from ..registrations.models import SEATED, Registration
from . import bp, services
from .documents import card_for_person, card_for_registration, missing_characters, table_cards_pdf

MAX_CARDS = 500


def _messages(exc: ServiceError) -> str:
    return " ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message)


def _delegates(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                              Registration.status.in_(SEATED))
                                   .order_by(Registration.name, Registration.id)))


@bp.route("/admin/sessions/<int:session_id>/protocol")
@secretariat_required
def session_protocol(session_id):
    session = db.get_or_404(EventSession, session_id)
    rows = services.rostrum_rows(session)
    order, ranks = services.precedence(session, rows)
    proposal = services.propose_rostrum(session)
    seated = [p for row in rows for p in row]
    return render_template("protocol/session.html", session=session, event=session.event, rows=rows, order=order,
                           ranks=ranks, ranked=services.ranked_people(session.event), proposal=proposal,
                           seated=seated, settings=services.settings_for(session.event),
                           missing=missing_characters(p.name for p in seated),
                           delegates=_delegates(session.event))


@bp.route("/admin/sessions/<int:session_id>/protocol/propose", methods=["POST"])
@secretariat_required
def seat_proposal(session_id):
    session = db.get_or_404(EventSession, session_id)
    proposal = services.propose_rostrum(session)
    try:
        services.save_rostrum(session, [[p.id for p in row] for row in proposal["rows"]], current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc), "danger")
    else:
        db.session.commit()
        flash(_("The rostrum is seated as proposed from the ranks."), "success")
        if proposal["unseated"]:
            flash(_("No seat was left for: %(names)s.", names="、".join(p.name for p in proposal["unseated"])),
                  "warning")
    return redirect(url_for("protocol.session_protocol", session_id=session.id))


@bp.route("/admin/sessions/<int:session_id>/protocol/swap", methods=["POST"])
@secretariat_required
def swap(session_id):
    session = db.get_or_404(EventSession, session_id)
    try:
        first, second = (int(request.form.get(name, "")) for name in ("first", "second"))
    except ValueError:
        flash(_("Choose two different people seated on the rostrum."), "danger")
        return redirect(url_for("protocol.session_protocol", session_id=session.id))
    try:
        services.swap_seats(session, first, second, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc), "danger")
    else:
        db.session.commit()
        flash(_("The two seats are swapped."), "success")
    return redirect(url_for("protocol.session_protocol", session_id=session.id))


@bp.route("/admin/sessions/<int:session_id>/rostrum.pdf")
@secretariat_required
def rostrum_pdf(session_id):
    session = db.get_or_404(EventSession, session_id)
    return download_response(services.rostrum_pdf(session), _("Rostrum %(title)s.pdf", title=session.title),
                             "application/pdf", fallback=f"rostrum-{session.id}.pdf")


@bp.route("/admin/sessions/<int:session_id>/table-cards.pdf")
@secretariat_required
def rostrum_cards(session_id):
    session = db.get_or_404(EventSession, session_id)
    cards = [card_for_person(p) for p in services.rostrum_in_precedence(session)]
    data = table_cards_pdf(cards, title=session.title, details=request.args.get("details") == "1")
    return download_response(data, _("Table cards %(title)s.pdf", title=session.title), "application/pdf",
                             fallback=f"table-cards-{session.id}.pdf")


@bp.route("/admin/events/<int:event_id>/table-cards.pdf")
@secretariat_required
def delegate_cards(event_id):
    """Table cards for the delegates chosen (?registration_ids=1,2,3), in that order."""
    event = db.get_or_404(Event, event_id)
    # A form's checkboxes send the parameter once per delegate; a link may send 1,2,3.
    parts = (part for value in request.args.getlist("registration_ids") for part in value.split(","))
    ids = [int(p) for p in parts if p.strip().isdigit() and 0 < int(p) <= MAX_ID][:MAX_CARDS]
    found = {r.id: r for r in db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                                            Registration.id.in_(ids)))}
    cards = [card_for_registration(found[i]) for i in dict.fromkeys(ids) if i in found]
    data = table_cards_pdf(cards, title=event.title, details=request.args.get("details") == "1")
    return download_response(data, _("Table cards %(title)s.pdf", title=event.title), "application/pdf",
                             fallback=f"table-cards-event-{event.id}.pdf")
