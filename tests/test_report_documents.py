"""The signing report of an event (PDF and workbook) and the charts, looked at
as a reader would: the text a PDF reader extracts (pdftotext drops the spaces
between Chinese characters, so texts are compared without white space), the
embedded font, the workbook's cells and number formats, the SVG as XML.

Expected interface texts come from gettext in the same request, so the tests
hold whether or not a new message is translated yet."""
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import flask_babel
import pytest
from flask_babel import gettext
from openpyxl import load_workbook
from reportlab.graphics import renderPDF

from alliance_app.agreements import services
from alliance_app.agreements.labels import SECTOR_LABELS
from alliance_app.agreements.models import AgreementStatus, Sector
from alliance_app.reports import charts, documents
from alliance_app.reports.totals import Scope, by_month, totals
from alliance_app.core.timeutil import to_local

from . import factories
from .pdfs import language, pdf_text, squash

SVG = "{http://www.w3.org/2000/svg}"
FORMULA_TITLE = '=HYPERLINK("http://example.com/x","点击")'
MARKUP_TITLE = "合作协议 <b>A & B</b>"


def flat_text(data: bytes) -> str:
    return squash(pdf_text(data))


def assert_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data  # the Chinese TrueType font travels with the file
    assert b"Helvetica" not in data  # nothing in a font the reader may lack


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def agreement(people, event, order, sectors, amount=None, *, title="合作协议", currency="CNY", rate=None,
              partner=None, sign=True):
    data = {"title": title, "kind": "business_cooperation", "sectors": sectors, "event_id": event.id,
            "ceremony_order": order,
            "parties": [{"organization_id": people.org_a.id},
                        {"organization_id": (partner or people.org_b).id}]}
    if amount is None:
        data["amount_disclosed"] = False
    else:
        data.update(amount=amount, currency=currency, fx_rate_to_cny=rate)
    created = services.mark_ready(services.create_agreement(data, people.staff), people.staff)
    if sign:
        services.sign(created, people.staff)
    return created


@pytest.fixture
def ceremony(people, db):
    """Three signed agreements — 6亿元 in two sectors, 8000万美元 at 7.1 (5.68亿元),
    one undisclosed — and one ready for signing: 11.68亿元 signed."""
    event = people.meeting.event
    partner = factories.organization("丙单位有限公司")
    agreement(people, event, 1, ["aftermarket", "materials"], "6亿", title="后市场与材料合作协议")
    agreement(people, event, 2, ["energy_storage"], "8000万", currency="USD", rate="7.1", partner=partner,
              title=MARKUP_TITLE)
    agreement(people, event, 3, ["talent_research"], None, title="研究生联合培养基地协议",
              partner=factories.organization("合肥工业大学"))
    agreement(people, event, 4, ["recycling"], "1亿", sign=False, partner=partner, title="待签协议")
    db.session.commit()
    return event


def inputs(event):
    figures = totals(Scope(event_id=event.id))
    signed = [a for a in services.ceremony_agreements(event) if a.status == AgreementStatus.signed]
    return figures, signed


# --- the PDF --------------------------------------------------------------------------------------

def test_pdf_shows_the_title_the_total_and_the_sectors_in_chinese(app, ceremony):
    with language(app):
        figures, signed = inputs(ceremony)
        assert figures["signed_total"] == Decimal("1168000000.00")
        data = documents.signing_report_pdf(ceremony, figures, signed)
        labels = {sector: str(SECTOR_LABELS[sector]) for sector in Sector}
        expected = [gettext("Signing report"), ceremony.title, "11.68", "1,168,000,000.00元", gettext("Not disclosed"),
                    gettext("Signed value by sector")]
    assert_pdf(data)
    text = flat_text(data)
    assert labels[Sector.aftermarket] == "后市场"  # the catalogue speaks Chinese
    for wanted in expected + [labels[s] for s in (Sector.aftermarket, Sector.materials, Sector.energy_storage,
                                                  Sector.talent_research)]:
        assert squash(wanted) in text, wanted
    assert "8000万美元" in text and "5.68亿元" in text  # a foreign amount with its CNY value
    assert squash(MARKUP_TITLE) in text  # markup in a title prints as typed
    assert "待签协议" not in text  # only what the view passes: signed agreements
    for agreement_ in signed:
        assert agreement_.number in text


def test_pdf_in_english(app, ceremony):
    with language(app, "en"):
        figures, signed = inputs(ceremony)
        data = documents.signing_report_pdf(ceremony, figures, signed)
    assert_pdf(data)
    text = flat_text(data)
    for wanted in ("Signing report", "Signed total", "CNY 1,168,000,000.00", "Aftermarket", "Energy storage",
                   "Talent and research", "Not disclosed", "USD 80,000,000.00", ceremony.title):
        assert squash(wanted) in text, wanted
    assert "人才科研" not in text and "储能" not in text  # sector labels in English


