"""flask backup and flask restore: a snapshot taken during concurrent writes
holds every row committed before it started, whole transactions only, and
restores into an empty database; the commands refuse clearly. Runs on the
suite's kind of database (PostgreSQL when DATABASE_URL is set), each test on
databases of its own, migrated like production."""
import os
import re
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import make_url

from alliance_app import backup as backup_module
from alliance_app import create_app
from alliance_app.audit.models import AuditEntry
from alliance_app.backup import backup, restore
from alliance_app.backup import postgresql as postgresql_backup
from alliance_app.backup import sqlite as sqlite_backup
from alliance_app.extensions import db
from alliance_app.members.models import Contact, Organization

from . import factories
from .conftest import base_config
from .servers import drop_database

POSTGRES = bool(os.environ.get("DATABASE_URL"))
WRITERS = 4
BEFORE_BACKUP = 40  # commits the writers make before the backup is taken
AFTER_BACKUP = 20  # and after it returned (rows the backup cannot hold)


@pytest.fixture
def new_app(tmp_path, monkeypatch):
    """new_app(label): an app on a new, migrated, empty database of the suite's
    kind (a SQLite file, or a PostgreSQL database created for the test)."""
    server = make_url(os.environ["DATABASE_URL"]) if POSTGRES else None
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT") if POSTGRES else None
    created, apps = [], []
    monkeypatch.setenv("ALLIANCE_INSTANCE_PATH", str(tmp_path / "instance"))

    def make(label: str):
        if POSTGRES:
            name = f"alliance_backup_{label}_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            created.append(name)
            url = server.set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp_path / f'{label}.db'}"
        application = create_app(base_config(url))
        apps.append(application)
        with application.app_context():
            upgrade()
        return application

    yield make
    for application in apps:
        with application.app_context():
            db.engine.dispose()
    if admin is not None:
        for name in created:
            drop_database(admin, name)
        admin.dispose()


@pytest.fixture
def needs_pg_tools():
    if POSTGRES:
        settings = SimpleNamespace(config={"PG_BINDIR": os.environ.get("ALLIANCE_PG_BINDIR")})
        try:
            postgresql_backup._pg_tool(settings, "pg_dump")
            postgresql_backup._pg_tool(settings, "pg_restore")
        except click.ClickException as exc:
            pytest.skip(f"PostgreSQL backups need the client tools: {exc.message}")


def _live_path(app) -> Path:
    with app.app_context():
        return Path(db.engine.url.database)


# ---------------------------------------------------------------- (a) concurrent writes

def _writer(app, n: int, stop: threading.Event, committed: list, errors: list) -> None:
    """One organization, its main contact and their two audit entries (written
    at flush) per transaction, committed through a writing request as the app does."""
    from alliance_app.demo import demo_uscc
    from alliance_app.members.services import create_organization

    i = 0
    while not stop.is_set():
        i += 1
        name = f"备份并发单位{n}-{i}有限公司"
        try:
            with app.test_request_context("/members/new", method="POST"):  # SQLite: BEGIN IMMEDIATE
                org = create_organization({"name": name, "uscc": demo_uscc("91340100", name)})
                db.session.add(Contact(organization=org, name=f"联系人{n}-{i}", is_main=True))
                org_id = org.id
                db.session.commit()
            committed.append(org_id)  # only once the commit has returned
        except Exception as exc:  # noqa: BLE001  reported by the test
            errors.append(f"writer {n}: {exc!r}")
            return


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writers are stuck"
        time.sleep(0.005)


