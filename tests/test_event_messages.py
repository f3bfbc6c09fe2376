"""Delegates are told when their event's time or venue changes (one message
each, old and new), and reminded some days before it starts (once, even with
two workers running the reminders at the same time)."""
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from alliance_app.core.db import utcnow
from alliance_app.core.errors import ServiceError
from alliance_app.events import messages as event_messages
from alliance_app.events import services
from alliance_app.events.models import Event
from alliance_app.notifications import delivery
from alliance_app.notifications.models import Message, MessageStatus
from alliance_app.registrations import services as registrations
from alliance_app.registrations.models import Registration

from . import factories
from .conftest import ApiClient, login


def messages(db, kind=None):
    query = select(Message).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalars(query).all()


@pytest.fixture
def delegates(people, db):
    """The meeting's delegates: two with an email, one without (the fixture's
    own), one cancelled, one waitlisted; the registration messages forgotten."""
    event = db.session.get(Event, people.meeting.event.id)
    event.venue, event.address = "合肥滨湖国际会展中心", "合肥市包河区锦绣大道"
    db.session.commit()
    zhang = factories.registration(event, people.staff, people.org_a, "张三", email="zhang@example.com")
    li = factories.registration(event, people.staff, people.org_b, "李四", email="li@example.com")
    wang = factories.registration(event, people.staff, people.org_a, "王五", email="wang@example.com")
    registrations.cancel(wang, people.staff)
    event.capacity, event.waitlist_enabled = event.seats_taken, True
    db.session.commit()
    zhao = factories.registration(event, people.staff, people.org_b, "赵六", email="zhao@example.com")
    assert zhao.status.value == "waitlisted"
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    return {"event": event, "zhang": zhang, "li": li, "wang": wang, "zhao": zhao}


def local(text: str) -> datetime:
    """A local (Asia/Shanghai) time as the forms send it."""
    return datetime.fromisoformat(text)


# --- the event changed ---------------------------------------------------------------------------

def test_a_new_time_tells_each_delegate_who_has_not_cancelled(people, db, delegates):
    services.update_event(delegates["event"], {"ends_at": local("2027-06-16T18:00")}, people.staff)
    db.session.commit()
    written = messages(db)
    assert [(m.kind, m.recipient_email) for m in written] == [
        ("event_changed", "zhang@example.com"), ("event_changed", "li@example.com"),
        ("event_changed", "zhao@example.com")]  # the waitlisted delegate too; not the cancelled one
    assert all(m.status == MessageStatus.queued for m in written)
    subject, text, html, attachments = delivery.render(written[0])
    assert subject == f"会议时间或地点变更：{delegates['event'].title}"
    assert "张三" in text and attachments == []
    when_line = next(line for line in text.splitlines() if line.startswith("时间"))
    assert "18:00" in when_line and "17:30" not in when_line
    assert "原为：2027年6月16日 08:30–17:30" in text  # the old time, as it was
    assert "地点: " not in text  # the venue did not change: not mentioned
    assert "http://localhost/events/authz-event/program.pdf" in text
    assert "18:00" in html and "17:30" in html


def test_a_new_venue_says_where_it_was_and_where_it_is(people, db, delegates):
    services.update_event(delegates["event"], {"venue": "合肥国际会议中心", "address": ""}, people.staff)
    db.session.commit()
    message = messages(db)[0]
    delivery.deliver(message.id)
    db.session.refresh(message)
    assert message.status == MessageStatus.not_sent
    assert "地点: 合肥国际会议中心" in message.body_text
    assert "（原为：合肥滨湖国际会展中心, 合肥市包河区锦绣大道）" in message.body_text
    assert "时间: " not in message.body_text  # the time did not change


def test_in_english_for_a_delegate_whose_message_is_in_english(people, db, delegates):
    services.update_event(delegates["event"], {"venue": "Hefei International Conference Center"}, people.staff)
    db.session.commit()
    message = messages(db)[0]
    message.locale = "en"
    subject, text, _html, _attachments = delivery.render(message)
    assert subject.startswith("Change of time or venue:")
    assert "Where: Hefei International Conference Center" in text and "(was: 合肥滨湖国际会展中心" in text


@pytest.mark.parametrize("changes", [
    {"title": "新的会议名称", "capacity": 200, "description": "说明", "city": "合肥"},
    {"venue": "合肥滨湖国际会展中心", "ends_at": local("2027-06-16T17:30")},  # the same values again
    {"reminder_days": 3},
])
def test_nothing_is_said_when_nothing_the_delegates_need_changed(people, db, delegates, changes):
    services.update_event(delegates["event"], changes, people.staff)
    db.session.commit()
    assert messages(db) == []


