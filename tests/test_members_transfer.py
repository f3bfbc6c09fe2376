"""Export and import of organizations, as the secretariat uses them: download,
fill in or edit in Excel, upload, look at the preview, commit."""
import csv
import io
import re
import zipfile
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from alliance_app.audit.models import AuditEntry
from alliance_app.demo import demo_uscc
from alliance_app.members.import_models import ImportBatch
from alliance_app.members.models import MembershipStatus, Organization, OrganizationKind, StatusChange, Tier
from alliance_app.core.downloads import content_disposition
from alliance_app.core.spreadsheets import (MAX_IMPORT_ROWS, csv_bytes, read_table, safe_cell,
                                       unescape_cell)

from . import factories
from .conftest import login

LOGIN = 302
SECRETARIAT = {"anon": LOGIN, "member_a": 403, "member_b": 403, "staff": 200, "admin": 200}

AUTHZ_ROWS = {
    ("members.organization_export_xlsx", "GET"): ("/admin/organizations/export.xlsx", SECRETARIAT),
    ("members.organization_export_csv", "GET"): ("/admin/organizations/export.csv?status=active", SECRETARIAT),
    ("members.organization_import_template", "GET"): ("/admin/organizations/import/template.xlsx", SECRETARIAT),
    ("members.organization_import", "GET"): ("/admin/organizations/import", SECRETARIAT),
    # No file: the form comes back with the error at the field.
    ("members.organization_import", "POST"): ("/admin/organizations/import", dict(SECRETARIAT, staff=422, admin=422)),
    # No such batch.
    ("members.organization_import_commit", "POST"): ("/admin/organizations/import/no-such-batch/commit",
                                                     dict(SECRETARIAT, staff=404, admin=404)),
}

HEADER = ["单位名称", "英文名称", "简称", "单位类型", "统一社会信用代码", "无信用代码原因", "国家或地区", "省份", "城市",
          "地址", "网站", "电话", "法定代表人", "会员状态", "会员级别", "入会日期", "备注"]


# --- helpers ---------------------------------------------------------------------------------------

def code(name):
    return demo_uscc("91340100", name)


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(**values):
    fields = ["name", "name_en", "short_name", "kind", "uscc", "uscc_exempt_reason", "country", "province", "city",
              "address", "website", "phone", "legal_representative", "membership_status", "tier", "joined_on", "notes"]
    return [values.get(name) for name in fields]


