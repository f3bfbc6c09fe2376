"""Printed agreements and the signing ceremony pack, read as a user would:
the text a PDF reader extracts (pdftotext drops the spaces between Chinese
characters, so texts are compared without white space), the embedded font,
the page numbers, the watermark; and 人民币大写 of tricky amounts against a
list written by hand from the rules for 中文大写金额."""
import io
import re
import subprocess
import time
from datetime import date
from decimal import Decimal

import flask_babel
import pytest

from alliance_app.agreements import documents, services
from alliance_app.agreements.labels import SECTOR_LABELS
from alliance_app.agreements.models import Sector
from alliance_app.core.money import capital, format_amount
from alliance_app.pdf import watermark

from . import factories
from .pdfs import assert_embedded_font_only, language, pdf_info, pdf_pages, poppler, squash

MARKUP = "A & B <b>x"
IMG = "<img src=/etc/passwd>"


# --- reading PDFs ----------------------------------------------------------------------------------


def squashed_pages(data: bytes) -> list[str]:
    return [squash(page) for page in pdf_pages(data)]


def page_picture(data: bytes, page: int, dpi: int = 30):
    """Page `page` printed in grey at `dpi` dots per inch (Pillow image)."""
    from PIL import Image

    png = subprocess.run([poppler("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                          "-"], input=data, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def watermark_pixels(marked: bytes, clean: bytes, page: int) -> dict:
    """What a reader sees on the marked copy that the clean one lacks, between
    the margins (where the mark's words are printed small): how many
    pixels, the darkest of them, and whether they run diagonally."""
    a, b = page_picture(marked, page), page_picture(clean, page)
    width, height = a.size
    top = int(height * 15 / 297)
    bottom = int(height * (297 - 22) / 297)  # the footer's verification lines say 草稿 / DRAFT in words too
    diff = [(x, y, a.getpixel((x, y))) for y in range(top, bottom) for x in range(width)
            if b.getpixel((x, y)) >= 250 and a.getpixel((x, y)) < 250]
    if not diff:
        return {"count": 0, "darkest": None, "diagonal": False}
    low = [x for x, y, _v in diff if y > height * 0.65]   # lower third of the page
    high = [x for x, y, _v in diff if y < height * 0.35]  # upper third
    diagonal = bool(low and high) and sum(low) / len(low) < width / 2 < sum(high) / len(high)
    return {"count": len(diff), "darkest": min(v for _x, _y, v in diff), "diagonal": diagonal}


def assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(squash(part), position)
        assert found >= 0, (part, text[position:position + 300])
        position = found + len(squash(part))


def footer(page: int, pages: int) -> str:
    return f"第{page}页共{pages}页"


def assert_numbered(pages: list[str]) -> None:
    """第 X 页 共 Y 页 on every page of one document."""
    for number, text in enumerate(pages, start=1):
        assert footer(number, len(pages)) in text, (number, text[-40:])


def assert_signature_blocks_whole(pages: list[str]) -> None:
    """Each block (…（盖章）… 日期：) is on one page: per page, as many seals as dates."""
    for text in pages:
        assert text.count("（盖章）") == text.count("日期"), text


# --- data ------------------------------------------------------------------------------------------

@pytest.fixture
def orgs(db):
    o = factories.organization
    return {
        "xunying": o("安徽巡鹰新能源集团有限公司", name_en="Anhui Xunying New Energy Group Co., Ltd.",
                     address="安徽省合肥市新站高新区魏武路与大禹路交口", legal_representative="褚兵"),
        "hfut": o("合肥工业大学", name_en="Hefei University of Technology", address="安徽省合肥市屯溪路193号",
                  legal_representative="吴玉程", uscc="12100000485002405K"),
        "gotion": o("合肥国轩高科动力能源有限公司", address="安徽省合肥市包河区花园大道566号"),
        "minghe": o("马来西亚铭赫集团", name_en="Minghe Group Berhad", country="MY", uscc=None,
                    address="Level 12, Menara Minghe, Jalan Sultan Ismail, 50250 Kuala Lumpur, Malaysia",
                    legal_representative="Tan Sri Lim Ming Hock"),
        "zeji": o("泽基投资控股集团有限公司", address="上海市浦东新区世纪大道100号"),
        "changhong": o("四川长虹润天能源科技有限公司", address="四川省绵阳市高新区绵兴东路35号"),
        "markup": o(f"{MARKUP}（合肥）有限公司", address=IMG, legal_representative="<i>李四</i>"),
    }


def make(app, actor, parties, title="战略合作协议", *, amount="35亿", disclosed=True, currency="CNY", rate=None,
         kind="strategic_cooperation", sectors=("recycling",), event=None, clauses=None, **extra):
    data = {
        "title": title, "kind": kind, "sectors": list(sectors), "event_id": event.id if event else None,
        "place": "安徽省合肥市", "term_start": date(2026, 6, 16), "term_end": date(2029, 6, 15),
        "amount": amount if disclosed else None, "amount_disclosed": disclosed, "currency": currency,
        "fx_rate_to_cny": rate,
        "parties": [{"organization_id": org.id, "signatory_name": name, "signatory_title": job}
                    for org, name, job in parties],
        **extra,
    }
    if clauses is not None:
        data["clauses"] = clauses
    with language(app):
        agreement = services.create_agreement(data, actor)
    return agreement


def signed(app, agreement, actor):
    with language(app):
        services.mark_ready(agreement, actor)
        services.sign(agreement, actor)
    return agreement


def build(app, agreement, lang="zh_CN") -> bytes:
    with language(app, lang):
        return documents.agreement_pdf(agreement)


@pytest.fixture
def chinese(app, people, orgs, db):
    """巡鹰 and 合肥工业大学, 35亿元, a draft."""
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], "吴玉程", "副校长")],
                     "安徽巡鹰新能源集团有限公司与合肥工业大学战略合作协议", kind="research_cooperation",
                     sectors=["talent_research", "recycling"])
    db.session.commit()
    return agreement


