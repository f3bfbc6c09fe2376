"""Invitations of guests outside member organizations (officials, experts,
media): a link with an unguessable code that lets its holder register without
an account, for a named person or for a group, a number of times, until it
expires."""
import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import enum_column_type
from ..extensions import db
from ..members.models import Organization
from .models import DelegateCategory


def new_invitation_code() -> str:
    """192 random bits: guessing one is hopeless, and lookups are throttled besides."""
    return secrets.token_urlsafe(24)


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"
    __audited__ = True
    __audit_ignore__ = frozenset({"uses"})
    __audit_exclude__ = frozenset({"code"})
    __table_args__ = (
        CheckConstraint("max_uses >= 1", name="max_uses_positive"),
        # Uses are counted by a conditional UPDATE; this is the last line of defence.
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="within_max_uses"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, default=new_invitation_code)
    category: Mapped[DelegateCategory] = mapped_column(enum_column_type(DelegateCategory, "delegate_category"))
    # A named person (the form is filled in with them), or none for a group.
    name: Mapped[Optional[str]] = mapped_column(String(100))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event = relationship("Event")
    organization: Mapped[Optional[Organization]] = relationship()

    def __str__(self) -> str:
        return self.name or f"{self.category.value} ×{self.max_uses}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and (now or utcnow()) >= self.expires_at

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.uses, 0)
