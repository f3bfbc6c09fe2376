"""The real worker (`flask worker`, a process of its own) on a real queue (a
SQLite file, or Redis when TEST_TASK_QUEUE_URL says so, as in CI) delivering to
a real SMTP server: every committed message arrives, also when the worker is
killed half-way and started again, and each arrives under one Message-ID."""
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from .servers import REPO, SERVER_SECRET, app_for, scratch_database
from .smtp import SmtpServer


def queue_url(tmp_path) -> str:
    return os.environ.get("TEST_TASK_QUEUE_URL") or f"sqlite:///{tmp_path / 'tasks.sqlite3'}"


class Worker:
    def __init__(self, url, tmp_path, smtp, queue):
        self.log_path = tmp_path / "worker.log"
        self.env = {**os.environ, "SECRET_KEY": SERVER_SECRET, "DATABASE_URL": url,
                    "ALLIANCE_INSTANCE_PATH": str(tmp_path / "instance"), "ALLIANCE_TASK_QUEUE_URL": queue,
                    "ALLIANCE_BASE_URL": "http://alliance.example", "ALLIANCE_MAIL_SERVER": "127.0.0.1",
                    "ALLIANCE_MAIL_PORT": str(smtp.port), "ALLIANCE_MAIL_TIMEOUT": "5", "PYTHONUNBUFFERED": "1",
                    # What a killed worker held is taken over after 2 s instead of 5 minutes.
                    "ALLIANCE_MESSAGE_CLAIM_SECONDS": "2"}
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "alliance_app", "worker",
                                         "--workers", "2"], cwd=REPO, env=self.env, stdout=log, stderr=log)
        return self

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for(predicate, within=60, what="", log=lambda: ""):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {within} s: {what}\n{log()[-3000:]}")


@pytest.fixture
def setting(tmp_path):
    queue = queue_url(tmp_path)
    if queue.startswith("redis"):
        import redis

        redis.Redis.from_url(queue).flushdb()
    with scratch_database("worker", tmp_path) as url, SmtpServer() as smtp:
        app = app_for(url, tmp_path / "instance", TASK_QUEUE_URL=queue, BASE_URL="http://alliance.example")
        worker = Worker(url, tmp_path, smtp, queue)
        yield app, smtp, worker
        worker.stop()
        with app.app_context():
            from alliance_app.extensions import db

            db.session.remove()
            db.engine.dispose()


def register_many(app, count, start=0):
    from datetime import timedelta

    from alliance_app.accounts.models import Role
    from alliance_app.core.db import utcnow
    from alliance_app.extensions import db
    from alliance_app.registrations import services

    from . import factories

    with app.app_context():
        staff = factories.user(Role.staff)
        meeting = factories.event(slug=f"worker-{start}")
        meeting.event.capacity = None
        meeting.event.registration_opens_at = utcnow() - timedelta(days=1)
        db.session.commit()
        for number in range(start, start + count):
            services.register(meeting.event, {"name": f"代表{number}", "mobile": f"138{number:08d}",
                                              "category": "enterprise", "email": f"d{number}@example.com"}, staff)
            db.session.commit()  # one transaction a delegate, as the web would


def rows(app):
    from alliance_app.extensions import db
    from alliance_app.notifications.models import Message

    with app.app_context():
        result = db.session.execute(select(Message.message_id, Message.status)).all()
        db.session.remove()
        return result


def test_the_worker_delivers_every_committed_message(setting):
    app, smtp, worker = setting
    worker.start()
    register_many(app, 12)
    # A send that times out on a busy machine is tried again a minute later (found by the
    # minutely sweep): still delivered, once, so the wait covers one retry.
    wait_for(lambda: len(set(smtp.inbox.message_ids())) == 12, within=150, what="12 messages", log=worker.log)
    wait_for(lambda: all(status.value == "sent" for _, status in rows(app)), what=f"all rows sent: {rows(app)}",
             log=worker.log)
    assert sorted(smtp.inbox.message_ids()) == sorted(mid for mid, _ in rows(app))


def test_messages_committed_while_no_worker_ran_or_during_a_kill_arrive_once_each(setting):
    app, smtp, worker = setting
    register_many(app, 10)  # queued with no worker running
    worker.start()
    wait_for(lambda: len(smtp.inbox.received) >= 3, what="the first messages", log=worker.log)
    worker.kill()
    register_many(app, 10, start=100)  # committed while the worker is dead
    time.sleep(2.5)  # the dead worker's claims run out
    worker.start()
    wait_for(lambda: len(set(smtp.inbox.message_ids())) == 20, within=90, what="20 messages", log=worker.log)
    wait_for(lambda: all(status.value == "sent" for _, status in rows(app)), what=f"all rows sent: {rows(app)}",
             log=worker.log)
    ids = smtp.inbox.message_ids()
    assert set(ids) == {mid for mid, _ in rows(app)}
    # At least once: a copy cut off by the kill may come again, under the same Message-ID.
    assert len(ids) - len(set(ids)) <= 2


def test_a_message_the_web_could_not_queue_is_found_by_the_sweep(setting):
    from alliance_app.extensions import db
    from alliance_app.notifications.models import Message

    app, smtp, worker = setting
    register_many(app, 1)
    with app.app_context():
        # As if the queue had been unreachable at commit: the row alone.
        message = Message(kind="registration_confirmed", recipient_email="lost@example.com",
                          params={"registration_id": db.session.scalar(select(func.max(
                              __import__("alliance_app.registrations.models", fromlist=["Registration"])
                              .Registration.id)))})
        db.session.add(message)
        db.session.info.pop("alliance_new_messages", None)
        db.session.commit()
        db.session.remove()
    worker.start()
    wait_for(lambda: any(r.rcpt_tos == ["lost@example.com"] for r in smtp.inbox.received), what="the lost message",
             log=worker.log)
