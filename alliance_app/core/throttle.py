"""Limits on answers that reveal whether something exists (a mobile number
registered by another organization, an email with an account, an
organization already in the directory), counted per caller in the database so
that every app server sees the same count.

Such an answer is usually a refusal, and a refused request rolls back: a hit
written in its transaction would be lost. Hits are therefore kept on `g` and
written after the response is made, in a transaction of their own."""
import logging
from datetime import datetime, timedelta

from flask import Flask, current_app, g
from sqlalchemy import Index, String, bindparam, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .db import UTCDateTime, utcnow

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)  # longer than any window


class ThrottleHit(db.Model):
    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Built once: asked on every request a throttle guards.
_HITS_SINCE = select(func.count()).select_from(ThrottleHit).where(
    ThrottleHit.scope == bindparam("scope"), ThrottleHit.key == bindparam("key"), ThrottleHit.at >= bindparam("since"))


class Throttle:
    """At most `limit` hits per key within `window_s` seconds; both read from the
    settings named, so an installation can tune them."""

    def __init__(self, scope: str, limit_setting: str, window_setting: str):
        self.scope = scope
        self.limit_setting = limit_setting
        self.window_setting = window_setting

    def _pending(self, key: str) -> int:
        return sum(1 for scope, k in g.get("throttle_hits", ()) if (scope, k) == (self.scope, key))

    def exceeded(self, key: str) -> bool:
        limit = current_app.config[self.limit_setting]
        since = utcnow() - timedelta(seconds=current_app.config[self.window_setting])
        count = db.session.scalar(_HITS_SINCE, {"scope": self.scope, "key": key[:200], "since": since})
        return count + self._pending(key) >= limit

    def hit(self, key: str) -> None:
        g.setdefault("throttle_hits", []).append((self.scope, key))


def _write_hits(response):
    hits = g.pop("throttle_hits", None)
    if not hits:
        return response
    try:
        # The request has committed or rolled back by now: nothing of it is lost here.
        db.session.rollback()
        db.session.add_all(ThrottleHit(scope=scope, key=key[:200]) for scope, key in hits)
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.at < utcnow() - KEEP_FOR))
        db.session.commit()
    except Exception:  # a lost count must not turn the answer into an error
        db.session.rollback()
        log.exception("Could not record %d throttle hits", len(hits))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_write_hits)
