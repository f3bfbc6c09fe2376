"""Conferences: events, organizers, sessions, agenda, speakers, public pages, programme."""
from flask import Blueprint

bp = Blueprint("events", __name__)

from . import admin_views, views  # noqa: E402,F401


def init_app(app) -> None:
    """The delegates' messages about events (their kinds, for the worker to render) and
    the worker's periodic task: every hour, the reminders that are due."""
    from huey import crontab

    from ..core import queue
    from . import messages

    queue.register(app, messages.send_event_reminders, periodic=crontab(minute="5"))