def test_backup_during_concurrent_writes_restores_every_committed_row(new_app, needs_pg_tools, tmp_path):
    source = new_app("source")
    stop, committed, errors = threading.Event(), [], []
    writers = [threading.Thread(target=_writer, args=(source, n, stop, committed, errors), daemon=True)
               for n in range(WRITERS)]
    for thread in writers:
        thread.start()
    try:
        _wait_for(lambda: len(committed) >= BEFORE_BACKUP or errors)
        before = set(committed)  # every id whose commit returned before the backup started
        path = backup(source, f"{tmp_path / 'backups'}/")  # a folder, made on the way
        during = len(committed) - len(before)
        _wait_for(lambda: len(committed) >= len(before) + during + AFTER_BACKUP or errors)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=30)
    assert not errors, errors
    every_commit = set(committed)
    assert len(every_commit) == len(committed)
    assert path.is_file() and path.parent == tmp_path / "backups"
    assert path.suffix == (".dump" if POSTGRES else ".sqlite3")

    if not POSTGRES:
        with sqlite3.connect(path) as snapshot:
            assert snapshot.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert snapshot.execute("PRAGMA foreign_key_check").fetchall() == []
            assert snapshot.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal

    empty = new_app("empty")
    restore(empty, path, assume_yes=True)
    with empty.app_context():
        restored = set(db.session.scalars(select(Organization.id)))
        contacts = list(db.session.scalars(select(Contact.organization_id)))
        org_entries = list(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == "organizations", AuditEntry.action == "create")))
        contact_entries = list(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == "contacts", AuditEntry.action == "create")))
        contact_ids = set(db.session.scalars(select(Contact.id)))
    missing = before - restored
    assert not missing, f"{len(missing)} rows committed before the backup are missing: {sorted(missing)[:10]}"
    assert restored <= every_commit, "the backup holds rows no transaction committed"
    # Whole transactions only: each organization with its one contact and both audit entries.
    assert sorted(contacts) == sorted(restored)
    assert sorted(int(i) for i in org_entries) == sorted(restored)
    assert {int(i) for i in contact_entries} == contact_ids and len(contact_entries) == len(contact_ids)
    assert len(restored) < len(every_commit), "the writers went on after the backup"


# ---------------------------------------------------------------- (b) the commands

@pytest.fixture
def served(new_app, needs_pg_tools):
    """An app on a migrated database holding two organizations, and its CLI runner."""
    application = new_app("live")
    with application.app_context():
        factories.organization("留存单位有限公司")
        factories.organization("将被删除单位有限公司")
        db.session.remove()
    return application, application.test_cli_runner()


def _names(application) -> set[str]:
    with application.app_context():
        names = set(db.session.scalars(select(Organization.name)))
        db.session.remove()
    return names


def _one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_backup_prints_the_path_of_a_verified_file(served):
    application, cli = served
    result = cli.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.is_file()
    assert path.parent == Path(application.instance_path) / "backups"
    assert re.fullmatch(r"alliance-\d{8}-\d{6}\.(sqlite3|dump)", path.name)
    assert "Backup verified" in result.stderr and "rows" in result.stderr
    again = cli.invoke(args=["backup"])  # within the same second: a name of its own
    assert again.exit_code == 0 and Path(again.stdout.strip()) != path


def test_backup_refuses_a_target_it_cannot_write(served, tmp_path):
    _application, cli = served
    (tmp_path / "a-file").write_text("not a folder")
    line = _one_line_error(cli.invoke(args=["backup", "--output", str(tmp_path / "a-file" / "x.sqlite3")]))
    assert "Cannot write the backup to" in line
    line = _one_line_error(cli.invoke(args=["backup", "--output", str(tmp_path / "a-file")]))
    assert "already exists" in line


def test_restore_puts_back_a_deleted_row(served, tmp_path):
    application, cli = served
    made = cli.invoke(args=["backup", "--output", str(tmp_path / "before.bak")])
    assert made.exit_code == 0, made.output
    with application.app_context():
        db.session.execute(delete(Organization).where(Organization.name == "将被删除单位有限公司"))
        db.session.commit()
    assert "将被删除单位有限公司" not in _names(application)
    watcher = None
    if not POSTGRES:  # a connection of the serving app, open across the restore
        watcher = sqlite3.connect(_live_path(application))
        assert watcher.execute("SELECT count(*) FROM organizations").fetchone() == (1,)

    result = cli.invoke(args=["restore", str(tmp_path / "before.bak"), "--yes"])

    assert result.exit_code == 0, result.output
    assert _names(application) == {"留存单位有限公司", "将被删除单位有限公司"}
    if watcher is not None:
        assert watcher.execute("SELECT count(*) FROM organizations").fetchone() == (2,)
        watcher.close()


