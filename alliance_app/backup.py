"""`flask backup` and `flask restore`: a consistent snapshot taken while the app
is serving, and putting one back.

SQLite: the online backup API (sqlite3.Connection.backup) copies every page in
one read transaction, so the copy is a single consistent snapshot while other
connections go on writing (WAL mode). The copy is a self-contained file
(journal mode DELETE) checked with PRAGMA integrity_check. A restore runs the
same API the other way, into the live database: one write transaction that
other connections see whole or not at all (never a file copy over an open
database).

PostgreSQL: pg_dump --format=custom of the database, run inside an exported
snapshot so the printed row counts are those of the dump; pg_restore --clean
--if-exists --single-transaction puts one back. The password goes to pg_dump
and pg_restore through PGPASSWORD, never on the command line.

Errors are one line (click.ClickException). Output is English, not translated.
"""
from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import click
from flask import Flask, current_app, has_app_context
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SQLITE_BUSY_TIMEOUT_S = 15
SUMMARY_TABLES = 5  # the largest tables named in the summary line


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _say(message: str) -> None:
    """Progress and summaries go to stderr: stdout carries only the result."""
    click.echo(message, err=True)


def _interactive() -> bool:
    """A person at a terminal who can answer the confirmation (tests replace it)."""
    return sys.stdin is not None and sys.stdin.isatty()


# ---------------------------------------------------------------- which database

def _app_context(app: Flask):
    """The app's current context if it is active (the CLI's), else a new one."""
    if has_app_context() and current_app._get_current_object() is app:
        return nullcontext()
    return app.app_context()


def _database_url(app: Flask) -> URL:
    """The URL the engine really uses (Flask-SQLAlchemy makes a relative SQLite
    path relative to the instance folder)."""
    from .extensions import db

    with _app_context(app):
        return db.engine.url


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend
    _fail(f"Backups support SQLite and PostgreSQL; this database is {backend} ({url.drivername}).")


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        _fail("This SQLite database is in memory (or a URI database); only a database file can be backed up.")
    return Path(database)


def _dispose_connections(app: Flask) -> None:
    """This process keeps no transaction or pooled connection on the database
    while it is replaced (a PostgreSQL DROP TABLE would wait for it)."""
    from .extensions import db

    with _app_context(app):
        db.session.remove()
        db.engine.dispose()


def _human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def _counts_line(counts: dict[str, int]) -> str:
    """"34 tables, 1234 rows (registrations 800, audit_entries 300, ...)"."""
    filled = sorted(((n, t) for t, n in counts.items() if n), reverse=True)
    named = ", ".join(f"{t} {n}" for n, t in filled[:SUMMARY_TABLES])
    more = ", ..." if len(filled) > SUMMARY_TABLES else ""
    return f"{len(counts)} tables, {sum(counts.values())} rows" + (f" ({named}{more})" if named else "")


# ---------------------------------------------------------------- target file

def _default_name(suffix: str) -> str:
    return f"alliance-{datetime.now().strftime('%Y%m%d-%H%M%S')}{suffix}"


def _target(app: Flask, target_path, suffix: str) -> Path:
    """Where the backup goes: the given file, a default name inside a given
    folder (one that exists, or a path ending in /), or
    instance/backups/alliance-YYYYMMDD-HHMMSS<suffix>. Never an existing file."""
    given = None if target_path is None else Path(target_path).expanduser()
    if given is None:
        folder, name = Path(app.instance_path) / "backups", None
    elif given.is_dir() or str(target_path).endswith(os.sep):
        folder, name = given, None
    elif given.exists():
        _fail(f"{given} already exists; choose another --output or delete it first.")
    else:
        folder, name = given.parent, given.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"Cannot write the backup to {folder}: {exc.strerror or exc}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        _fail(f"Cannot write the backup to {folder}: permission denied.")
    if name is not None:
        return (folder / name).resolve()
    stem = _default_name("")
    target, n = folder / f"{stem}{suffix}", 1
    while target.exists():  # two backups within one second
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target.resolve()


def _partial(target: Path) -> Path:
    """Written beside the target and renamed when complete and verified, so a
    backup file that exists is always a whole one."""
    return target.with_name(f".{target.name}.partial")


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------- SQLite

