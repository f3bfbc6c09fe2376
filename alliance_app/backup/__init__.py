"""`flask backup` and `flask restore`: a consistent snapshot taken while the app
is serving, and putting one back.

One interface over two halves, chosen by the app's database: sqlite.py (the
online backup API) and postgresql.py (pg_dump and pg_restore); common.py
holds what both use. The confirmation before a restore is asked here, once
for both.

Errors are one line (click.ClickException). Output is English, not translated.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import URL

from . import postgresql, sqlite
from .common import app_context, fail


def _interactive() -> bool:
    """A person at a terminal who can answer the confirmation (tests replace it)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _database_url(app: Flask) -> URL:
    """The URL the engine really uses (Flask-SQLAlchemy makes a relative SQLite
    path relative to the instance folder)."""
    from ..extensions import db

    with app_context(app):
        return db.engine.url


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend in ("sqlite", "postgresql"):
        return backend
    fail(f"Backups support SQLite and PostgreSQL; this database is {backend} ({url.drivername}).")


def _confirm(description: str, name: str, source: Path, assume_yes: bool) -> None:
    if assume_yes:
        return
    if not _interactive():
        fail("Not restored: confirm on a terminal, or pass --yes to restore without asking.")
    answer = click.prompt(f"This replaces every row of {description} with the backup from {source}. "
                          f"Type the database name ({name}) to continue", default="", show_default=False)
    if answer.strip() != name:
        fail("Not restored: the name typed does not match.")


def backup(app: Flask, target_path=None) -> Path:
    """Write a consistent snapshot of the app's database while it serves; return its path."""
    url = _database_url(app)
    half = sqlite if _kind(url) == "sqlite" else postgresql
    return half.backup(app, url, target_path)


def restore(app: Flask, source_path, assume_yes: bool = False) -> None:
    """Replace the app's database with a backup, after a confirmation unless assume_yes."""
    url = _database_url(app)
    half = sqlite if _kind(url) == "sqlite" else postgresql
    source = Path(source_path).expanduser().resolve()

    def confirm(description: str, name: str) -> None:
        _confirm(description, name, source, assume_yes)

    half.restore(app, url, source, confirm)
