"""The outbox in the API: the secretariat lists messages (filtered, paginated)
and sends one again; nobody else sees them."""
from sqlalchemy import select

from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus
from alliance_app.notifications.outbox import notify


def _outbox(people, db):
    """Three messages: two queued (one rendered, not sent), one failed."""
    first = notify("registration_confirmed", "zhang@example.com", name="张三", about=people.registration_a,
                   registration_id=people.registration_a.id)
    notify("registration_cancelled", "li@example.com", name="李四", about=people.registration_a,
           registration_id=people.registration_a.id)
    notify("registration_confirmed", "not-an-address", name="王五", registration_id=people.registration_a.id)
    db.session.commit()
    delivery.deliver(first.id)
    return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_the_secretariat_lists_every_message_latest_first(staff, people, db):
    first, second, bad = _outbox(people, db)
    answer = staff.get("/api/v1/messages")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 3 and body["page"] == 1
    assert [m["id"] for m in body["items"]] == [bad.id, second.id, first.id]
    sent = body["items"][2]
    assert set(sent) == {"id", "kind", "recipient", "subject", "status", "attempts", "last_error", "created_at",
                         "sent_at"}
    assert sent["recipient"] == "zhang@example.com" and sent["status"] == "not_sent" and sent["attempts"] == 1
    assert people.meeting.event.title in sent["subject"]
    assert sent["created_at"].endswith("Z") and sent["sent_at"] is None
    assert body["items"][0]["status"] == "failed" and body["items"][0]["last_error"].startswith("Invalid address")


def test_filters_and_pages(staff, people, db):
    first, second, bad = _outbox(people, db)

    def ids(query):
        answer = staff.get(f"/api/v1/messages?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [m["id"] for m in answer.get_json()["items"]]

    assert ids("status=failed") == [bad.id]
    assert ids("status=not_sent") == [first.id]
    assert ids("kind=registration_confirmed") == [bad.id, first.id]
    assert ids("recipient=li@") == [second.id]
    assert ids("recipient=%25") == []  # a LIKE wildcard is a plain character here
    assert ids("kind=registration_confirmed&status=queued") == []
    assert ids("per_page=2&page=2") == [first.id]
    refused = staff.get("/api/v1/messages?status=lost")
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]
    assert staff.get("/api/v1/messages?per_page=1000").status_code == 422


def test_resend_queues_the_message_again_and_answers_it(staff, people, db, app):
    first, _second, bad = _outbox(people, db)
    answer = staff.post(f"/api/v1/messages/{first.id}/resend")
    assert answer.status_code == 200
    assert answer.get_json()["id"] == first.id and answer.get_json()["status"] == "queued"
    assert db.session.get(Message, first.id).status == MessageStatus.queued
    refused = staff.post(f"/api/v1/messages/{bad.id}/resend")
    assert refused.status_code == 409 and refused.get_json()["message"]
    assert db.session.get(Message, bad.id).status == MessageStatus.failed
    assert staff.post("/api/v1/messages/99999/resend").status_code == 404


def test_members_and_strangers_see_no_message(member, anon, people, db):
    first, _second, _bad = _outbox(people, db)
    assert member.get("/api/v1/messages").status_code == 403
    assert member.post(f"/api/v1/messages/{first.id}/resend").status_code == 403
    assert anon.get("/api/v1/messages").status_code == 401
    assert anon.post(f"/api/v1/messages/{first.id}/resend").status_code == 401
    assert db.session.get(Message, first.id).status == MessageStatus.not_sent


SECRETARIAT = dict(anon=401, member_a=403, member_b=403, staff=200, admin=200)
AUTHZ_ROWS = {
    ("api_messages.messages", "GET"): ("/api/v1/messages", SECRETARIAT),
    ("api_messages.resend", "POST"): ("/api/v1/messages/99999/resend", dict(SECRETARIAT, staff=404, admin=404)),
}
