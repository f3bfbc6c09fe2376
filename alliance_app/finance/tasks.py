"""The worker's periodic task: dues reminders, committed once."""
from ..extensions import db
from .balances import send_reminders


def dues_reminders() -> int:
    sent = send_reminders()
    db.session.commit()
    return sent
