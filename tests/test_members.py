"""The organization directory, applications and members' self-service."""
import pytest
from sqlalchemy import func, select

from alliance_app.accounts.models import User
from alliance_app.demo import demo_uscc
from alliance_app.members.models import Contact, MembershipStatus, Organization

from . import factories
from .conftest import login

VALID_CODE = demo_uscc("91340100", "新单位")


def new_org_form(**overrides):
    data = {"name": "安徽新能源回收有限公司", "kind": "enterprise", "uscc": VALID_CODE, "country": "CN",
            "province": "安徽省", "city": "合肥市", "tier": ""}
    data.update(overrides)
    return data


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- creating and editing ----------------------------------------------------------------------

def test_staff_adds_an_organization(client, people, db):
    login(client, people.staff)
    response = client.post("/admin/organizations/new", data=new_org_form(uscc=VALID_CODE.lower()[:9] + " " + VALID_CODE.lower()[9:]))
    assert response.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "安徽新能源回收有限公司"))
    assert org.uscc == VALID_CODE  # spaces and case normalised
    assert org.membership_status == MembershipStatus.non_member
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "安徽新能源回收有限公司" in page and VALID_CODE in page


@pytest.mark.parametrize("name", ["甲单位有限公司", "甲单位\u200b有限公司", " 甲单位有限公司 ", "甲单位有限公司\u202e",
                                  "甲單位有限公司"])
def test_look_alike_names_are_refused_naming_the_existing_record(client, people, db, name):
    login(client, people.staff)
    before = count(db, Organization)
    response = client.post("/admin/organizations/new", data=new_org_form(name=name))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"该单位已登记：甲单位有限公司（编号 {people.org_a.id}）" in page
    assert count(db, Organization) == before


def test_full_width_letters_count_as_the_same_name(client, people, db):
    factories.organization("ABC电池有限公司")
    login(client, people.staff)
    response = client.post("/admin/organizations/new", data=new_org_form(name="ＡＢＣ电池有限公司"))
    assert response.status_code == 422 and "ABC电池有限公司" in response.get_data(as_text=True)


@pytest.mark.parametrize("code, message", [
    (VALID_CODE[:-1] + ("0" if VALID_CODE[-1] != "0" else "1"), "校验位不正确"),
    ("91340100MA2N0", "应为 18 位"),
    ("ABCDEFGH" + VALID_CODE[8:], "不是有效的统一社会信用代码"),
    ("", "请填写统一社会信用代码，或说明该单位没有代码的原因"),
])
def test_bad_credit_codes_get_a_message_at_the_field(client, people, db, code, message):
    login(client, people.staff)
    response = client.post("/admin/organizations/new", data=new_org_form(uscc=code))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_duplicate_credit_code_names_its_owner(client, people, db):
    login(client, people.staff)
    response = client.post("/admin/organizations/new", data=new_org_form(uscc=people.org_a.uscc))
    assert "该信用代码已属于甲单位有限公司" in response.get_data(as_text=True)


def test_foreign_and_exempt_organizations_need_no_code(client, people, db):
    login(client, people.staff)
    foreign = client.post("/admin/organizations/new", data=new_org_form(name="Minghe Group", uscc="", country="my"))
    assert foreign.status_code == 302
    exempt = client.post("/admin/organizations/new",
                         data=new_org_form(name="某市人民政府", uscc="", kind="government_agency",
                                           uscc_exempt_reason="机关，未取得代码"))
    assert exempt.status_code == 302
    assert db.session.scalar(select(Organization.country).where(Organization.name == "Minghe Group")) == "MY"


@pytest.mark.parametrize("field, value, message", [
    ("name", "单位\x00名称", "包含控制字符"),
    ("name", "长" * 201, "最多 200 个字符"),
    ("country", "XX", "ISO 3166"),
    ("website", "javascript:alert(1)", "请输入网址"),
    ("kind", "pirate", "不是有效的选择"),
])
def test_bad_fields_are_refused_and_nothing_is_saved(client, people, db, field, value, message):
    login(client, people.staff)
    before = count(db, Organization)
    response = client.post("/admin/organizations/new", data=new_org_form(**{field: value}))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text
    assert count(db, Organization) == before


def test_markup_in_names_is_shown_literally(client, people, db):
    login(client, people.staff)
    client.post("/admin/organizations/new", data=new_org_form(name="A & B <b>电池</b> 公司"))
    page = client.get("/admin/organizations?q=电池").get_data(as_text=True)
    assert "A &amp; B &lt;b&gt;电池&lt;/b&gt; 公司" in page


