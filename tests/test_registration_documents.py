"""Printed registration documents and exports, read as a user would: the text
a PDF reader extracts, the fonts it embeds, the QR code a phone scans off a
rendered badge, the cells a spreadsheet shows."""
import csv
import io
import math
import subprocess
from datetime import datetime

import flask_babel
import pytest
from openpyxl import load_workbook

from alliance_app.registrations import documents, services, transfer
from alliance_app.core.timeutil import to_local

from . import factories
from .conftest import login
from .pdfs import assert_embedded_font_only, language, pdf_info, pdf_pages, poppler, squash

MARKUP_NAME = "A & B <b>x"
FORMULA_NAME = '=HYPERLINK("http://evil.example","点我")'
DPI = 200


# --- data ------------------------------------------------------------------------------------------

def _register(app, event, people, name, mobile, *, organization=None, category="enterprise", position="总经理",
              email=None, sessions=True):
    with language(app):
        registration = services.register(
            event, {"name": name, "position": position, "mobile": mobile, "email": email, "category": category,
                    "session_ids": [people.meeting.session.id] if sessions else []},
            people.staff, organization_id=organization.id if organization else None)
    return registration


@pytest.fixture
def delegates(app, people, db):
    """A published event with a venue and a theme, and confirmed delegates of two
    member organizations, one from Beijing and two individual guests."""
    event = people.meeting.event
    event.title = "2027年新能源汽车产业联盟协调推进会"
    event.theme = "共享绿色能源，共赢能源未来"
    event.venue = "巡鹰集团报告厅"
    event.address = "合肥市包河区示例路 1 号"
    beijing = factories.organization("北京新能源研究院")
    rows = [
        ("张三", "13800138000", people.org_a, "enterprise", "总经理"),
        ("昝褚", "13800138001", None, "government", "副处长"),
        (MARKUP_NAME, "13800138002", people.org_b, "media", "Director <i>of</i> R&D"),
        ("欧阳娜娜", "13800138003", beijing, "university", "教授、博士生导师"),
        (FORMULA_NAME, "13800138004", people.org_a, "association", None),
        ("李四", "13800138005", None, "expert", None),
    ]
    registrations = [_register(app, event, people, name, mobile, organization=org, category=category,
                               position=position, email=f"d{mobile[-2:]}@example.com")
                     for name, mobile, org, category, position in rows]
    db.session.commit()
    people.event, people.beijing, people.registrations = event, beijing, registrations
    return people


# --- reading PDFs ----------------------------------------------------------------------------------