# --- the agreement ----------------------------------------------------------------------------------

def test_chinese_agreement_prints_parties_clauses_amount_and_signature_blocks(app, chinese):
    data = build(app, chinese)
    assert_embedded_font_only(data)
    pages = squashed_pages(data)
    text = "".join(pages)
    assert re.fullmatch(r"AHBR-\d{4}-\d{4}", chinese.number)
    for expected in (
        chinese.title, f"协议编号：{chinese.number}",
        "甲方：安徽巡鹰新能源集团有限公司", "乙方：合肥工业大学",
        "地址：安徽省合肥市新站高新区魏武路与大禹路交口", "法定代表人：褚兵", "法定代表人：吴玉程",
        "统一社会信用代码：12100000485002405K", f"统一社会信用代码：{chinese.parties[0].printed_uscc}",
        "第一条合作目的", "第二条合作内容", "第三条保密", "第七条其他", "人才培育",
        "合作金额：人民币3,500,000,000.00元（大写：人民币叁拾伍亿元整）",
        "协议期限：自2026年6月16日至2029年6月15日", "签订地点：安徽省合肥市",
        "法定代表人或授权代表（签字）：", "签字人：褚兵（董事长）", "签字人：吴玉程（副校长）", "日期：",
    ):
        assert squash(expected) in text, expected
    # The signature blocks side by side, read row by row: seal lines, then the names under them.
    assert_in_order(text, "（以下无正文）", "甲方（盖章）：乙方（盖章）：安徽巡鹰新能源集团有限公司合肥工业大学",
                    "法定代表人或授权代表（签字）：法定代表人或授权代表（签字）：")
    assert text.index("甲方：") < text.index("乙方：") < text.index("第一条") < text.index("第七条") \
        < text.index("合作金额") < text.index("甲方（盖章）")
    # Chinese only: no English half.
    assert "Article" not in text and "PartyA" not in text and "Address" not in text
    assert all("草稿/DRAFT" in page for page in pages)  # a draft, on every page
    assert_numbered(pages)
    assert_signature_blocks_whole(pages)
    info = pdf_info(data)
    assert info["Title"] == f"{chinese.number} {chinese.title}"
    assert "安徽巡鹰新能源集团有限公司" in info["Subject"] and "合肥工业大学" in info["Subject"]


