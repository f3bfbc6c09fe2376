"""The Excel 参会回执: a template from the event's questions; an upload is
previewed with every problem at its row and cell and committed whole through
the registration service, or not at all."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from alliance_app.events.models import Event
from alliance_app.registrations.models import Registration
from alliance_app.registrations.question_models import QuestionKind

from . import factories
from .conftest import login

AUTHZ_ROWS = {
    ("registrations.receipt_template", "GET"): ("/events/{event_id}/receipt/template.xlsx",
                                                dict(anon=302, member_a=200, member_b=200, staff=200, admin=200)),
    ("registrations.receipt_upload", "GET"): ("/events/{event_id}/receipt/import",
                                              dict(anon=302, member_a=200, member_b=200, staff=200, admin=200)),
    ("registrations.receipt_upload", "POST"): ("/events/{event_id}/receipt/import",
                                               dict(anon=302, member_a=422, member_b=422, staff=422, admin=422)),
    # A token that is not the caller's batch: "expired or used already".
    ("registrations.receipt_commit", "POST"): ("/events/{event_id}/receipt/import/not-a-batch",
                                               dict(anon=302, member_a=404, member_b=404, staff=404, admin=404)),
}


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("alliance_lang", "en")


@pytest.fixture
def asked(people, db):
    event = people.meeting.event
    factories.question(event, key="diet", label="饮食", label_en="Diet", kind=QuestionKind.choice, required=True,
                       choices=[{"value": "halal", "label": "清真", "label_en": "Halal"},
                                {"value": "vegetarian", "label": "素食", "label_en": "Vegetarian"}])
    factories.question(event, key="arrival", label="抵达日期", kind=QuestionKind.date)
    return event


def xlsx(rows, merge=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, event, data, name="回执.xlsx"):
    return client.post(f"/events/{event.id}/receipt/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def count(db):
    return db.session.scalar(select(func.count()).select_from(Registration))


HEADER = ["姓名*", "单位", "职务", "手机*", "邮箱", "类别", "饮食*", "抵达日期"]


def test_the_template_has_a_column_per_question(client, people, asked):
    login(client, people.member_a)
    response = client.get(f"/events/{asked.id}/receipt/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    notes = {row[0]: row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert "清真" in notes["饮食*"] and "素食" in notes["饮食*"]


def test_a_member_imports_a_correct_file_whole(client, people, asked, db):
    login(client, people.member_a)
    data = xlsx([HEADER, ["王一", "", "处长", "13600000001", "w1@a.example", "企业", "清真", None],
                 ["王二", "", None, 13600000002, None, None, "Vegetarian", "2027-06-15"]])
    preview = upload(client, asked, data)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "All 2 rows are valid" in text
    assert count(db) == 1  # the preview registers nobody
    token = text.split("/receipt/import/")[1].split('"')[0]
    done = client.post(f"/events/{asked.id}/receipt/import/{token}")
    assert done.status_code == 302
    rows = db.session.scalars(select(Registration).where(Registration.mobile.like("136%"))
                              .order_by(Registration.mobile)).all()
    assert [r.name for r in rows] == ["王一", "王二"]
    assert all(r.organization_id == people.org_a.id and r.status.value == "confirmed" for r in rows)
    assert {a.question.key: a.value for a in rows[1].answers} == {"diet": "vegetarian", "arrival": "2027-06-15"}
    # The batch is used once.
    assert client.post(f"/events/{asked.id}/receipt/import/{token}").status_code == 404
    assert count(db) == 3


def test_a_file_with_errors_is_refused_cell_by_cell(client, people, asked, db):
    login(client, people.staff)
    data = xlsx([HEADER, ["", "甲单位有限公司", None, "13600000011", None, None, "清真", None],
                 ["李二", "不存在的单位", None, "123", None, "宇航员", "烧烤", "明天"],
                 ["李三", "乙单位有限公司", None, "13600000011", None, None, None, None],
                 ["李四", None, None, people.registration_a.mobile, None, None, "素食", None]])
    response = upload(client, asked, data)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "nothing has been registered" in text
    for message in ("No organization of this name", "Not a category", "must be answered", "11-digit",
                    "The same mobile number is in row 2", "registered already"):
        assert message in text, message
    assert "/receipt/import/" not in text.split("Preview of")[1]  # no commit button
    assert count(db) == 1


def test_unknown_columns_and_merged_cells_are_named(client, people, asked, db):
    login(client, people.staff)
    data = xlsx([HEADER + ["鞋码"], ["周一", "", None, "13600000021", None, None, "清真", None, "42"],
                 ["周二", "", None, "13600000022", None, None, "清真", None, None]], merge="G2:G3")
    text = upload(client, asked, data).get_data(as_text=True)
    assert "Unknown columns: 鞋码" in text and "Merged cells at G2:G3" in text
    assert count(db) == 1


def test_a_gbk_csv_is_read(client, people, asked, db):
    login(client, people.staff)
    lines = ",".join(HEADER) + "\r\n" + "赵一,甲单位有限公司,,13600000031,,专家,清真,\r\n"
    response = upload(client, asked, lines.encode("gbk"), name="回执.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "赵一" in text and "All 1 rows are valid" in text


def test_commit_is_all_or_nothing_when_the_event_fills(client, people, asked, db):
    event = db.session.get(Event, asked.id)
    event.capacity, event.waitlist_enabled = 2, False
    db.session.commit()
    login(client, people.staff)
    data = xlsx([HEADER, ["钱一", "", None, "13600000041", None, None, "清真", None],
                 ["钱二", "", None, "13600000042", None, None, "清真", None]])
    text = upload(client, asked, data).get_data(as_text=True)
    token = text.split("/receipt/import/")[1].split('"')[0]
    response = client.post(f"/events/{asked.id}/receipt/import/{token}")
    assert response.status_code == 409 and "full" in response.get_data(as_text=True)
    assert count(db) == 1


def test_bad_files_get_a_message(client, people, asked):
    login(client, people.member_a)
    response = upload(client, asked, b"not a workbook", name="回执.xlsx")
    assert response.status_code == 415 and "not an Excel workbook" in response.get_data(as_text=True)
    missing = upload(client, asked, xlsx([["职务"], ["处长"]]))
    assert missing.status_code == 422 and "Required columns are missing" in missing.get_data(as_text=True)
