"""Protocol in the JSON API: protocol ranks per event and rostrum seating per
session (secretariat only: ranks and seats are about named officials).

`rows` are lists of person ids, front row first, each from left to right as
seen from the hall (the way the seating diagram is printed)."""
import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint

from ..core.errors import ServiceError
from ..core.permissions import secretariat_required
from ..events.models import Event, EventSession
from ..protocol import hall, services
from . import API_PREFIX
from .fields import Id
from .resource import Lookup, operation_for

blp = Blueprint("api_protocol", __name__, url_prefix=API_PREFIX,
                description="Protocol: ranks and rostrum seating (主席台座次)")

operation = operation_for(blp, {403: "Not the secretariat", 404: "No such event or session",
                                400: "The body is not a JSON array (ranks) or object (rostrum)"})


class RankSchema(ma.Schema):
    person_id = Id("A person of /api/v1/people", required=True)
    rank = ma.fields.Integer(required=True, strict=True,
                             metadata={"description": "1 is the most senior; equal ranks go by surname strokes"})


class RankedPersonSchema(ma.Schema):
    person_id = ma.fields.Integer()
    name = ma.fields.String()
    title = ma.fields.String(allow_none=True)
    rank = ma.fields.Integer()


class RanksSchema(ma.Schema):
    ranks = ma.fields.List(ma.fields.Nested(RankedPersonSchema),
                           metadata={"description": "Most senior first; equal ranks by surname strokes"})


class RostrumWriteSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    rows = ma.fields.List(ma.fields.List(ma.fields.Integer(strict=True)), required=True,
                          metadata={"description": "Front row first; person ids left to right as seen from the hall"})


class RostrumArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    propose = ma.fields.Boolean(load_default=False,
                                metadata={"description": "1: answer the conventional proposal from the ranks "
                                                         "instead of the seats saved"})


class RostrumSchema(ma.Schema):
    rows = ma.fields.List(ma.fields.List(ma.fields.Integer()))
    names = ma.fields.List(ma.fields.List(ma.fields.String()),
                           metadata={"description": "The same seats' names"})
    unseated = ma.fields.List(ma.fields.Integer(), metadata={"description": "Ranked people beyond the seats "
                                                                            "(proposal only)"})
    senior_side = ma.fields.String(metadata={"description": "left (左为上) or right (右为上), counted from the "
                                                            "rostrum facing the hall"})
    seats_per_row = ma.fields.Integer()
    rostrum_rows = ma.fields.Integer()
    proposed = ma.fields.Boolean()


def _ranks_answer(ranked):
    return {"ranks": [{"person_id": p.id, "name": p.name, "title": p.title, "rank": rank} for p, rank in ranked]}


def _rostrum_answer(session, rows, unseated=(), proposed=False):
    settings = services.settings_for(session.event)
    return {"rows": [[p.id for p in row] for row in rows], "names": [[p.name for p in row] for row in rows],
            "unseated": [p.id for p in unseated], "senior_side": settings.senior_side.value,
            "seats_per_row": settings.seats_per_row, "rostrum_rows": settings.rostrum_rows, "proposed": proposed}


@blp.route("/events/<int:event_id>/ranks", endpoint="ranks")
class EventRanks(MethodView):

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), response=RanksSchema,
               errors=(401, 403, 404))
    def get(self, event):
        """The event's protocol ranks, most senior first."""
        return _ranks_answer(services.ranked_people(event))

    @operation(access=secretariat_required, load=Lookup(Event, "event_id"), response=RanksSchema,
               errors=(400, 401, 403, 404))
    @blp.arguments(RankSchema(many=True), as_kwargs=False)  # inside the access check: no token → 401 first
    def put(self, entries, event):
        """Replace the event's ranks (`[{"person_id", "rank"}]`), all or nothing:
        a rank that is not a positive integer, a person ranked twice or
        unknown is refused per entry."""
        if not isinstance(request.get_json(silent=True), list):
            raise ServiceError(_l("The body must be a JSON array of {person_id, rank}."), status=400)
        return _ranks_answer(services.set_ranks(event, entries, current_user))


@blp.route("/sessions/<int:session_id>/rostrum", endpoint="rostrum")
class SessionRostrum(MethodView):

    @operation(access=secretariat_required, load=Lookup(EventSession, "session_id"), query=RostrumArgsSchema,
               response=RostrumSchema, errors=(401, 403, 404))
    def get(self, args, session):
        """The rostrum as seated, or with `?propose=1` the conventional
        arrangement of the event's ranked people: odd rows the most senior in
        the centre, even rows the two most senior in the two centre seats, the
        next alternating to the event's senior side first."""
        if args["propose"]:
            proposal = services.propose_rostrum(session)
            return _rostrum_answer(session, proposal["rows"], proposal["unseated"], proposed=True)
        return _rostrum_answer(session, services.rostrum_rows(session))

    @operation(access=secretariat_required, load=Lookup(EventSession, "session_id"), body=RostrumWriteSchema,
               response=RostrumSchema, errors=(400, 401, 403, 404))
    def put(self, data, session):
        """Seat the rostrum as sent, replacing its seats: a person in two seats,
        an unknown person or more people than seats are refused, nothing saved."""
        return _rostrum_answer(session, services.save_rostrum(session, data["rows"], current_user))


