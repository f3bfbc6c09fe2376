"""The JSON API: bearer tokens, /me, JSON errors and the OpenAPI document."""
from alliance_app.accounts.models import ApiToken

from . import factories
from .conftest import ApiClient, login


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_me_answers_with_the_token_owner(client, people):
    response = client.get("/api/v1/me", headers=bearer(factories.token(people.member_a)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "a@member.example"
    assert body["role"] == "member"
    assert body["organization"] == {"id": people.org_a.id, "name": "甲单位有限公司"}


def test_me_for_staff_has_no_organization(client, people):
    body = client.get("/api/v1/me", headers=bearer(factories.token(people.staff))).get_json()
    assert body["role"] == "staff" and body["organization"] is None


def test_missing_malformed_and_unknown_tokens_get_401_json(client, people):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic YTpi"},
                    {"Authorization": "Bearer alt_not-a-real-token"}, {"Authorization": "Bearer " + "x" * 5000}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.is_json
        assert response.get_json()["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(client, people, db):
    secret = factories.token(people.staff)
    token = db.session.query(ApiToken).one()
    login(client, people.staff)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_the_browser_session_does_not_authorise_the_api(client, people):
    login(client, people.admin)
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_tokens_are_stored_hashed_and_shown_once(client, people, db):
    login(client, people.staff)
    page = client.post("/account/tokens", data={"name": "ERP", "password": factories.PASSWORD}).get_data(as_text=True)
    import re

    secret = re.search(r"(alt_[A-Za-z0-9_\-]+)", page).group(1)
    token = db.session.query(ApiToken).one()
    assert token.token_hash != secret and secret not in token.token_hash
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/account").get_data(as_text=True)
    assert token.prefix in client.get("/account").get_data(as_text=True)


def test_token_use_is_recorded(client, people, db):
    secret = factories.token(people.staff)
    client.get("/api/v1/me", headers=bearer(secret))
    assert db.session.query(ApiToken).one().last_used_at is not None


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_wrong_method_is_json_405(client):
    response = client.post("/api/v1/me")
    assert response.status_code == 405 and response.is_json


def test_openapi_document_describes_me_and_bearer_auth(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert "200" in me["responses"] and "401" in me["responses"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    properties = spec["components"]["schemas"]["Me"]["properties"]
    assert {"id", "email", "role", "organization"} <= set(properties)


def test_api_errors_speak_the_chosen_language(client):
    client.set_cookie("alliance_lang", "en")
    assert client.get("/api/v1/me").get_json()["message"] == "You need to log in to see this."
    client.set_cookie("alliance_lang", "zh_CN")
    assert client.get("/api/v1/me").get_json()["message"] == "请登录后查看。"


# --- input the JSON parser takes but nothing else can (found by tests/test_api_fuzz.py) ----------

def test_an_unpaired_surrogate_in_the_body_is_a_400_saying_why(client, people, db):
    from alliance_app.events.models import Person

    api = ApiClient(client, people.staff)
    for body in (b'{"name": "\\ud800"}', b'{"name": "ok", "title": "a\\udfffb"}', b'{"\\ud83d": 1}'):
        response = api.post("/api/v1/people", data=body, content_type="application/json")
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["message"] == ("The text contains an invalid character (an unpaired UTF-16 "
                                                  "surrogate); send valid Unicode.")
    # A proper pair is one character and welcome.
    response = api.post("/api/v1/people", data=b'{"name": "\\ud83d\\ude00 Li"}', content_type="application/json")
    assert response.status_code == 201 and response.get_json()["name"] == "\U0001F600 Li"
    assert db.session.query(Person).filter_by(name="\U0001F600 Li").count() == 1


def test_json_nested_deeper_than_the_parser_goes_is_a_400(client, people):
    api = ApiClient(client, people.staff)
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = api.post("/api/v1/people", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == "The JSON is nested too deeply."


def test_a_body_that_is_not_json_says_where_it_breaks(client, people):
    api = ApiClient(client, people.staff)
    response = api.post("/api/v1/people", data=b'{"name":\n "x",}', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == "The body is not valid JSON (line 2, column 6)."
    response = api.post("/api/v1/people", data=b'{"name": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == "The body is not UTF-8 text."
    client.set_cookie("alliance_lang", "zh_CN")
    response = client.post("/api/v1/people", data=b"{", content_type="application/json", headers=api.headers)
    assert response.get_json()["message"] == "请求体不是有效的 JSON（第 1 行第 2 列）。"


def test_the_openapi_document_lists_each_status_and_no_catch_all(client):
    """A client may rely on the listed statuses: there is no "default" response
    that would document every status (and make the fuzz test's check empty)."""
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" not in operation["responses"], (method, path)
            assert "401" in operation["responses"] or operation.get("security") == [], (method, path)