def test_pdf_of_an_event_without_agreements(app, people):
    event = people.draft.event
    with language(app):
        figures, signed = inputs(event)
        data = documents.signing_report_pdf(event, figures, signed)
        nothing = gettext("No signed agreements yet.")
    assert_pdf(data)
    text = flat_text(data)
    assert squash(event.title) in text and "0.00" in text and squash(nothing) in text


def test_pdf_xlsx_and_chart_when_every_amount_is_undisclosed(app, people, db):
    event = people.meeting.event
    agreement(people, event, 1, ["recycling", "materials"], None)
    agreement(people, event, 2, ["recycling"], None, partner=factories.organization("丙单位有限公司"))
    db.session.commit()
    with language(app):
        figures, signed = inputs(event)
        assert (figures["signed_count"], figures["signed_total"]) == (2, Decimal("0.00"))
        pdf = documents.signing_report_pdf(event, figures, signed)
        xlsx = documents.signing_report_xlsx(event, figures, signed)
        chart = charts.svg(charts.sector_chart(figures["by_sector"]))
        no_amounts, undisclosed = gettext("No disclosed amounts yet."), gettext("Not disclosed")
    assert_pdf(pdf)
    assert squash(undisclosed) in flat_text(pdf)
    workbook = load_workbook(io.BytesIO(xlsx))
    sectors = workbook.worksheets[1]
    assert [row[2] for row in sectors.iter_rows(min_row=2, max_row=3, values_only=True)] == [undisclosed] * 2
    assert sectors.cell(row=4, column=3).value == 0  # the total line: nothing disclosed, nothing summed
    assert sectors.cell(row=4, column=4).value is None  # no share of nothing (no division by zero)
    assert no_amounts in svg_texts(chart)


# --- the workbook -----------------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_breakdown_with_numeric_amounts(app, ceremony):
    with language(app):
        figures, signed = inputs(ceremony)
        data = documents.signing_report_xlsx(ceremony, figures, signed)
        names = [gettext("Overview"), gettext("Sectors"), gettext("Kinds"),
                 flask_babel.pgettext("sheet", "Organizations"), gettext("Tiers"), gettext("Signing list"),
                 gettext("Documents")]
        undisclosed, total_label = gettext("Not disclosed"), gettext("Total")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == names
    overview, sectors, kinds, organizations, tiers, signing, documents_sheet = workbook.worksheets

    totals_row = {row[0]: row[1] for row in overview.iter_rows(min_row=2, values_only=True)}
    total_cell = next(row[1] for row in overview.iter_rows(min_row=2) if row[1].value == 1168000000)
    assert total_cell.data_type == "n" and "0.00" in total_cell.number_format
    assert 3 in totals_row.values()  # agreements signed

    rows = list(sectors.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["后市场", "材料", "储能", "人才科研", total_label]
    assert rows[0][2] == 300000000 and rows[1][2] == 300000000 and rows[2][2] == 568000000
    assert rows[-1][2] == 1168000000 and rows[-1][3] == 1
    assert rows[3][2] == undisclosed  # 人才科研: only the undisclosed agreement
    assert sectors.cell(row=2, column=3).number_format == '#,##0.00"元"'
    assert sectors.cell(row=2, column=4).number_format == "0.0%"

    assert sum(r[2] for r in kinds.iter_rows(min_row=2, values_only=True)) == 2 * 1168000000  # lines + total
    assert organizations.cell(row=2, column=2).value == "甲单位有限公司"
    assert organizations.cell(row=2, column=4).value == 1168000000
    assert tiers.max_row >= 2

    header = [cell.value for cell in signing[1]]
    amount, cny = 8, 11  # columns: the amount in its currency, and in CNY
    listed = list(signing.iter_rows(min_row=2))
    assert [row[1].value for row in listed] == [a.number for a in signed]
    assert listed[0][amount - 1].value == 600000000 and listed[0][amount - 1].data_type == "n"
    assert (listed[1][amount - 1].value, listed[1][8].value, listed[1][cny - 1].value) == (80000000, "USD",
                                                                                          568000000)
    assert listed[1][9].value == pytest.approx(7.1)
    assert listed[2][amount - 1].value == undisclosed and listed[2][cny - 1].value is None
    assert listed[0][cny - 1].number_format == '#,##0.00"元"'
    assert listed[0][11].is_date
    assert len(header) == 12

    # Kind of document × place of signing (all at the ceremony here): the cells, then each split's totals.
    cells = list(documents_sheet.iter_rows(min_row=2, values_only=True))
    assert len(cells) == 6 + 3 + 2
    assert sum(row[3] for row in cells[:6]) == sum(row[3] for row in cells[6:9]) == 1168000000
    assert cells[-2][2:] == (3, 1168000000) and cells[-1][2:] == (0, 0)
    assert documents_sheet.cell(row=2, column=4).number_format == '#,##0.00"元"'


def test_xlsx_in_english_has_english_sheets_and_a_cny_format(app, ceremony):
    with language(app, "en"):
        figures, signed = inputs(ceremony)
        data = documents.signing_report_xlsx(ceremony, figures, signed)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Overview", "Sectors", "Kinds", "Organizations", "Tiers", "Signing list",
                                   "Documents"]
    sectors = workbook["Sectors"]
    assert [c.value for c in sectors[1]][:3] == ["Sector", "Number of agreements", "Apportioned value"]
    assert sectors.cell(row=2, column=1).value == "Aftermarket"
    assert sectors.cell(row=2, column=3).number_format == '"CNY "#,##0.00'


