"""The signing ceremony's run sheet (issue 19 item 5): the host's cue sheet in
large type and the stage plan seen from the hall, in the ceremony order, with
the signers of each side, the signing assistants beside them, the witnessing
leaders behind, and the amount only when it is disclosed."""
import pytest

from alliance_app.agreements import services
from alliance_app.agreements.signing_record import set_signing_record
from alliance_app.agreements.documents.run_sheet import run_sheet_pdf, stage_plan_pdf

from . import factories
from .conftest import login
from .pdfs import language, pdf_pages, squash
from .test_agreement_documents import assert_in_order, make
from .test_agreement_documents import orgs  # noqa: F401 (a fixture)
from .test_authorization import SECRETARIAT

AUTHZ_ROWS = {
    ("agreements.run_sheet", "GET"): ("/admin/events/{event_id}/ceremony/run-sheet.pdf", SECRETARIAT),
    ("agreements.stage_plan", "GET"): ("/admin/events/{event_id}/ceremony/stage-plan.pdf", SECRETARIAT),
}


@pytest.fixture
def ceremony(app, people, orgs, db):  # noqa: F811
    """Two signings at the meeting, the second one first in the ceremony order, and one signed elsewhere."""
    event = people.meeting.event
    first = make(app, people.staff, [(orgs["xunying"], "褚兵", "董事长"), (orgs["hfut"], None, None)],
                 "产学研合作协议", event=event, ceremony_order=2, amount="35亿")
    second = make(app, people.staff, [(orgs["gotion"], None, None), (orgs["zeji"], None, None)],
                  "<b>储能</b>合作协议", event=event, ceremony_order=1, disclosed=False)
    make(app, people.staff, [(orgs["changhong"], "王五", None), (orgs["zeji"], None, None)], "场外协议",
         event=event, signing_venue="elsewhere")
    with language(app):
        set_signing_record(first, {
            "signers": [{"organization_id": orgs["xunying"].id, "name": "褚兵", "title": "董事长"},
                        {"organization_id": orgs["hfut"].id, "name": "吴玉程", "title": "校长"}],
            "witnesses": [{"name": "王清宪", "title": "省长"}, {"name": "袁飞", "title": "市长"}],
            "assistants": [{"name": "李晓", "title": "主任", "organization_id": orgs["xunying"].id},
                           {"name": "陈静", "title": None, "organization_id": orgs["hfut"].id}]}, people.staff)
    db.session.commit()
    return event


def build(app, event, builder, lang="zh_CN", layout=False) -> list[str]:
    with language(app, lang):
        data = builder(event, services.ceremony_agreements(event))
    return [page if layout else squash(page) for page in pdf_pages(data, layout=layout)]


def left_of(pages: list[str], left: str, right: str) -> bool:
    """On some printed line, `left` stands to the left of `right` (as the page is laid out)."""
    return any(0 <= line.find(left) < line.find(right) for page in pages for line in page.splitlines())


def test_cue_sheet_reads_the_signings_in_order_with_sides_people_and_amount(app, ceremony):
    text = "".join(build(app, ceremony, run_sheet_pdf))
    assert "主持人串词提示" in text
    # The ceremony order: 储能 (order 1) before 产学研 (order 2); markup printed as typed.
    assert_in_order(text, "签约1", "<b>储能</b>合作协议", "未记录签字人", "金额不公布",
                    "签约2", "产学研合作协议", "主方（台下看左侧）", "客方（台下看右侧）", "见证领导（后排站立）",
                    "王清宪（省长）、袁飞（市长）", "人民币3,500,000,000.00元（大写：人民币叁拾伍亿元整）")
    second = text[text.index("签约2"):]
    for shown in ("甲方安徽巡鹰", "乙方合肥工业大学", "褚兵（董事长）", "吴玉程（校长）", "李晓（主任）", "陈静"):
        assert shown in second
    lines = build(app, ceremony, run_sheet_pdf, layout=True)
    for host, guest in (("主方", "客方"), ("褚兵", "吴玉程"), ("李晓", "陈静"), ("合肥国轩", "泽基")):
        assert left_of(lines, host, guest), (host, guest)
    assert not left_of(lines, "吴玉程", "褚兵")
    assert "场外协议" not in text  # signed elsewhere: not on the stage
    assert text.count("金额不公布") == 1


