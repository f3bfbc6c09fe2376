"""The outbox: one row per message, written in the transaction of the change
that causes it, delivered (at least once) by the worker."""
import secrets
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db


class MessageStatus(StrEnum):
    queued = "queued"        # waiting for the worker (also between retries)
    sent = "sent"            # accepted by the SMTP server
    failed = "failed"        # refused for good (the reason is in last_error), or out of retries
    not_sent = "not_sent"    # no MAIL_SERVER: rendered and kept for preview only


def new_message_id() -> str:
    return f"<{secrets.token_hex(12)}@alliance.invalid>"


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_messages_about", "about_type", "about_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    recipient_email: Mapped[str] = mapped_column(String(254), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    # What the templates need, as ids and plain values; rendered when sent (and for a preview).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    about_type: Mapped[Optional[str]] = mapped_column(String(60))
    about_id: Mapped[Optional[int]]
    about_label: Mapped[str] = mapped_column(String(300), default="")
    # Stable across retries and resends of this row: receivers drop a second copy.
    message_id: Mapped[str] = mapped_column(String(200), unique=True, default=new_message_id)
    status: Mapped[MessageStatus] = mapped_column(enum_column_type(MessageStatus, "message_status"),
                                                  default=MessageStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that claimed the row; another may take it over once this has passed.
    claimed_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # As rendered for the last attempt: what was (or would have been) sent.
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[Optional[str]] = mapped_column(Text)
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_email}"
