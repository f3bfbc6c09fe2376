"""The secretariat's dashboard, the ceremony control, the live ceremony screen
and the signing reports."""
import hmac

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..agreements.labels import DOCUMENT_KIND_LABELS, SECTOR_LABELS, STATUS_COLOURS, STATUS_LABELS, VENUE_LABELS
from ..agreements.services import ceremony_agreements
from ..agreements.signing import status as signing_status
from ..core.db import utcnow
from ..core.downloads import download_response
from ..events import services as event_services
from ..events.models import Event, EventStatus
from ..events.services import event_by_slug
from ..extensions import db
from ..members.labels import STATUS_LABELS as MEMBERSHIP_LABELS
from ..members.labels import TIER_LABELS
from ..members.models import MembershipStatus, Organization
from ..core.money import format_amount, in_yi
from ..pdf.fonts import cjk_font
from ..core.permissions import secretariat_required
from ..registrations.models import ACTIVE, Registration, RegistrationStatus
from ..core.spreadsheets import XLSX_MIMETYPE
from ..core.timeutil import to_local
from ..core.params import query_int
from ..core.urls import absolute_url
from . import bp, charts, documents
from .totals import Scope, by_document, by_month, by_year, last_signed, per_event, totals

@bp.route("/admin")
@secretariat_required
def dashboard():
    now = utcnow()
    upcoming = db.session.scalars(select(Event).where(Event.ends_at >= now, Event.status != EventStatus.cancelled)
                                  .order_by(Event.starts_at).limit(10)).all()
    recent = db.session.scalars(select(Event).where(Event.status == EventStatus.published)
                                .order_by(Event.starts_at.desc()).limit(10)).all()
    ids = [e.id for e in upcoming]
    registrations = dict(db.session.execute(
        select(Registration.event_id, func.count()).where(Registration.event_id.in_(ids),
                                                          Registration.status.in_(ACTIVE))
        .group_by(Registration.event_id)).all()) if ids else {}
    checked = dict(db.session.execute(
        select(Registration.event_id, func.count()).where(Registration.event_id.in_(ids),
                                                          Registration.status == RegistrationStatus.checked_in)
        .group_by(Registration.event_id)).all()) if ids else {}
    memberships = dict(db.session.execute(
        select(Organization.membership_status, func.count()).group_by(Organization.membership_status)).all())
    tiers = dict(db.session.execute(
        select(Organization.tier, func.count()).where(Organization.membership_status == MembershipStatus.active)
        .group_by(Organization.tier)).all())
    year = to_local(now).year
    return render_template(
        "reports/dashboard.html", upcoming=upcoming, registrations=registrations, checked=checked, recent=recent,
        signed=per_event([e.id for e in recent]), memberships=memberships, tiers=tiers, year=year,
        years=by_year(), pending=memberships.get(MembershipStatus.applicant, 0), font=cjk_font(),
        membership_labels=MEMBERSHIP_LABELS, tier_labels=TIER_LABELS, signing=signing_status(),
        split=by_document(Scope(year=year)), document_kinds=DOCUMENT_KIND_LABELS, venues=VENUE_LABELS)


def _svg(drawing) -> Response:
    response = Response(charts.svg(drawing), mimetype="image/svg+xml")
    # Shown as <img>: no script runs; the chart's own inline styles are allowed.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/charts/sectors.svg")
@secretariat_required
def sector_chart():
    event_id = query_int("event_id")
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        abort(404)
    return _svg(charts.sector_chart(totals(Scope(event_id=event_id, year=year))["by_sector"]))