def test_xlsx_neutralises_formulas_in_user_text(app, people, db):
    event = people.meeting.event
    event.title = "=1+2"
    partner = factories.organization("@SUM(1,2)有限公司")
    agreement(people, event, 1, ["other"], "100万", title=FORMULA_TITLE, partner=partner)
    db.session.commit()
    with language(app):
        figures, signed = inputs(event)
        data = documents.signing_report_xlsx(event, figures, signed)
    workbook = load_workbook(io.BytesIO(data))
    overview, organizations, signing = workbook.worksheets[0], workbook.worksheets[3], workbook.worksheets[5]
    assert overview.cell(row=2, column=2).value == "'=1+2"
    assert signing.cell(row=2, column=3).value == "'" + FORMULA_TITLE
    assert "@SUM(1,2)有限公司" in signing.cell(row=2, column=5).value  # not at the start: plain text
    assert "'@SUM(1,2)有限公司" in [row[1] for row in organizations.iter_rows(min_row=2, values_only=True)]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_xlsx_of_an_event_without_agreements(app, people):
    event = people.draft.event
    with language(app):
        figures, signed = inputs(event)
        data = documents.signing_report_xlsx(event, figures, signed)
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.sheetnames) == 7
    sectors = workbook.worksheets[1]
    assert list(sectors.iter_rows(min_row=2, values_only=True))[-1][2:4] == (0, None)
    assert workbook.worksheets[5].max_row == 1  # the header only


# --- the charts -------------------------------------------------------------------------------------

def test_sector_chart_svg_has_the_labels_as_text_in_a_chinese_font(app, ceremony):
    with language(app):
        figures, _signed = inputs(ceremony)
        drawing = charts.sector_chart(figures["by_sector"])
        data = charts.svg(drawing)
        pdf = renderPDF.drawToString(drawing)  # the same drawing goes into a PDF
        unit, title = gettext("Unit: 100 million yuan"), gettext("Signed value by sector")
    texts = svg_texts(data)
    assert ET.fromstring(data).find(f"{SVG}title").text == title
    for label in ("后市场", "材料", "储能", "人才科研"):
        assert label in texts
    assert "3.00" in texts and "5.68" in texts  # 6亿 split over two sectors; 8000万美元 at 7.1
    assert unit in texts
    source = data.decode("utf-8")
    assert "WenQuanYi Micro Hei" in source and "Noto Sans CJK SC" in source and "sans-serif" in source
    assert "AllianceCJK" not in source  # the PDF font's internal name means nothing to a browser
    assert "<script" not in source
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf


def test_sector_chart_in_english(app, ceremony):
    with language(app, "en"):
        figures, _signed = inputs(ceremony)
        texts = svg_texts(charts.svg(charts.sector_chart(figures["by_sector"])))
    assert {"Aftermarket", "Materials", "Energy storage", "Talent and research"} <= set(texts)


def test_month_chart_has_twelve_months(app, ceremony):
    year = to_local(services.ceremony_agreements(ceremony)[0].signed_at).year
    with language(app):
        texts = svg_texts(charts.svg(charts.month_chart(by_month(year))))
    assert "1月" in texts and "12月" in texts
    assert "11.68" in texts  # all three signed this month


def test_empty_charts_say_there_is_nothing_yet(app, people):
    for lang in ("zh_CN", "en"):
        with language(app, lang):
            nothing = gettext("No signed agreements yet.")
            for drawing in (charts.sector_chart([]), charts.month_chart(by_month(2001)), charts.month_chart([])):
                texts = svg_texts(charts.svg(drawing))
                assert nothing in texts
                assert renderPDF.drawToString(drawing).startswith(b"%PDF")


def test_bar_lengths_are_exact_whole_hundredths_of_yi_and_ticks_read_in_yi():
    from alliance_app.reports import charts

    rows = [{"amount": Decimal("3500000000.00")}, {"amount": Decimal("1153000000.00")},
            {"amount": Decimal("999999.99")}, {"amount": Decimal("0")}]
    lengths = charts.bar_lengths(rows)
    assert lengths == [3500, 1153, 0, 0] and all(type(n) is int for n in lengths)
    # reportlab hands the axis its own numbers (in bar units): shown in 亿元.
    assert [charts._tick(v) for v in (0, 250.0, 1200, 35)] == ["0", "2.5", "12", "0.35"]
