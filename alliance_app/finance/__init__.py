"""Money coming in: membership dues and conference fees billed, payments
recorded against bills (not processed: no gateway), gapless receipts, the
payers' invoice (发票) details and arrears, and conference fees (fees.py).
Depends on members, events, registrations and notifications; of these only
registrations calls in, to fees.py, to bill a delegate when a seat is taken and
cancel the bill when it is given up (in the same transaction)."""
from flask import Blueprint

bp = Blueprint("finance", __name__)

from . import messages, views  # noqa: E402,F401


def init_app(app) -> None:
    """Reminders before and after due dates, once a day at 08:00."""
    from huey import crontab

    from ..core import queue
    from .tasks import dues_reminders

    queue.register(app, dues_reminders, periodic=crontab(minute="0", hour="8"))