@bp.route("/admin/charts/months.svg")
@secretariat_required
def month_chart():
    year = request.args.get("year", type=int) or to_local(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(404)
    return _svg(charts.month_chart(by_month(year)))


# --- the ceremony -------------------------------------------------------------------------------

@bp.route("/admin/events/<int:event_id>/ceremony")
@secretariat_required
def ceremony(event_id):
    event = db.get_or_404(Event, event_id)
    return render_template("reports/ceremony.html", event=event, agreements=ceremony_agreements(event),
                           figures=totals(Scope(event_id=event.id)), statuses=STATUS_LABELS,
                           status_colours=STATUS_COLOURS, sectors=SECTOR_LABELS, document_kinds=DOCUMENT_KIND_LABELS,
                           venues=VENUE_LABELS, screen_url=absolute_url("reports.screen", slug=event.slug, key=event.screen_token))


@bp.route("/admin/events/<int:event_id>/ceremony/rotate", methods=["POST"])
@secretariat_required
def rotate(event_id):
    event = db.get_or_404(Event, event_id)
    event_services.rotate_screen_token(event, current_user)
    db.session.commit()
    flash(_("The screen has a new link; screens opened with the old one show nothing now."), "success")
    return redirect(url_for("reports.ceremony", event_id=event.id))


@bp.route("/admin/events/<int:event_id>/ceremony/publish", methods=["POST"])
@secretariat_required
def publish(event_id):
    event = db.get_or_404(Event, event_id)
    event_services.set_publish_totals(event, request.form.get("publish") == "1", current_user)
    db.session.commit()
    flash(_("Members now see this event's signing totals.") if event.publish_totals else
          _("Members now see only their own organization's figures."), "success")
    return redirect(url_for("reports.ceremony", event_id=event.id))


def _screen_event(slug: str) -> Event:
    """Only with the event's current secret; anything else is a 404 that shows nothing."""
    event = event_by_slug(slug)
    key = request.args.get("key", "")
    if event is None or not key or not hmac.compare_digest(key.encode(), event.screen_token.encode()):
        abort(404)
    return event


@bp.route("/events/<slug>/ceremony/screen")
def screen(slug):
    event = _screen_event(slug)
    return render_template("reports/screen.html", event=event, figures=screen_figures(event))


@bp.route("/events/<slug>/ceremony/screen.json")
def screen_data(slug):
    response = jsonify(screen_figures(_screen_event(slug)))
    response.headers["Cache-Control"] = "no-store"
    return response


def screen_figures(event: Event) -> dict:
    figures = totals(Scope(event_id=event.id))
    total = figures["signed_total"]
    last = last_signed(event.id)
    return {
        "total_yi": f"{in_yi(total):f}",
        "total": f"{total:,.2f}",
        "count": figures["signed_count"],
        "partners": figures["counterparty_count"],
        "last": None if last is None else {
            "number": last.number, "title": last.title,
            "parties": [p.printed_name for p in last.parties],
            "amount": format_amount(last.amount, last.currency) if last.amount_disclosed else _("Not disclosed"),
            "signed_at": format_datetime(last.signed_at, "HH:mm"),
        },
    }


# --- reports ----------------------------------------------------------------------------------------

def _report_inputs(event_id):
    event = db.get_or_404(Event, event_id)
    return event, totals(Scope(event_id=event.id)), [a for a in ceremony_agreements(event)
                                                       if a.status.value == "signed"]


@bp.route("/admin/events/<int:event_id>/report.pdf")
@secretariat_required
def report_pdf(event_id):
    event, figures, agreements = _report_inputs(event_id)
    return download_response(documents.signing_report_pdf(event, figures, agreements),
                             _("Signing report %(title)s", title=event.title) + ".pdf", "application/pdf",
                             fallback=f"signing-report-{event.slug}.pdf", inline=True)


@bp.route("/admin/events/<int:event_id>/report.xlsx")
@secretariat_required
def report_xlsx(event_id):
    event, figures, agreements = _report_inputs(event_id)
    return download_response(documents.signing_report_xlsx(event, figures, agreements),
                             _("Signing report %(title)s", title=event.title) + ".xlsx", XLSX_MIMETYPE,
                             fallback=f"signing-report-{event.slug}.xlsx")


