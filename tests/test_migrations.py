"""Every migration runs on an empty database and the result matches the models."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from alliance_app import create_app
from alliance_app.core.db import Base

from .conftest import TEST_SECRET
from .servers import drop_database


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    # PostgreSQL: a database of its own, so the suite's tables are not in the way.
    name = f"alliance_mig_{uuid.uuid4().hex[:8]}"
    server = make_url(url)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(admin, name)
        admin.dispose()


def test_migrations_match_the_models(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        from alliance_app.extensions import db

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
            tables = set(inspect(connection).get_table_names())
        assert not diff, f"Models and migrations differ (run `flask db migrate`): {diff}"
        assert {"users", "organizations", "audit_entries", "api_tokens"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migration_files_are_date_prefixed():
    from pathlib import Path
    import re

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    assert all(re.match(r"^\d{8}_\d{4}_", name) for name in names), names


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="several app servers share PostgreSQL, not SQLite")
def test_app_servers_starting_at_once_upgrade_one_at_a_time(empty_database_url, tmp_path):
    """`make serve` upgrades before it serves: three servers started together
    all succeed, and the schema is made once."""
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": empty_database_url, "SECRET_KEY": TEST_SECRET,
           "ALLIANCE_INSTANCE_PATH": str(tmp_path)}
    runs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "alliance_app", "db", "upgrade"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], "\n".join(outputs)
    # Exactly one of them ran the migrations; the others found the database current.
    assert sum("Running upgrade  -> " in output for output in outputs) == 1, "\n".join(outputs)
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert len(connection.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    engine.dispose()
