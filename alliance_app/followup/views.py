"""Member self-service (our projects, the report form), the secretariat's
follow-up page, each project's history and review, attachments, the
项目推进情况表."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..agreements.labels import DOCUMENT_KIND_LABELS, KIND_LABELS, SECTOR_LABELS, VENUE_LABELS
from ..agreements.models import Agreement, AgreementStatus, Sector
from ..core.downloads import content_disposition, download_response
from ..core.errors import ServiceError
from ..core.params import query_int
from ..core.permissions import load_for, login_required, member_required, secretariat_required
from ..core.spreadsheets import XLSX_MIMETYPE
from ..events.models import Event
from ..extensions import db
from ..reports.totals import Scope
from . import attachments as files
from . import bp, documents, reminders, services
from .forms import ReportForm, ReturnForm, ScheduleForm
from .labels import REPORT_STATUS_COLOURS, REPORT_STATUS_LABELS, STAGE_LABELS
from .models import ProgressReport, ReportAttachment, Stage
from .totals import by_event, follow_up

LABELS = {"stages": STAGE_LABELS, "report_statuses": REPORT_STATUS_LABELS, "report_colours": REPORT_STATUS_COLOURS,
          "sectors": SECTOR_LABELS, "kinds": KIND_LABELS, "document_kinds": DOCUMENT_KIND_LABELS,
          "venues": VENUE_LABELS}


def _signed_agreement(agreement_id) -> Agreement:
    agreement = load_for(Agreement, agreement_id, Agreement.can_view)
    if agreement.status != AgreementStatus.signed:
        abort(404)
    return agreement


@bp.route("/my/projects")
@member_required
def mine():
    return render_template("followup/mine.html", projects=services.own_projects(current_user.member_organization_id),
                           **LABELS)


@bp.route("/my/projects/<int:agreement_id>/report", methods=["GET", "POST"])
@member_required
def report_form(agreement_id):
    agreement = _signed_agreement(agreement_id)
    project = services.project_of(agreement)
    form = ReportForm(stage=(project.stage.value if project else Stage.signed.value))
    if request.method == "POST" and form.validate_on_submit():
        uploads = [files.Upload(f.filename or "", f.read()) for f in request.files.getlist("attachments") if f]
        uploads = [u for u in uploads if u.filename or u.content]  # the browser sends one empty part for none
        try:
            services.submit_report(agreement, dict(form.data), uploads, current_user)
        except ServiceError as exc:
            db.session.rollback()
            exc.apply_to_form(form)
        else:
            db.session.commit()
            flash(_("Your report is sent; the secretariat will review it."), "success")
            return redirect(url_for("followup.mine"))
    status = 422 if request.method == "POST" else 200
    return render_template("followup/report_form.html", form=form, agreement=agreement, project=project,
                           reports=services.reports_of(agreement, current_user), **LABELS), status


def _scope() -> tuple[Scope, Event | None, int | None]:
    event_id = query_int("event_id")
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        abort(404)
    event = db.session.get(Event, event_id) if event_id else None
    if event_id and event is None:
        abort(404)
    return Scope(event_id=event_id, year=year), event, year


@bp.route("/admin/follow-up")
@secretariat_required
def overview():
    scope, event, year = _scope()
    figures = follow_up(scope)
    schedule = reminders.schedule_of(event.id) if event else None
    form = ScheduleForm(formdata=None, obj=schedule) if event else None
    return render_template("followup/overview.html", figures=figures, event=event, year=year,
                           events=by_event(Scope(year=year)), pending=reminders.pending(event_id=event.id if event
                                                                                         else None),
                           queue=services.submitted_reports(), schedule=schedule, schedule_form=form, **LABELS)


@bp.route("/admin/events/<int:event_id>/follow-up/schedule", methods=["POST"])
@secretariat_required
def schedule(event_id):
    event = db.get_or_404(Event, event_id)
    try:
        reminders.set_schedule(event, request.form, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms), "danger")
        return redirect(url_for("followup.overview", event_id=event.id))
    db.session.commit()
    flash(_("The report schedule is saved."), "success")
    return redirect(url_for("followup.overview", event_id=event.id))


@bp.route("/admin/follow-up/agreements/<int:agreement_id>")
@secretariat_required
def project(agreement_id):
    agreement = _signed_agreement(agreement_id)
    return render_template("followup/project.html", agreement=agreement, project=services.project_of(agreement),
                           reports=services.reports_of(agreement), return_form=ReturnForm(formdata=None), **LABELS)


def _review(report_id, work, message):
    report = db.get_or_404(ProgressReport, report_id)
    try:
        work(report)
    except ServiceError as exc:
        db.session.rollback()
        flash(" ".join(m for ms in exc.errors.values() for m in ms) or str(exc.message), "danger")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("followup.project", agreement_id=report.agreement_id))


@bp.route("/admin/follow-up/reports/<int:report_id>/accept", methods=["POST"])
@secretariat_required
def accept(report_id):
    return _review(report_id, lambda r: services.accept_report(r, current_user),
                   _("The report is accepted; the project's figures are updated."))


@bp.route("/admin/follow-up/reports/<int:report_id>/return", methods=["POST"])
@secretariat_required
def send_back(report_id):
    return _review(report_id, lambda r: services.return_report(r, request.form.get("remark"), current_user),
                   _("The report is sent back to the member."))


@bp.route("/follow-up/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    item = load_for(ReportAttachment, attachment_id, lambda a, user: a.report.can_view(user))
    content = files.read(item.stored_name)
    if content is None:
        abort(404)
    response = Response(content, mimetype=item.mimetype)
    response.headers["Content-Disposition"] = content_disposition(item.filename, f"attachment-{item.id}",
                                                                  inline=item.mimetype.startswith("image/"))
    # Shown in the browser at most as the sniffed type, never as a page that runs anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _table_filters() -> dict:
    scope, event, year = _scope()
    sector = request.args.get("sector") or None
    stage = request.args.get("stage") or None
    if sector is not None and sector not in {s.value for s in Sector}:
        abort(404)
    if stage is not None and stage not in {s.value for s in Stage}:
        abort(404)
    return {"event": event, "year": year, "sector": sector, "stage": stage}


@bp.route("/admin/follow-up/progress.xlsx")
@secretariat_required
def progress_xlsx():
    filters = _table_filters()
    return download_response(documents.progress_xlsx(**filters), _("Project progress table") + ".xlsx",
                             XLSX_MIMETYPE, fallback="project-progress.xlsx")


@bp.route("/admin/follow-up/progress.pdf")
@secretariat_required
def progress_pdf():
    filters = _table_filters()
    return download_response(documents.progress_pdf(**filters), _("Project progress table") + ".pdf",
                             "application/pdf", fallback="project-progress.pdf", inline=True)
