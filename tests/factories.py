"""Small builders for test data; each commits so views see the rows."""
import itertools
from types import SimpleNamespace

from alliance_app.accounts.models import Role
from alliance_app.accounts.services import create_api_token, create_user
from alliance_app.extensions import db
from alliance_app.members.models import MembershipStatus, Organization

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def organization(name=None, **fields) -> Organization:
    from alliance_app.demo import demo_uscc

    name = name or f"测试单位{next(_counter)}有限公司"
    fields.setdefault("uscc", demo_uscc("91340100", name))
    org = Organization(name=name,
                       membership_status=fields.pop("membership_status", MembershipStatus.active), **fields)
    db.session.add(org)
    db.session.commit()
    return org


def user(role=Role.staff, organization=None, email=None, password=PASSWORD, **fields):
    if role == Role.member and organization is None:
        organization = globals()["organization"]()
    account = create_user(email or f"user{next(_counter)}@example.com", password, role,
                          organization_id=organization.id if organization else None, **fields)
    db.session.commit()
    return account


def token(account, name="test") -> str:
    _token, secret = create_api_token(account, name)
    db.session.commit()
    return secret


def contact(org, name="联系人", **fields):
    from alliance_app.members.services import add_contact

    person = add_contact(org, {"name": name, **fields})
    db.session.commit()
    return person


def event(slug="authz-event", publish=True, host=None):
    """A one-day event with a session, an agenda item and a speaker."""
    from datetime import datetime

    from alliance_app.events import services

    meeting = services.create_event({"slug": slug, "title": f"会议 {slug}", "starts_at": datetime(2027, 6, 16, 8, 30),
                                     "ends_at": datetime(2027, 6, 16, 17, 30), "capacity": 100})
    session = services.add_session(meeting, {"title": "主会场", "starts_at": datetime(2027, 6, 16, 9),
                                             "ends_at": datetime(2027, 6, 16, 12)})
    item = services.add_item(session, {"kind": "keynote", "title": "主旨发言", "starts_at": datetime(2027, 6, 16, 9),
                                       "ends_at": datetime(2027, 6, 16, 9, 30)})
    person = services.create_person({"name": f"发言人{next(_counter)}", "title": "主任"})
    participant = services.add_participant(item, {"person_id": person.id, "part": "speaker"})
    organizer = services.add_organizer(meeting, {"organization_id": (host or organization()).id, "role": "host"})
    if publish:
        services.set_event_status(meeting, "published")
    db.session.commit()
    return SimpleNamespace(event=meeting, session=session, item=item, person=person, participant=participant,
                           organizer=organizer)


def registration(meeting, actor, org=None, name="代表甲", mobile=None, **fields):
    from alliance_app.registrations.services import register

    data = {"name": name, "mobile": mobile or f"139{next(_counter):08d}", "category": "enterprise", **fields}
    created = register(meeting, data, actor, organization_id=org.id if org else None)
    db.session.commit()
    return created


def ready_agreement(parties, actor, **fields):
    """An agreement between `parties` (organizations), ready for signing."""
    from alliance_app.agreements import services

    data = {"title": "战略合作协议", "sectors": ["recycling"], "amount": "3.5亿",
            "parties": [{"organization_id": org.id} for org in parties], **fields}
    created = services.mark_ready(services.create_agreement(data, actor), actor)
    db.session.commit()
    return created


def people() -> SimpleNamespace:
    org_a = organization("甲单位有限公司")
    org_b = organization("乙单位有限公司")
    applicant = organization("申请中单位有限公司", membership_status=MembershipStatus.applicant)
    meeting = event(host=org_a)
    staff = user(Role.staff, email="staff@secretariat.example")
    return SimpleNamespace(
        meeting=meeting,
        agreement=ready_agreement((org_a, org_b), staff),
        registration_a=registration(meeting.event, staff, org_a, "甲单位代表"),
        draft=event("authz-draft", publish=False, host=org_a),
        org_a=org_a,
        org_b=org_b,
        applicant=applicant,
        contact_a=contact(org_a, "张三", mobile="13900000001"),
        member_a=user(Role.member, org_a, email="a@member.example"),
        member_b=user(Role.member, org_b, email="b@member.example"),
        staff=staff,
        admin=user(Role.admin, email="admin@secretariat.example"),
    )


def document_job(meeting_event, requested_by, status="done"):
    """A built badges document of an event, as the worker leaves it."""
    from alliance_app.jobs.models import DocumentJob, JobStatus

    job = DocumentJob(kind="badges", parameters={"event_id": meeting_event.id, "ids": []}, locale="zh_CN",
                      request_key="0" * 64, fingerprint="0" * 64, requested_by_id=requested_by.id,
                      status=JobStatus(status), progress_done=1, progress_total=1, result=b"%PDF-1.4 built",
                      filename="胸卡.pdf", fallback_filename="badges.pdf", mimetype="application/pdf", inline=True)
    db.session.add(job)
    db.session.commit()
    return job


def finance_rows(people) -> dict:
    """Org A's dues bill, paid in full by one payment with a 发票 requested: the ids
    the finance rows of the authorization table name."""
    from datetime import date

    from alliance_app.finance import invoices, services

    bill = services.create_bill({"kind": "dues", "organization_id": people.org_a.id, "year": 2026,
                                 "amount": "5000", "due_on": date(2026, 3, 31)})
    payment = services.record_payment({"amount": "5000", "paid_on": date(2026, 1, 5), "payer": people.org_a.name,
                                       "allocations": [{"bill_id": bill.id, "amount": "5000"}]})
    services.set_invoice_details(people.org_a, {"title": people.org_a.name, "tax_id": people.org_a.uscc,
                                                "email": "fp@a.example"})
    request = invoices.request_invoice(payment)
    db.session.commit()
    return {"bill_id": bill.id, "payment_id": payment.id, "invoice_request_id": request.id}


def question(event, key="note", **fields):
    """A question the event asks its delegates."""
    from alliance_app.registrations.question_models import EventQuestion, QuestionKind

    values = {"label": "备注", "label_en": "Note", "kind": QuestionKind.text, "choices": [], "categories": [],
              "position": 10, **fields}
    row = EventQuestion(event_id=event.id, key=key, **values)
    db.session.add(row)
    db.session.commit()
    return row


def invitation(event, actor, **fields):
    """An invitation of one expert to the event."""
    from alliance_app.registrations.invitations import create_invitation

    row = create_invitation(event, {"category": "expert", **fields}, actor)
    db.session.commit()
    return row


# A 1×1 PNG, as a phone's photo would be sniffed.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001649444154789c63646860606060"
                    "606260606060600000062a0084e6d12d3c0000000049454e44ae426082")


def progress_report(people, stage="landed", invested="1000万", photo=True):
    """The people's agreement signed, and org A's report on it (with a photo)."""
    from alliance_app.agreements import services as agreements
    from alliance_app.agreements.models import AgreementStatus
    from alliance_app.followup import services
    from alliance_app.followup.attachments import Upload

    if people.agreement.status != AgreementStatus.signed:
        agreements.sign(people.agreement, people.staff)
    # Made by the secretariat for org A, so it exists whatever org A's membership is.
    report = services.submit_report(people.agreement, {"stage": stage, "invested_cny": invested, "note": "已注册"},
                                    [Upload("现场.png", PNG)] if photo else [], people.staff)
    report.organization_id = people.org_a.id
    db.session.commit()
    return report