# --- hall seating ---------------------------------------------------------------------------------------

class ZoneSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "Unique in the session, e.g. 贵宾区"})
    kind = ma.fields.String(load_default="general", metadata={
        "description": "vip (ranked guests, front), media, or general (by organization)"})
    layout = ma.fields.String(load_default="rows", metadata={"description": "rows, or tables (round tables)"})
    rows = ma.fields.Integer(required=True, strict=True, metadata={"description": "Rows, or tables"})
    seats = ma.fields.Integer(required=True, strict=True, metadata={"description": "Seats per row, or per table"})
    capacity = ma.fields.Integer(dump_only=True)


class AssignmentSchema(ma.Schema):
    registration_id = ma.fields.Integer(required=True, strict=True)
    zone = ma.fields.String(required=True, metadata={"description": "The zone's name"})
    row = ma.fields.Integer(required=True, strict=True, metadata={"description": "Row, or table, from 1"})
    seat = ma.fields.Integer(required=True, strict=True, metadata={"description": "From 1 at the hall's left "
                                                                                  "(at a table: clockwise)"})
    name = ma.fields.String(dump_only=True)
    organization = ma.fields.String(dump_only=True, allow_none=True)
    label = ma.fields.String(dump_only=True, metadata={"description": "The seat as printed on the badge"})


class SeatsWriteSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    zones = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "Replaces the zones ([{name, kind, layout, rows, seats}]); refused if a seated "
                       "delegate's seat would vanish"})
    unassign = ma.fields.List(ma.fields.Integer(strict=True), metadata={"description": "Registration ids to "
                                                                                       "unseat"})
    assignments = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "[{registration_id, zone, row, seat}]: all or nothing"})
    by_rule = ma.fields.Boolean(load_default=False, metadata={
        "description": "Then seat everyone not seated by rule: VIP zones by rank, media zones, the rest by "
                       "organization"})


class SeatsSchema(ma.Schema):
    zones = ma.fields.List(ma.fields.Nested(ZoneSchema))
    assignments = ma.fields.List(ma.fields.Nested(AssignmentSchema))
    capacity = ma.fields.Integer()
    seated = ma.fields.Integer()
    unseated = ma.fields.List(ma.fields.Integer(), metadata={"description": "Who found no seat (by_rule only)"})


def _seats_answer(session, unseated=()):
    return {"zones": [{"name": z.name, "kind": z.kind.value, "layout": z.layout.value, "rows": z.rows,
                       "seats": z.seats, "capacity": z.capacity} for z in hall.zones(session)],
            "assignments": [{"registration_id": s.registration_id, "zone": s.zone.name, "row": s.row, "seat": s.seat,
                             "name": s.registration.name, "label": hall.seat_label(s.zone, s.row, s.seat),
                             "organization": s.registration.organization.name if s.registration.organization
                             else None} for s in hall.assignments(session)],
            **hall.counts(session), "unseated": [r.id for r in unseated]}


@blp.route("/sessions/<int:session_id>/seats", endpoint="seats")
class SessionSeats(MethodView):

    @operation(access=secretariat_required, load=Lookup(EventSession, "session_id"), response=SeatsSchema,
               errors=(401, 403, 404))
    def get(self, session):
        """The hall's zones and who sits where."""
        return _seats_answer(session)

    @operation(access=secretariat_required, load=Lookup(EventSession, "session_id"), body=SeatsWriteSchema,
               response=SeatsSchema, errors=(400, 401, 403, 404, (409, "A seat was given by someone else "
                                                                       "at the same moment")))
    def post(self, data, session):
        """In this order and all or nothing: replace the zones, unseat, seat as
        sent, seat the rest by rule. Two people in one seat, a seat that does
        not exist or a delegate not confirmed is refused."""
        if "zones" in data:
            hall.set_zones(session, data["zones"], current_user)
        for registration_id in data.get("unassign", []):
            hall.unassign(session, registration_id, current_user)
        if data.get("assignments"):
            hall.assign(session, data["assignments"], current_user)
        unseated = hall.assign_by_rule(session, current_user).unseated if data["by_rule"] else []
        return _seats_answer(session, unseated)