def _sqlite_connect(path: Path, mode: str) -> sqlite3.Connection:
    """mode "ro" or "rw": never creates a file by mistake."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S,
                           isolation_level=None)


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sqlite_check(connection: sqlite3.Connection, pragma: str = "integrity_check") -> str:
    rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def _sqlite_backup(app: Flask, source: Path, target_path) -> Path:
    if not source.is_file():
        _fail(f"The database file {source} does not exist (run `flask db upgrade` first).")
    target = _target(app, target_path, ".sqlite3")
    partial = _partial(target)
    _remove(partial)
    try:
        src = _sqlite_connect(source, "rw")
        try:
            dst = sqlite3.connect(partial, isolation_level=None)
            try:
                # pages=-1: every page in one step, i.e. one read transaction on
                # the source: a consistent snapshot, writers carry on (WAL).
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm
                problem = _sqlite_check(dst)
                counts = _sqlite_counts(dst) if problem == "ok" else {}
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        _remove(partial)
        _fail(f"Backup of {source} failed: {exc}.")
    except OSError as exc:
        _remove(partial)
        _fail(f"Cannot write the backup to {target}: {exc.strerror or exc}.")
    if problem != "ok":
        _remove(partial)
        _fail(f"The copy of {source} failed its integrity check ({problem}); no backup written.")
    partial.replace(target)
    _say(f"Backup verified (integrity_check ok): {_human_size(target.stat().st_size)}, {_counts_line(counts)}.")
    return target


def _file_kind(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        _fail(f"{path} is a folder, not a backup file.")
    except FileNotFoundError:
        _fail(f"No such backup file: {path}.")
    except OSError as exc:
        _fail(f"Cannot read {path}: {exc.strerror or exc}.")
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return "unknown"


def _alembic_revision_sqlite(connection: sqlite3.Connection) -> str | None:
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not has_table:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else ""


def _check_sqlite_backup(path: Path) -> str:
    """The backup's migration revision, after checking it is a sound SQLite
    database of this application."""
    kind = _file_kind(path)
    if kind == "postgresql":
        _fail(f"{path} is a PostgreSQL dump, but this database is SQLite; choose a .sqlite3 backup.")
    if kind != "sqlite":
        _fail(f"{path} is not a SQLite database; choose a backup written by `flask backup`.")
    try:
        connection = _sqlite_connect(path, "ro")
        try:
            problem = _sqlite_check(connection)
            revision = _alembic_revision_sqlite(connection) if problem == "ok" else None
        finally:
            connection.close()
    except sqlite3.Error as exc:
        _fail(f"{path} cannot be read as a SQLite database: {exc}.")
    if problem != "ok":
        _fail(f"{path} is damaged (integrity_check: {problem}); not restored.")
    if not revision:
        _fail(f"{path} is a SQLite database but not one of this application (no alembic_version); not restored.")
    return revision


def _sqlite_restore(app: Flask, live: Path, source: Path, assume_yes: bool) -> None:
    if live.exists() and source.exists() and os.path.samefile(live, source):
        _fail(f"{source} is the live database itself, not a backup of it.")
    revision = _check_sqlite_backup(source)
    _confirm(str(live), live.name, source, assume_yes)
    live_revision = None
    if live.is_file():
        try:
            connection = _sqlite_connect(live, "ro")
            try:
                live_revision = _alembic_revision_sqlite(connection)
            finally:
                connection.close()
        except sqlite3.Error:
            pass
    _dispose_connections(app)
    try:
        live.parent.mkdir(parents=True, exist_ok=True)
        src = _sqlite_connect(source, "ro")
        try:
            dst = sqlite3.connect(live, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
            try:
                # The backup API into the live database: one write transaction
                # (it waits for a writer to finish); a database in WAL mode stays so.
                src.backup(dst, pages=-1)
                problem = _sqlite_check(dst, "quick_check")
                counts = _sqlite_counts(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        _fail(f"Restore into {live} failed, the database is unchanged: {exc}.")
    except OSError as exc:
        _fail(f"Cannot write {live}: {exc.strerror or exc}.")
    if problem != "ok":
        _fail(f"{live} failed its check after the restore ({problem}).")
    _say(f"Restored {source} into {live}: {_counts_line(counts)}.")
    _revision_note(revision, live_revision)


# ---------------------------------------------------------------- PostgreSQL

def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment that
    carries the password (PGPASSWORD) to pg_dump and pg_restore."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), env


def _version_key(path: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def _pg_tool(app: Flask, name: str) -> str:
    """pg_dump or pg_restore: from PG_BINDIR (config, or ALLIANCE_PG_BINDIR) when
    set, else PATH, else the newest /usr/lib/postgresql/*/bin."""
    if app.config.get("PG_BINDIR"):
        tool = Path(app.config["PG_BINDIR"]) / name
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            _fail(f"{name} was not found in PG_BINDIR ({app.config['PG_BINDIR']}).")
        return str(tool)
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    candidates += [str(Path(d) / name) for d in
                   sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    _fail(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL client "
          f"(e.g. apt-get install postgresql-client) or set ALLIANCE_PG_BINDIR.")


def _first_line(exc: Exception) -> str:
    """The database's own message, without SQLAlchemy's SQL and background link."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def _tool_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line.lower() or "fatal:" in line.lower():
            return line
    return lines[0] if lines else "no message"


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)


def _table_data(listing: str) -> list[tuple[str, str]]:
    """(schema, table) of each TABLE DATA entry of `pg_restore --list`, whose
    lines read "3420; 0 16390 TABLE DATA public alembic_version owner"."""
    return re.findall(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+)", listing, flags=re.M)


def _pg_backup(app: Flask, url: URL, target_path) -> Path:
    from sqlalchemy import inspect, text

    from .extensions import db

    pg_dump = _pg_tool(app, "pg_dump")
    pg_restore = _pg_tool(app, "pg_restore")
    target = _target(app, target_path, ".dump")
    partial = _partial(target)
    _remove(partial)
    conninfo, env = _libpq(url)
    counts: dict[str, int] = {}
    try:
        with _app_context(app), db.engine.connect() as connection:
            # Count the rows in a snapshot and dump that very snapshot, so the
            # summary describes the file (the transaction stays open meanwhile).
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                schema = connection.execute(text("SELECT current_schema()")).scalar_one()
                for table in sorted(inspect(connection).get_table_names(schema=schema)):
                    counts[table] = connection.execute(
                        text(f'SELECT count(*) FROM "{schema}"."{table}"')).scalar_one()
                result = _run([pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                               f"--file={partial}", f"--dbname={conninfo}"], env)
    except SQLAlchemyError as exc:
        _remove(partial)
        _fail(f"Backup of {url.database} failed: {_first_line(exc)}")
    if result.returncode != 0:
        _remove(partial)
        _fail(f"pg_dump failed: {_tool_error(result.stderr)}")
    listing = _run([pg_restore, "--list", str(partial)], env)
    if listing.returncode != 0:
        _remove(partial)
        _fail(f"The dump cannot be read back (pg_restore --list): {_tool_error(listing.stderr)}")
    dumped = {name for _schema, name in _table_data(listing.stdout)}
    missing = sorted(set(counts) - dumped)
    if missing:
        _remove(partial)
        _fail(f"The dump lacks the data of {', '.join(missing[:5])}; no backup written.")
    partial.replace(target)
    _say(f"Backup verified (pg_restore --list): {_human_size(target.stat().st_size)}, {_counts_line(counts)}.")
    return target


def _check_pg_dump(app: Flask, path: Path, env: dict) -> str:
    kind = _file_kind(path)
    if kind == "sqlite":
        _fail(f"{path} is a SQLite backup, but this database is PostgreSQL; choose a .dump backup.")
    if kind != "postgresql":
        _fail(f"{path} is not a PostgreSQL dump (pg_dump --format=custom); choose a backup written by `flask backup`.")
    listing = _run([_pg_tool(app, "pg_restore"), "--list", str(path)], env)
    if listing.returncode != 0:
        _fail(f"{path} cannot be read by pg_restore: {_tool_error(listing.stderr)}")
    if "alembic_version" not in {name for _schema, name in _table_data(listing.stdout)}:
        _fail(f"{path} is a PostgreSQL dump but not one of this application (no alembic_version); not restored.")
    return listing.stdout


def _pg_restore(app: Flask, url: URL, source: Path, assume_yes: bool) -> None:
    conninfo, env = _libpq(url)
    _check_pg_dump(app, source, env)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    _confirm(f"the PostgreSQL database {url.database} on {where}", url.database or "", source, assume_yes)
    _dispose_connections(app)
    result = _run([_pg_tool(app, "pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   f"--dbname={conninfo}", str(source)], env)
    if result.returncode != 0:
        _fail(f"pg_restore failed, the database is unchanged: {_tool_error(result.stderr)}")
    _say(f"Restored {source} into {url.database} on {where}.")


# ---------------------------------------------------------------- shared

def _confirm(description: str, name: str, source: Path, assume_yes: bool) -> None:
    if assume_yes:
        return
    if not _interactive():
        _fail("Not restored: confirm on a terminal, or pass --yes to restore without asking.")
    answer = click.prompt(f"This replaces every row of {description} with the backup from {source}. "
                          f"Type the database name ({name}) to continue", default="", show_default=False)
    if answer.strip() != name:
        _fail("Not restored: the name typed does not match.")


def _revision_note(backup_revision: str | None, live_revision: str | None) -> None:
    if backup_revision and live_revision and backup_revision != live_revision:
        _say(f"Note: the backup is at migration {backup_revision}, the database was at {live_revision}; "
             f"run `flask db upgrade` if this code is newer than the backup.")


def backup(app: Flask, target_path=None) -> Path:
    """Write a consistent snapshot of the app's database while it serves; return its path."""
    url = _database_url(app)
    if _kind(url) == "sqlite":
        return _sqlite_backup(app, _sqlite_path(url), target_path)
    return _pg_backup(app, url, target_path)


def restore(app: Flask, source_path, assume_yes: bool = False) -> None:
    """Replace the app's database with a backup, after a confirmation unless assume_yes."""
    url = _database_url(app)
    kind = _kind(url)
    source = Path(source_path).expanduser().resolve()
    if kind == "sqlite":
        _sqlite_restore(app, _sqlite_path(url).resolve(), source, assume_yes)
    else:
        _pg_restore(app, url, source, assume_yes)
