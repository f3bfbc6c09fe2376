"""The parties' main contacts get the draft to review when an agreement is
ready for signing, and the final text once it is signed; the PDF is built when
the message is sent, not in the request that changed the agreement."""
import pytest
from sqlalchemy import select

from alliance_app.agreements import documents, services
from alliance_app.agreements.models import Agreement
from alliance_app.core.errors import ServiceError
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus

from . import factories
from .conftest import ApiClient
from .pdfs import pdf_text, squash


def messages(db, kind=None):
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalars(query).all()


@pytest.fixture
def parties(people, db):
    """Three organizations: A's main contact has an email, B's main contact has
    none (another of its contacts has one), C is foreign with an email."""
    factories.contact(people.org_a, "甲经理", email="manager@a.example", is_main=True)
    factories.contact(people.org_b, "乙经理", mobile="13900000002", is_main=True)
    factories.contact(people.org_b, "乙助理", email="assistant@b.example")
    foreign = factories.organization("Battery Recycling Sdn Bhd", country="MY", uscc=None,
                                     uscc_exempt_reason="境外单位")
    factories.contact(foreign, "Tan Wei", email="tan@recycling.example")
    return people.org_a, people.org_b, foreign


def draft(people, orgs, **fields):
    data = {"title": "动力电池回收战略合作协议", "sectors": ["recycling"], "amount": "3.5亿",
            "parties": [{"organization_id": org.id} for org in orgs], **fields}
    agreement = services.create_agreement(data, people.staff)
    return agreement


def test_ready_for_signing_sends_each_main_contact_the_draft(people, db, parties):
    agreement = draft(people, parties)
    services.mark_ready(agreement, people.staff)
    db.session.commit()
    written = messages(db)
    assert [(m.kind, m.recipient_email, m.locale) for m in written] == [
        ("agreement_ready", "manager@a.example", "zh_CN"),   # B's main contact has no email: none for B
        ("agreement_ready", "tan@recycling.example", "en")]  # the foreign party's contact reads English
    assert all(m.status == MessageStatus.queued and m.about_id == agreement.id for m in written)
    subject, text, html, attachments = delivery.render(written[0])
    assert subject == f"协议草稿请审阅：{agreement.number} 动力电池回收战略合作协议"
    assert "甲经理" in text and "甲单位有限公司" in text and "草稿" in text
    [pdf] = attachments
    assert pdf.filename == f"{agreement.number}-draft.pdf" and pdf.mimetype == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    printed = squash(pdf_text(pdf.content))
    assert "草稿/DRAFT" in printed and "动力电池回收战略合作协议" in printed and agreement.number in printed
    english = delivery.render(written[1])
    assert english[0].startswith("Agreement for your review:") and "Tan Wei" in english[1]
    assert len(english[3]) == 1


def test_signing_sends_the_final_text_without_the_draft_mark(people, db, parties):
    agreement = draft(people, parties[:2])
    services.mark_ready(agreement, people.staff)
    db.session.commit()
    services.sign(agreement, people.staff, "2026-06-16T16:30:00+08:00")
    db.session.commit()
    [signed] = messages(db, "agreement_signed")
    assert signed.recipient_email == "manager@a.example"
    delivery.deliver(signed.id)
    db.session.refresh(signed)
    assert signed.status == MessageStatus.not_sent
    assert signed.subject == f"协议已签署：{agreement.number} 动力电池回收战略合作协议"
    assert "2026年6月16日" in signed.body_text
    [pdf] = delivery.render(signed)[3]
    assert pdf.filename == f"{agreement.number}.pdf"
    printed = squash(pdf_text(pdf.content))
    assert "动力电池回收战略合作协议" in printed and "DRAFT" not in printed and "草稿" not in printed


def test_the_pdf_is_built_when_the_message_is_sent_not_in_the_request(client, people, db, parties, monkeypatch):
    built = []
    real = documents.agreement_pdf
    monkeypatch.setattr(documents, "agreement_pdf", lambda agreement: built.append(agreement.id) or real(agreement))
    agreement = draft(people, parties[:1] + parties[2:])
    db.session.commit()
    answer = ApiClient(client, people.staff).post(f"/api/v1/agreements/{agreement.id}/ready")
    assert answer.status_code == 200
    assert built == [] and len(messages(db, "agreement_ready")) == 2
    delivery.deliver(messages(db)[0].id)
    assert built == [agreement.id]


def test_a_draft_signed_or_voided_before_it_was_sent_travels_no_more(people, db, parties):
    agreement = draft(people, parties[:2])
    services.mark_ready(agreement, people.staff)
    db.session.commit()
    services.sign(agreement, people.staff)
    db.session.commit()
    ready, signed = messages(db)
    subject, text, _html, attachments = delivery.render(ready)
    assert attachments == [] and "不再附上" in text
    services.void(db.session.get(Agreement, agreement.id), "双方协商解除", people.staff)
    db.session.commit()
    assert delivery.render(signed)[3] == []


def test_a_contact_whose_organization_is_no_longer_a_party_gets_nothing(people, db, parties):
    agreement = draft(people, parties)
    services.mark_ready(agreement, people.staff)
    db.session.commit()
    services.update_agreement(agreement, {"parties": [{"organization_id": parties[0].id},
                                                       {"organization_id": parties[1].id}]}, people.staff)
    db.session.commit()
    foreign = messages(db)[1]
    assert foreign.recipient_email == "tan@recycling.example"
    delivery.deliver(foreign.id)
    db.session.refresh(foreign)
    assert foreign.status == MessageStatus.failed and foreign.body_text is None


def test_nothing_is_written_when_the_step_is_refused_or_rolled_back(people, db, parties):
    agreement = draft(people, parties)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.sign(agreement, people.staff)  # not ready yet
    db.session.rollback()
    services.mark_ready(db.session.get(Agreement, agreement.id), people.staff)
    db.session.rollback()
    assert messages(db) == []
    assert db.session.get(Agreement, agreement.id).status.value == "draft"


def test_parties_without_a_main_contact_email_are_not_written_to(people, db):
    agreement = services.create_agreement({"title": "合作协议", "sectors": ["recycling"], "amount": "1亿",
                                           "parties": [{"organization_id": people.org_a.id},
                                                       {"organization_id": people.org_b.id}]}, people.staff)
    services.mark_ready(agreement, people.staff)  # A's main contact (张三) has no email; B has no contact
    db.session.commit()
    assert messages(db) == []
