"""flask create-user, create-token and demo-data."""
import pytest
from sqlalchemy import func, select

from alliance_app.accounts.models import User
from alliance_app.members.models import Organization

from . import factories


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_create_user_reads_the_password_from_stdin(cli, db, client):
    result = cli.invoke(args=["create-user", "--email", "Ops@Example.com", "--role", "admin", "--name", "运维"],
                        input="a-strong-password\n")
    assert result.exit_code == 0, result.output
    assert "ops@example.com" in result.output
    assert "a-strong-password" not in result.output
    login = client.post("/login", data={"email": "ops@example.com", "password": "a-strong-password"})
    assert login.status_code == 302


def test_create_member_needs_an_existing_organization(cli, db):
    org = factories.organization()
    ok = cli.invoke(args=["create-user", "--email", "m@example.com", "--role", "member",
                          "--organization", str(org.id)], input="a-strong-password\n")
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User).where(User.email == "m@example.com")).organization_id == org.id


@pytest.mark.parametrize("args, stdin, message", [
    (["--email", "x@example.com", "--role", "boss"], "a-strong-password\n", "'boss' is not one of"),
    (["--email", "x@example.com", "--role", "member"], "a-strong-password\n", "needs its organization"),
    (["--email", "x@example.com", "--role", "member", "--organization", "999"], "a-strong-password\n",
     "no organization with the id 999"),
    (["--email", "x@example.com", "--role", "staff", "--organization", "1"], "a-strong-password\n",
     "only for member accounts"),
    (["--email", "x@example.com", "--role", "staff"], "short\n", "at least 10 characters"),
    (["--email", "not-an-email", "--role", "staff"], "a-strong-password\n", "valid email"),
    (["--role", "staff"], "a-strong-password\n", "Missing option '--email'"),
])
def test_create_user_bad_arguments_give_one_clear_line(cli, db, args, stdin, message):
    result = cli.invoke(args=["create-user", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_refuses_a_duplicate_email(cli, db):
    factories.user(email="taken@example.com")
    result = cli.invoke(args=["create-user", "--email", "taken@example.com", "--role", "staff"],
                        input="a-strong-password\n")
    assert result.exit_code != 0 and "already exists" in result.output


def test_create_token_prints_a_working_token_once(cli, db, client):
    factories.user(email="robot@example.com")
    result = cli.invoke(args=["create-token", "--email", "robot@example.com", "--name", "ERP"])
    assert result.exit_code == 0
    secret = result.output.strip()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json()["email"] == "robot@example.com"


def test_create_token_for_an_unknown_user_fails_clearly(cli, db):
    result = cli.invoke(args=["create-token", "--email", "ghost@example.com"])
    assert result.exit_code != 0 and "No user with the email ghost@example.com" in result.output


def test_demo_data_is_safe_to_run_twice(cli, db, client):
    first = cli.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    from alliance_app.finance.models import Bill, BillKind

    def fee_bills():
        return db.session.scalar(select(func.count()).select_from(Bill).where(Bill.kind == BillKind.event_fee))

    assert "Conference fees for" in first.output and fee_bills() > 0  # next year's meeting charges its delegates
    counts = (db.session.scalar(select(func.count()).select_from(Organization)),
              db.session.scalar(select(func.count()).select_from(User)), fee_bills())
    second = cli.invoke(args=["demo-data"])
    assert second.exit_code == 0
    assert counts == (db.session.scalar(select(func.count()).select_from(Organization)),
                      db.session.scalar(select(func.count()).select_from(User)), fee_bills())
    assert db.session.scalar(select(Organization).where(Organization.name == "安徽巡鹰新能源集团有限公司"))
    assert db.session.scalar(select(Organization).where(Organization.name == "合肥工业大学"))
    from alliance_app.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

    response = client.post("/login", data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_db_is_empty_tells_make_run_whether_to_load_the_demo(cli, db):
    assert cli.invoke(args=["db-is-empty"]).exit_code == 0
    factories.user()
    assert cli.invoke(args=["db-is-empty"]).exit_code == 1


def test_demo_follow_up_shows_landed_rate_invested_and_the_overdue_partner(cli, db, client):
    """`make run` loads the demo: its follow-up page has figures to show half a year on."""
    assert cli.invoke(args=["demo-data"]).exit_code == 0
    from alliance_app.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

    client.post("/login", data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    page = client.get("/admin/follow-up").get_data(as_text=True)
    # 16 tracked projects (the university's undisclosed agreement is not), 12 landed by accepted reports.
    assert 'data-figure="landed_rate_count">75.00%' in page
    assert 'data-figure="landed_rate_value">86.84%' in page
    assert 'data-figure="invested_total">1,110,000,000.00' in page
    assert page.count("逾期未报") == 1 and "再生资源利用合作协议" in page  # 铜陵: no report
    assert 'data-split="elsewhere"' in page
    assert client.get("/admin/follow-up/progress.pdf").data[:4] == b"%PDF"