def test_the_watermark_stays_until_signing_and_void_replaces_it(app, people, chinese, db):
    with language(app):
        services.mark_ready(chinese, people.staff)
    draft = build(app, chinese)
    assert all("草稿/DRAFT" in page for page in squashed_pages(draft))  # checked is not signed yet

    with language(app):
        services.sign(chinese, people.staff)
    db.session.commit()
    final = build(app, chinese)
    text = "".join(squashed_pages(final))
    assert "草稿" not in text and "DRAFT" not in text and "作废" not in text
    assert "人民币叁拾伍亿元整" in text
    # As seen: the draft has a light grey diagonal mark that the signed copy has not.
    for page in range(1, len(squashed_pages(final)) + 1):
        mark = watermark_pixels(draft, final, page)
        assert mark["count"] > 2000, mark  # a broad band, not a speck
        assert mark["darkest"] >= 170, mark  # light grey: it never competes with the black text
        assert mark["diagonal"], mark  # from the lower left to the upper right

    with language(app):
        services.void(chinese, "金额有误 <b>重签</b>", people.staff)
    db.session.commit()
    voided = build(app, chinese)
    pages = squashed_pages(voided)
    assert all("作废/VOID" in page for page in pages) and "草稿" not in "".join(pages)
    assert "本协议已作废：金额有误<b>重签</b>" in pages[0]
    assert watermark_pixels(voided, final, 1)["count"] > 2000


def test_without_a_font_file_the_watermark_is_drawn_as_text(app, chinese, monkeypatch):
    """The built-in CID font has no file for Pillow to draw the picture with."""
    monkeypatch.setattr(watermark, "font_file", lambda: None)
    data = build(app, chinese)
    assert b"/Subtype /Image" not in data
    text = "".join(squashed_pages(data))
    assert text.count("草稿") >= 2 * len(squashed_pages(data)) - 1  # in the margin and (in pieces) diagonally
    assert "人民币叁拾伍亿元整" in text


def test_user_markup_prints_literally(app, people, orgs, db):
    clauses = [{"heading": IMG, "body": '<link href="javascript:alert(1)">点我</link> & <font size=200>大</font>'},
               {"heading": "第二项", "body": "第一行\n第二行 A&B"}]
    agreement = make(app, people.staff, [(orgs["markup"], MARKUP, "<u>总经理</u>"), (orgs["gotion"], None, None)],
                     f"{MARKUP} 合作协议", clauses=clauses, preamble="鉴于 <br/> & &amp;", place="<b>合肥</b>")
    signed(app, agreement, people.staff)  # no watermark picture: any image would come from the markup
    db.session.commit()
    data = build(app, agreement)
    text = "".join(squashed_pages(data))
    for expected in (f"{MARKUP}合作协议", f"甲方：{MARKUP}（合肥）有限公司", f"地址：{IMG}", "法定代表人：<i>李四</i>",
                     f"第一条{IMG}", '<linkhref="javascript:alert(1)">点我</link>&<fontsize=200>大</font>',
                     "第一行第二行A&B", "鉴于<br/>&&amp;", "签订地点：<b>合肥</b>", "签字人：A&B<b>x（<u>总经理</u>）"):
        assert squash(expected) in text, expected
    assert b"/Subtype /Image" not in data and b"/URI" not in data and b"javascript" not in data.lower()
    # Chinese punctuation in a name is printed as typed (full-width brackets stay full-width).
    assert "（合肥）" in text and "(合肥)" not in text


def test_foreign_party_makes_the_agreement_bilingual(app, people, orgs, db):
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"),
                                         (orgs["minghe"], "Lim Ming Hock", "Group Managing Director")],
                     "储能业务战略合作协议", amount="100万", currency="USD", rate="7.1234",
                     sectors=["energy_storage"])
    db.session.commit()
    assert agreement.is_bilingual
    data = build(app, agreement)
    assert_embedded_font_only(data)
    pages = squashed_pages(data)
    text = "".join(pages)
    for expected in (
        "Strategic Cooperation Agreement", "协议编号 Agreement No.：",
        "甲方：", "Party A", "乙方：", "Party B", "马来西亚铭赫集团", "Minghe Group Berhad",
        "Address", "Level 12, Menara Minghe", "Legal representative", "Tan Sri Lim Ming Hock",
        "第一条合作目的", "Article 1 Purpose", "Article 3 Confidentiality", "Article 7 Miscellaneous",
        "Each party shall keep confidential",
        "合作金额：美元1,000,000.00（大写：美元壹佰万元整）",
        "按1美元=7.1234元人民币的汇率，折合人民币7,123,400.00元（大写：人民币柒佰壹拾贰万叁仟肆佰元整）",
        "Amount: USD 1,000,000.00, equivalent to CNY 7,123,400.00 at the rate of USD 1 = CNY 7.1234",
        "Term: from June 16, 2026 to June 15, 2029", "Place of signing",
        "Legal or authorized representative (signature)", "签字人 Signatory：褚兵（董事长）",
        "签字人 Signatory：Lim Ming Hock (Group Managing Director)", "日期 Date：",
    ):
        assert squash(expected) in text, expected
    assert_in_order(text, "甲方（盖章）：", "Party A (seal):", "安徽巡鹰新能源集团有限公司",
                    "Anhui Xunying New Energy Group Co., Ltd.")
    assert_in_order(text, "乙方（盖章）：", "Party B (seal):", "马来西亚铭赫集团", "Minghe Group Berhad")
    # Chinese first, then English, clause by clause.
    assert text.index("第三条保密") < text.index("Article3Confidentiality") < text.index("第四条")
    # The foreign party has no credit code: the line is left out, not printed empty.
    assert text.count("统一社会信用代码") == 1
    assert_numbered(pages)
    assert_signature_blocks_whole(pages)


