"""Small builders for test data; each commits so views see the rows."""
import itertools
from types import SimpleNamespace

from alliance_app.accounts.models import Role
from alliance_app.accounts.services import create_api_token, create_user
from alliance_app.extensions import db
from alliance_app.members.models import MembershipStatus, Organization

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def organization(name=None, **fields) -> Organization:
    from alliance_app.demo import demo_uscc

    name = name or f"测试单位{next(_counter)}有限公司"
    fields.setdefault("uscc", demo_uscc("91340100", name))
    org = Organization(name=name,
                       membership_status=fields.pop("membership_status", MembershipStatus.active), **fields)
    db.session.add(org)
    db.session.commit()
    return org


def user(role=Role.staff, organization=None, email=None, password=PASSWORD, **fields):
    if role == Role.member and organization is None:
        organization = globals()["organization"]()
    account = create_user(email or f"user{next(_counter)}@example.com", password, role,
                          organization_id=organization.id if organization else None, **fields)
    db.session.commit()
    return account


def token(account, name="test") -> str:
    _token, secret = create_api_token(account, name)
    db.session.commit()
    return secret


def contact(org, name="联系人", **fields):
    from alliance_app.members.services import add_contact

    person = add_contact(org, {"name": name, **fields})
    db.session.commit()
    return person


def people() -> SimpleNamespace:
    org_a = organization("甲单位有限公司")
    org_b = organization("乙单位有限公司")
    applicant = organization("申请中单位有限公司", membership_status=MembershipStatus.applicant)
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        applicant=applicant,
        contact_a=contact(org_a, "张三", mobile="13900000001"),
        member_a=user(Role.member, org_a, email="a@member.example"),
        member_b=user(Role.member, org_b, email="b@member.example"),
        staff=user(Role.staff, email="staff@secretariat.example"),
        admin=user(Role.admin, email="admin@secretariat.example"),
    )
