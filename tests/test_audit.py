"""The audit log: who, when, what and which fields; never a secret."""
from sqlalchemy import select

from alliance_app.audit.models import AuditEntry

from .conftest import login


def entries(db, **filters):
    query = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in filters.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(query).all()


def test_creating_a_user_is_logged_with_fields_but_no_password(client, people, db):
    login(client, people.admin)
    response = client.post("/admin/users/new", data={
        "email": "new.staff@secretariat.example", "name": "王五", "role": "staff",
        "organization_id": "", "password": "a-long-password"})
    assert response.status_code == 302
    entry = entries(db, action="create", object_type="users")[-1]
    assert entry.actor_id == people.admin.id and entry.actor_label == people.admin.email
    assert entry.object_label == "new.staff@secretariat.example"
    assert entry.changes["role"] == [None, "staff"]
    assert entry.changes["name"] == [None, "王五"]
    serialized = str(entry.changes)
    assert "password" not in serialized and "a-long-password" not in serialized
    assert "session_token" not in serialized


def test_a_password_change_is_logged_as_masked(client, people, db):
    login(client, people.admin)
    client.post(f"/admin/users/{people.member_b.id}/password", data={"password": "brand-new-password"})
    entry = entries(db, action="update", object_type="users")[-1]
    assert entry.object_id == str(people.member_b.id)
    assert entry.changes == {"password_hash": ["***", "***"]}


def test_deactivation_is_logged_with_the_changed_field(client, people, db):
    login(client, people.admin)
    client.post(f"/admin/users/{people.member_b.id}/deactivate")
    entry = entries(db, action="update", object_type="users", object_id=str(people.member_b.id))[-1]
    assert entry.changes["active"] == [True, False]


def test_login_and_logout_are_logged(client, people, db):
    from . import factories

    client.post("/login", data={"email": people.staff.email, "password": factories.PASSWORD})
    client.post("/logout")
    actions = [e.action for e in entries(db, actor_id=people.staff.id)]
    assert actions[-2:] == ["login", "logout"]


def test_admin_filters_the_log(client, people, db):
    client.post("/login", data={"email": "nobody@example.com", "password": "guess-guess"})
    login(client, people.admin)
    page = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "nobody@example.com" in page
    assert "a@member.example" not in page
    everything = client.get("/admin/audit").get_data(as_text=True)
    assert "a@member.example" in everything


def test_bad_filter_values_do_not_break_the_page(client, people):
    login(client, people.admin)
    for query in ("?page=abc", "?page=-1", "?actor=%25_%00", "?action=" + "x" * 500):
        assert client.get("/admin/audit" + query).status_code == 200, query