def test_three_parties_and_an_undisclosed_amount(app, people, orgs, db):
    agreement = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["zeji"], "王五", "总裁"),
                                         (orgs["changhong"], "赵六", "总经理")],
                     "“巡鹰出行”换电业务战略合作协议", disclosed=False, sectors=["battery_swap"])
    db.session.commit()
    data = build(app, agreement)
    pages = squashed_pages(data)
    text = "".join(pages)
    for expected in ("甲方：安徽巡鹰新能源集团有限公司", "乙方：泽基投资控股集团有限公司", "丙方：四川长虹润天能源科技有限公司",
                     "甲方（盖章）", "乙方（盖章）", "丙方（盖章）：四川长虹润天能源科技有限公司", "合作金额：不公开",
                     "“巡鹰出行”换电业务战略合作协议"):
        assert squash(expected) in text, expected
    assert "大写" not in text and "人民币" not in text.split("合作金额")[1].split("协议期限")[0]
    assert_numbered(pages)
    assert_signature_blocks_whole(pages)


def test_the_agreement_prints_in_its_own_language_whatever_the_reader_uses(app, chinese):
    pages = squashed_pages(build(app, chinese, lang="en"))
    text = "".join(pages)
    assert "第一条合作目的" in text and "人民币叁拾伍亿元整" in text and "Article" not in text
    assert_numbered(pages)  # 第 X 页 共 Y 页, not "Page X of Y"


@pytest.mark.parametrize("number, numeral", [
    (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
    (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (111, "一百一十一"), (120, "一百二十"),
    (999, "九百九十九"),
])
def test_article_numbers_are_chinese_numerals(number, numeral):
    assert documents.chinese_numeral(number) == numeral
    assert documents.article_label(number) == f"第{numeral}条"


def test_many_clauses_are_numbered_past_ten(app, people, orgs, db):
    clauses = [{"heading": f"事项{i}", "body": f"第{i}项约定。"} for i in range(1, 13)]
    agreement = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["gotion"], None, None)],
                     clauses=clauses)
    db.session.commit()
    text = "".join(squashed_pages(build(app, agreement)))
    assert "第十条事项10" in text and "第十一条事项11" in text and "第十二条事项12" in text


# --- the ceremony pack --------------------------------------------------------------------------------

def _pack(app, event, lang="zh_CN"):
    with language(app, lang):
        agreements = services.ceremony_agreements(event)
        return agreements, documents.ceremony_pack_pdf(event, agreements)