def upload(client, data, filename="orgs.xlsx"):
    return client.post("/admin/organizations/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def actions(response) -> list[str]:
    return re.findall(r'data-action="(\w+)"', response.get_data(as_text=True))


def commit_url(response) -> str | None:
    match = re.search(r'action="(/admin/organizations/import/[^/"]+/commit)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def cell_errors(response, field) -> list[str]:
    page = response.get_data(as_text=True)
    return re.findall(rf'data-error="{field}">([^<]*)<', page)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def staff(client, db):
    """Three organizations and the secretariat, signed in as staff (lighter than `people`)."""
    from alliance_app.accounts.models import Role

    world = SimpleNamespace(
        org_a=factories.organization("甲单位有限公司"),
        org_b=factories.organization("乙单位有限公司"),
        applicant=factories.organization("申请中单位有限公司", membership_status=MembershipStatus.applicant),
        staff=factories.user(Role.staff, email="staff@secretariat.example"),
        admin=factories.user(Role.admin, email="admin@secretariat.example"),
    )
    login(client, world.staff)
    return world


# --- export ------------------------------------------------------------------------------------------

def test_export_then_reimport_the_export_changes_nothing(client, staff, db):
    factories.organization("=HYPERLINK(\"http://evil.example\",\"点我\")", address="+86 合肥", notes="第一行\n第二行",
                           membership_status=MembershipStatus.active, tier=Tier.director, joined_on=date(2021, 6, 16),
                           kind=OrganizationKind.university, website="https://www.example.com")
    response = client.get("/admin/organizations/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["编号", "单位名称", "英文名称"]
    assert sheet[1][0].font.b and sheet.freeze_panes == "A2"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    evil = rows["'=HYPERLINK(\"http://evil.example\",\"点我\")"]  # text, not a formula
    assert isinstance(evil[0], int)  # numbers stay numbers
    assert evil[10] == "'+86 合肥" and evil[4] == "高等院校" and evil[14] == "正式会员" and evil[15] == "理事单位"
    assert evil[16].date() == date(2021, 6, 16)  # a real date cell
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)  # no formula anywhere

    before = (count(db, AuditEntry), count(db, Organization), count(db, StatusChange))
    # Re-imported, the apostrophes go again: the same names, so nothing changes.
    preview = upload(client, response.data, "单位名录.xlsx")
    assert preview.status_code == 200
    assert actions(preview) == ["unchanged"] * 4
    assert commit_url(preview) is None
    assert count(db, ImportBatch) == 0
    assert (count(db, AuditEntry), count(db, Organization), count(db, StatusChange)) == before


def test_csv_export_has_a_bom_keeps_chinese_and_numbers_and_reimports_unchanged(client, staff, db):
    factories.organization("@SUM(1+1)联合会", phone="-5")
    response = client.get("/admin/organizations/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert text.startswith("编号,单位名称,") and "甲单位有限公司" in text and "\r\n" in text
    assert re.search(r"\r\n\d+,甲单位有限公司,", text)  # the number unquoted
    by_name = {line[1]: line for line in csv.reader(io.StringIO(text))}
    assert by_name["'@SUM(1+1)联合会"][12] == "'-5"  # formulas neutralised, the phone column too
    preview = upload(client, response.data, "export.csv")
    assert preview.status_code == 200 and set(actions(preview)) == {"unchanged"} and commit_url(preview) is None


def test_export_follows_the_list_filters(client, staff):
    response = client.get("/admin/organizations/export.csv?status=applicant")
    names = [r[1] for r in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))][1:]
    assert names == ["申请中单位有限公司"]
    response = client.get("/admin/organizations/export.xlsx?q=甲单位")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["甲单位有限公司"]


def test_download_names_work_in_chinese_and_never_carry_a_line_break(client, staff):
    disposition = client.get("/admin/organizations/export.xlsx").headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=\"organizations-(\d{4}-\d\d-\d\d)\.xlsx\"; "
                        r"filename\*=UTF-8''%E5%8D%95%E4%BD%8D%E5%90%8D%E5%BD%95-\1\.xlsx", disposition)  # 单位名录
    header = content_disposition("协议-华为\r\nSet-Cookie: x=1.pdf")
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="Set-Cookie_x_1.pdf"; filename*=UTF-8\'\'%E5%8D%8F%E8%AE%AE-')
    assert content_disposition("华为.pdf").startswith('attachment; filename="download.pdf"')
    assert content_disposition('a"b\\c.csv').startswith('attachment; filename="a_b_c.csv"')


def test_safe_cell_neutralises_formulas_and_keeps_numbers_and_dates():
    from decimal import Decimal

    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx", "\nx", "\0x", "'=x"):
        assert safe_cell(text) == "'" + text
        assert unescape_cell(safe_cell(text)) == text
    for value in (12, -3, 1.5, Decimal("-12.50"), date(2024, 1, 2), None, "普通", "a=b", "'quoted"):
        assert safe_cell(value) == value
        assert unescape_cell(safe_cell(value)) == value
    assert csv_bytes(["金额"], [[Decimal("-12.50")], ["=cmd"]]).decode("utf-8-sig") == "金额\r\n-12.50\r\n'=cmd\r\n"


# --- import: the happy paths --------------------------------------------------------------------

def test_template_download_filled_in_and_imported(client, staff, db):
    response = client.get("/admin/organizations/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet, help_sheet = workbook.worksheets
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 2  # one example row
    instructions = " ".join(str(c.value) for r in help_sheet.iter_rows() for c in r if c.value)
    assert "主席单位 (chair)" in instructions and "企业 (enterprise)" in instructions
    sheet.delete_rows(2)
    sheet.append(row(name="蔚来电池回收有限公司", kind="企业", uscc=code("蔚来"), province="安徽省", city="合肥市",
                     membership_status="正式会员", tier="理事单位", joined_on=date(2024, 5, 1),
                     phone=13800138000))
    sheet.append(row(name="Malaysia Battery Sdn Bhd", kind="enterprise", country="my",
                     uscc_exempt_reason="境外企业", membership_status="non_member", joined_on="2024/5/1"))
    out = io.BytesIO()
    workbook.save(out)

    audit_before = count(db, AuditEntry)
    preview = upload(client, out.getvalue(), "会员单位.xlsx")
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert actions(preview) == ["new", "new"]
    assert count(db, Organization) == 3  # a preview writes nothing but its batch
    done = client.post(commit_url(preview))
    assert done.status_code == 302 and done.headers["Location"] == "/admin/organizations"
    nio = db.session.scalar(select(Organization).where(Organization.name == "蔚来电池回收有限公司"))
    assert (nio.membership_status, nio.tier, nio.joined_on, nio.phone) == (
        MembershipStatus.active, Tier.director, date(2024, 5, 1), "13800138000")
    assert len(nio.status_changes) == 1 and "会员单位.xlsx" in nio.status_changes[0].reason
    foreign = db.session.scalar(select(Organization).where(Organization.country == "MY"))
    assert foreign.uscc is None and foreign.membership_status == MembershipStatus.non_member
    assert foreign.joined_on == date(2024, 5, 1)
    logged = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id).offset(audit_before)).all()
    assert sorted(e.object_label for e in logged if e.action == "create" and e.object_type == "organizations") == [
        "Malaysia Battery Sdn Bhd", "蔚来电池回收有限公司"]
    [summary] = [e for e in logged if e.action == "organizations_imported"]
    assert summary.changes == {"new": 2, "updated": 0} and summary.actor_id == staff.staff.id
    assert count(db, ImportBatch) == 0  # used up
    # The same file again: all unchanged, nothing to commit.
    again = upload(client, out.getvalue(), "会员单位.xlsx")
    assert actions(again) == ["unchanged", "unchanged"] and commit_url(again) is None


