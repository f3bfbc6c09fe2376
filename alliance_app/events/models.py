"""Conferences: events, their organizers, sessions, agenda items and the people
who speak at them."""
import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..core.strokes import stroke_key
from ..extensions import db
from ..members.models import Organization


MAX_REMINDER_DAYS = 30


class EventStatus(StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


class OrganizerRole(StrEnum):
    """In the conventional order of precedence on programmes and banners."""
    guiding = "guiding"            # 指导单位
    host = "host"                  # 主办单位
    co_organizer = "co_organizer"  # 承办单位
    supporting = "supporting"      # 协办单位
    sponsor = "sponsor"            # 赞助单位


class AgendaKind(StrEnum):
    opening_remarks = "opening_remarks"
    progress_report = "progress_report"
    keynote = "keynote"
    panel = "panel"
    expert_lecture = "expert_lecture"
    signing_ceremony = "signing_ceremony"
    unveiling_ceremony = "unveiling_ceremony"
    break_ = "break"
    other = "other"


class ParticipantPart(StrEnum):
    speaker = "speaker"
    moderator = "moderator"
    panelist = "panelist"
    signatory = "signatory"
    guest = "guest"


class RegistrationState(StrEnum):
    not_open = "not_open"
    open = "open"
    closed = "closed"


class Event(TimestampMixin, db.Model):
    __tablename__ = "events"
    __audited__ = True
    __audit_ignore__ = frozenset({"seats_taken"})
    __audit_exclude__ = frozenset({"screen_token"})
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        # The seat counter is raised by a conditional UPDATE; this is the last line of defence.
        CheckConstraint("seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[Optional[str]] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[Optional[str]] = mapped_column(String(200))
    address: Mapped[Optional[str]] = mapped_column(String(300))
    city: Mapped[Optional[str]] = mapped_column(String(50))
    description: Mapped[Optional[str]] = mapped_column(Text)
    capacity: Mapped[Optional[int]] = mapped_column(Integer)
    registration_opens_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Confirmed delegates are reminded by email this many days before the start; 0 or none: no reminder.
    reminder_days: Mapped[Optional[int]] = mapped_column(Integer, default=1)
    status: Mapped[EventStatus] = mapped_column(enum_column_type(EventStatus, "event_status"),
                                                default=EventStatus.draft, index=True)
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # Anyone may register at the event's public page; those registrations wait for the secretariat.
    public_registration: Mapped[bool] = mapped_column(default=False, server_default=false())
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    # Members see the event's signing totals only when the secretariat publishes them.
    publish_totals: Mapped[bool] = mapped_column(default=False)
    # The secret in the live ceremony screen's link; rotating it ends old links.
    screen_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(24))

    organizers: Mapped[list["EventOrganizer"]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="(EventOrganizer.role_rank, EventOrganizer.position, EventOrganizer.id)")
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="(EventSession.starts_at, EventSession.id)")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.published

    def registration_state(self, now: datetime | None = None) -> RegistrationState:
        now = now or utcnow()
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationState.not_open
        closes = self.registration_closes_at or self.starts_at
        return RegistrationState.open if now < closes else RegistrationState.closed

    def is_finished(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.ends_at

    def can_view(self, user) -> bool:
        """The public and members see published events only; drafts are a 404 for them."""
        return self.is_published or (user.is_authenticated and user.is_secretariat)

    def organizers_by_role(self) -> list[tuple["OrganizerRole", list["EventOrganizer"]]]:
        grouped: dict[OrganizerRole, list[EventOrganizer]] = {}
        for organizer in self.organizers:
            grouped.setdefault(organizer.role, []).append(organizer)
        return [(role, grouped[role]) for role in OrganizerRole if role in grouped]


class EventOrganizer(db.Model):
    __tablename__ = "event_organizers"
    __audited__ = True
    __table_args__ = (UniqueConstraint("event_id", "organization_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    role: Mapped[OrganizerRole] = mapped_column(enum_column_type(OrganizerRole, "organizer_role"))
    # Kept with the row so ORDER BY follows the conventional order, not the alphabet.
    role_rank: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="organizers")
    organization: Mapped[Organization] = relationship()

    def __str__(self) -> str:
        return f"{self.role.value}: {self.organization.name if self.organization else self.organization_id}"


class EventSession(TimestampMixin, db.Model):
    """A session of an event (会场/环节): the morning plenary, an afternoon sub-forum."""
    __tablename__ = "event_sessions"
    __audited__ = True
    __audit_ignore__ = frozenset({"seats_taken"})
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[Optional[str]] = mapped_column(String(100))
    host_organization_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"))
    capacity: Mapped[Optional[int]] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="sessions")
    host_organization: Mapped[Optional[Organization]] = relationship()
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="(AgendaItem.starts_at, AgendaItem.position, AgendaItem.id)")

    def __str__(self) -> str:
        return self.title


class Person(TimestampMixin, db.Model):
    """A speaker or guest, reused across events."""
    __tablename__ = "people"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # The title as it should be printed, e.g. 副会长、新能源汽车动力电池回收利用专委会主任.
    title: Mapped[Optional[str]] = mapped_column(String(300))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    bio: Mapped[Optional[str]] = mapped_column(Text)
    # The name in surname stroke order (姓氏笔画), so that lists sort in SQL; kept by `_keep_stroke_key`.
    stroke_key: Mapped[str] = mapped_column(String(800), default="", server_default="", index=True)

    organization: Mapped[Optional[Organization]] = relationship()

    @validates("name")
    def _keep_stroke_key(self, _key, name):
        self.stroke_key = stroke_key(name or "")
        return name

    def __str__(self) -> str:
        return self.name


class AgendaItem(TimestampMixin, db.Model):
    __tablename__ = "agenda_items"
    __audited__ = True
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[AgendaKind] = mapped_column(enum_column_type(AgendaKind, "agenda_kind"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[Optional[str]] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[EventSession] = relationship(back_populates="items")
    participants: Mapped[list["AgendaParticipant"]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="(AgendaParticipant.position, AgendaParticipant.id)")

    def __str__(self) -> str:
        return self.title


class AgendaParticipant(db.Model):
    __tablename__ = "agenda_participants"
    __audited__ = True
    __table_args__ = (UniqueConstraint("agenda_item_id", "person_id", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    part: Mapped[ParticipantPart] = mapped_column(enum_column_type(ParticipantPart, "participant_part"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[AgendaItem] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()

    def __str__(self) -> str:
        return f"{self.part.value}: {self.person.name if self.person else self.person_id}"