def test_ceremony_pack_lists_then_prints_each_agreement_numbered_from_one(app, people, orgs, db):
    event = people.meeting.event
    first = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["gotion"], None, None)],
                 "后市场与材料输出业务合作协议", amount="35亿", sectors=["aftermarket", "materials"], event=event,
                 ceremony_order=1, kind="business_cooperation")
    second = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["minghe"], None, None)],
                  "储能业务战略合作协议", amount="100万", currency="USD", rate="7.1234", sectors=["energy_storage"],
                  event=event, ceremony_order=2)
    third = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["zeji"], None, None),
                                     (orgs["changhong"], None, None)],
                 "换电业务战略合作协议", disclosed=False, sectors=["battery_swap"], event=event, ceremony_order=3)
    voided = make(app, people.staff, [(orgs["xunying"], None, None), (orgs["hfut"], None, None)],
                  "已作废的协议", event=event, ceremony_order=4)
    signed(app, first, people.staff)
    with language(app):
        services.void(voided, "重复录入", people.staff)
    db.session.commit()

    agreements, data = _pack(app, event)
    assert agreements == [first, second, third]
    assert_embedded_font_only(data)
    pages = squashed_pages(data)
    with language(app):
        words = {key: squash(flask_babel.gettext(text)) for key, text in
                 (("list", "Signing list"), ("undisclosed", "Not disclosed"), ("total", "Total"))}
        sectors = [squash(str(SECTOR_LABELS[s])) for s in (Sector.aftermarket, Sector.energy_storage,
                                                            Sector.battery_swap)]
        amounts = [squash(format_amount(first.amount, "CNY")), squash(format_amount(second.amount, "USD")),
                   squash(format_amount(Decimal("3507123400.00"), "CNY"))]
    listing = pages[0]
    for expected in [words["list"], squash(event.title), first.number, second.number, third.number,
                     "甲方安徽巡鹰新能源集团有限公司", "乙方合肥国轩高科动力能源有限公司", "乙方马来西亚铭赫集团",
                     "丙方四川长虹润天能源科技有限公司", words["undisclosed"], words["total"], *sectors, *amounts]:
        assert expected in listing, expected
    assert amounts[0] == "35亿元"  # the total (amounts[2]): 35亿 + 100万美元 at 7.1234, in CNY
    assert voided.number not in listing and "已作废的协议" not in "".join(pages)
    assert listing.index(first.number) < listing.index(second.number) < listing.index(third.number)
    assert footer(1, 1) in listing and "草稿" not in listing  # the list: its own page 1 of 1, no watermark

    # Then each agreement, from a new page numbered 第1页 of its own count.
    starts = [i for i, text in enumerate(pages) if "第1页共" in text]
    assert len(starts) == 4 and starts[0] == 0
    sections = [pages[a:b] for a, b in zip(starts[1:], starts[2:] + [len(pages)])]
    for agreement, section in zip(agreements, sections):
        assert squash(agreement.title) in section[0] and agreement.number in section[0]
        assert_numbered(section)
        assert_signature_blocks_whole(section)
    assert not any("草稿" in text for text in sections[0])  # signed
    assert all("草稿/DRAFT" in text for text in sections[1] + sections[2])  # drafts
    assert "美元壹佰万元整" in "".join(sections[1]) and "合作金额：不公开" in "".join(sections[2])
    info = pdf_info(data)
    with language(app):
        assert info["Title"] == flask_babel.gettext("Signing ceremony %(title)s", title=event.title)


def test_pack_of_sixteen_agreements_builds_quickly(app, people, db):
    event = people.meeting.event
    host = factories.organization("安徽巡鹰新能源集团有限公司", address="安徽省合肥市新站高新区",
                                  legal_representative="褚兵")
    partners = [factories.organization(f"第{i}合作单位新能源科技有限公司", address=f"安徽省合肥市示例路{i}号",
                                       legal_representative=f"代表{i}") for i in range(1, 17)]
    created = [make(app, people.staff, [(host, "褚兵", "董事长"), (partner, f"代表{i}", "总经理")],
                    f"第{i}号战略合作协议", amount=f"{i * 1000}万", event=event, ceremony_order=i,
                    sectors=["battery_swap", "recycling"])
               for i, partner in enumerate(partners, start=1)]
    db.session.commit()
    _pack(app, event)  # the font is registered once per process; measure the next build
    started = time.perf_counter()
    agreements, data = _pack(app, event)
    elapsed = time.perf_counter() - started
    assert agreements == created
    assert elapsed < 2.0, f"16 agreements took {elapsed:.2f} s"  # about 0.3-0.5 s on a 2-core machine
    pages = squashed_pages(data)
    starts = [i for i, text in enumerate(pages) if "第1页共" in text]
    list_pages = pages[:starts[1]]
    assert len(starts) == 1 + 16
    listing = "".join(list_pages)
    for agreement in agreements:
        assert agreement.number in listing and squash(agreement.title) in listing
    assert_numbered(list_pages)


def test_empty_pack_says_so(app, people):
    agreements, data = _pack(app, people.meeting.event)
    assert agreements == []
    pages = squashed_pages(data)
    assert len(pages) == 1
    with language(app):
        assert squash(flask_babel.gettext("No agreements yet.")) in pages[0]


