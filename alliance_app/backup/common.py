"""What the SQLite and PostgreSQL halves of `flask backup` and `flask restore`
share: one-line errors and progress on stderr, the file a backup goes to
(written beside it and renamed once verified), what kind of backup a file is,
and letting go of this process's connections before a restore."""
from __future__ import annotations

import os
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SUMMARY_TABLES = 5  # the largest tables named in the summary line


def fail(message: str) -> None:
    raise click.ClickException(message)


def say(message: str) -> None:
    """Progress and summaries go to stderr: stdout carries only the result."""
    click.echo(message, err=True)


def app_context(app: Flask):
    """The app's current context if it is active (the CLI's), else a new one."""
    if has_app_context() and current_app._get_current_object() is app:
        return nullcontext()
    return app.app_context()


def dispose_connections(app: Flask) -> None:
    """This process keeps no transaction or pooled connection on the database
    while it is replaced (a PostgreSQL DROP TABLE would wait for it)."""
    from ..extensions import db

    with app_context(app):
        db.session.remove()
        db.engine.dispose()


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def counts_line(counts: dict[str, int]) -> str:
    """"34 tables, 1234 rows (registrations 800, audit_entries 300, ...)"."""
    filled = sorted(((n, t) for t, n in counts.items() if n), reverse=True)
    named = ", ".join(f"{t} {n}" for n, t in filled[:SUMMARY_TABLES])
    more = ", ..." if len(filled) > SUMMARY_TABLES else ""
    return f"{len(counts)} tables, {sum(counts.values())} rows" + (f" ({named}{more})" if named else "")


def default_name(suffix: str) -> str:
    return f"alliance-{datetime.now().strftime('%Y%m%d-%H%M%S')}{suffix}"


def target_file(app: Flask, target_path, suffix: str) -> Path:
    """Where the backup goes: the given file, a default name inside a given
    folder (one that exists, or a path ending in /), or
    instance/backups/alliance-YYYYMMDD-HHMMSS<suffix>. Never an existing file."""
    given = None if target_path is None else Path(target_path).expanduser()
    if given is None:
        folder, name = Path(app.instance_path) / "backups", None
    elif given.is_dir() or str(target_path).endswith(os.sep):
        folder, name = given, None
    elif given.exists():
        fail(f"{given} already exists; choose another --output or delete it first.")
    else:
        folder, name = given.parent, given.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"Cannot write the backup to {folder}: {exc.strerror or exc}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"Cannot write the backup to {folder}: permission denied.")
    if name is not None:
        return (folder / name).resolve()
    stem = default_name("")
    target, n = folder / f"{stem}{suffix}", 1
    while target.exists():  # two backups within one second
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target.resolve()


def partial_file(target: Path) -> Path:
    """Written beside the target and renamed when complete and verified, so a
    backup file that exists is always a whole one."""
    return target.with_name(f".{target.name}.partial")


def remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def file_kind(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        fail(f"{path} is a folder, not a backup file.")
    except FileNotFoundError:
        fail(f"No such backup file: {path}.")
    except OSError as exc:
        fail(f"Cannot read {path}: {exc.strerror or exc}.")
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return "unknown"

