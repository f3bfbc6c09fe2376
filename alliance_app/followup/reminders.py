"""The report schedule of an event: due dates every `interval_months` from
the first; which projects are due soon or overdue; and the periodic task that
reminds the member representatives through the outbox, once per due date and
kind (the ReminderSent row is written in the same transaction as the message)."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import Role, User
from ..agreements.models import Agreement, AgreementParty, AgreementStatus
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.timeutil import to_local
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Kind, register_kind
from .models import ProgressReport, Project, ReminderSent, ReportSchedule, ReportStatus, Stage

DUE = "followup_report_due"
OVERDUE = "followup_report_overdue"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_dates(schedule: ReportSchedule, today: date) -> tuple[date | None, date]:
    """The last due date on or before today (None before the first), and the next one."""
    previous, step = None, 0
    due = schedule.first_due
    while due <= today:
        previous, step = due, step + 1
        due = add_months(schedule.first_due, step * schedule.interval_months)
    return previous, due


def set_schedule(event, data: dict, actor) -> ReportSchedule:
    errors = {}
    try:
        first_due = date.fromisoformat(str(data.get("first_due") or "").strip())
    except ValueError:
        errors["first_due"] = [str(_l("Give the date as YYYY-MM-DD."))]
    values = {}
    for name, low, high in (("interval_months", 1, 12), ("remind_days", 0, 60)):
        try:
            values[name] = int(str(data.get(name) or "").strip())
            if not low <= values[name] <= high:
                raise ValueError
        except ValueError:
            errors[name] = [str(_l("A whole number from %(low)d to %(high)d.", low=low, high=high))]
    if errors:
        raise ServiceError(errors=errors)
    schedule = db.session.scalar(select(ReportSchedule).where(ReportSchedule.event_id == event.id))
    if schedule is None:
        schedule = ReportSchedule(event_id=event.id)
        db.session.add(schedule)
    schedule.first_due = first_due
    schedule.interval_months, schedule.remind_days = values["interval_months"], values["remind_days"]
    db.session.flush()
    return schedule


def schedule_of(event_id: int) -> ReportSchedule | None:
    return db.session.scalar(select(ReportSchedule).where(ReportSchedule.event_id == event_id))


@dataclass(frozen=True)
class Due:
    agreement: Agreement
    due_on: date
    overdue: bool


def _last_reports(agreement_ids: list[int]) -> dict[int, object]:
    """The time of each agreement's latest report that was not sent back."""
    if not agreement_ids:
        return {}
    return dict(db.session.execute(
        select(ProgressReport.agreement_id, func.max(ProgressReport.created_at))
        .where(ProgressReport.agreement_id.in_(agreement_ids), ProgressReport.status != ReportStatus.returned)
        .group_by(ProgressReport.agreement_id)).all())


def pending(today: date | None = None, event_id: int | None = None) -> list[Due]:
    """Projects of scheduled events that owe a report: overdue (a due date passed
    with no report in its period) or due within the reminder window."""
    today = today or to_local(utcnow()).date()
    query = select(ReportSchedule)
    if event_id is not None:
        query = query.where(ReportSchedule.event_id == event_id)
    found = []
    for schedule in db.session.scalars(query):
        previous, following = due_dates(schedule, today)
        agreements = db.session.scalars(
            select(Agreement).outerjoin(Project, Project.agreement_id == Agreement.id)
            .where(Agreement.event_id == schedule.event_id, Agreement.status == AgreementStatus.signed,
                   func.coalesce(Project.tracked, Agreement.amount_disclosed) == True,  # noqa: E712
                   func.coalesce(Project.stage, Stage.signed.value) != Stage.terminated.value)
            .order_by(Agreement.number)).all()
        latest = _last_reports([a.id for a in agreements])
        for agreement in agreements:
            reported = latest.get(agreement.id)
            reported_on = to_local(reported).date() if reported is not None else None
            if previous is not None:
                period_start = add_months(previous, -schedule.interval_months)
                if (reported_on is None or reported_on <= period_start) and to_local(agreement.signed_at).date() < previous:
                    found.append(Due(agreement, previous, True))
                    continue
            if following - timedelta(days=schedule.remind_days) <= today:
                period_start = add_months(following, -schedule.interval_months)
                if reported_on is None or reported_on <= period_start:
                    found.append(Due(agreement, following, False))
    return found


def representatives(agreement: Agreement) -> list[User]:
    """The member accounts of the parties other than the host (甲方)."""
    ids = [p.organization_id for p in agreement.parties if p.position > 0]
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.role == Role.member, User.organization_id.in_(ids),
                                                      User.active == True)))  # noqa: E712


def send_report_reminders(today: date | None = None) -> int:
    """The periodic task: one reminder per project, due date and kind."""
    written = 0
    for item in pending(today):
        kind = "overdue" if item.overdue else "due"
        exists = db.session.scalar(select(ReminderSent.id).where(
            ReminderSent.agreement_id == item.agreement.id, ReminderSent.due_on == item.due_on,
            ReminderSent.kind == kind))
        if exists:
            continue
        db.session.add(ReminderSent(agreement_id=item.agreement.id, due_on=item.due_on, kind=kind))
        for user in representatives(item.agreement):
            if notify(OVERDUE if item.overdue else DUE, user.email, name=user.name, locale=user.locale,
                      about=item.agreement, agreement_id=item.agreement.id, due_on=item.due_on.isoformat()):
                written += 1
        db.session.commit()  # a second worker's duplicate fails on the unique row and sends nothing
    return written


def _context(params):
    agreement = db.session.get(Agreement, params.get("agreement_id") or 0)
    if agreement is None:
        return None
    from ..core.urls import absolute_url

    return {"agreement": agreement, "due_on": params.get("due_on", ""),
            "report_url": absolute_url("followup.report_form", agreement_id=agreement.id)}


def _with_overdue(overdue: bool):
    def context(params):
        found = _context(params)
        return None if found is None else {**found, "overdue": overdue}

    return context


register_kind(Kind(DUE, subject=lambda c: _l("Progress report due on %(date)s: %(number)s",
                                             date=c["due_on"], number=c["agreement"].number),
                   template="followup_reminder", context=_with_overdue(False),
                   description=_l("Member representative: a project's progress report is due soon")))
register_kind(Kind(OVERDUE, subject=lambda c: _l("Progress report overdue since %(date)s: %(number)s",
                                                 date=c["due_on"], number=c["agreement"].number),
                   template="followup_reminder", context=_with_overdue(True),
                   description=_l("Member representative: a project's progress report is overdue")))


def init_app(app) -> None:
    from huey import crontab

    from ..core import queue

    queue.register(app, send_report_reminders, periodic=crontab(minute="15", hour="1"))
