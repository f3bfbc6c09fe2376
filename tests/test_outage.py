"""PostgreSQL stopped for a few seconds under a running gunicorn: requests fail
cleanly with 503 (JSON for the API and /healthz, the error page for browsers),
nothing is half-written, and service resumes without restarting the app.

The test makes a PostgreSQL cluster of its own (it has to stop it), so it runs
in both of CI's runs; it is skipped where PostgreSQL's server programs are not
installed."""
import os
import socket
import time

import pytest

from . import load_driver
from .servers import Gunicorn, PostgresCluster, app_for, pg_bindir, scratch_database


def _cluster_possible() -> str | None:
    if pg_bindir() is None:
        return "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run the server as"
    return None


needs_cluster = pytest.mark.skipif(_cluster_possible() is not None, reason=str(_cluster_possible()))


@pytest.fixture
def cluster():
    server = PostgresCluster(pg_bindir()).init()
    server.start()
    yield server
    server.remove()


def _wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    return None


def _register(server, plan, n):
    return server.call("POST", f"/api/v1/events/{plan.event_id}/registrations", timeout=30,
                       headers={"Authorization": f"Bearer {plan.tokens[0]}"},
                       body={"name": f"断线代表{n}", "mobile": f"135{n:08d}", "category": "enterprise"})


@needs_cluster
def test_postgresql_stopped_and_started_under_a_running_app(cluster, tmp_path):
    with scratch_database("outage", tmp_path, cluster.server_url) as url:
        app = app_for(url, tmp_path / "instance")
        plan = load_driver.prepare(app, 2)
        with Gunicorn(url, tmp_path, workers=2) as server:
            workers = server.worker_pids()
            assert _register(server, plan, 1).status == 201
            assert server.call("GET", "/events/load-2").status == 200

            cluster.stop()
            health = server.call("GET", "/healthz")
            assert health.status == 503 and health.json() == {"status": "unavailable", "database": "down"}
            down = [_register(server, plan, 2) for _ in range(3)]  # every worker, whatever its pool held
            for answer in down:
                assert answer.status == 503, answer.text
                assert answer.headers["content-type"].startswith("application/json")
                assert answer.json()["status"] == 503 and answer.json()["message"]
                assert answer.seconds < 10
            page = server.call("GET", "/events/load-2", headers={"Accept-Language": "zh-CN"})
            assert page.status == 503 and page.headers["content-type"].startswith("text/html")
            assert "服务暂时不可用" in page.text and "Traceback" not in page.text

            cluster.start()
            assert _wait_for(lambda: server.call("GET", "/healthz").status == 200, 15), "healthz never recovered"
            # The first request after the restart already succeeds (stale pooled
            # connections are tested on checkout), and the one refused earlier goes through now.
            assert _register(server, plan, 2).status == 201
            assert _register(server, plan, 3).status == 201
            assert server.call("GET", "/events/load-2").status == 200
            assert server.worker_pids() == workers  # no restart of the app

            # A restart between two requests goes unnoticed: every worker's pooled
            # connection is dead, and none of the next requests fails for it.
            cluster.stop()
            cluster.start()
            answers = [server.call("GET", "/healthz").status for _ in range(6)]
            assert answers == [200] * 6
            assert _register(server, plan, 4).status == 201
            log = server.log()

        assert "Traceback" not in log
        assert load_driver.stored_counts(app, plan) == {"confirmed": 4}


def test_a_database_server_that_never_answers_fails_in_seconds(tmp_path, monkeypatch):
    """A server that takes the connection and then says nothing (a hung host, a
    dead proxy): /healthz answers 503 within the connect timeout instead of
    holding the worker until the reverse proxy gives up."""
    from alliance_app.core.engine import SERVER_CONNECT_TIMEOUT_S

    from .conftest import make_app

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the backlog; nothing is ever sent back
        port = silent.getsockname()[1]
        app = make_app({"TESTING": True, "SECRET_KEY": "x" * 40,
                        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"},
                       tmp_path, monkeypatch)
        started = time.monotonic()
        response = app.test_client().get("/healthz")
        took = time.monotonic() - started
    assert response.status_code == 503 and response.get_json()["database"] == "down"
    assert took < SERVER_CONNECT_TIMEOUT_S * 2 + 2, took
