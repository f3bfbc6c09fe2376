"""Test fixtures: an app per test on a database emptied after each test.
DATABASE_URL selects PostgreSQL (CI's second run); otherwise a SQLite file."""
import contextvars
import os

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from alliance_app import create_app
from alliance_app.db import Base
from alliance_app import models  # noqa: F401  the whole metadata

from . import factories

TEST_SECRET = "test-secret-key-" + "x" * 32


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _empty_all_tables(db):
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


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


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    from alliance_app.extensions import db

    with application.app_context():
        yield application
        db.session.remove()
        _empty_all_tables(db)
        db.engine.dispose()


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
    """Sign a test client in as `user` without going through the form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    return client