def test_saving_the_edit_form_unchanged_writes_no_message(client, people, db, delegates):
    event = delegates["event"]
    login(client, people.staff)
    form = {"title": event.title, "theme": "", "slug": event.slug, "starts_at": "2027-06-16T08:30",
            "ends_at": "2027-06-16T17:30", "venue": event.venue, "address": event.address, "city": "",
            "capacity": str(event.capacity), "registration_opens_at": "", "registration_closes_at": "",
            "reminder_days": "1", "description": ""}
    assert client.post(f"/admin/events/{event.id}/edit", data=form).status_code == 302
    assert messages(db) == []
    moved = client.post(f"/admin/events/{event.id}/edit", data={**form, "ends_at": "2027-06-16T18:30"})
    assert moved.status_code == 302
    assert len(messages(db, "event_changed")) == 3


def test_a_refused_or_rolled_back_change_writes_nothing(people, db, delegates):
    event = delegates["event"]
    with pytest.raises(ServiceError):
        services.update_event(event, {"ends_at": local("2027-06-16T07:00")}, people.staff)
    db.session.rollback()
    services.update_event(db.session.get(Event, event.id), {"venue": "别处"}, people.staff)
    db.session.rollback()
    assert messages(db) == []
    assert db.session.get(Event, event.id).venue == "合肥滨湖国际会展中心"


def test_an_event_nobody_registered_for_with_an_email_says_nothing(people, db):
    event = db.session.get(Event, people.meeting.event.id)  # its one delegate gave no email
    services.update_event(event, {"venue": "合肥国际会议中心"}, people.staff)
    db.session.commit()
    assert messages(db) == []


# --- reminders -----------------------------------------------------------------------------------

