"""The task queue: huey, on SQLite in instance/ by default, on Redis when
TASK_QUEUE_URL says redis://. The web processes only enqueue; `flask worker`
runs the tasks (make run starts one beside the web server).

Tasks are plain functions registered per app (`register(app, fn)`), each run
inside an app context of the worker's own app."""
import logging
from pathlib import Path

from flask import Flask, current_app, g

from .engine import WRITING_TASK

log = logging.getLogger(__name__)


def _make_huey(app: Flask):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    url = app.config.get("TASK_QUEUE_URL") or ""
    immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE"))
    if url == "memory://":  # tests that run no worker: queued tasks stay in this process
        return MemoryHuey("alliance", immediate=immediate, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("alliance", url=url, immediate=immediate, results=False)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(
        Path(app.instance_path) / "tasks.sqlite3")
    # No fsync per task (0.2 ms to queue one instead of 5-7 ms, measured): a task is only a
    # hint; what must survive (a message) is a row of the application's database, and the
    # worker's sweep finds any whose task a power cut lost.
    return SqliteHuey("alliance", filename=path, immediate=immediate, results=False, timeout=15, fsync=False)


def init_app(app: Flask) -> None:
    app.extensions["huey"] = _make_huey(app)
    app.extensions["huey_tasks"] = {}


def huey_of(app: Flask | None = None):
    return (app or current_app).extensions["huey"]


def register(app: Flask, function, *, periodic=None, retries: int = 0, retry_delay: int = 0):
    """Make `function` a task of this app's queue (`periodic`: a huey crontab)."""
    huey = huey_of(app)

    def run(*args, **kwargs):
        with app.app_context():
            setattr(g, WRITING_TASK, True)
            return function(*args, **kwargs)

    run.__name__ = function.__name__
    name = f"{function.__module__}.{function.__name__}"
    if periodic is not None:
        task = huey.periodic_task(periodic, name=name)(run)
    else:
        task = huey.task(retries=retries, retry_delay=retry_delay, name=name)(run)
    app.extensions["huey_tasks"][function.__name__] = task
    return task


def enqueue(name: str, *args) -> bool:
    """Queue a task by name; False (logged) when the queue cannot be reached:
    whatever the task was for must then be found again by a periodic sweep."""
    try:
        current_app.extensions["huey_tasks"][name](*args)
        return True
    except Exception:
        log.exception("Could not queue %s%r", name, args)
        return False
