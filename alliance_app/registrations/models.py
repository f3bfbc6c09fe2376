"""Delegate registrations, their sessions, and per-organization quotas."""
import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db
from ..members.models import Organization


class DelegateCategory(StrEnum):
    government = "government"
    university = "university"
    association = "association"
    expert = "expert"
    enterprise = "enterprise"
    media = "media"
    other = "other"


class RegistrationStatus(StrEnum):
    pending = "pending"          # waits for the secretariat (moderated events)
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"
    checked_in = "checked_in"


# Statuses that hold a seat.
SEATED = (RegistrationStatus.confirmed, RegistrationStatus.checked_in)
ACTIVE = (RegistrationStatus.pending, RegistrationStatus.confirmed, RegistrationStatus.waitlisted,
          RegistrationStatus.checked_in)


def new_ticket_code() -> str:
    """Random and unguessable (72 bits), short enough for a compact QR code."""
    return secrets.token_urlsafe(9)


class Registration(TimestampMixin, db.Model):
    __tablename__ = "registrations"
    __audited__ = True
    __audit_ignore__ = frozenset({"ticket_code", "reminded_at"})
    __table_args__ = (
        # One active registration per mobile number and event; cancelled ones don't count.
        Index("uq_registrations_event_mobile_active", "event_id", "mobile", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_registrations_event_status", "event_id", "status"),
        # The lists' order (registration order within an event): read in order, no sort of the event's
        # rows per page; it also serves every lookup by event_id alone (benchmarks/RESULTS.md, item 5).
        Index("ix_registrations_event_created", "event_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"),
                                                           index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[Optional[str]] = mapped_column(String(100))
    mobile: Mapped[str] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    category: Mapped[DelegateCategory] = mapped_column(enum_column_type(DelegateCategory, "delegate_category"))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column_type(RegistrationStatus, "registration_status"))
    ticket_code: Mapped[str] = mapped_column(String(24), unique=True, default=new_ticket_code)
    registered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_in_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the reminder before the event was written (claimed by a conditional UPDATE: sent once).
    reminded_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # The invitation a guest registered with (registrations/invitations.py).
    invitation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"),
                                                         index=True)
    # A substitute (换人): the delegate whose seat this one took (registrations/substitutes.py).
    replaces_id: Mapped[Optional[int]] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"),
                                                       index=True)

    event = relationship("Event")
    organization: Mapped[Optional[Organization]] = relationship()
    registered_by = relationship("User", foreign_keys=[registered_by_id])
    sessions: Mapped[list["RegistrationSession"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan")
    # The answers to the event's questions (registrations/answers.py reads and writes them).
    answers: Mapped[list["RegistrationAnswer"]] = relationship(cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name

    @property
    def holds_seat(self) -> bool:
        return self.status in SEATED

    @property
    def session_ids(self) -> list[int]:
        return sorted(rs.session_id for rs in self.sessions)

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}" if len(self.mobile) >= 7 else "****"

    def can_view(self, user) -> bool:
        return user.is_authenticated and (
            user.is_secretariat or (self.organization_id is not None and user.member_organization_id == self.organization_id))


class RegistrationSession(db.Model):
    __tablename__ = "registration_sessions"
    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)

    registration: Mapped[Registration] = relationship(back_populates="sessions")
    session = relationship("EventSession")


class EventQuota(db.Model):
    """How many delegates an organization may bring to an event; the counter is
    updated conditionally so it never passes the quota, even under concurrency."""
    __tablename__ = "event_quotas"
    __audited__ = True
    __audit_ignore__ = frozenset({"seats_taken"})
    __table_args__ = (
        UniqueConstraint("event_id", "organization_id"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= quota", name="within_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    quota: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)

    organization: Mapped[Organization] = relationship()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.quota}"


from .question_models import EventQuestion, RegistrationAnswer  # noqa: E402,F401  (mapped with Registration)
