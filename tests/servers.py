"""Real servers for the deployment tests and benchmarks/load.py: a new migrated
database of the suite's kind, gunicorn on loopback ports, and a PostgreSQL
cluster of a test's own that the test may stop and start.

Nothing here imports pytest or the fixtures, so the benchmark scripts can use it."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

REPO = Path(__file__).resolve().parent.parent
SERVER_SECRET = "server-test-secret-" + "s" * 32
# Fast hashing for the accounts the tests create; the servers verify any method.
TEST_HASH = "pbkdf2:sha256:1000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_for(url: str, instance_path: Path, **config):
    """An app object on `url` for setting up and checking data from the test process."""
    from alliance_app import create_app

    saved = os.environ.get("ALLIANCE_INSTANCE_PATH")
    os.environ["ALLIANCE_INSTANCE_PATH"] = str(instance_path)
    try:
        return create_app({"TESTING": True, "SECRET_KEY": SERVER_SECRET, "SQLALCHEMY_DATABASE_URI": url,
                           "PASSWORD_HASH_METHOD": TEST_HASH, **config})
    finally:
        if saved is None:
            del os.environ["ALLIANCE_INSTANCE_PATH"]
        else:
            os.environ["ALLIANCE_INSTANCE_PATH"] = saved


def migrate(url: str, instance_path: Path) -> None:
    from flask_migrate import upgrade

    from alliance_app.extensions import db

    application = app_for(url, instance_path)
    with application.app_context():
        upgrade()
        db.engine.dispose()


@contextmanager
def scratch_database(label: str, directory: Path, server_url: str | None = None) -> Iterator[str]:
    """A new, migrated, empty database: a SQLite file in `directory`, or, when
    `server_url` (default: DATABASE_URL) names PostgreSQL, a database created on
    that server and dropped afterwards."""
    server_url = server_url if server_url is not None else os.environ.get("DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{directory / f'{label}.db'}"
        migrate(url, directory / "instance")
        yield url
        return
    server = make_url(server_url)
    name = f"alliance_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        migrate(url, directory / "instance")
        yield url
    finally:
        drop_database(admin, name)
        admin.dispose()


def drop_database(admin, name: str, attempts: int = 40) -> None:
    """DROP DATABASE ... WITH (FORCE) through `admin` (an AUTOCOMMIT engine on the
    server). FORCE terminates the other sessions on that database, which a role that
    is not a superuser may do only to its own: an autovacuum worker that happens to
    be working there refuses it (InsufficientPrivilege). Autovacuum gives way within
    moments, so the drop is tried again instead of failing the test's teardown."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError as exc:
            if "InsufficientPrivilege" not in type(exc.orig).__name__ or attempt == attempts - 1:
                raise
            time.sleep(0.25)


# --- HTTP ------------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def call(port: int, method: str, path: str, *, body: bytes | dict | None = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one).
    Connection failures raise OSError / http.client.HTTPException."""
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                      time.perf_counter() - started)
    finally:
        connection.close()


# --- gunicorn --------------------------------------------------------------------------------------

def _gunicorn_options() -> list[str]:
    """gunicorn 25+ opens a control socket at one fixed path in the home folder:
    two instances on one machine (or two tests) would take it from each other."""
    from gunicorn.config import KNOWN_SETTINGS

    flags = {flag for setting in KNOWN_SETTINGS for flag in (setting.cli or [])}
    return ["--no-control-socket"] if "--no-control-socket" in flags else []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (in brackets) may hold spaces: the fields after it are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


class Gunicorn:
    """`gunicorn --workers N 'alliance_app:create_app()'` on a free loopback port,
    configured through the environment as the README's deployment section says."""

    def __init__(self, url: str, directory: Path, *, workers: int = 4, name: str = "gunicorn",
                 env: dict[str, str] | None = None, timeout: int = 30, application: str = "alliance_app:create_app()"):
        # application: another WSGI app under the same settings (benchmarks/bare_register.py)
        self.url, self.workers, self.timeout, self.application = url, workers, timeout, application
        self.port = free_port()
        self.log_path = directory / f"{name}.log"
        self.instance_path = directory / "instance"
        self.env = {
            **os.environ,
            "SECRET_KEY": SERVER_SECRET,
            "DATABASE_URL": url,
            "ALLIANCE_INSTANCE_PATH": str(self.instance_path),
            # Plain HTTP on loopback: the production `Secure` cookie flag would drop the session.
            "ALLIANCE_SESSION_COOKIE_SECURE": "false",
            "ALLIANCE_REMEMBER_COOKIE_SECURE": "false",
            "ALLIANCE_BASE_URL": f"http://127.0.0.1:{self.port}",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, ready_within: float = 60) -> "Gunicorn":
        self.instance_path.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", str(self.timeout), "--graceful-timeout", "5",
             *_gunicorn_options(), self.application],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        self.wait_ready(ready_within)
        return self

    def wait_ready(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                if call(self.port, "GET", "/healthz", timeout=5).status == 200 \
                        and len(self.worker_pids()) == self.workers:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {within}s:\n{self.log()[-3000:]}")

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid)

    def kill_worker(self, pid: int | None = None) -> int:
        pid = pid or self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def call(self, method: str, path: str, **kwargs) -> Answer:
        return call(self.port, method, path, **kwargs)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- a PostgreSQL cluster of a test's own -------------------------------------------------------------

def pg_bindir() -> Path | None:
    """The server binaries (initdb, pg_ctl): ALLIANCE_PG_BINDIR, Debian's layout, or PATH."""
    candidates = [os.environ.get("ALLIANCE_PG_BINDIR")]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                         reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


class PostgresCluster:
    """initdb + pg_ctl in a temporary directory on a free loopback port, trust
    authentication, no fsync. As root the server runs as the `postgres` user
    (PostgreSQL refuses to run as root)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="alliance-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as = []
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, *args], cwd=self.root, capture_output=True, text=True,
                              check=check, timeout=90)

    def init(self) -> "PostgresCluster":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.root}'\nfsync = off\nsynchronous_commit = off\n"
                       "full_page_writes = off\nmax_connections = 50\n")
        return self

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  check=False)

    @property
    def server_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
