"""Messages to the people the secretariat deals with: the outbox, its worker,
and the secretariat's view of every message."""
from flask import Blueprint, Flask

bp = Blueprint("notifications", __name__)

from . import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """The worker's tasks: deliver one message; every minute, queue what is due."""
    from huey import crontab

    from ..core import queue
    from . import delivery

    queue.register(app, delivery.deliver)
    queue.register(app, delivery.sweep, periodic=crontab(minute="*"))
