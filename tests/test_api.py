"""The JSON API: bearer tokens, /me, JSON errors and the OpenAPI document."""
from alliance_app.accounts.models import ApiToken

from . import factories
from .conftest import login


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
    page = client.post("/account/tokens", data={"name": "ERP"}).get_data(as_text=True)
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
