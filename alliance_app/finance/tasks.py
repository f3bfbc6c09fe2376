"""The worker's periodic task: dues reminders, committed once."""
from ..extensions import db
from .services import send_reminders


def dues_reminders() -> int:
    sent = send_reminders()
    db.session.commit()
    return sent