def test_an_existing_organization_is_updated_by_its_credit_code(client, staff, db):
    org_a = staff.org_a
    data = xlsx([row(name="甲单位有限公司", uscc=org_a.uscc.lower(), address="合肥市蜀山区新地址 8 号",
                     membership_status="suspended", tier="")])
    preview = upload(client, data)
    assert actions(preview) == ["update"]
    page = preview.get_data(as_text=True)
    assert "合肥市蜀山区新地址 8 号" in page and "正式会员" in page  # the new value, and the status before
    assert client.post(commit_url(preview)).status_code == 302
    db.session.refresh(org_a)
    assert org_a.address == "合肥市蜀山区新地址 8 号" and org_a.membership_status == MembershipStatus.suspended
    assert "orgs.xlsx" in org_a.status_changes[0].reason and org_a.status_changes[0].actor_id == staff.staff.id
    [update] = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "update", AuditEntry.object_type == "organizations",
        AuditEntry.object_id == str(org_a.id))).all()
    assert update.changes["address"] == [None, "合肥市蜀山区新地址 8 号"]
    assert update.changes["membership_status"] == ["active", "suspended"]


def test_a_name_match_without_code_updates_and_the_english_format_is_accepted(client, staff, db):
    header = ["Name", "Credit code", "Kind", "Membership status", "Tier", "Short name", "Unknown column"]
    data = csv_file([["乙单位 有限公司", "", "University", "active", "Vice-chair unit", "乙单位", "x"]], header=header,
                    encoding="utf-8")
    preview = upload(client, data, "english.csv")
    assert actions(preview) == ["update"], preview.get_data(as_text=True)
    assert "Unknown column" in preview.get_data(as_text=True)  # ignored, and said so
    client.post(commit_url(preview))
    org_b = db.session.get(Organization, staff.org_b.id)
    assert (org_b.name, org_b.short_name, org_b.kind, org_b.tier) == (
        "乙单位 有限公司", "乙单位", OrganizationKind.university, Tier.vice_chair)


# --- import: row errors ------------------------------------------------------------------------

def test_each_bad_cell_is_reported_at_its_cell_and_only_valid_rows_commit(client, staff, db):
    client.post("/language", data={"lang": "en"})
    rows = [
        row(name="错误代码有限公司", uscc="91340100MA2N0XXXX1"),
        row(name="未知类型有限公司", uscc=code("未知类型"), kind="独角兽"),
        row(name="甲单位\u200b有限公司", uscc=code("冒名")),  # looks like 甲单位有限公司, which has another code
        row(name="重复一有限公司", uscc=code("重复")),
        row(name="重复二有限公司", uscc=code("重复")),
        row(name="太长有限公司", uscc=code("太长"), address="路" * 301),
        row(name="空\x00字符有限公司", uscc=code("空字符")),
        row(name="正确有限公司", uscc=code("正确")),
        row(name="无代码有限公司"),
    ]
    preview = upload(client, csv_file(rows), "errors.csv")
    assert preview.status_code == 200
    assert actions(preview) == ["error"] * 7 + ["new", "error"]
    uscc = cell_errors(preview, "uscc")
    assert uscc == ["The check character of this credit code is wrong; please check for typos.",
                    "Appears more than once in this file (rows 5, 6).",
                    "Appears more than once in this file (rows 5, 6).",
                    "Enter the unified social credit code, or the reason this organization has none."]
    [kind] = cell_errors(preview, "kind")
    assert kind.startswith("Unknown value 独角兽; allowed: 企业 (enterprise), 高等院校 (university), ")
    assert kind.endswith(", 其他 (other).")
    assert cell_errors(preview, "name") == [
        f"This name belongs to 甲单位有限公司 (no. {staff.org_a.id}), whose credit code is {staff.org_a.uscc}.",
        "Contains control characters; please retype it."]
    assert cell_errors(preview, "address") == ["At most 300 characters (this has 301)."]
    assert "Import: add 1, update 0" in preview.get_data(as_text=True)
    before = count(db, Organization)
    assert client.post(commit_url(preview)).status_code == 302
    assert count(db, Organization) == before + 1
    assert db.session.scalar(select(Organization.name).where(Organization.uscc == code("正确"))) == "正确有限公司"