def test_reminder_days_in_the_form_and_the_api(client, people, db):
    api = ApiClient(client, people.staff)
    created = api.post("/api/v1/events", json={"slug": "reminded-2027", "title": "提醒会",
                                               "starts_at": "2027-09-01T09:00:00+08:00",
                                               "ends_at": "2027-09-01T17:00:00+08:00"})
    assert created.status_code == 201 and created.get_json()["reminder_days"] == 1  # the default
    event_id = created.get_json()["id"]
    changed = api.patch(f"/api/v1/events/{event_id}", json={"reminder_days": 3})
    assert changed.status_code == 200 and changed.get_json()["reminder_days"] == 3
    too_many = api.patch(f"/api/v1/events/{event_id}", json={"reminder_days": 31})
    assert too_many.status_code == 422 and "reminder_days" in too_many.get_json()["errors"]
    assert api.patch(f"/api/v1/events/{event_id}", json={"reminder_days": None}).get_json()["reminder_days"] is None
    login(client, people.staff)
    page = client.get(f"/admin/events/{event_id}/edit").get_data(as_text=True)
    assert 'name="reminder_days"' in page and "提醒" in page
    blank = client.get("/admin/events/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="reminder_days"[^>]*value="1"', blank)


def _upcoming(people, db, slug="soon-2027", days=1, **fields):
    """A published event without sessions starting in ten days, with two
    confirmed delegates with an email, one without and one cancelled."""
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    event = services.create_event({"slug": slug, "title": "即将召开的会议", "starts_at": start,
                                   "ends_at": start + timedelta(hours=8), "venue": "合肥国际会议中心",
                                   "reminder_days": days, **fields})
    services.set_event_status(event, "published")
    db.session.commit()
    rows = [factories.registration(event, people.staff, people.org_a, "张三", email="zhang@example.com"),
            factories.registration(event, people.staff, people.org_b, "李四", email="li@example.com"),
            factories.registration(event, people.staff, people.org_a, "无邮箱")]
    cancelled = factories.registration(event, people.staff, people.org_b, "王五", email="wang@example.com")
    registrations.cancel(cancelled, people.staff)
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    return event, rows


def test_each_confirmed_delegate_is_reminded_once_with_the_programme(people, db):
    event, rows = _upcoming(people, db)
    assert event_messages.send_event_reminders(event.starts_at - timedelta(days=2)) == 0  # not yet
    at = event.starts_at - timedelta(hours=20)
    assert event_messages.send_event_reminders(at) == 2
    reminders = messages(db, "event_reminder")
    assert [m.recipient_email for m in reminders] == ["zhang@example.com", "li@example.com"]
    assert [db.session.get(Registration, r.id).reminded_at is not None for r in rows] == [True, True, False]
    # The task runs every hour: nothing more, whoever runs it and however often.
    assert event_messages.send_event_reminders(at + timedelta(hours=1)) == 0
    assert event_messages.send_event_reminders(at + timedelta(hours=2)) == 0
    assert len(messages(db, "event_reminder")) == 2
    subject, text, html, attachments = delivery.render(reminders[0])
    assert subject.startswith("会议提醒：即将召开的会议，")
    assert f"http://localhost/events/{event.slug}/program.pdf" in text and "合肥国际会议中心" in text
    assert f"http://localhost/events/{event.slug}/program.pdf" in html and attachments == []


def test_a_delegate_registered_after_the_reminders_is_reminded_at_the_next_run(people, db):
    event, _rows = _upcoming(people, db)
    at = event.starts_at - timedelta(hours=20)
    event_messages.send_event_reminders(at)
    factories.registration(event, people.staff, people.org_b, "晚到", email="late@example.com")
    assert event_messages.send_event_reminders(at + timedelta(hours=1)) == 1
    assert messages(db, "event_reminder")[-1].recipient_email == "late@example.com"


@pytest.mark.parametrize("days, status", [(0, "published"), (None, "published"), (1, "draft"), (1, "cancelled")])
def test_no_reminder_when_turned_off_or_the_event_is_not_published(people, db, days, status):
    event, _rows = _upcoming(people, db, days=days or 1)
    event.reminder_days = days
    event.status = status
    db.session.commit()
    assert event_messages.send_event_reminders(event.starts_at - timedelta(hours=1)) == 0
    assert messages(db) == []


def test_the_window_follows_the_event_s_setting_and_ends_when_it_starts(people, db):
    event, _rows = _upcoming(people, db, days=3)
    assert event_messages.send_event_reminders(event.starts_at - timedelta(days=3, hours=1)) == 0
    assert event_messages.send_event_reminders(event.starts_at + timedelta(minutes=1)) == 0  # started: too late
    assert event_messages.send_event_reminders(event.starts_at - timedelta(days=2, hours=23)) == 2


def test_a_claim_taken_by_another_worker_is_not_sent_again(people, db):
    event, rows = _upcoming(people, db)
    at = event.starts_at - timedelta(hours=20)
    db.session.get(Registration, rows[0].id).reminded_at = at  # another worker got there first
    db.session.commit()
    assert event_messages.send_event_reminders(at) == 1
    assert [m.recipient_email for m in messages(db)] == ["li@example.com"]


def test_a_run_that_fails_before_its_commit_claims_nothing(people, db, monkeypatch):
    event, rows = _upcoming(people, db)
    at = event.starts_at - timedelta(hours=20)

    def broken(*args, **kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(event_messages, "notify", broken)
    with pytest.raises(RuntimeError):
        event_messages.send_event_reminders(at)
    db.session.rollback()
    assert all(db.session.get(Registration, r.id).reminded_at is None for r in rows)
    monkeypatch.undo()
    assert event_messages.send_event_reminders(at) == 2


def test_two_workers_at_once_remind_each_delegate_once(app, people, db):
    event, _rows = _upcoming(people, db)
    for n in range(20):
        factories.registration(event, people.staff, people.org_a, f"代表{n:02d}", email=f"d{n:02d}@example.com")
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    at = event.starts_at - timedelta(hours=20)
    db.session.remove()
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        with app.app_context():
            try:
                start.wait()
                results.append(event_messages.send_event_reminders(at))
            except Exception as exc:  # noqa: BLE001  reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and sorted(results)[-1] >= 0 and sum(results) == 22
    emails = [m.recipient_email for m in messages(db, "event_reminder")]
    assert len(emails) == len(set(emails)) == 22


def test_a_postponed_event_is_reminded_again_in_its_new_window(people, db):
    event, _rows = _upcoming(people, db)
    at = event.starts_at - timedelta(hours=20)
    event_messages.send_event_reminders(at)
    later = event.starts_at + timedelta(days=30)
    services.update_event(event, {"starts_at": later, "ends_at": later + timedelta(hours=8)}, people.staff)
    db.session.commit()
    assert [m.kind for m in messages(db)].count("event_changed") == 2
    assert event_messages.send_event_reminders(later - timedelta(hours=20)) == 2
    # Moved by an hour inside the window it was reminded in: no second reminder.
    services.update_event(event, {"starts_at": later + timedelta(hours=1), "ends_at": later + timedelta(hours=9)},
                          people.staff)
    db.session.commit()
    assert event_messages.send_event_reminders(later - timedelta(hours=19)) == 0


def test_the_worker_has_the_periodic_task(app):
    tasks = app.extensions["huey_tasks"]
    assert "send_event_reminders" in tasks
    periodic = [task.name for task in app.extensions["huey"]._registry.periodic_tasks]
    assert any(name.endswith("send_event_reminders") for name in periodic)


def test_times_in_the_params_are_utc_whatever_zone_they_came_in():
    class Shape:
        starts_at = datetime(2027, 6, 16, 8, 30, tzinfo=timezone(timedelta(hours=8)))
        ends_at = datetime(2027, 6, 16, 9, 30, tzinfo=timezone.utc)
        venue = address = None

    assert event_messages.details(Shape())["starts_at"] == "2027-06-16T00:30:00+00:00"