def test_restore_without_yes_and_without_a_terminal_refuses(served, tmp_path):
    application, cli = served
    path = backup(application, tmp_path / "snap")
    with application.app_context():
        db.session.execute(delete(Organization))
        db.session.commit()
    line = _one_line_error(cli.invoke(args=["restore", str(path)]))
    assert "--yes" in line
    assert _names(application) == set()


def test_restore_on_a_terminal_asks_for_the_database_name(served, tmp_path, monkeypatch):
    application, cli = served
    path = backup(application, tmp_path / "snap")
    with application.app_context():
        db.session.execute(delete(Organization))
        db.session.commit()
        name = db.engine.url.database if POSTGRES else Path(db.engine.url.database).name
    monkeypatch.setattr(backup_module, "_interactive", lambda: True)

    wrong = cli.invoke(args=["restore", str(path)], input="some-other-name\n")
    assert wrong.exit_code != 0 and "does not match" in wrong.output
    assert _names(application) == set()

    right = cli.invoke(args=["restore", str(path)], input=f"{name}\n")
    assert right.exit_code == 0, right.output
    assert f"Type the database name ({name})" in right.output
    assert len(_names(application)) == 2


def test_restore_refuses_a_file_of_the_wrong_kind(served, tmp_path):
    application, cli = served
    garbage = tmp_path / "garbage.bak"
    garbage.write_bytes(b"\x00\x01 certainly not a backup" * 100)
    other_kind = tmp_path / "other-kind.bak"
    stranger = tmp_path / "stranger.sqlite3"
    with sqlite3.connect(stranger) as connection:  # a SQLite database of some other program
        connection.execute("CREATE TABLE notes (body TEXT)")
    if POSTGRES:
        with sqlite3.connect(other_kind) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
        expected = {garbage: "is not a PostgreSQL dump", other_kind: "is a SQLite backup",
                    stranger: "is a SQLite backup", tmp_path / "missing.dump": "No such backup file"}
    else:
        other_kind.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
        expected = {garbage: "is not a SQLite database", other_kind: "is a PostgreSQL dump",
                    stranger: "not one of this application", tmp_path / "missing.sqlite3": "No such backup file",
                    _live_path(application): "is the live database itself"}
    for path, message in expected.items():
        for args in (["restore", str(path), "--yes"], ["restore", str(path)]):
            line = _one_line_error(cli.invoke(args=args))
            assert message in line, (path.name, line)
    assert len(_names(application)) == 2


# ---------------------------------------------------------------- pieces

def test_other_databases_are_refused_in_one_line():
    with pytest.raises(click.ClickException, match="support SQLite and PostgreSQL; this database is mysql"):
        backup_module._kind(make_url("mysql+pymysql://u:p@db/alliance"))
    with pytest.raises(click.ClickException, match="in memory"):
        sqlite_backup._sqlite_path(make_url("sqlite://"))


def test_the_password_travels_in_the_environment_only():
    conninfo, env = postgresql_backup._libpq(make_url("postgresql+psycopg://alli:s%40cret@db.example:5433/prod"
                                                      "?sslmode=require"))
    assert conninfo == "postgresql://alli@db.example:5433/prod?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret"


def test_a_missing_pg_dump_is_reported_clearly(monkeypatch, tmp_path):
    with pytest.raises(click.ClickException, match=r"pg_restore was not found in PG_BINDIR \("):
        postgresql_backup._pg_tool(SimpleNamespace(config={"PG_BINDIR": str(tmp_path)}), "pg_restore")
    monkeypatch.setattr(postgresql_backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(postgresql_backup.glob, "glob", lambda pattern: [])
    with pytest.raises(click.ClickException, match="pg_dump was not found on PATH or in /usr/lib/postgresql"):
        postgresql_backup._pg_tool(SimpleNamespace(config={}), "pg_dump")
