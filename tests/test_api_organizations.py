"""The organizations API: /api/v1/organizations, one organization, its contacts."""
import pytest
from sqlalchemy import func, select

from alliance_app.audit.models import AuditEntry
from alliance_app.demo import demo_uscc
from alliance_app.members.models import Contact, MembershipStatus, Organization, StatusChange, Tier

from . import factories
from .conftest import ApiClient, login, statements_sent

ROLES = ("anon", "member_a", "member_b", "staff", "admin")


def _expect(*statuses):
    return dict(zip(ROLES, statuses))


# Without a body, POST and PATCH are refused with 400 (not JSON) once access is granted.
AUTHZ_ROWS = {
    ("api_organizations.organizations", "GET"): ("/api/v1/organizations", _expect(401, 200, 200, 200, 200)),
    ("api_organizations.organizations", "POST"): ("/api/v1/organizations", _expect(401, 403, 403, 400, 400)),
    ("api_organizations.organization", "GET"): ("/api/v1/organizations/{org_a_id}",
                                                _expect(401, 200, 403, 200, 200)),
    ("api_organizations.organization", "PATCH"): ("/api/v1/organizations/{org_a_id}",
                                                  _expect(401, 400, 403, 400, 400)),
    ("api_organizations.contacts", "GET"): ("/api/v1/organizations/{org_a_id}/contacts",
                                            _expect(401, 200, 403, 200, 200)),
    ("api_organizations.contacts", "POST"): ("/api/v1/organizations/{org_a_id}/contacts",
                                             _expect(401, 400, 403, 400, 400)),
}

URL = "/api/v1/organizations"
# A valid unified social credit code (check character per GB 32100).
USCC = demo_uscc("91310000", "新成员单位")


