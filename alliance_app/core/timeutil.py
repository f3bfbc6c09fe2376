"""Local time for people, UTC in the database."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(value: datetime) -> datetime:
    """A naive datetime is local time (what a form sends); an aware one keeps its offset."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(timezone.utc)


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(local_zone()) if value is not None else None
