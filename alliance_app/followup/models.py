"""Projects of signed agreements, their progress reports (with attachments),
milestones, and the report schedule of an event.

A signed agreement without a Project row is a project at stage `signed` with
nothing invested: the row is made when something is first recorded, so the
signing path (agreements/services.py) needs no change."""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agreements.models import Agreement
from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..core.money import from_fen
from ..extensions import db


class Stage(StrEnum):
    signed = "signed"
    landed = "landed"                          # 项目落地/注册
    under_construction = "under_construction"  # 开工
    in_operation = "in_operation"              # 投产/达产
    terminated = "terminated"


# The forward order; terminated is outside it (reachable from any stage, with a reason).
STAGE_ORDER = [Stage.signed, Stage.landed, Stage.under_construction, Stage.in_operation]
LANDED_STAGES = (Stage.landed, Stage.under_construction, Stage.in_operation)


class ReportStatus(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"


class Project(TimestampMixin, db.Model):
    __tablename__ = "followup_projects"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("invested_fen >= 0", name="invested_not_negative"),
        CheckConstraint("stage <> 'terminated' OR terminated_reason IS NOT NULL", name="terminated_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), unique=True)
    tracked: Mapped[bool] = mapped_column(default=True)
    stage: Mapped[Stage] = mapped_column(enum_column_type(Stage, "followup_stage"), default=Stage.signed)
    landed_on: Mapped[Optional[date]]
    construction_on: Mapped[Optional[date]]
    operation_on: Mapped[Optional[date]]
    terminated_on: Mapped[Optional[date]]
    terminated_reason: Mapped[Optional[str]] = mapped_column(Text)
    invested_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Who answers for the project at each side (free text: names, telephones).
    member_contact: Mapped[Optional[str]] = mapped_column(String(300))
    host_contact: Mapped[Optional[str]] = mapped_column(String(300))
    latest_progress: Mapped[Optional[str]] = mapped_column(Text)
    problems: Mapped[Optional[str]] = mapped_column(Text)  # 存在问题及需协调事项

    agreement: Mapped[Agreement] = relationship()
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                         order_by="Milestone.due_on")

    def __str__(self) -> str:
        return str(self.agreement)

    @property
    def invested(self) -> Decimal:
        return from_fen(self.invested_fen)

    def stage_date(self, stage: Stage) -> date | None:
        return {Stage.landed: self.landed_on, Stage.under_construction: self.construction_on,
                Stage.in_operation: self.operation_on, Stage.terminated: self.terminated_on}.get(stage)


class Milestone(db.Model):
    __tablename__ = "followup_milestones"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("followup_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[Optional[date]]

    project: Mapped[Project] = relationship(back_populates="milestones")

    def __str__(self) -> str:
        return self.title


class ProgressReport(db.Model):
    __tablename__ = "followup_reports"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("invested_fen >= 0", name="invested_not_negative"),
        # The review queue and each agreement's history.
        Index("ix_followup_reports_agreement_created", "agreement_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    submitted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[Stage] = mapped_column(enum_column_type(Stage, "followup_stage"))
    stage_on: Mapped[Optional[date]]
    invested_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    problems: Mapped[Optional[str]] = mapped_column(Text)
    reason: Mapped[Optional[str]] = mapped_column(Text)  # why terminated, or why the stage goes back
    status: Mapped[ReportStatus] = mapped_column(enum_column_type(ReportStatus, "followup_report_status"),
                                                 default=ReportStatus.submitted, index=True)
    remark: Mapped[Optional[str]] = mapped_column(Text)  # the secretariat's, when it sends a report back
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship()
    organization = relationship("Organization")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    attachments: Mapped[list["ReportAttachment"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportAttachment.id")

    def __str__(self) -> str:
        return f"{self.agreement.number} #{self.id}"

    @property
    def invested(self) -> Decimal:
        return from_fen(self.invested_fen)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (
            user.is_secretariat or user.can_self_serve and user.member_organization_id == self.organization_id)


class ReportAttachment(db.Model):
    """A photo or PDF, kept under instance/ as `stored_name` (random, never the
    uploaded name); `filename` is the cleaned name shown and sent."""
    __tablename__ = "followup_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("followup_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    mimetype: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")

    def __str__(self) -> str:
        return self.filename


class ReportSchedule(db.Model):
    """When an event's projects report: every `interval_months` from `first_due`;
    a reminder `remind_days` before each due date and one when it has passed."""
    __tablename__ = "followup_schedules"
    __audited__ = True
    __table_args__ = (CheckConstraint("interval_months BETWEEN 1 AND 12", name="interval_in_range"),
                      CheckConstraint("remind_days BETWEEN 0 AND 60", name="remind_in_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    first_due: Mapped[date]
    interval_months: Mapped[int] = mapped_column(Integer, default=3)
    remind_days: Mapped[int] = mapped_column(Integer, default=7)

    event = relationship("Event")


class ReminderSent(db.Model):
    """One row per reminder given, so the periodic task never sends one twice."""
    __tablename__ = "followup_reminders"
    __table_args__ = (UniqueConstraint("agreement_id", "due_on", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10))  # "due" or "overdue"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