# --- list ---------------------------------------------------------------------------------------

@pytest.fixture
def directory(people, db):
    factories.organization("国轩高科动力能源有限公司", short_name="国轩高科", province="安徽省", tier="chair")
    factories.organization("格林美股份有限公司", short_name="格林美", province="湖北省", tier="member",
                           kind="enterprise")
    factories.organization("合肥工业大学", kind="university", province="安徽省", tier="director",
                           membership_status=MembershipStatus.non_member)
    return people


def names_on(page: str, names) -> list[str]:
    return [name for name in names if name in page]


def test_search_by_name_short_name_and_code(client, directory, db):
    login(client, directory.staff)
    assert "国轩高科动力能源有限公司" in client.get("/admin/organizations?q=国轩").get_data(as_text=True)
    by_short = client.get("/admin/organizations?q=格林美").get_data(as_text=True)
    assert "格林美股份有限公司" in by_short and "国轩高科动力能源有限公司" not in by_short
    code = directory.org_a.uscc
    by_code = client.get(f"/admin/organizations?q={code.lower()}").get_data(as_text=True)
    assert "甲单位有限公司" in by_code and "乙单位有限公司" not in by_code


def test_filters_and_tier_order(client, directory):
    login(client, directory.staff)
    anhui = client.get("/admin/organizations?region=安徽省").get_data(as_text=True)
    assert names_on(anhui, ["国轩高科动力能源有限公司", "合肥工业大学", "格林美股份有限公司"]) == \
        ["国轩高科动力能源有限公司", "合肥工业大学"]
    universities = client.get("/admin/organizations?kind=university").get_data(as_text=True)
    assert "合肥工业大学" in universities and "格林美股份有限公司" not in universities
    by_tier = client.get("/admin/organizations?sort=tier&status=active").get_data(as_text=True)
    order = [by_tier.index(n) for n in ("国轩高科动力能源有限公司", "格林美股份有限公司")]
    assert order == sorted(order)  # chair before member


@pytest.mark.parametrize("query", ["?kind=pirate", "?status=x", "?tier=%00", "?page=zz", "?page=-3",
                                   "?sort=drop", "?q=" + "%25" * 300, "?region=%27"])
def test_odd_list_parameters_never_break_the_page(client, directory, query):
    login(client, directory.staff)
    assert client.get("/admin/organizations" + query).status_code == 200


def test_list_pages(client, people, db):
    for n in range(55):
        factories.organization(f"分页单位{n:02d}有限公司")
    login(client, people.staff)
    first = client.get("/admin/organizations").get_data(as_text=True)
    second = client.get("/admin/organizations?page=2").get_data(as_text=True)
    assert "共 58 家" in first
    assert "分页单位00有限公司" in first and "分页单位00有限公司" not in second


# --- membership status -------------------------------------------------------------------------

def test_status_change_needs_a_reason_and_is_kept_in_the_history(client, people, db):
    login(client, people.staff)
    url = f"/organizations/{people.org_a.id}/status"
    refused = client.post(url, data={"status": "suspended", "reason": "", "tier": ""})
    assert refused.status_code == 422
    assert client.post(url, data={"status": "suspended", "reason": "未缴会费", "tier": ""}).status_code == 302
    org = db.session.get(Organization, people.org_a.id)
    assert org.membership_status == MembershipStatus.suspended
    change = org.status_changes[0]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == \
        (MembershipStatus.active, MembershipStatus.suspended, "未缴会费", people.staff.id)
    assert "未缴会费" in client.get(f"/organizations/{people.org_a.id}").get_data(as_text=True)


def test_impossible_status_changes_are_refused(client, people, db):
    from alliance_app.core.errors import ServiceError
    from alliance_app.members.services import change_status

    login(client, people.staff)
    page = client.get(f"/organizations/{people.org_a.id}").get_data(as_text=True)
    assert 'value="suspended"' in page and 'value="applicant"' not in page  # only possible moves offered
    response = client.post(f"/organizations/{people.org_a.id}/status",
                           data={"status": "applicant", "reason": "试试", "tier": ""})
    assert response.status_code == 422
    with pytest.raises(ServiceError) as refused:
        change_status(db.session.get(Organization, people.org_a.id), "applicant", "试试", people.staff)
    assert refused.value.status == 409
    assert "cannot go from Active member to Applicant" in str(refused.value.message)
    assert db.session.get(Organization, people.org_a.id).membership_status == MembershipStatus.active


