def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "联盟秘书处" in response.get_data(as_text=True)


def test_each_request_sees_a_fresh_user(client, people):
    from tests.conftest import login

    login(client, people.admin)
    assert client.get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302
