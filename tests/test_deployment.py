"""Behind a proxy: forwarded headers trusted only as configured; one log line
per request without personal data."""
import json
import logging

from .conftest import make_app


def test_forwarded_headers_are_ignored_unless_configured(app_config, tmp_path, monkeypatch):
    plain = make_app(app_config, tmp_path / "a", monkeypatch)

    @plain.route("/whoami")
    def whoami():
        from flask import request

        return {"address": request.remote_addr, "scheme": request.scheme}

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert plain.test_client().get("/whoami", headers=headers).get_json() == {"address": "127.0.0.1",
                                                                               "scheme": "http"}
    proxied = make_app({**app_config, "PROXY_FIX": {"x_for": 1, "x_proto": 1}}, tmp_path / "b", monkeypatch)
    proxied.add_url_rule("/whoami", view_func=whoami)
    answer = proxied.test_client().get("/whoami", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9",
                                                           "X-Forwarded-Proto": "https"}).get_json()
    # One proxy: only its own entry (the last) is believed, not what the client wrote before it.
    assert answer == {"address": "203.0.113.9", "scheme": "https"}


def test_one_log_line_per_request_without_personal_data(app_config, tmp_path, monkeypatch, caplog, people):
    production = make_app({**app_config, "TESTING": False, "BASE_URL": "https://alliance.example"}, tmp_path, monkeypatch)
    with caplog.at_level(logging.INFO, logger="alliance.requests"):
        production.test_client().get("/members?q=13900000001", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "alliance.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert (line["method"], line["route"], line["status"]) == ("GET", "/members", 200) and line["ms"] >= 0
    text = json.dumps(line)
    assert "13900000001" not in text and "10.1.2.3" not in text


def test_a_request_refused_before_the_view_is_logged_too(app_config, tmp_path, monkeypatch, caplog):
    """The CSRF check answers 400 before any view runs; the log still has its line."""
    production = make_app({**app_config, "TESTING": False, "WTF_CSRF_ENABLED": True, "BASE_URL": "https://alliance.example"},
                          tmp_path, monkeypatch)
    with caplog.at_level(logging.INFO, logger="alliance.requests"):
        response = production.test_client().post("/login", data={"email": "x@example.org"})
    assert response.status_code == 400
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "alliance.requests"]
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [("POST", "/login", 400)]
