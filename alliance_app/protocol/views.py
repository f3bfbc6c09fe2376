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
from . import bp, hall, services
from .models import ZoneKind, ZoneLayout
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
                           candidates=services.rank_candidates(session.event),
                           delegates=_delegates(session.event))


@bp.route("/admin/sessions/<int:session_id>/protocol/ranks", methods=["POST"])
@secretariat_required
def ranks(session_id):
    """The ranks typed on the page (`rank-<person id>`; empty: not ranked),
    replacing the event's ranks; a bad one is named with its person."""
    session = db.get_or_404(EventSession, session_id)
    people = {p.id: p for p, _rank in services.rank_candidates(session.event)}
    entries, names = [], []
    for person_id, person in people.items():
        value = request.form.get(f"rank-{person_id}", "").strip()
        if value:
            entries.append({"person_id": person_id, "rank": int(value) if value.isdigit() else value})
            names.append(person.name)
    try:
        services.set_ranks(session.event, entries, current_user)
        services.update_settings(session.event, {
            "senior_side": request.form.get("senior_side", ""),
            **{key: int(v) if (v := request.form.get(key, "").strip()).isdigit() else v
               for key in ("seats_per_row", "rostrum_rows")}}, current_user)
    except ServiceError as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            index = field.split(".")[1] if field.startswith("ranks.") else None
            who = names[int(index)] + ": " if index is not None and index.isdigit() else ""
            flash(who + " ".join(messages), "danger")
    else:
        db.session.commit()
        flash(_("The ranks and the rostrum's settings are saved."), "success")
    return redirect(url_for("protocol.session_protocol", session_id=session.id))


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


# --- hall seating -------------------------------------------------------------------------------------

ZONE_FORM_ROWS = 3  # empty lines offered for new zones


def _back_to_hall(session):
    return redirect(url_for("protocol.hall_page", session_id=session.id))


def _hall_work(session, work, done: str):
    try:
        result = work()
    except ServiceError as exc:
        db.session.rollback()
        flash(_messages(exc), "danger")
        return None
    db.session.commit()
    flash(done, "success")
    return result


@bp.route("/admin/sessions/<int:session_id>/hall")
@secretariat_required
def hall_page(session_id):
    session = db.get_or_404(EventSession, session_id)
    seats = hall.assignments(session)
    seated = {s.registration_id for s in seats}
    return render_template("protocol/hall.html", session=session, event=session.event, zones=hall.zones(session),
                           seats=seats, counts=hall.counts(session), empty_rows=ZONE_FORM_ROWS,
                           unseated=[r for r in _delegates(session.event) if r.id not in seated],
                           label=hall.seat_label, kinds=ZoneKind, layouts=ZoneLayout)


@bp.route("/admin/sessions/<int:session_id>/hall/zones", methods=["POST"])
@secretariat_required
def hall_zones(session_id):
    session = db.get_or_404(EventSession, session_id)
    entries = []
    for index in range(len(hall.zones(session)) + ZONE_FORM_ROWS):
        name = request.form.get(f"zones-{index}-name", "").strip()
        if name:
            entries.append({key: request.form.get(f"zones-{index}-{key}", "").strip()
                            for key in ("kind", "layout", "rows", "seats")} | {"name": name})
    _hall_work(session, lambda: hall.set_zones(session, entries, current_user), _("The hall's zones are saved."))
    return _back_to_hall(session)


@bp.route("/admin/sessions/<int:session_id>/hall/by-rule", methods=["POST"])
@secretariat_required
def hall_by_rule(session_id):
    session = db.get_or_404(EventSession, session_id)
    result = _hall_work(session, lambda: hall.assign_by_rule(session, current_user),
                        _("The delegates not seated yet are seated by rule."))
    if result is not None and result.unseated:
        names = "、".join(r.name for r in result.unseated[:20]) + ("…" if len(result.unseated) > 20 else "")
        flash(_("No seat was left for %(n)d delegates: %(names)s.", n=len(result.unseated), names=names), "warning")
    return _back_to_hall(session)


@bp.route("/admin/sessions/<int:session_id>/hall/assign", methods=["POST"])
@secretariat_required
def hall_assign(session_id):
    session = db.get_or_404(EventSession, session_id)
    entry = {key: request.form.get(key, "").strip() for key in ("registration_id", "zone", "row", "seat")}
    _hall_work(session, lambda: hall.assign(session, [entry], current_user), _("The seat is given."))
    return _back_to_hall(session)


@bp.route("/admin/sessions/<int:session_id>/hall/unassign", methods=["POST"])
@secretariat_required
def hall_unassign(session_id):
    session = db.get_or_404(EventSession, session_id)
    _hall_work(session, lambda: hall.unassign(session, request.form.get("registration_id", ""), current_user),
               _("The seat is free again."))
    return _back_to_hall(session)


@bp.route("/admin/sessions/<int:session_id>/hall.pdf")
@secretariat_required
def hall_pdf(session_id):
    session = db.get_or_404(EventSession, session_id)
    return download_response(hall.seating_chart_pdf(session), _("Hall seating %(title)s.pdf", title=session.title),
                             "application/pdf", fallback=f"hall-seating-{session.id}.pdf")
