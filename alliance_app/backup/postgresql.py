"""PostgreSQL backups: pg_dump --format=custom of the database, run inside an
exported snapshot so the printed row counts are those of the dump;
pg_restore --clean --if-exists --single-transaction puts one back. The
password goes to pg_dump and pg_restore through PGPASSWORD, never on the
command line."""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable

from flask import Flask
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from .common import (app_context, counts_line, dispose_connections, fail, file_kind, human_size, partial_file, remove,
                     say, target_file)


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
            fail(f"{name} was not found in PG_BINDIR ({app.config['PG_BINDIR']}).")
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
    fail(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL client "
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


def backup(app: Flask, url: URL, target_path) -> Path:
    from sqlalchemy import inspect, text

    from ..extensions import db

    pg_dump = _pg_tool(app, "pg_dump")
    pg_restore = _pg_tool(app, "pg_restore")
    target = target_file(app, target_path, ".dump")
    partial = partial_file(target)
    remove(partial)
    conninfo, env = _libpq(url)
    counts: dict[str, int] = {}
    try:
        with app_context(app), db.engine.connect() as connection:
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
        remove(partial)
        fail(f"Backup of {url.database} failed: {_first_line(exc)}")
    if result.returncode != 0:
        remove(partial)
        fail(f"pg_dump failed: {_tool_error(result.stderr)}")
    listing = _run([pg_restore, "--list", str(partial)], env)
    if listing.returncode != 0:
        remove(partial)
        fail(f"The dump cannot be read back (pg_restore --list): {_tool_error(listing.stderr)}")
    dumped = {name for _schema, name in _table_data(listing.stdout)}
    missing = sorted(set(counts) - dumped)
    if missing:
        remove(partial)
        fail(f"The dump lacks the data of {', '.join(missing[:5])}; no backup written.")
    partial.replace(target)
    say(f"Backup verified (pg_restore --list): {human_size(target.stat().st_size)}, {counts_line(counts)}.")
    return target


def _check_pg_dump(app: Flask, path: Path, env: dict) -> str:
    kind = file_kind(path)
    if kind == "sqlite":
        fail(f"{path} is a SQLite backup, but this database is PostgreSQL; choose a .dump backup.")
    if kind != "postgresql":
        fail(f"{path} is not a PostgreSQL dump (pg_dump --format=custom); choose a backup written by `flask backup`.")
    listing = _run([_pg_tool(app, "pg_restore"), "--list", str(path)], env)
    if listing.returncode != 0:
        fail(f"{path} cannot be read by pg_restore: {_tool_error(listing.stderr)}")
    if "alembic_version" not in {name for _schema, name in _table_data(listing.stdout)}:
        fail(f"{path} is a PostgreSQL dump but not one of this application (no alembic_version); not restored.")
    return listing.stdout


def restore(app: Flask, url: URL, source: Path, confirm: Callable[[str, str], None]) -> None:
    """`confirm(description, name)` asks before anything changes."""
    conninfo, env = _libpq(url)
    _check_pg_dump(app, source, env)
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    confirm(f"the PostgreSQL database {url.database} on {where}", url.database or "")
    dispose_connections(app)
    result = _run([_pg_tool(app, "pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   f"--dbname={conninfo}", str(source)], env)
    if result.returncode != 0:
        fail(f"pg_restore failed, the database is unchanged: {_tool_error(result.stderr)}")
    say(f"Restored {source} into {url.database} on {where}.")
