"""Projects, progress reports and their review. Services flush and return;
the request commits once (or writes nothing)."""
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..agreements.models import Agreement, AgreementParty, AgreementStatus
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.money import AmountError, parse_amount, to_fen
from ..core.timeutil import to_local
from ..extensions import db
from . import attachments
from .models import STAGE_ORDER, Milestone, ProgressReport, Project, ReportAttachment, ReportStatus, Stage

MAX_TEXT = 4000


def project_of(agreement: Agreement, *, create: bool = False) -> Project | None:
    project = db.session.scalar(select(Project).where(Project.agreement_id == agreement.id))
    if project is None and create:
        project = Project(agreement=agreement, tracked=bool(agreement.amount_disclosed), stage=Stage.signed,
                          invested_fen=0)
        db.session.add(project)
        db.session.flush()
    return project


def stage_of(agreement: Agreement) -> Stage:
    project = project_of(agreement)
    return project.stage if project else Stage.signed


def reporting_organization(agreement: Agreement, actor) -> int:
    """The organization a report is made for: the member's own (a party), or
    for the secretariat the first party after the host."""
    party_ids = [p.organization_id for p in agreement.parties]
    if actor.is_secretariat:
        return party_ids[1] if len(party_ids) > 1 else party_ids[0]
    if not actor.can_self_serve or actor.member_organization_id not in party_ids:
        raise ServiceError(_l("Your organization is not a party to this agreement: it cannot report on it."),
                           status=403)
    return actor.member_organization_id


def _text(data: dict, name: str, *, required: bool = False, label=None) -> str | None:
    value = data.get(name)
    value = str(value).strip() if value is not None else ""
    if not value:
        if required:
            raise ServiceError(label or _l("This field is required."), field=name)
        return None
    if len(value) > MAX_TEXT:
        raise ServiceError(_l("At most %(n)d characters.", n=MAX_TEXT), field=name)
    return value


def _stage(value) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise ServiceError(_l("Choose a stage: signed, landed, under construction, in operation or terminated."),
                           field="stage")


def _invested_fen(value, agreement: Agreement, confirmed: bool) -> int:
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        raise ServiceError(exc.message, field="invested_cny")
    fen = to_fen(amount)
    planned = agreement.amount_cny_fen or 0
    factor = Decimal(str(current_app.config["FOLLOWUP_PLAUSIBLE_FACTOR"]))
    if not confirmed and fen > 0 and (planned == 0 or fen > planned * factor):
        raise ServiceError(_l("More invested than is plausible for this agreement (signed value %(planned)s yuan): "
                              "check the unit, or confirm the amount.", planned=f"{Decimal(planned) / 100:,.2f}"),
                           field="invested_cny")
    return fen


def submit_report(agreement: Agreement, data: dict, uploads: list, actor) -> ProgressReport:
    """A progress report as the member's representative (or the secretariat) sends it."""
    if agreement.status != AgreementStatus.signed:
        raise ServiceError(_l("Only a signed agreement is followed up."), status=409)
    organization_id = reporting_organization(agreement, actor)
    errors: dict[str, list] = {}
    values = {}
    for name, work in (
        ("stage", lambda: _stage(data.get("stage"))),
        ("invested_cny", lambda: _invested_fen(data.get("invested_cny"), agreement, bool(data.get("confirm")))),
        ("note", lambda: _text(data, "note", required=True, label=_l("Say what happened since the last report."))),
        ("problems", lambda: _text(data, "problems")),
        ("reason", lambda: _text(data, "reason")),
        ("stage_on", lambda: _date(data.get("stage_on"))),
    ):
        try:
            values[name] = work()
        except ServiceError as exc:
            for field, messages in exc.errors.items():
                errors.setdefault(field, []).extend(messages)
            if exc.status != 422:
                raise
    if "stage" in values:
        _check_stage_change(stage_of(agreement), values["stage"], values.get("reason"), errors)
    if errors:
        raise ServiceError(errors=errors)
    checked = attachments.check(uploads)  # before anything is written
    report = ProgressReport(agreement=agreement, organization_id=organization_id, submitted_by_id=actor.id,
                            stage=values["stage"], stage_on=values["stage_on"], invested_fen=values["invested_cny"],
                            note=values["note"], problems=values["problems"], reason=values["reason"],
                            status=ReportStatus.submitted)
    db.session.add(report)
    for item in checked:
        report.attachments.append(ReportAttachment(**attachments.store(item)))
    db.session.flush()
    return report


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(_l("Give the date as YYYY-MM-DD."), field="stage_on")