def test_cue_sheet_in_english(app, ceremony):
    text = "".join(build(app, ceremony, run_sheet_pdf, "en"))
    assert_in_order(text, squash("Host's cue sheet"), "Signing1", "Amountnotannounced", "Signing2",
                    squash("Host side"), squash("Guest side"), "王清宪（省长）", "CNY3,500,000,000.00")
    assert "AnhuiXunying" in text and "HefeiUniversityof" in text  # the parties' English names
    assert "signernotrecorded" in text and "大写" not in text
    lines = build(app, ceremony, run_sheet_pdf, "en", layout=True)
    for left, right in (("Host side", "Guest side"), ("Party A: Anhui", "Party B: Hefei"), ("褚兵", "吴玉程")):
        assert left_of(lines, left, right), (left, right)


def test_stage_plan_puts_host_left_guest_right_assistants_beside_witnesses_behind(app, ceremony):
    pages = build(app, ceremony, stage_plan_pdf)
    assert len(pages) == 2  # one page per signing
    first, second = pages
    assert "储能" in first and "金额不公布" in first and "人民币" not in first
    # Row by row: the witnesses behind, the table, the front row, the hall.
    assert_in_order(second, "见证领导", "王清宪（省长）", "袁飞（市长）", "签字桌", "褚兵（董事长）", "观众席",
                    "台下左侧", "台下右侧")
    assert "主方" in second and "人民币3,500,000,000.00元" in second
    lines = build(app, ceremony, stage_plan_pdf, layout=True)[1:]
    # From the hall's left: 李晓 (assistant), 褚兵 (主方's signer) | 吴玉程 (客方's signer), 陈静 (assistant).
    for left, right in (("李晓", "褚兵"), ("褚兵", "吴玉程"), ("吴玉程", "陈静"), ("王清宪", "袁飞"),
                        ("台下左侧", "台下右侧")):
        assert left_of(lines, left, right), (left, right)


def test_stage_plan_in_english(app, ceremony):
    second = build(app, ceremony, stage_plan_pdf, "en")[1]
    assert_in_order(second, "Witnessing", "王清宪", "Signingtable", "褚兵", squash("Left of the hall"),
                    squash("Right of the hall"))
    lines = build(app, ceremony, stage_plan_pdf, "en", layout=True)[1:]
    assert left_of(lines, "李晓", "褚兵") and left_of(lines, "褚兵", "吴玉程") and left_of(lines, "吴玉程", "陈静")


def test_an_event_without_ceremony_signings_prints_that_there_is_nothing(app, people, db):
    event = factories.event(slug="empty-ceremony").event
    db.session.commit()
    for builder in (run_sheet_pdf, stage_plan_pdf):
        pages = build(app, event, builder)
        assert len(pages) == 1 and "没有" in pages[0]
        assert "Nothingtoprint" in build(app, event, builder, "en")[0]


def test_the_ceremony_page_links_both_and_they_download(app, client, people, ceremony):
    login(client, people.staff)
    html = client.get(f"/admin/events/{ceremony.id}/ceremony").get_data(as_text=True)
    for name in ("run-sheet.pdf", "stage-plan.pdf"):
        url = f"/admin/events/{ceremony.id}/ceremony/{name}"
        assert url in html
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
    assert client.get("/admin/events/999999/ceremony/run-sheet.pdf").status_code == 404


def test_three_parties_and_an_assistant_of_no_party(app, people, orgs, db):  # noqa: F811
    event = people.meeting.event
    agreement = make(app, people.staff, [(orgs["gotion"], "李缜", "董事长"), (orgs["zeji"], "赵六", None),
                                         (orgs["changhong"], "钱七", "总经理")], "三方合作协议", event=event)
    with language(app):
        set_signing_record(agreement, {
            "signers": [{"organization_id": orgs["gotion"].id, "name": "李缜", "title": "董事长"},
                        {"organization_id": orgs["zeji"].id, "name": "赵六"},
                        {"organization_id": orgs["changhong"].id, "name": "钱七", "title": "总经理"}],
            "assistants": [{"name": "秘书处干事", "title": None}]}, people.staff)
    db.session.commit()
    for builder in (run_sheet_pdf, stage_plan_pdf):
        text = "".join(build(app, event, builder))
        assert "助签人（未记录所属方）：秘书处干事" in text or "助签人：秘书处干事" in text
        lines = build(app, event, builder, layout=True)
        # 甲方 (主方) on the left; 乙方 and 丙方 (客方) to its right.
        assert left_of(lines, "李缜", "赵六") or left_of(lines, "李缜", "钱七"), builder
    stage = build(app, event, stage_plan_pdf, layout=True)
    assert left_of(stage, "李缜", "赵六") and left_of(stage, "赵六", "钱七")