def test_status_changes_follow_the_membership_rules(client, staff):
    client.post("/language", data={"lang": "en"})
    preview = upload(client, xlsx([row(name="申请中单位有限公司", uscc=staff.applicant.uscc,
                                       membership_status="暂停")]))
    assert actions(preview) == ["error"]
    assert cell_errors(preview, "membership_status") == ["An organization cannot go from Applicant to Suspended."]


# --- import: bad files -------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200


def _broken_xlsx():
    data = xlsx([row(name="某有限公司", uscc=code("某"))])
    return data[: len(data) // 2]


def _zip_without_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return out.getvalue()


def _rows_csv(n):
    lines = ["单位名称,统一社会信用代码"] + [f"单位{i}有限公司," for i in range(n)]
    return "\n".join(lines).encode()


def _expanding_xlsx(megabytes=40):
    """A workbook of a few hundred kilobytes whose worksheet unpacks to `megabytes` (a zip bomb)."""
    real = xlsx([row(name="某公司", uscc=code("某公司"))])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/worksheets/padding.xml", b" " * (megabytes * 1024 * 1024))
    return out.getvalue()


def _long_cell_csv():
    return ("单位名称,统一社会信用代码\n" + "长" * 200_000 + ",\n").encode()


@pytest.mark.parametrize("data, filename, status, words", [
    (_expanding_xlsx(), "organizations.xlsx", 413, "unpacks to 41 MB, more than the 32 MB"),
    (_long_cell_csv(), "organizations.csv", 422, "A cell holds more than 131072 characters"),
    (PNG, "organizations.xlsx", 415, "not an Excel workbook"),
    (PNG, "organizations.csv", 415, "not a CSV"),
    (b"hello", "organizations.txt", 415, ".xlsx"),
    (_zip_without_workbook(), "organizations.xlsx", 415, "not an Excel workbook"),
    (_broken_xlsx(), "organizations.xlsx", 422, "damaged"),
    (b"", "organizations.xlsx", 422, "empty"),
    (b"\xef\xbb\xbf\r\n\r\n", "organizations.csv", 422, "empty"),
    ("单位名称,统一社会信用代码\n".encode(), "organizations.csv", 422, "no data rows"),
    ("名称,地址\n某公司,合肥\n".encode(), "organizations.csv", 422, "统一社会信用代码"),
    (xlsx([["某公司"]], header=["英文名称"]), "organizations.xlsx", 422, "单位名称、统一社会信用代码"),
    (_rows_csv(MAX_IMPORT_ROWS + 1), "organizations.csv", 413, str(MAX_IMPORT_ROWS)),
], ids=["zip-bomb", "long-cell", "png-as-xlsx", "png-as-csv", "txt", "zip", "broken-xlsx", "empty", "blank-csv", "header-only",
        "missing-column", "missing-columns", "too-many-rows"])
def test_bad_files_are_refused_at_the_field_and_nothing_is_written(client, staff, db, data, filename, status,
                                                                   words):
    client.post("/language", data={"lang": "en"})
    before = count(db, Organization), count(db, AuditEntry)
    response = upload(client, data, filename)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert 'class="form-control is-invalid"' in page and "invalid-feedback" in page
    feedback = " ".join(re.findall(r'<div class="invalid-feedback">([^<]*)</div>', page))
    assert words in feedback, feedback
    assert (count(db, Organization), count(db, AuditEntry)) == before and count(db, ImportBatch) == 0


def test_an_expanding_workbook_is_refused_before_it_is_parsed(client, staff, monkeypatch):
    import openpyxl

    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    assert upload(client, _expanding_xlsx()).status_code == 413
    assert len(_expanding_xlsx()) < 200_000  # what was uploaded: small


def test_reading_stops_at_the_time_limit_and_says_so(app, client, staff, db):
    app.config["IMPORT_MAX_SECONDS"] = 0
    client.post("/language", data={"lang": "en"})
    response = upload(client, _rows_csv(500), "organizations.csv")
    assert response.status_code == 413
    assert "took too long to read (more than 0 seconds)" in response.get_data(as_text=True)
    assert count(db, ImportBatch) == 0


def test_no_file_is_a_field_error(client, staff):
    response = client.post("/admin/organizations/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "invalid-feedback" in response.get_data(as_text=True)


def test_the_row_limit_is_inclusive(app):
    from werkzeug.datastructures import FileStorage

    table = read_table(FileStorage(io.BytesIO(_rows_csv(MAX_IMPORT_ROWS)), "x.csv"),
                       {"单位名称": "name", "统一社会信用代码": "uscc"}, ("name", "uscc"))
    assert len(table.rows) == MAX_IMPORT_ROWS and table.rows[0] == (2, {"name": "单位0有限公司", "uscc": None})


def test_a_long_preview_lists_the_errors_first(app):
    from alliance_app.members.transfer import Preview, PreviewRow

    rows = [PreviewRow(number=n, cells={}, action="error" if n % 10 == 0 else "new") for n in range(2, 52)]
    preview = Preview(filename="x.csv", columns=[], ignored=[], rows=rows)
    assert preview.listed(100) == rows
    listed = preview.listed(8)
    assert [r.number for r in listed] == [10, 20, 30, 40, 50, 2, 3, 4]


def test_gb18030_and_bom_csv_read_the_same(client, staff):
    rows = [row(name="国轩高科（合肥）有限公司", uscc=code("国轩"), city="合肥市", notes="𠀀 扩展区汉字")]
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        preview = upload(client, csv_file(rows, encoding=encoding), f"{encoding}.csv")
        assert actions(preview) == ["new"], encoding
        page = preview.get_data(as_text=True)
        assert "国轩高科（合肥）有限公司" in page and "𠀀 扩展区汉字" in page


# --- import: commit -----------------------------------------------------------------------------

def test_nothing_is_half_written_when_the_commit_fails(client, staff, db):
    client.post("/language", data={"lang": "en"})
    data = xlsx([row(name="第一新单位有限公司", uscc=code("第一"), membership_status="正式会员"),
                 row(name="甲单位有限公司", uscc=staff.org_a.uscc, city="芜湖市"),
                 row(name="第二新单位有限公司", uscc=code("第二"))])
    preview = upload(client, data)
    assert actions(preview) == ["new", "update", "new"]
    # Meanwhile someone registers the second organization under a look-alike name.
    factories.organization("第二新单位 有限公司", uscc=code("抢先"))
    before = count(db, Organization), count(db, AuditEntry), count(db, StatusChange)
    response = client.post(commit_url(preview))
    assert response.status_code == 409
    assert "Another organization with this name or credit code was saved just now." in response.get_data(as_text=True)
    assert (count(db, Organization), count(db, AuditEntry), count(db, StatusChange)) == before
    assert db.session.get(Organization, staff.org_a.id).city is None


def test_a_change_made_after_the_preview_stops_the_commit(client, staff, db):
    preview = upload(client, xlsx([row(name="甲单位有限公司", uscc=staff.org_a.uscc, city="芜湖市")]))
    org = db.session.get(Organization, staff.org_a.id)
    org.city = "蚌埠市"
    db.session.commit()
    assert client.post(commit_url(preview)).status_code == 409
    assert db.session.get(Organization, staff.org_a.id).city == "蚌埠市"


def test_a_batch_is_used_once_by_its_owner_before_it_expires(client, staff, db, app):
    data = xlsx([row(name="单次单位有限公司", uscc=code("单次"))])
    url = commit_url(upload(client, data))
    other = login(app.test_client(), staff.admin)
    assert other.post(url).status_code == 404  # someone else's batch
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404  # used up
    assert count(db, Organization) == 4

    url = commit_url(upload(client, xlsx([row(name="过期单位有限公司", uscc=code("过期"))])))
    batch = db.session.scalar(select(ImportBatch))
    batch.created_at = batch.created_at - timedelta(days=1)
    db.session.commit()
    assert client.post(url).status_code == 404
    assert count(db, Organization) == 4


def test_the_list_page_buttons_keep_the_filters(app):
    from flask import render_template_string

    with app.test_request_context("/admin/organizations?status=active"):
        html = render_template_string('{% include "members/_transfer_buttons.html" %}', filters={"status": "active"})
    assert "/admin/organizations/export.xlsx?status=active" in html
    assert "/admin/organizations/export.csv?status=active" in html
    assert "/admin/organizations/import" in html