# --- 人民币大写 -----------------------------------------------------------------------------------------
# Written by hand from the rules for 中文大写金额 (中国人民银行《支付结算办法》附件《正确填写票据和结算凭证的
# 基本规定》): 整 after 元 when there are no 角 and 分 (optional after 角, never after 分); 零 for a gap
# (one 零 for several zeros); when the 万 or 元 digit is 0 but the next digit (千, 角) is not, the 零 may be
# written or left out; when the 角 digit is 0 and 分 is not, 零 after 元 is required; a leading 拾 is written
# 壹拾. A set lists every spelling the rules accept.

CAPITALS = [
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", {"壹角", "壹角整"}),
    ("0.50", {"伍角", "伍角整"}),
    ("0.55", "伍角伍分"),
    ("1.00", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("1.50", {"壹元伍角", "壹元伍角整"}),
    ("10.00", "壹拾元整"),
    ("10.50", {"壹拾元伍角", "壹拾元伍角整", "壹拾元零伍角", "壹拾元零伍角整"}),
    ("12.34", "壹拾贰元叁角肆分"),
    ("15.00", "壹拾伍元整"),
    ("20.00", "贰拾元整"),
    ("100.05", "壹佰元零伍分"),
    ("100.50", {"壹佰元伍角", "壹佰元伍角整", "壹佰元零伍角", "壹佰元零伍角整"}),
    ("101.00", "壹佰零壹元整"),
    ("110.00", "壹佰壹拾元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1000.00", "壹仟元整"),
    ("1005.00", "壹仟零伍元整"),
    ("1010.00", "壹仟零壹拾元整"),
    ("1409.50", {"壹仟肆佰零玖元伍角", "壹仟肆佰零玖元伍角整"}),
    ("1680.32", {"壹仟陆佰捌拾元零叁角贰分", "壹仟陆佰捌拾元叁角贰分"}),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("10000.10", {"壹万元壹角", "壹万元零壹角", "壹万元壹角整", "壹万元零壹角整"}),
    ("10010.00", "壹万零壹拾元整"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("100000.00", "壹拾万元整"),
    ("100100.00", "壹拾万零壹佰元整"),
    ("105000.00", {"壹拾万伍仟元整", "壹拾万零伍仟元整"}),
    ("107000.53", {"壹拾万柒仟元零伍角叁分", "壹拾万零柒仟元伍角叁分", "壹拾万柒仟元伍角叁分"}),
    ("1000001.00", "壹佰万零壹元整"),
    ("10000100.00", "壹仟万零壹佰元整"),
    ("20000000.00", "贰仟万元整"),
    ("100000000.00", "壹亿元整"),
    ("100000000.01", "壹亿元零壹分"),
    ("100000001.00", "壹亿零壹元整"),
    ("100010000.00", "壹亿零壹万元整"),
    ("350000000.00", "叁亿伍仟万元整"),
    ("1000050000.00", "壹拾亿零伍万元整"),
    ("3500000000.00", "叁拾伍亿元整"),
    ("10000000000.10", {"壹佰亿元壹角", "壹佰亿元零壹角", "壹佰亿元壹角整", "壹佰亿元零壹角整"}),
    ("120000000000.00", "壹仟贰佰亿元整"),
    ("1000000000000.00", "壹万亿元整"),
    ("1000000000100.00", "壹万亿零壹佰元整"),
    ("1010000000000.00", "壹万零壹佰亿元整"),
    ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
    ("10000000000000.00", "壹拾万亿元整"),
    ("0.00", "零元整"),
    ("10.01", "壹拾元零壹分"),
    ("110000.00", "壹拾壹万元整"),
    ("1001000.00", {"壹佰万零壹仟元整", "壹佰万壹仟元整"}),
    ("1010000.00", "壹佰零壹万元整"),
    ("100000010.00", "壹亿零壹拾元整"),
    ("101000000.00", "壹亿零壹佰万元整"),
    ("200000000.02", "贰亿元零贰分"),
    ("99999999999.99", "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("100000000000.00", "壹仟亿元整"),
    ("1000100000000.00", "壹万零壹亿元整"),
]


@pytest.mark.parametrize("amount, expected", CAPITALS, ids=[a for a, _e in CAPITALS])
def test_renminbi_capitals_of_tricky_amounts(amount, expected):
    accepted = {expected} if isinstance(expected, str) else expected
    assert capital(Decimal(amount)) in {"人民币" + text for text in accepted}


def test_foreign_currency_capitals_name_the_currency():
    assert capital(Decimal("1000000.00"), "USD") == "美元壹佰万元整"
    assert capital(Decimal("5.00"), "XYZ") == "XYZ伍元整"
