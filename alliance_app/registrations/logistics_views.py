"""The secretariat's logistics pages: hotel nights, arrivals and departures,
meals (counts from the database), and the rooming list and pick-up roster as
documents (the worker builds them above the size threshold)."""
from flask import abort, render_template, request
from flask_babel import gettext as _

from ..core.permissions import secretariat_required
from ..core.spreadsheets import XLSX_MIMETYPE
from ..events.models import Event
from ..extensions import db
from ..jobs.registry import DocumentKind, digest, register_kind
from ..jobs.respond import document_response
from . import bp, logistics
from .documents import logistics as papers

FORMATS = ("pdf", "xlsx")
MIMETYPES = {"pdf": "application/pdf", "xlsx": XLSX_MIMETYPE}


def _secretariat(user) -> bool:
    return user.is_secretariat


def _event(event_id) -> Event:
    return db.get_or_404(Event, event_id)


# --- documents: params {"event_id", "fmt"} (+ "direction" for the roster) ------------------------

def _load_rooming(params):
    event = db.session.get(Event, params["event_id"])
    if event is None or params.get("fmt") not in FORMATS:
        return None
    questions = logistics.questions_by_key(event)
    genders = questions["gender"].choices if "gender" in questions else []
    return event, {"counts": logistics.night_counts(event), "rooms": logistics.rooming_list(event),
                   "genders": genders}, params["fmt"]


def _rooming_fingerprint(data) -> str:
    event, content, fmt = data
    counts = content["counts"]
    return digest(fmt, event.title, event.starts_at, event.ends_at, counts.nights, counts.room_types,
                  sorted(counts.persons.items()), content["genders"],
                  [(r.room_type, r.check_in, r.check_out, r.paired, [sorted(o.items()) for o in r.occupants])
                   for r in content["rooms"]])


def _describe(what: str, ascii_name: str):
    def describe(data):
        event, fmt = data[0], data[-1]
        return f"{what()} {event.title}.{fmt}", f"{ascii_name}-{event.slug}.{fmt}", MIMETYPES[fmt]
    return describe


ROOMING = register_kind(DocumentKind(
    name="rooming_list", load=_load_rooming, size=lambda data: len(data[1]["rooms"]),
    fingerprint=_rooming_fingerprint,
    build=lambda data, progress: (papers.rooming_pdf if data[2] == "pdf" else papers.rooming_xlsx)(*data[:2]),
    describe=_describe(lambda: _("Rooming list"), "rooming-list"),
    can_view=_secretariat, threshold="BACKGROUND_DOCUMENT_THRESHOLD", inline=True))


def _load_roster(params):
    event = db.session.get(Event, params["event_id"])
    if event is None or params.get("fmt") not in FORMATS or params.get("direction") not in logistics.DIRECTIONS:
        return None
    direction = params["direction"]
    return (event, direction, logistics.roster(event, direction), logistics.travel_counts(event, direction),
            params["fmt"])


ROSTER = register_kind(DocumentKind(
    name="pickup_roster", load=_load_roster, size=lambda data: len(data[2]),
    fingerprint=lambda data: digest(data[4], data[1], data[0].title, data[0].starts_at,
                                    [sorted(r.items()) for r in data[2]], data[3]),
    build=lambda data, progress: (papers.roster_pdf if data[4] == "pdf" else papers.roster_xlsx)(*data[:4]),
    describe=lambda data: (f"{papers.roster_title(data[1])} {data[0].title}.{data[4]}",
                           f"{data[1]}-roster-{data[0].slug}.{data[4]}", MIMETYPES[data[4]]),
    can_view=_secretariat, threshold="BACKGROUND_DOCUMENT_THRESHOLD", inline=True))


# --- pages ------------------------------------------------------------------------------------------

@bp.route("/admin/events/<int:event_id>/logistics")
@secretariat_required
def logistics_page(event_id):
    event = _event(event_id)
    return render_template("registrations/logistics.html", event=event, nights=logistics.night_counts(event),
                           arrivals=logistics.travel_counts(event, "arrival"),
                           departures=logistics.travel_counts(event, "departure"),
                           meals=logistics.meal_counts(event), window_label=logistics.window_label,
                           travel_grid=logistics.travel_grid,
                           choice_label=papers.choice_label)


@bp.route("/admin/events/<int:event_id>/rooming-list.<fmt>")
@secretariat_required
def rooming_list(event_id, fmt):
    event = _event(event_id)
    if fmt not in FORMATS:
        abort(404)
    return document_response(ROOMING, {"event_id": event.id, "fmt": fmt})


@bp.route("/admin/events/<int:event_id>/pickup-roster.<fmt>")
@secretariat_required
def pickup_roster(event_id, fmt):
    event = _event(event_id)
    direction = request.args.get("direction", "arrival")
    if fmt not in FORMATS or direction not in logistics.DIRECTIONS:
        abort(404)
    return document_response(ROSTER, {"event_id": event.id, "fmt": fmt, "direction": direction})
