"""Test fixtures: an app per test on a database emptied after each test.
DATABASE_URL selects PostgreSQL (CI's second run); otherwise a SQLite file."""
import contextvars
import os
import tempfile
import threading
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from sqlalchemy import event as sa_event
from werkzeug.serving import make_server

from alliance_app import create_app
from alliance_app.core.db import Base
from alliance_app import models  # noqa: F401  the whole metadata

from . import factories

TEST_SECRET = "test-secret-key-" + "x" * 32


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The suite's database. `make test` runs the tests in parallel processes
    (pytest-xdist): each has a SQLite file of its own, and on PostgreSQL the
    first uses DATABASE_URL's database while the others get one made beside it
    (named after the worker) and dropped at the end."""
    url = os.environ.get("DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    made = None
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif worker != "gw0":
        url, made = _worker_database(url, worker)
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    if made is not None:
        from .servers import drop_database

        drop_database(made[0], made[1])
        made[0].dispose()


def _worker_database(url: str, worker: str):
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from .servers import drop_database

    server = make_url(url)
    name = f"{server.database}_{worker}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop_database(admin, name)  # left by a run that was killed
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return server.set(database=name).render_as_string(hide_password=False), (admin, name)


def _empty_all_tables(db):
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def base_config(database_url) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SQLITE_SYNCHRONOUS": "OFF",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "TASK_QUEUE_URL": "memory://",  # tests that run a worker give it a queue of its own
        "BASE_URL": "http://localhost",
        "FOLLOWUP_FILES_PATH": str(Path(database_url.removeprefix("sqlite:///")).parent / "followup-files")
        if database_url.startswith("sqlite:///") else tempfile.mkdtemp(prefix="followup-files-"),
        "AGREEMENT_ARCHIVE_PATH": tempfile.mkdtemp(prefix="agreement-archive-"),
    }


@pytest.fixture
def app_config(database_url):
    """The test configuration, for tests that build an app of their own."""
    return base_config(database_url)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh `g`
    (so no user or locale cached from the previous request) and its own database
    session (so a view that forgets to commit fails its test). The test's session
    is rolled back afterwards so its next read sees what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not inside a redirect followed by the outer call
            from alliance_app.extensions import db

            db.session.rollback()
        return response


@pytest.fixture(scope="session")
def shared_app(database_url, tmp_path_factory):
    """One app for the whole run: building one (blueprints, OpenAPI spec) costs
    more than most tests. Tests that need routes or settings of their own build
    their own app with create_app(app_config)."""
    import os

    os.environ["ALLIANCE_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = create_app(base_config(database_url))
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def app(shared_app):
    """The shared app in a fresh app context; its settings are restored and every
    table is emptied after the test."""
    from alliance_app.extensions import db

    saved_config = dict(shared_app.config)
    with shared_app.app_context():
        yield shared_app
        db.session.remove()
        _empty_all_tables(db)
    shared_app.config.clear()
    shared_app.config.update(saved_config)


def make_app(config: dict, instance_path, monkeypatch):
    """An app of a test's own (extra routes, production settings)."""
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(instance_path))
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def mailbox(app):
    """A real SMTP server on loopback for the test's app: the mails as they arrive
    (to, subject, text body, HTML alternative), secrets included."""
    from .smtp import Mailbox, SmtpServer

    with SmtpServer() as server:
        app.config.update(server.config())  # restored by the app fixture
        yield Mailbox(server.inbox)


@pytest.fixture
def db(app):
    from alliance_app.extensions import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def people(db):
    """Two organizations and one user of every role."""
    return factories.people()


def login(client, user):
    """Sign a test client in as `user` without going through the form: a new
    session of the user, its secret in the client's session cookie."""
    from alliance_app.accounts.services import start_session
    from alliance_app.extensions import db

    start_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


class ApiClient:
    """The test client, with a bearer token unless anonymous, answering in English."""

    def __init__(self, client, user=None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {factories.token(user)}"} if user else {}
        client.set_cookie("alliance_lang", "en")

    def __getattr__(self, method):
        def call(url, **kwargs):
            return getattr(self.client, method)(url, headers=self.headers, **kwargs)

        return call


@pytest.fixture
def staff(client, people):
    return ApiClient(client, people.staff)


@pytest.fixture
def member(client, people):
    return ApiClient(client, people.member_a)


@pytest.fixture
def member_b(client, people):
    return ApiClient(client, people.member_b)


@pytest.fixture
def anon(client, people):
    return ApiClient(client)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def statements_sent(db, action, status=200):
    """The answer of `action()` and the SQL statements it sent, transaction
    control left out (SQLite's BEGIN IMMEDIATE, savepoints). A response must
    have `status`: a count taken from an error page would prove nothing."""
    seen = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        result = action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", before_cursor_execute)
    if hasattr(result, "status_code"):
        assert result.status_code == status, result.get_data(as_text=True)[:500]
    return result, seen


@pytest.fixture
def live_server(app):
    """The test's app (same config, tables emptied afterwards) served over HTTP
    by a threaded server in a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