def _check_stage_change(current: Stage, new: Stage, reason: str | None, errors: dict) -> None:
    if current == Stage.terminated and new != Stage.terminated and not reason:
        errors.setdefault("reason", []).append(
            str(_l("The project was terminated: say why it is resumed.")))
    elif new == Stage.terminated and not reason:
        errors.setdefault("reason", []).append(str(_l("Say why the project was terminated.")))
    elif (current in STAGE_ORDER and new in STAGE_ORDER and STAGE_ORDER.index(new) < STAGE_ORDER.index(current)
          and not reason):
        errors.setdefault("reason", []).append(str(_l("The stage goes back from the one recorded: say why.")))


def _review(report: ProgressReport, actor) -> None:
    if report.status != ReportStatus.submitted:
        raise ServiceError(_l("This report has already been reviewed."), status=409)
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()


def accept_report(report: ProgressReport, actor) -> ProgressReport:
    """Accepted: the project takes the report's stage, date and invested amount."""
    _review(report, actor)
    project = project_of(report.agreement, create=True)
    errors: dict = {}
    _check_stage_change(project.stage, report.stage, report.reason, errors)
    if errors:
        raise ServiceError(errors=errors, status=409)
    reached = report.stage_on or to_local(utcnow()).date()
    if report.stage != project.stage:
        if report.stage == Stage.terminated:
            project.terminated_on, project.terminated_reason = reached, report.reason
        else:
            project.terminated_on = project.terminated_reason = None
            # Every stage passed on the way keeps the earliest date given for it.
            for stage, column in ((Stage.landed, "landed_on"), (Stage.under_construction, "construction_on"),
                                  (Stage.in_operation, "operation_on")):
                if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(report.stage):
                    if getattr(project, column) is None:
                        setattr(project, column, reached)
                else:
                    setattr(project, column, None)
        project.stage = report.stage
    project.invested_fen = report.invested_fen
    project.latest_progress = report.note
    project.problems = report.problems
    report.status = ReportStatus.accepted
    db.session.flush()
    return report


def return_report(report: ProgressReport, remark, actor) -> ProgressReport:
    remark = (str(remark).strip() if remark is not None else "")
    if not remark:
        raise ServiceError(_l("Say what the member should change."), field="remark")
    if len(remark) > MAX_TEXT:
        raise ServiceError(_l("At most %(n)d characters.", n=MAX_TEXT), field="remark")
    _review(report, actor)
    report.status = ReportStatus.returned
    report.remark = remark
    db.session.flush()
    return report


def update_project(agreement: Agreement, data: dict, actor) -> Project:
    """The secretariat's own fields: tracked or not, the contacts."""
    project = project_of(agreement, create=True)
    if "tracked" in data:
        project.tracked = bool(data["tracked"])
    for name in ("member_contact", "host_contact"):
        if name in data:
            value = (data.get(name) or "").strip()
            if len(value) > 300:
                raise ServiceError(_l("At most %(n)d characters.", n=300), field=name)
            setattr(project, name, value or None)
    db.session.flush()
    return project


def add_milestone(agreement: Agreement, data: dict, actor) -> Milestone:
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError(_l("Name the milestone."), field="title")
    if len(title) > 200:
        raise ServiceError(_l("At most %(n)d characters.", n=200), field="title")
    try:
        due_on = date.fromisoformat(str(data.get("due_on") or "").strip())
    except ValueError:
        raise ServiceError(_l("Give the date as YYYY-MM-DD."), field="due_on")
    project = project_of(agreement, create=True)
    milestone = Milestone(project=project, title=title, due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def reports_of(agreement: Agreement, user=None) -> list[ProgressReport]:
    query = (select(ProgressReport).where(ProgressReport.agreement_id == agreement.id)
             .options(selectinload(ProgressReport.attachments))
             .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc()))
    if user is not None and not user.is_secretariat:
        query = query.where(ProgressReport.organization_id == user.member_organization_id)
    return list(db.session.scalars(query))


def submitted_reports(limit: int = 200) -> list[ProgressReport]:
    return list(db.session.scalars(select(ProgressReport).where(ProgressReport.status == ReportStatus.submitted)
                                   .order_by(ProgressReport.created_at).limit(limit)))


def own_projects(organization_id: int) -> list[tuple[Agreement, Project | None]]:
    agreements = db.session.scalars(
        select(Agreement).where(Agreement.status == AgreementStatus.signed,
                                Agreement.parties.any(AgreementParty.organization_id == organization_id))
        .order_by(Agreement.signed_at.desc())).all()
    projects = {p.agreement_id: p for p in db.session.scalars(
        select(Project).where(Project.agreement_id.in_([a.id for a in agreements])))} if agreements else {}
    return [(a, projects.get(a.id)) for a in agreements]