# --- applications -------------------------------------------------------------------------------

APPLICATION = {
    "name": "芜湖电池材料有限公司", "kind": "enterprise", "uscc": demo_uscc("91340200", "芜湖"), "country": "CN",
    "province": "安徽省", "city": "芜湖市", "contact_name": "陈静", "contact_mobile": "138 0013 8000",
    "contact_position": "总经理", "account_email": "chen@wuhu.example", "account_password": "a-long-password",
    "account_confirm": "a-long-password",
}


def test_application_approval_and_self_service(app, people, db):
    applicant = app.test_client()
    assert applicant.post("/members/apply", data=APPLICATION).status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "芜湖电池材料有限公司"))
    assert org.membership_status == MembershipStatus.applicant
    assert org.main_contact.mobile == "13800138000"

    # The applicant can log in, but only to follow the application.
    applicant.post("/login", data={"email": "chen@wuhu.example", "password": "a-long-password"})
    waiting = applicant.get(f"/organizations/{org.id}", follow_redirects=True).get_data(as_text=True)
    assert "秘书处正在审核您的申请" in waiting
    assert applicant.get(f"/organizations/{org.id}/contacts/new").status_code == 403

    staff = login(app.test_client(), people.staff)
    assert "芜湖电池材料有限公司" in staff.get("/admin/applications").get_data(as_text=True)
    assert staff.post(f"/admin/applications/{org.id}/approve", data={"tier": "director"}).status_code == 302
    org = db.session.get(Organization, org.id)
    assert org.membership_status == MembershipStatus.active and org.tier.value == "director"
    assert org.joined_on is not None

    # Now a member: edits its contact details and contacts, not its legal name.
    profile = applicant.get("/my/organization", follow_redirects=True).get_data(as_text=True)
    assert "芜湖电池材料有限公司" in profile and "理事单位" in profile
    saved = applicant.post(f"/organizations/{org.id}/edit",
                           data={"address": "芜湖市弋江区", "name": "别的名字", "short_name": "芜湖电池"})
    assert saved.status_code == 302
    org = db.session.get(Organization, org.id)
    assert (org.name, org.address, org.short_name) == ("芜湖电池材料有限公司", "芜湖市弋江区", "芜湖电池")
    added = applicant.post(f"/organizations/{org.id}/contacts/new",
                           data={"name": "李雷", "mobile": "13900139000", "is_main": "y"})
    assert added.status_code == 302
    contacts = db.session.scalars(select(Contact).where(Contact.organization_id == org.id)).all()
    assert {c.name: c.is_main for c in contacts} == {"陈静": False, "李雷": True}


def test_rejected_applicant_reads_the_reason(app, people, db):
    applicant = app.test_client()
    applicant.post("/members/apply", data=APPLICATION)
    org = db.session.scalar(select(Organization).where(Organization.name == "芜湖电池材料有限公司"))
    staff = login(app.test_client(), people.staff)
    staff.post(f"/admin/applications/{org.id}/reject", data={"reason": "经营范围与联盟无关"})
    applicant.post("/login", data={"email": "chen@wuhu.example", "password": "a-long-password"})
    page = applicant.get("/members/application").get_data(as_text=True)
    assert "您的入会申请未获批准" in page and "经营范围与联盟无关" in page


