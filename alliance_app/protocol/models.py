"""Ranks per event and rostrum seats per session."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.enums import StrEnum, enum_column_type
from ..events.models import Event, EventSession, Person
from ..extensions import db
from ..registrations.models import Registration

MAX_ROWS = 3
MAX_SEATS_PER_ROW = 31


class SeniorSide(StrEnum):
    """Which side of the most senior seat comes second, counted from the
    rostrum facing the hall: 左为上 (government practice) or 右为上
    (international and business practice)."""
    left = "left"
    right = "right"


class EventProtocol(db.Model):
    """An event's protocol settings (one row per event, made when first set)."""
    __tablename__ = "event_protocol"
    __audited__ = True
    __table_args__ = (
        CheckConstraint(f"seats_per_row BETWEEN 1 AND {MAX_SEATS_PER_ROW}", name="seats_per_row_range"),
        CheckConstraint(f"rostrum_rows BETWEEN 1 AND {MAX_ROWS}", name="rostrum_rows_range"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    senior_side: Mapped[SeniorSide] = mapped_column(enum_column_type(SeniorSide, "senior_side"),
                                                    default=SeniorSide.left)
    seats_per_row: Mapped[int] = mapped_column(Integer, default=11)
    rostrum_rows: Mapped[int] = mapped_column(Integer, default=2)

    event: Mapped[Event] = relationship()


class ProtocolRank(db.Model):
    """A person's protocol rank at an event: 1 is the most senior; equal ranks
    are ordered by surname strokes."""
    __tablename__ = "protocol_ranks"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="uq_protocol_rank_person"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)

    person: Mapped[Person] = relationship()


class RostrumSeat(db.Model):
    """One occupied rostrum seat. `row` 1 is the front row; `seat` counts from
    1 at the left as seen from the hall (the way the diagram is printed)."""
    __tablename__ = "rostrum_seats"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("session_id", "row", "seat", name="uq_rostrum_seat"),
        UniqueConstraint("session_id", "person_id", name="uq_rostrum_person"),
        CheckConstraint("row >= 1 AND seat >= 1", name="seat_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    seat: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))

    session: Mapped[EventSession] = relationship()
    person: Mapped[Person] = relationship()


MAX_HALL_ROWS = 80
MAX_HALL_SEATS = 80


class ZoneKind(StrEnum):
    """What the assignment by rule puts in a zone: VIP seats by rank, the media
    together, everyone else by organization."""
    vip = "vip"
    media = "media"
    general = "general"


class ZoneLayout(StrEnum):
    rows = "rows"        # rows of seats (剧院式)
    tables = "tables"    # round tables (圆桌式): `rows` counts the tables, `seats` the seats at each


class HallZone(db.Model):
    """A zone of the hall for one session: rows (or round tables) of seats."""
    __tablename__ = "hall_zones"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("session_id", "name", name="uq_hall_zone_name"),
        CheckConstraint(f"rows BETWEEN 1 AND {MAX_HALL_ROWS}", name="hall_rows_range"),
        CheckConstraint(f"seats BETWEEN 1 AND {MAX_HALL_SEATS}", name="hall_seats_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[ZoneKind] = mapped_column(enum_column_type(ZoneKind, "hall_zone_kind"), default=ZoneKind.general)
    layout: Mapped[ZoneLayout] = mapped_column(enum_column_type(ZoneLayout, "hall_zone_layout"),
                                               default=ZoneLayout.rows)
    rows: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)     # per row, or per table
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[EventSession] = relationship()

    @property
    def capacity(self) -> int:
        return self.rows * self.seats


class HallSeat(db.Model):
    """A delegate's seat in the hall for one session. The unique constraints
    keep a seat from being given twice, even by two requests at once."""
    __tablename__ = "hall_seats"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("session_id", "zone_id", "row", "seat", name="uq_hall_seat"),
        UniqueConstraint("session_id", "registration_id", name="uq_hall_seat_registration"),
        CheckConstraint("row >= 1 AND seat >= 1", name="hall_seat_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("hall_zones.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    seat: Mapped[int] = mapped_column(Integer)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)

    zone: Mapped[HallZone] = relationship()
    session: Mapped[EventSession] = relationship()
    registration: Mapped[Registration] = relationship()
