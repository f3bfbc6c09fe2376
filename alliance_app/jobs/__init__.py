"""Documents built by the worker: whole-event badges, sign-in sheets, ceremony
packs and exports too long to build within a request. The domains describe
their documents (registry.py); this package queues them, builds them with
progress, keeps the result for a day and serves the job's page."""
from flask import Blueprint, Flask

bp = Blueprint("jobs", __name__)

from . import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """The worker's tasks: build one document; every ten minutes, tidy up."""
    from huey import crontab

    from ..core import queue
    from . import services

    queue.register(app, services.build_document)
    queue.register(app, services.sweep, periodic=crontab(minute="*/10"))