def test_application_with_problems_keeps_the_input_and_writes_nothing(client, people, db):
    before = (count(db, Organization), count(db, User))
    bad = dict(APPLICATION, name="甲单位有限公司", contact_mobile="12345", account_email=people.staff.email)
    response = client.post("/members/apply", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请输入 11 位大陆手机号码" in page
    assert people.staff.email not in page.replace(f'value="{people.staff.email}"', "")  # only as typed
    assert 'value="芜湖市"' in page  # what was typed is still there
    assert (count(db, Organization), count(db, User)) == before


def test_a_known_organization_is_not_named_to_the_public(client, people, db):
    response = client.post("/members/apply", data=dict(APPLICATION, name="乙单位\u200b有限公司"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "已有同名单位在秘书处登记" in page
    assert "乙单位有限公司" not in page and f"{people.org_b.id}）" not in page
    by_code = client.post("/members/apply", data=dict(APPLICATION, uscc=people.org_b.uscc))
    assert "已有使用该信用代码的单位在秘书处登记" in by_code.get_data(as_text=True)
    assert "乙单位有限公司" not in by_code.get_data(as_text=True)


def test_the_application_does_not_tell_whether_an_email_has_an_account(app, people, db):
    """The same answer for a new and a known email; the application with a known
    email is kept (no second account), and the audit log says why."""
    from alliance_app.audit.models import AuditEntry

    fresh = app.test_client().post("/members/apply", data=APPLICATION)
    known = app.test_client().post("/members/apply", data=dict(
        APPLICATION, name="另一家电池有限公司", uscc=demo_uscc("91340200", "另一家"), account_email=people.member_b.email))
    assert (fresh.status_code, known.status_code) == (302, 302)
    assert fresh.headers["Location"] == known.headers["Location"]
    kept = db.session.scalar(select(Organization).where(Organization.name == "另一家电池有限公司"))
    assert kept.membership_status == MembershipStatus.applicant
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == people.member_b.email)) == 1
    assert db.session.get(User, people.member_b.id).organization_id == people.org_b.id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == str(kept.id),
                                                             AuditEntry.object_type == "organizations")
                             .order_by(AuditEntry.id.desc()).limit(1)) == "application_with_existing_account"


def test_applications_are_limited_per_address(app, people, db):
    app.config["APPLICATION_LIMIT"] = 2
    client = app.test_client()
    answers = [client.post("/members/apply", data=dict(APPLICATION, uscc=people.org_b.uscc)).status_code
               for _ in range(2)]
    assert answers == [422, 422]
    stopped = client.post("/members/apply", data=APPLICATION)
    assert stopped.status_code == 429 and "申请次数过多" in stopped.get_data(as_text=True)
    assert db.session.scalar(select(Organization.id).where(Organization.name == APPLICATION["name"])) is None


# --- what members see ---------------------------------------------------------------------------

def test_a_member_never_sees_another_organization(client, people):
    factories.contact(people.org_b, "王五", mobile="13700000000")
    login(client, people.member_a)
    assert client.get(f"/organizations/{people.org_b.id}").status_code == 403
    assert client.get(f"/organizations/{people.org_b.id}/edit").status_code == 403
    assert client.get("/admin/organizations").status_code == 403
    directory = client.get("/members").get_data(as_text=True)
    assert "乙单位有限公司" in directory and "13700000000" not in directory


def test_contacts_keep_one_main_and_refuse_a_duplicate_mobile(client, people, db):
    login(client, people.member_a)
    url = f"/organizations/{people.org_a.id}/contacts/new"
    duplicate = client.post(url, data={"name": "李四", "mobile": "139-0000-0001"})
    assert duplicate.status_code == 422 and "该手机号码已属于联系人张三" in duplicate.get_data(as_text=True)
    client.post(url, data={"name": "李四", "mobile": "13900000002", "is_main": "y"})
    contacts = {c.name: c.is_main for c in db.session.get(Organization, people.org_a.id).contacts}
    assert contacts == {"李四": True, "张三": False}
    client.post(f"/organizations/{people.org_a.id}/contacts/{people.contact_a.id}/delete")
    assert [c.name for c in db.session.get(Organization, people.org_a.id).contacts] == ["李四"]


def test_public_directory_lists_active_members_only(client, people):
    page = client.get("/members").get_data(as_text=True)
    assert "甲单位有限公司" in page and "申请中单位有限公司" not in page


def test_traditional_characters_count_as_the_same_name(client, people, db):
    factories.organization("安徽巡鹰动力能源科技有限公司")
    login(client, people.staff)
    response = client.post("/admin/organizations/new", data=new_org_form(name="安徽巡鷹動力能源科技有限公司"))
    assert response.status_code == 422 and "该单位已登记：安徽巡鹰动力能源科技有限公司" in response.get_data(as_text=True)


def test_members_see_the_role_not_the_staff_member_in_the_history(app, client, people, db):
    from alliance_app.members.services import change_status

    people.staff.name = "秘书处王五"
    change_status(people.org_a, MembershipStatus.suspended, "未缴会费", people.staff)
    db.session.commit()
    page = login(client, people.member_a).get(f"/organizations/{people.org_a.id}").get_data(as_text=True)
    assert "未缴会费" in page and "秘书处工作人员" in page
    assert "秘书处王五" not in page and people.staff.email not in page
    staff_page = login(app.test_client(), people.staff).get(f"/organizations/{people.org_a.id}")
    assert "秘书处王五" in staff_page.get_data(as_text=True)