def counts(db):
    """Rows of everything a request could write."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Organization, Contact, StatusChange, AuditEntry)}


def org_actor(db):
    from alliance_app.accounts.models import User

    return db.session.scalar(select(User.id).where(User.email == "staff@secretariat.example"))


def new_org(**fields):
    return {"name": "新成员单位有限公司", "uscc": USCC, **fields}


# --- the secretariat -----------------------------------------------------------------------------

def test_staff_creates_an_organization(staff, db):
    response = staff.post(URL, json=new_org(name_en="New Member Co., Ltd.", short_name="新成员", kind="university",
                                            province="上海", city="上海", website="www.example.com",
                                            notes="Met at the 2024 forum"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert body["name"] == "新成员单位有限公司" and body["uscc"] == USCC and body["kind"] == "university"
    assert body["membership_status"] == "non_member" and body["tier"] is None and body["country"] == "CN"
    assert body["website"] == "https://www.example.com" and body["notes"] == "Met at the 2024 forum"
    assert body["contacts"] == []
    org = db.session.get(Organization, body["id"])
    assert org.name_en == "New Member Co., Ltd." and org.province == "上海"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "organizations",
                                                        AuditEntry.object_label == org.name)).one()
    assert entry.action == "create" and entry.actor_id == org_actor(db)


def test_staff_creates_an_active_member_with_a_reason(staff, db):
    response = staff.post(URL, json=new_org(membership_status="active", status_reason="Founding member",
                                            tier="director"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["membership_status"] == "active" and body["tier"] == "director" and body["joined_on"]
    change = db.session.scalars(select(StatusChange).where(StatusChange.organization_id == body["id"])).one()
    assert (change.from_status, change.to_status, change.reason) == (
        MembershipStatus.non_member, MembershipStatus.active, "Founding member")


def _directory(db):
    """Organizations to filter, besides the three of `people`."""
    specs = [
        ("北京大学", "university", MembershipStatus.active, Tier.chair, "北京"),
        ("清华大学", "university", MembershipStatus.active, Tier.vice_chair, "北京"),
        ("上海研究院", "research_institute", MembershipStatus.suspended, Tier.director, "上海"),
        ("深圳创新企业有限公司", "enterprise", MembershipStatus.non_member, None, "广东"),
    ]
    for name, kind, status, tier, province in specs:
        factories.organization(name, kind=kind, membership_status=status, tier=tier, province=province,
                               short_name=name[:2])


def test_the_list_filters_sorts_and_paginates(staff, db, people):
    _directory(db)

    def names(query=""):
        response = staff.get(f"{URL}?{query}")
        assert response.status_code == 200, response.get_json()
        return [org["name"] for org in response.get_json()["items"]]

    assert len(names()) == 7
    assert set(names("kind=university")) == {"北京大学", "清华大学"}
    assert names("status=suspended") == ["上海研究院"]
    assert names("tier=chair") == ["北京大学"]
    assert set(names("region=北京")) == {"北京大学", "清华大学"}
    assert names("q=深圳 创新") == ["深圳创新企业有限公司"]  # compared as the names are
    assert names("q=ｓｈｅｎ") == [] and set(names("q=北京大学")) == {"北京大学"}
    assert names("q=" + people.org_a.uscc[4:12]) == ["甲单位有限公司"]
    assert names("status=active&sort=tier")[:2] == ["北京大学", "清华大学"]
    assert names("kind=university&status=active&tier=vice_chair") == ["清华大学"]

    first = staff.get(f"{URL}?per_page=3&sort=-created").get_json()
    second = staff.get(f"{URL}?per_page=3&page=2&sort=-created").get_json()
    beyond = staff.get(f"{URL}?per_page=3&page=9").get_json()
    assert (first["page"], first["per_page"], first["total"], len(first["items"])) == (1, 3, 7, 3)
    assert (second["page"], len(second["items"])) == (2, 3)
    assert [o["id"] for o in first["items"]] == sorted((o["id"] for o in first["items"]), reverse=True)
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}
    assert beyond["items"] == [] and beyond["total"] == 7
    assert all("contacts" not in org for org in first["items"])
    assert staff.get(URL).get_json()["per_page"] == 50


@pytest.mark.parametrize("query, field", [
    ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"), ("page=abc", "page"),
    ("kind=shop", "kind"), ("status=member", "status"), ("tier=gold", "tier"), ("sort=size", "sort"),
    ("q=a%00b", "q"), ("region=%01", "region"),
])
def test_bad_list_arguments_are_refused_per_field(staff, query, field):
    response = staff.get(f"{URL}?{query}")
    assert response.status_code == 422
    messages = response.get_json()["errors"][field]
    assert messages and all(isinstance(m, str) and m for m in messages)


def test_one_organization_includes_its_contacts(staff, people):
    factories.contact(people.org_a, "李四", email="li@example.com", is_main=True)
    body = staff.get(f"{URL}/{people.org_a.id}").get_json()
    assert body["name"] == "甲单位有限公司" and body["membership_status"] == "active"
    assert [(c["name"], c["is_main"]) for c in body["contacts"]] == [("李四", True), ("张三", False)]
    assert body["contacts"][1]["mobile"] == "13900000001"
    assert staff.get(f"{URL}/999999").status_code == 404


def test_staff_changes_fields(staff, db, people):
    response = staff.patch(f"{URL}/{people.org_a.id}", json={
        "name": "  甲单位   集团有限公司 ", "short_name": "甲集团", "tier": "vice_chair", "notes": "Line 1\nLine 2",
        "province": None})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == "甲单位 集团有限公司" and body["tier"] == "vice_chair" and body["province"] is None
    org = db.session.get(Organization, people.org_a.id)
    assert (org.short_name, org.tier, org.notes) == ("甲集团", Tier.vice_chair, "Line 1\nLine 2")
    assert org.uscc == people.org_a.uscc  # not sent, not changed


def test_staff_changes_the_membership_status_with_a_reason(staff, db, people):
    response = staff.patch(f"{URL}/{people.org_a.id}", json={"membership_status": "suspended",
                                                            "status_reason": "Fees unpaid for 2024"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["membership_status"] == "suspended"
    change = db.session.scalars(select(StatusChange).where(StatusChange.organization_id == people.org_a.id)).one()
    assert (change.from_status, change.to_status) == (MembershipStatus.active, MembershipStatus.suspended)
    assert change.reason == "Fees unpaid for 2024" and change.actor_id == people.staff.id
    # The current status again is no change at all.
    assert staff.patch(f"{URL}/{people.org_a.id}", json={"membership_status": "suspended"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 1


def test_status_changes_are_checked_and_write_nothing(staff, db, people):
    org_url = f"{URL}/{people.org_a.id}"
    before = counts(db)
    cases = [
        ({"membership_status": "withdrawn"}, 422, "status_reason"),
        ({"membership_status": "withdrawn", "status_reason": "   "}, 422, "status_reason"),
        ({"membership_status": "withdrawn", "status_reason": "x" * 501}, 422, "status_reason"),
        ({"membership_status": "withdrawn", "status_reason": "bad\x00reason"}, 422, "status_reason"),
        ({"membership_status": "applicant", "status_reason": "Try again"}, 409, "membership_status"),
        ({"membership_status": "expelled", "status_reason": "x"}, 422, "membership_status"),
        ({"status_reason": "no change"}, 422, "status_reason"),
        # A valid field change with a refused status change: neither is saved.
        ({"short_name": "甲", "membership_status": "applicant", "status_reason": "x"}, 409, "membership_status"),
        ({"short_name": "甲", "membership_status": "withdrawn"}, 422, "status_reason"),
    ]
    for payload, status, field in cases:
        response = staff.patch(org_url, json=payload)
        assert response.status_code == status, (payload, response.get_json())
        assert response.get_json()["errors"][field], payload
    assert counts(db) == before
    org = db.session.get(Organization, people.org_a.id)
    assert org.membership_status == MembershipStatus.active and org.short_name is None


def test_staff_lists_and_adds_contacts(staff, db, people):
    contacts_url = f"{URL}/{people.org_a.id}/contacts"
    response = staff.post(contacts_url, json={"name": "王五", "position": "秘书长", "mobile": "+86 139-0000-0002",
                                              "email": "Wang@Example.com", "is_main": True})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() | {"id": 0} == {"id": 0, "name": "王五", "position": "秘书长",
                                                 "mobile": "13900000002", "email": "wang@example.com",
                                                 "is_main": True}
    listing = staff.get(contacts_url).get_json()
    assert listing["total"] == 2 and [c["name"] for c in listing["items"]] == ["王五", "张三"]
    assert [c["is_main"] for c in listing["items"]] == [True, False]
    assert staff.get(f"{contacts_url}?per_page=1&page=2").get_json()["items"][0]["name"] == "张三"
    assert staff.get(f"{URL}/999999/contacts").status_code == 404


def test_bad_contacts_are_refused_and_not_written(staff, db, people):
    contacts_url = f"{URL}/{people.org_a.id}/contacts"
    before = counts(db)
    cases = [
        ({"name": "李四", "mobile": "13900000001"}, 409, "mobile"),  # 张三's number
        ({"name": "李四", "mobile": "12345"}, 422, "mobile"),
        ({"name": "李四", "email": "not-an-email"}, 422, "email"),
        ({"name": "李\x00四"}, 422, "name"),
        ({"name": "李" * 101}, 422, "name"),
        ({"position": "经理"}, 422, "name"),
        ({"name": "李四", "fax": "010-1234"}, 422, "fax"),
        ({"name": "李四", "is_main": "perhaps"}, 422, "is_main"),
        ({"name": ["李四"]}, 422, "name"),
    ]
    for payload, status, field in cases:
        response = staff.post(contacts_url, json=payload)
        assert response.status_code == status, (payload, response.get_json())
        assert response.get_json()["errors"][field], payload
    assert counts(db) == before


# --- members ---------------------------------------------------------------------------------------

def test_a_member_reads_only_its_own_organization(member, people):
    own = member.get(f"{URL}/{people.org_a.id}")
    assert own.status_code == 200
    assert own.get_json()["name"] == "甲单位有限公司" and "notes" not in own.get_json()
    assert [c["name"] for c in own.get_json()["contacts"]] == ["张三"]
    assert member.get(f"{URL}/{people.org_b.id}").status_code == 403
    assert member.get(f"{URL}/{people.org_b.id}/contacts").status_code == 403
    assert member.get(f"{URL}/{people.applicant.id}").status_code == 403
    listing = member.get(URL).get_json()
    assert [o["id"] for o in listing["items"]] == [people.org_a.id] and listing["total"] == 1
    assert member.get(f"{URL}?q=乙单位").get_json()["items"] == []
    assert member.get(f"{URL}?status=active").get_json()["total"] == 1


def test_a_member_cannot_create_or_change_status(member, db, people):
    before = counts(db)
    assert member.post(URL, json=new_org()).status_code == 403
    response = member.patch(f"{URL}/{people.org_a.id}", json={"membership_status": "withdrawn",
                                                              "status_reason": "We leave"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"membership_status": ["Only the secretariat can change this."],
                                             "status_reason": ["Only the secretariat can change this."]}
    # Every refused field is named at once, and the allowed one is not saved either.
    response = member.patch(f"{URL}/{people.org_a.id}", json={
        "short_name": "甲", "name": "甲", "uscc": USCC, "tier": "chair", "membership_status": "active"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name", "uscc", "tier", "membership_status"}
    assert member.patch(f"{URL}/{people.org_b.id}", json={"short_name": "乙"}).status_code == 403
    assert member.post(f"{URL}/{people.org_b.id}/contacts", json={"name": "李四"}).status_code == 403
    assert counts(db) == before
    org = db.session.get(Organization, people.org_a.id)
    assert (org.membership_status, org.short_name, org.tier) == (MembershipStatus.active, None, None)


def test_a_member_edits_its_contact_details_and_contacts(member, db, people):
    response = member.patch(f"{URL}/{people.org_a.id}", json={"short_name": "甲", "phone": "010-12345678",
                                                              "website": "https://a.example.com"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["short_name"] == "甲"
    response = member.post(f"{URL}/{people.org_a.id}/contacts", json={"name": "李四", "mobile": "13900000003"})
    assert response.status_code == 201 and response.get_json()["is_main"] is False
    assert db.session.get(Organization, people.org_a.id).phone == "010-12345678"


def test_an_applicant_follows_its_application_on_me_only(client, db, people):
    """Member self-service follows the membership status: an applicant's token
    reads /me (where it learns it cannot self-serve yet) and nothing else."""
    from alliance_app.accounts.models import Role

    applicant = ApiClient(client, factories.user(Role.member, people.applicant))
    me = applicant.get("/api/v1/me")
    assert me.status_code == 200 and me.get_json()["self_service"] is False
    refused = applicant.get(f"{URL}/{people.applicant.id}")
    assert refused.status_code == 403 and "not a member" in refused.get_json()["message"]
    assert applicant.patch(f"{URL}/{people.applicant.id}", json={"short_name": "申请"}).status_code == 403
    assert applicant.post(f"{URL}/{people.applicant.id}/contacts", json={"name": "李四"}).status_code == 403


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, status, field", [
    (new_org(uscc="91310000MA1FL8L97X"), 422, "uscc"),  # wrong check character
    (new_org(uscc="9131000"), 422, "uscc"),
    (new_org(uscc="IO3100000000000000"), 422, "uscc"),
    (new_org(uscc=None), 422, "uscc"),  # a CN organization needs a code or a reason
    (new_org(name="甲单位有限公司"), 409, "name"),
    (new_org(name="甲单位 有限公司"), 409, "name"),
    (new_org(name="甲单位\u200b有限公司"), 409, "name"),
    (new_org(name="ＡＢＣ Co", uscc_exempt_reason="n/a"), 409, "name"),  # see test body: "abc co" exists
    (new_org(name="x" * 201), 422, "name"),
    (new_org(name_en="x" * 301), 422, "name_en"),
    (new_org(notes="x" * 4001), 422, "notes"),
    (new_org(name="新\x00单位"), 422, "name"),
    (new_org(address="路\x00号"), 422, "address"),
    (new_org(name="   "), 422, "name"),
    ({"uscc": USCC}, 422, "name"),
    (new_org(name=None), 422, "name"),
    (new_org(name=42), 422, "name"),
    (new_org(uscc=91310000), 422, "uscc"),
    (new_org(kind="shop"), 422, "kind"),
    (new_org(tier="gold"), 422, "tier"),
    (new_org(country="China"), 422, "country"),
    (new_org(website="javascript:alert(1)"), 422, "website"),
    (new_org(joined_on="yesterday"), 422, "joined_on"),
    (new_org(membership_status="active"), 422, "status_reason"),
    (new_org(membership_status="suspended", status_reason="x"), 409, "membership_status"),
    (new_org(id=5), 422, "id"),
    (new_org(name_key="x"), 422, "name_key"),
    (new_org(contacts=[]), 422, "contacts"),
])
def test_bad_organizations_are_refused_per_field_and_not_written(staff, db, people, payload, status, field):
    factories.organization("abc co", uscc=None, country="MY")
    before = counts(db)
    response = staff.post(URL, json=payload)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["status"] == status and body["errors"][field], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert counts(db) == before


def test_a_duplicate_credit_code_names_the_existing_organization(staff, db, people):
    before = counts(db)
    response = staff.post(URL, json=new_org(uscc=people.org_b.uscc))
    assert response.status_code == 409
    message = response.get_json()["errors"]["uscc"][0]
    assert "乙单位有限公司" in message and str(people.org_b.id) in message
    response = staff.patch(f"{URL}/{people.org_a.id}", json={"uscc": people.org_b.uscc.lower()})
    assert response.status_code == 409 and "乙单位有限公司" in response.get_json()["errors"]["uscc"][0]
    response = staff.patch(f"{URL}/{people.org_a.id}", json={"name": "乙单位有限公司 "})
    assert response.status_code == 409 and response.get_json()["errors"]["name"]
    assert counts(db) == before
    assert db.session.get(Organization, people.org_a.id).uscc == people.org_a.uscc


@pytest.mark.parametrize("method, path", [("post", ""), ("patch", "/{id}"), ("post", "/{id}/contacts")])
def test_a_body_that_is_not_a_json_object_is_refused(staff, db, people, method, path):
    url = URL + path.format(id=people.org_a.id)
    before = counts(db)
    call = getattr(staff, method)
    for kwargs, status in (
        ({"data": {"name": "x"}}, 400),  # a form
        ({"data": "name=x", "content_type": "text/plain"}, 400),
        ({}, 400),
        ({"data": "", "content_type": "application/json"}, 400),
        ({"data": '{"name": ', "content_type": "application/json"}, 400),
        ({"data": b'{"name": "\xff"}', "content_type": "application/json"}, 400),
        ({"json": ["name"]}, 422),
        ({"json": "name"}, 422),
        ({"json": 7}, 422),
    ):
        response = call(url, **kwargs)
        assert response.status_code == status, (kwargs, response.get_json())
        assert response.is_json and response.get_json()["status"] == status
        if status == 422:
            assert response.get_json()["errors"]["_schema"] == ["Expected a JSON object."]
    assert counts(db) == before


def test_field_messages_follow_the_language(client, people):
    api = ApiClient(client, people.staff)
    client.set_cookie("alliance_lang", "zh_CN")
    response = api.post(URL, json=new_org(name="新\x00单位", extra=1))
    errors = response.get_json()["errors"]
    assert errors == {"extra": ["未知字段。"]}  # the schema refuses before the service runs
    errors = api.post(URL, json=new_org(name="新\x00单位")).get_json()["errors"]
    assert errors["name"] == ["包含控制字符，请重新输入。"]


# --- bounded queries -------------------------------------------------------------------------------



def _many_organizations(db, n, start=0):
    """`n` organizations with two contacts each, in one transaction."""
    for i in range(start, start + n):
        name = f"批量单位{i:03d}有限公司"
        org = Organization(name=name, uscc=demo_uscc("91110000", name), province="北京",
                           membership_status=MembershipStatus.active, tier=Tier.member)
        org.contacts = [Contact(name=f"联系人{i}", mobile=f"139{i:08d}", is_main=True),
                        Contact(name=f"副联系人{i}", email=f"c{i}@example.com")]
        db.session.add(org)
    db.session.commit()


def test_the_api_list_runs_the_same_few_queries_whatever_the_page_size(staff, db, people):
    _many_organizations(db, 120)
    staff.get(URL)  # the token's first use is written once

    small, small_statements = statements_sent(db, lambda: staff.get(f"{URL}?per_page=5"))
    large, large_statements = statements_sent(db, lambda: staff.get(f"{URL}?per_page=100"))
    assert len(small.get_json()["items"]) == 5 and len(large.get_json()["items"]) == 100
    assert large.get_json()["total"] == 123
    assert len(small_statements) == len(large_statements), large_statements
    assert len(large_statements) <= 6, large_statements
    assert not any("contacts" in statement for statement in large_statements)


def test_the_admin_list_page_runs_the_same_few_queries_whatever_the_number_of_rows(client, db, people):
    login(client, people.staff)
    _many_organizations(db, 2)  # 5 organizations with those of `people`
    _few, few_statements = statements_sent(db, lambda: client.get("/admin/organizations"))
    _many_organizations(db, 115, start=2)  # 120
    many, many_statements = statements_sent(db, lambda: client.get("/admin/organizations"))
    assert _few.get_data(as_text=True).count('href="/organizations/') == 5
    assert many.get_data(as_text=True).count('href="/organizations/') == 50  # a full page
    assert len(few_statements) == len(many_statements), many_statements
    assert len(many_statements) <= 8, many_statements


# --- OpenAPI ---------------------------------------------------------------------------------------

def test_the_openapi_document_describes_the_organizations_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert set(paths[URL]) >= {"get", "post"}
    assert set(paths[URL + "/{org_id}"]) >= {"get", "patch"}
    assert set(paths[URL + "/{org_id}/contacts"]) >= {"get", "post"}

    def ref(content):
        return content["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert ref(paths[URL]["get"]["responses"]["200"]) == "OrganizationPage"
    assert ref(paths[URL]["post"]["requestBody"]) == "OrganizationCreate"
    assert ref(paths[URL]["post"]["responses"]["201"]) == "OrganizationDetail"
    assert ref(paths[URL + "/{org_id}"]["patch"]["requestBody"]) == "OrganizationUpdate"
    assert ref(paths[URL + "/{org_id}/contacts"]["post"]["requestBody"]) == "ContactCreate"
    for method, operation in (("post", paths[URL]["post"]), ("patch", paths[URL + "/{org_id}"]["patch"])):
        assert {"400", "401", "403", "409", "422"} <= set(operation["responses"]), method
    assert {"401", "403", "404"} <= set(paths[URL + "/{org_id}"]["get"]["responses"])

    parameters = {p["name"]: p for p in paths[URL]["get"]["parameters"]}
    assert {"page", "per_page", "q", "kind", "status", "tier", "region", "sort"} <= set(parameters)
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert parameters["status"]["schema"]["enum"] == [s.value for s in MembershipStatus]

    schemas = spec["components"]["schemas"]
    organization = schemas["Organization"]["properties"]
    assert {"id", "name", "name_en", "short_name", "kind", "uscc", "country", "membership_status",
            "tier"} <= set(organization)
    assert organization["kind"]["enum"] == ["enterprise", "university", "research_institute", "association",
                                            "government_agency", "financial", "other"]
    assert organization["tier"]["enum"] == ["chair", "vice_chair", "executive_director", "director", "member"]
    assert "contacts" in schemas["OrganizationDetail"]["properties"]
    assert "contacts" not in organization
    assert set(schemas["OrganizationPage"]["properties"]) == {"items", "page", "per_page", "total"}
    assert schemas["OrganizationCreate"]["required"] == ["name"]
    assert schemas["OrganizationCreate"]["properties"]["name"]["maxLength"] == 200
    assert schemas["OrganizationUpdate"]["properties"]["membership_status"]["enum"] == [
        s.value for s in MembershipStatus]
    assert "status_reason" in schemas["OrganizationUpdate"]["properties"]
    assert {"name", "mobile", "email", "is_main"} <= set(schemas["ContactCreate"]["properties"])


def test_an_id_beyond_the_columns_range_is_404_not_500(client, people):
    """The database cannot even compare such a number (SQLite: OverflowError)."""
    headers = {"Authorization": f"Bearer {factories.token(people.staff)}"}
    for url in (f"{URL}/{2**31}", f"{URL}/{10**24}", f"{URL}/{10**24}/contacts"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.get_json()["status"] == 404
    response = client.patch(f"{URL}/{10**24}", json={"city": "合肥市"}, headers=headers)
    assert response.status_code == 404
