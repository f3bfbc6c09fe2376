"""Pages whose number of SQL statements must not grow with what they list: the
public member directory, an event's page (its agenda) and the ceremony pack (the
organization directory's is in test_api_organizations.py). Each is measured small and large; the count
must be the same, and at most the figure measured when the test was written
(benchmarks/pages.py prints the same counts)."""
from datetime import datetime, timedelta


from alliance_app.agreements import documents, services as agreements
from alliance_app.events import services as events

from . import factories
from .conftest import statements_sent




def test_public_member_directory_is_one_query(client, people, db):
    few, few_statements = statements_sent(db, lambda: client.get("/members"))
    for n in range(50):
        factories.organization(f"会员单位{n:02d}有限公司", tier="member")
    many, many_statements = statements_sent(db, lambda: client.get("/members"))
    assert "会员单位49有限公司" in many.get_data(as_text=True)
    # The change stamps (for the ETag), then the page of the list and its count (pages of 100).
    assert len(few_statements) == len(many_statements) == 3, many_statements
    # Asked again with its ETag: the stamps alone, and a 304.
    again, again_statements = statements_sent(db, lambda: client.get("/members", headers={
        "If-None-Match": many.headers["ETag"]}), status=304)
    assert again.status_code == 304 and len(again_statements) == 1, again_statements


def _bigger_agenda(meeting, organizations):
    """Three more sessions of four items with two speakers each, and more organizers."""
    day = datetime(2027, 6, 16)
    for org in organizations:
        events.add_organizer(meeting, {"organization_id": org.id, "role": "co_organizer"})
    for s in range(3):
        starts = day + timedelta(hours=13 + s)
        session = events.add_session(meeting, {"title": f"分会场{s}", "starts_at": starts,
                                               "ends_at": starts + timedelta(hours=1),
                                               "host_organization_id": organizations[s].id})
        for i in range(4):
            item = events.add_item(session, {"kind": "keynote", "title": f"发言{s}-{i}",
                                             "starts_at": starts + timedelta(minutes=15 * i),
                                             "ends_at": starts + timedelta(minutes=15 * i + 15)})
            for p in range(2):
                person = events.create_person({"name": f"嘉宾{s}{i}{p}", "title": "主任"})
                events.add_participant(item, {"person_id": person.id, "part": "speaker"})


def test_event_page_sends_the_same_statements_whatever_the_agenda(client, people, db):
    slug = people.meeting.event.slug
    people.meeting.session.host_organization_id = people.org_a.id  # else that level is skipped, not loaded
    db.session.commit()
    few, few_statements = statements_sent(db, lambda: client.get(f"/events/{slug}"))
    _bigger_agenda(people.meeting.event, [factories.organization() for _ in range(3)])
    db.session.commit()
    many, many_statements = statements_sent(db, lambda: client.get(f"/events/{slug}"))
    assert few.status_code == many.status_code == 200
    assert "嘉宾231" in many.get_data(as_text=True)
    assert len(few_statements) == len(many_statements), many_statements
    # The change stamps (for the ETag), the event, then one query per level: organizers, their
    # organizations, sessions, host organizations, items, participants, people.
    assert len(many_statements) <= 9, many_statements
    again, again_statements = statements_sent(db, lambda: client.get(f"/events/{slug}", headers={
        "If-None-Match": many.headers["ETag"]}), status=304)
    assert again.status_code == 304 and len(again_statements) == 1, again_statements


def test_ceremony_pack_sends_the_same_statements_for_2_or_8_agreements(app, people, db):
    meeting = people.meeting.event
    orgs = [factories.organization() for _ in range(8)]

    def pack():
        db.session.expire_all()  # load everything again, as a request would
        return documents.ceremony_pack_pdf(meeting, agreements.ceremony_agreements(meeting, with_clauses=True))

    def add(order):
        factories.ready_agreement((people.org_a, orgs[order]), people.staff, event_id=meeting.id,
                                  ceremony_order=order + 1)

    with app.test_request_context():
        for order in range(2):
            add(order)
        _pdf, few_statements = statements_sent(db, pack)
        for order in range(2, 8):
            add(order)
        _pdf, many_statements = statements_sent(db, pack)
    assert len(few_statements) == len(many_statements), many_statements
