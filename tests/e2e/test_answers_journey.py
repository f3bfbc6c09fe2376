"""A member representative registers two delegates answering the event's
questions (the 参会回执): a required answer left out is shown at its input and
nothing is written; a question for media only appears when the category is
media; once corrected, both are registered with their answers."""
from datetime import timedelta

from playwright.sync_api import Page, expect

from alliance_app.accounts.models import Role
from alliance_app.core.db import utcnow
from alliance_app.events.models import Event
from alliance_app.extensions import db
from alliance_app.registrations import question_services
from alliance_app.registrations.models import Registration
from tests import factories

from .test_accounts_journey import log_in


def test_a_member_registers_delegates_answering_questions(page: Page):
    org = factories.organization("合肥回执测试有限公司")
    member = factories.user(Role.member, org, name="周敏")
    meeting = factories.event("answers-2027", host=org).event
    event = db.session.get(Event, meeting.id)
    event.registration_opens_at = utcnow() - timedelta(days=1)
    event.registration_closes_at = utcnow() + timedelta(days=10)
    for preset in ("accommodation", "diet"):
        question_services.add_preset(event, preset)
    question_services.add_question(event, {"key": "visit", "label": "参观企业", "label_en": "Site visit", "kind": "choice",
                                 "required": True, "choices": [{"value": "a", "label": "甲工厂", "label_en": "A"},
                                                               {"value": "b", "label": "乙工厂", "label_en": "B"}]})
    question_services.add_question(event, {"key": "press_pass", "label": "需要采访证", "label_en": "Press pass",
                                 "kind": "boolean", "categories": ["media"]})
    db.session.commit()

    log_in(page, member.email)
    page.goto("/events/answers-2027/register")
    page.get_by_label("姓名 1").fill("孙一")
    page.get_by_label("手机 1").fill("13866600001")
    page.locator("#delegates-0-answers-room_type").select_option(label="单间")
    page.locator("#delegates-0-answers-nights input").first.check()
    page.locator("#delegates-0-answers-diet").select_option(label="清真")
    page.locator("#delegates-0-answers-visit").select_option(label="甲工厂")
    # The press pass is asked of media only: hidden until the category says media.
    press = page.locator("#delegates-1-answers-press_pass")
    expect(press).to_be_hidden()
    page.get_by_label("类别 2").select_option(label="媒体")
    expect(press).to_be_visible()
    page.get_by_label("姓名 2").fill("孙二")
    page.get_by_label("手机 2").fill("13866600002")
    press.select_option(label="是")
    page.get_by_role("button", name="提交报名").click()

    # 孙二 did not say which site to visit: the message is at that input, nothing is written.
    expect(page.locator("#delegates-1-answers-visit + .invalid-feedback, "
                        "#delegates-1-answers-visit ~ .invalid-feedback")).to_have_text("此项必填。")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)
                             .where(Registration.event_id == event.id)) == 0
    expect(page.locator("#delegates-0-answers-room_type")).to_have_value("single")  # what was chosen stays
    page.locator("#delegates-1-answers-visit").select_option(label="乙工厂")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("登记了 2 位代表")).to_be_visible()

    db.session.rollback()
    sun = db.session.scalar(db.select(Registration).where(Registration.name == "孙一"))
    given = {a.question.key: a.value for a in sun.answers}
    assert given["room_type"] == "single" and given["diet"] == "halal" and given["visit"] == "a"
    assert len(given["nights"]) == 1
    media = db.session.scalar(db.select(Registration).where(Registration.name == "孙二"))
    assert {a.question.key: a.value for a in media.answers} == {"visit": "b", "press_pass": True}