def decode_qr_codes(data: bytes, page: int = 1, dpi: int = DPI) -> list:
    """The QR codes a scanner reads off the page printed at `dpi` dots per inch."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="a QR decoder (pip install zxing-cpp, a dependency) "
                                                      "is needed to read the QR codes back")
    from PIL import Image

    png = subprocess.run([poppler("pdftoppm"), "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-"],
                         input=data, capture_output=True, check=True).stdout
    return [code for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


def side_mm(code, dpi: int = DPI) -> float:
    position = code.position
    pixels = math.dist((position.top_left.x, position.top_left.y), (position.top_right.x, position.top_right.y))
    return pixels / dpi * 25.4


def ticket_url(registration) -> str:
    from alliance_app.registrations.tickets import ticket_url as url

    return url(registration)


# --- badges ----------------------------------------------------------------------------------------

def test_badges_embed_the_font_and_print_names_literally(app, delegates):
    with language(app):
        data = documents.badges_pdf(delegates.event, delegates.registrations)
        title = flask_babel.gettext("Badges %(title)s", title=delegates.event.title)
    assert_embedded_font_only(data)
    pages = pdf_pages(data)
    assert len(pages) == 1  # six badges, eight to a sheet
    text = squash(pages[0])
    for expected in ("张三", "昝褚", "欧阳娜娜", MARKUP_NAME, "Director <i>of</i> R&D", FORMULA_NAME,
                     "甲单位有限公司", "北京新能源研究院", "企业", "政府", "媒体", "2027年新能源汽车产业联盟协调推进会"):
        assert squash(expected) in text, expected
    assert "13800138000" not in text and "138****8000" not in text  # no phone numbers on a badge
    info = pdf_info(data)
    assert info["Title"] == title and info["Subject"] == delegates.event.title


def test_badge_qr_codes_scan_to_the_check_in_urls(app, delegates):
    with language(app):
        data = documents.badges_pdf(delegates.event, delegates.registrations)
        urls = {ticket_url(registration) for registration in delegates.registrations}
    codes = decode_qr_codes(data)
    assert {code.text for code in codes} == urls
    assert all("/t/1/" in url and url.startswith("http") for url in urls)
    for code in codes:
        assert code.ec_level == "M"
        assert side_mm(code) >= 22, f"a {side_mm(code):.1f} mm QR code is hard to scan from a phone"


def test_every_badge_of_full_sheets_scans_at_a_cheap_scanner_resolution(app, delegates, db):
    """Three full sheets of codes (each its own payload and so its own mask
    pattern) all read back from pages rendered at 150 dpi: the codes are
    encoded once each and drawn as one path per code, nothing lost on the way."""
    extra = [_register(app, delegates.event, delegates, f"代表{i:02d}", f"1391111{i:04d}", sessions=False)
             for i in range(18)]
    db.session.commit()
    registrations = delegates.registrations + extra
    with language(app):
        data = documents.badges_pdf(delegates.event, registrations)
        urls = [ticket_url(registration) for registration in registrations]
    assert len(set(urls)) == 24
    for page in (1, 2, 3):
        codes = decode_qr_codes(data, page=page, dpi=150)
        assert sorted(code.text for code in codes) == sorted(urls[(page - 1) * 8:page * 8]), page
        assert all(code.ec_level == "M" and side_mm(code, 150) >= 22 for code in codes)


def test_nine_badges_take_two_sheets_and_long_names_fit(app, delegates, db):
    long_org = factories.organization("中国科学院合肥物质科学研究院等离子体物理研究所（安徽省新能源汽车与智能网联汽车产业创新中心）")
    extra = [_register(app, delegates.event, delegates, name, f"1390000{i:04d}", organization=long_org,
                       position="Chief Technology Officer and Vice President of Engineering")
             for i, name in enumerate(["Alexander Konstantinopoulos-Papadimitriou", "司马相如", "王小明"])]
    db.session.commit()
    with language(app, "en"):
        data = documents.badges_pdf(delegates.event, delegates.registrations + extra)
        second_sheet_urls = {ticket_url(registration) for registration in extra[2:]}
    pages = pdf_pages(data)
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    assert "Enterprise" in pages[0] and "Government" in pages[0]  # category labels in English
    # A long Latin name wraps at its space, never inside a word.
    assert "Konstantinopoulos-Papadimitriou" in pages[0]
    assert "Alexander" in pages[0]
    assert "王小明" in pages[1]
    assert {code.text for code in decode_qr_codes(data, page=2)} == second_sheet_urls


@pytest.mark.parametrize("lang, message", [
    ("en", "No delegates were selected: there are no badges to print."),
    ("zh_CN", None),
])
def test_no_badges_gives_one_page_saying_so(app, delegates, lang, message):
    with language(app, lang):
        data = documents.badges_pdf(delegates.event, [])
        expected = message or flask_babel.gettext("No delegates were selected: there are no badges to print.")
    assert_embedded_font_only(data)
    pages = pdf_pages(data)
    assert len(pages) == 1
    assert delegates.event.title in pages[0]
    assert " ".join(expected.split()) in " ".join(pages[0].split())


# --- the sign-in sheet -----------------------------------------------------------------------------

def test_sign_in_sheet_groups_by_organization_and_masks_mobiles(app, delegates):
    with language(app):
        data = documents.sign_in_sheet_pdf(delegates.event, delegates.registrations)
    assert_embedded_font_only(data)
    text = "\n".join(pdf_pages(data, layout=True))
    for mobile in ("13800138000", "13800138001", "13800138005"):
        assert mobile not in text
        assert f"{mobile[:3]}****{mobile[-4:]}" in text
    assert MARKUP_NAME in text
    reading = squash("\n".join(pdf_pages(data)))  # long cells wrap in their columns
    assert squash("Director <i>of</i> R&D") in reading and squash(FORMULA_NAME) in reading
    assert "2027年6月16日" in text and "巡鹰集团报告厅" in text
    # Organizations in pinyin order (北 bei, 甲 jia, 乙 yi), individual guests last.
    with language(app):
        guests = flask_babel.gettext("Individual guests (no organization)")
    order = [text.index(heading) for heading in ("北京新能源研究院", "甲单位有限公司", "乙单位有限公司", guests)]
    assert order == sorted(order)
    assert text.index("欧阳娜娜") < text.index("张三") < text.index(MARKUP_NAME) < text.index("昝褚")
    assert text.index("甲单位有限公司") < text.index("=HYPERLINK") < text.index("乙单位有限公司")


def test_sign_in_sheet_repeats_its_header_and_numbers_pages(app, delegates, db):
    many = [_register(app, delegates.event, delegates, f"代表{i:02d}", f"1370000{i:04d}",
                      organization=delegates.org_a) for i in range(40)]
    db.session.commit()
    with language(app, "en"):
        data = documents.sign_in_sheet_pdf(delegates.event, delegates.registrations + many)
    pages = pdf_pages(data, layout=True)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        for column in ("No.", "Name", "Position", "Category", "Mobile", "Signature"):
            assert column in page, (number, column)
        assert f"Page {number} of {len(pages)}" in page
    text = "\n".join(pages)
    assert "46" in text and "代表39" in text  # numbered through all groups
    info = pdf_info(data)
    assert info["Title"] == f"Sign-in sheet {delegates.event.title}"
    assert info["Subject"] == delegates.event.title


def test_empty_sign_in_sheet_says_so(app, delegates):
    with language(app, "en"):
        data = documents.sign_in_sheet_pdf(delegates.event, [])
    pages = pdf_pages(data)
    assert len(pages) == 1
    assert "No delegates were selected" in pages[0]


# --- the ticket ------------------------------------------------------------------------------------

def test_ticket_is_one_page_with_a_scannable_code(app, delegates):
    registration = delegates.registrations[0]
    with language(app):
        data = documents.ticket_pdf(registration)
        url = ticket_url(registration)
    assert_embedded_font_only(data)
    pages = pdf_pages(data)
    assert len(pages) == 1
    text = pages[0]
    for expected in ("2027年新能源汽车产业联盟协调推进会", "共享绿色能源，共赢能源未来", "2027年6月16日", "巡鹰集团报告厅",
                     "张三", "甲单位有限公司", "总经理", "企业", "已确认", "主会场", registration.ticket_code):
        assert expected in text, expected
    codes = decode_qr_codes(data)
    assert [code.text for code in codes] == [url]
    assert side_mm(codes[0]) >= 40


def test_ticket_in_english_with_markup_and_long_texts(app, delegates, db):
    org = factories.organization("<b>Bold & Co.</b> " + "很长的单位名称" * 12)
    registration = _register(app, delegates.event, delegates, MARKUP_NAME + " " + "Konstantinopoulos" * 3,
                             "13600000000", organization=org, position="<img src=\"/etc/passwd\"> " * 3)
    db.session.commit()
    with language(app, "en"):
        data = documents.ticket_pdf(registration)
        url = ticket_url(registration)
    pages = pdf_pages(data)
    assert len(pages) == 1  # shrunk to one page, not run over
    text = pages[0]
    assert "Admission ticket" in text and "Show this code at the registration desk." in text
    assert "Enterprise" in text and "Confirmed" in text
    assert MARKUP_NAME in text and "<b>Bold & Co.</b>" in text and "<img src=\"/etc/passwd\">" in text
    assert [code.text for code in decode_qr_codes(data)] == [url]
    assert pdf_info(data)["Title"] == f"Ticket {registration.name}"


# --- exports ---------------------------------------------------------------------------------------

def test_xlsx_export_has_every_column_and_neutralises_formulas(app, delegates, db):
    checked = delegates.registrations[0]
    with language(app):
        services.check_in(checked, delegates.staff)
        db.session.commit()
        data, mimetype = transfer.export(delegates.event, delegates.registrations, "xlsx")
        header = transfer.export_header()
        status = flask_babel.gettext("Checked in")
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == header
    assert rows[0][:6] == ["序号", "姓名", "单位", "职务", "手机", "邮箱"]
    assert rows[1][0] == 1 and isinstance(rows[1][0], int)
    assert rows[1][1:6] == ["张三", "甲单位有限公司", "总经理", "13800138000", "d00@example.com"]
    assert rows[1][6] == "企业" and rows[1][7] == status
    assert rows[1][8] == "主会场" and rows[1][9] == checked.ticket_code
    assert rows[1][10] == "staff@secretariat.example"
    registered_at, checked_in_at = rows[1][11], rows[1][12]
    assert isinstance(registered_at, datetime) and isinstance(checked_in_at, datetime)
    local = to_local(checked.checked_in_at).replace(tzinfo=None)
    assert abs((checked_in_at - local).total_seconds()) < 1  # local time, as people read it
    assert rows[2][12] is None  # not checked in
    formula_row = rows[5]
    assert formula_row[1] == "'" + FORMULA_NAME
    assert [row[0] for row in rows[1:]] == list(range(1, len(delegates.registrations) + 1))


def test_csv_export_is_utf8_with_bom_in_english(app, delegates):
    with language(app, "en"):
        data, mimetype = transfer.export(delegates.event, delegates.registrations, "csv")
    assert mimetype == "text/csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["No.", "Name", "Organization", "Position", "Mobile", "Email", "Category", "Status", "Sessions",
                       "Ticket code", "Registered by", "Registered at", "Checked in at"]
    assert rows[1][:8] == ["1", "张三", "甲单位有限公司", "总经理", "13800138000", "d00@example.com", "Enterprise",
                           "Confirmed"]
    assert rows[5][1] == "'" + FORMULA_NAME
    assert rows[2][2] == ""  # an individual guest
    assert datetime.strptime(rows[1][11], "%Y-%m-%d %H:%M")
    assert b'\r\n1,' in data  # the number is written unquoted


def test_export_refuses_other_formats(app, delegates):
    with language(app), pytest.raises(ValueError):
        transfer.export(delegates.event, delegates.registrations, "pdf")


# --- through the pages -----------------------------------------------------------------------------

def test_the_pages_send_the_documents(app, delegates):
    client = login(app.test_client(), delegates.staff)
    event_id, registration_id = delegates.event.id, delegates.registrations[0].id
    for path, mimetype in ((f"/admin/events/{event_id}/badges.pdf", "application/pdf"),
                           (f"/admin/events/{event_id}/sign-in-sheet.pdf", "application/pdf"),
                           (f"/registrations/{registration_id}/ticket.pdf", "application/pdf"),
                           (f"/admin/events/{event_id}/registrations/export.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                           (f"/admin/events/{event_id}/registrations/export.csv", "text/csv")):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.mimetype == mimetype
        assert response.headers["Cache-Control"] == "no-store"
    badges = client.get(f"/admin/events/{event_id}/badges.pdf").data
    assert "张三" in pdf_pages(badges)[0]
