"""SQLite backups: the online backup API (sqlite3.Connection.backup) copies
every page in one read transaction, so the copy is a single consistent
snapshot while other connections go on writing (WAL mode). The copy is a
self-contained file (journal mode DELETE) checked with PRAGMA integrity_check.
A restore runs the same API the other way, into the live database: one write
transaction that other connections see whole or not at all (never a file copy
over an open database)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from flask import Flask
from sqlalchemy.engine import URL

from .common import counts_line, dispose_connections, fail, file_kind, human_size, partial_file, remove, say, target_file

SQLITE_BUSY_TIMEOUT_S = 15


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        fail("This SQLite database is in memory (or a URI database); only a database file can be backed up.")
    return Path(database)


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


def backup(app: Flask, url: URL, target_path) -> Path:
    source = _sqlite_path(url)
    if not source.is_file():
        fail(f"The database file {source} does not exist (run `flask db upgrade` first).")
    target = target_file(app, target_path, ".sqlite3")
    partial = partial_file(target)
    remove(partial)
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
        remove(partial)
        fail(f"Backup of {source} failed: {exc}.")
    except OSError as exc:
        remove(partial)
        fail(f"Cannot write the backup to {target}: {exc.strerror or exc}.")
    if problem != "ok":
        remove(partial)
        fail(f"The copy of {source} failed its integrity check ({problem}); no backup written.")
    partial.replace(target)
    say(f"Backup verified (integrity_check ok): {human_size(target.stat().st_size)}, {counts_line(counts)}.")
    return target


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
    kind = file_kind(path)
    if kind == "postgresql":
        fail(f"{path} is a PostgreSQL dump, but this database is SQLite; choose a .sqlite3 backup.")
    if kind != "sqlite":
        fail(f"{path} is not a SQLite database; choose a backup written by `flask backup`.")
    try:
        connection = _sqlite_connect(path, "ro")
        try:
            problem = _sqlite_check(connection)
            revision = _alembic_revision_sqlite(connection) if problem == "ok" else None
        finally:
            connection.close()
    except sqlite3.Error as exc:
        fail(f"{path} cannot be read as a SQLite database: {exc}.")
    if problem != "ok":
        fail(f"{path} is damaged (integrity_check: {problem}); not restored.")
    if not revision:
        fail(f"{path} is a SQLite database but not one of this application (no alembic_version); not restored.")
    return revision


def restore(app: Flask, url: URL, source: Path, confirm: Callable[[str, str], None]) -> None:
    """`confirm(description, name)` asks before anything changes."""
    live = _sqlite_path(url).resolve()
    if live.exists() and source.exists() and os.path.samefile(live, source):
        fail(f"{source} is the live database itself, not a backup of it.")
    revision = _check_sqlite_backup(source)
    confirm(str(live), live.name)
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
    dispose_connections(app)
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
        fail(f"Restore into {live} failed, the database is unchanged: {exc}.")
    except OSError as exc:
        fail(f"Cannot write {live}: {exc.strerror or exc}.")
    if problem != "ok":
        fail(f"{live} failed its check after the restore ({problem}).")
    say(f"Restored {source} into {live}: {counts_line(counts)}.")
    _revision_note(revision, live_revision)


def _revision_note(backup_revision: str | None, live_revision: str | None) -> None:
    if backup_revision and live_revision and backup_revision != live_revision:
        say(f"Note: the backup is at migration {backup_revision}, the database was at {live_revision}; "
            f"run `flask db upgrade` if this code is newer than the backup.")
