"""Friendly error pages in both languages, JSON errors, and /healthz."""
import pytest
from sqlalchemy.exc import OperationalError

from .conftest import login, make_app


@pytest.fixture
def failing_app(app_config, tmp_path, monkeypatch):
    app = make_app(app_config, tmp_path, monkeypatch)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: /etc/passwd")

    @app.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    return app


def test_404_page_in_chinese_and_english(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
    client.set_cookie("alliance_lang", "en")
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)


def test_500_page_shows_no_stack_trace(failing_app):
    client = failing_app.test_client()
    failing_app.testing = False  # let the error handler answer, as in production
    response = client.get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in text
    assert "Traceback" not in text and "secret internals" not in text
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.get_json()["status"] == 500
    assert "secret internals" not in api.get_data(as_text=True)


def test_403_page_for_a_member_on_an_admin_page(client, people):
    login(client, people.member_a)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "您没有权限查看此页面" in response.get_data(as_text=True)


def test_413_for_an_oversized_body(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "上传文件过大" in response.get_data(as_text=True)


def test_database_outage_is_503_not_500(failing_app, monkeypatch):
    @failing_app.route("/needs-db")
    def needs_db():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    client = failing_app.test_client()
    response = client.get("/needs-db")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_the_database_does_not_answer(client, monkeypatch):
    from alliance_app.extensions import db

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
