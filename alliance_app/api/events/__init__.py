"""Events in the JSON API: events, their organizers, sessions, agenda items and
participants, and the people who speak at them — one blueprint, a module per
resource, its routes registered in the order of the document.

Access:

* reading events (the list, one event, its organizers): anyone, with or
  without a token, for published events. Drafts and cancelled events belong
  to the secretariat: for anyone else they are a 404, as on the HTML pages
  (``Event.can_view``), and the list leaves them out. The secretariat's list
  shows every event and may be filtered by ``status``.
* every write, and people (a person's title and bio are data about a private
  individual; speakers appear publicly only through published events): the
  secretariat only. No token → 401, a member account → 403, checked before
  the URL's object is looked up.

Times are ISO 8601. Output is in UTC ("2027-06-16T01:00:00Z"). Input should
carry its offset ("2027-06-16T09:00:00+08:00" or "...Z"); a time without an
offset is taken as local time (Asia/Shanghai), as in the HTML forms.

Input is strict, as in the organizations API: the body must be a JSON object
(400 otherwise), unknown fields and wrong types are refused with 422 per
field; the events services check the rest (lengths, control characters,
windows, overlaps, slugs) and answer 422 per field, naming the other record
where there is one, or 409 for a duplicate organizer or participant. Each
request calls one service and commits once, or writes nothing.
"""
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from ...events.models import AgendaItem, AgendaParticipant, Event, EventOrganizer, EventSession
from .. import API_PREFIX
from ..resource import Lookup, operation_for

blp = Blueprint("api_events", __name__, url_prefix=API_PREFIX,
                description="Events, their organizers, sessions, agenda items and speakers")

operation = operation_for(blp, {
    403: "Not the secretariat",
    404: "No such record",
    409: "Already listed (the record is named)",
})
HIDDEN_EVENT = (404, "No such event, or one the caller may not see (a draft or a cancelled event)")

# What each answer shows, loaded in one query per relationship level.
ITEM_LOAD = (selectinload(AgendaItem.participants).selectinload(AgendaParticipant.person),)
SESSION_LOAD = (selectinload(EventSession.host_organization),
                selectinload(EventSession.items).options(*ITEM_LOAD))
EVENT_LOAD = (selectinload(Event.organizers).selectinload(EventOrganizer.organization),
              selectinload(Event.sessions).options(*SESSION_LOAD))


def visible_event(options=EVENT_LOAD):
    """The URL's event, a 404 unless the caller may see it (drafts and cancelled events)."""
    return Lookup(Event, "event_id", can=Event.can_view, refused=404, options=options)


# The routes, in the document's order.
from . import events, organizers, sessions, people  # noqa: E402,F401
