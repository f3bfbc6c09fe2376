"""Logistics for the secretariat from the delegates' answers (the preset
questions' keys): the rooming list, the pick-up roster (接送站表) and meal counts.

Every figure is a count the database computes (GROUP BY over the answers
table); the lists are one query each, the answers pivoted by joins."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from ..events.models import Event
from ..extensions import db
from ..members.models import Organization
from .models import SEATED, Registration
from .question_models import EventQuestion, RegistrationAnswer

WINDOW_HOURS = 2  # the roster's time windows: 08:00–10:00, 10:00–12:00, ...
DIRECTIONS = ("arrival", "departure")
ROOM_ORDER = ("single", "twin", "twin_shared")


def questions_by_key(event: Event) -> dict[str, EventQuestion]:
    """Removed questions too: answers given to them still count."""
    rows = db.session.scalars(select(EventQuestion).where(EventQuestion.event_id == event.id)
                              .order_by(EventQuestion.removed_at.is_not(None), EventQuestion.id))
    out: dict[str, EventQuestion] = {}
    for question in rows:
        out.setdefault(question.key, question)
    return out


def _base(event: Event):
    """Delegates who hold a seat (confirmed or checked in)."""
    return and_(Registration.event_id == event.id, Registration.status.in_(SEATED))


def _join(query, question: EventQuestion | None, *, outer: bool = True):
    """(query, the answer's text column) for one question, joined per registration."""
    if question is None:
        return query, None
    answer = aliased(RegistrationAnswer)
    on = and_(answer.registration_id == Registration.id, answer.question_id == question.id)
    query = query.outerjoin(answer, on) if outer else query.join(answer, on)
    return query, answer.text


def _pivot(event: Event, keys: tuple[str, ...], questions: dict, *, required: str | None = None):
    """One row per seated delegate: id, name, organization, mobile, then the answers' text for `keys`."""
    query = select(Registration.id, Registration.name, Organization.name, Registration.mobile).select_from(
        Registration).outerjoin(Organization, Registration.organization_id == Organization.id).where(_base(event))
    columns = {}
    for key in keys:
        query, columns[key] = _join(query, questions.get(key), outer=key != required)
    query = query.add_columns(*[c for c in columns.values() if c is not None])
    return query, columns


def _rows(query, columns: dict) -> list[dict[str, Any]]:
    out = []
    present = [k for k, c in columns.items() if c is not None]
    for row in db.session.execute(query):
        item = {"id": row[0], "name": row[1], "organization": row[2] or "", "mobile": row[3]}
        item.update({k: None for k in columns})
        item.update(dict(zip(present, row[4:])))
        out.append(item)
    return out


# --- hotel --------------------------------------------------------------------------------------

@dataclass
class NightCounts:
    nights: list[dict]                 # the nights question's choices
    room_types: list[dict]             # the room type question's choices (+ "" when unanswered)
    persons: dict = field(default_factory=dict)   # (room type, night) -> delegates
    rooms: dict = field(default_factory=dict)     # night -> rooms needed

    @property
    def asked(self) -> bool:
        return bool(self.nights)


def night_counts(event: Event) -> NightCounts:
    questions = questions_by_key(event)
    nights_q, room_q = questions.get("nights"), questions.get("room_type")
    if nights_q is None:
        return NightCounts([], [])
    nights = list(nights_q.choices or [])
    query = select(Registration.id).select_from(Registration)
    query, nights_text = _join(query, nights_q, outer=False)
    query, room_text = _join(query, room_q)
    room = room_text if room_text is not None else literal("")
    sums = [func.sum(case((nights_text.contains(n["value"], autoescape=True), 1), else_=0)) for n in nights]
    counted = db.session.execute(query.with_only_columns(room, *sums).where(_base(event)).group_by(room)).all()
    result = NightCounts(nights, list(room_q.choices or []) if room_q is not None else [])
    for row in counted:
        room_type = row[0] or ""
        if room_type not in {c["value"] for c in result.room_types}:
            result.room_types.append({"value": room_type, "label": room_type or "—", "label_en": room_type or "—"})
        for night, n in zip(nights, row[1:]):
            result.persons[(room_type, night["value"])] = int(n or 0)
    for night in nights:
        shared = result.persons.get(("twin_shared", night["value"]), 0)
        result.rooms[night["value"]] = sum(n for (r, v), n in result.persons.items()
                                           if v == night["value"] and r != "twin_shared") + (shared + 1) // 2
    return result


@dataclass
class Room:
    room_type: str
    occupants: list[dict]
    check_in: str | None
    check_out: str | None
    paired: bool = True


def _stay(nights_text: str | None) -> tuple[str | None, str | None]:
    nights = sorted(n for n in (nights_text or "").split(",") if n)
    if not nights:
        return None, None
    try:
        last = date.fromisoformat(nights[-1]) + timedelta(days=1)
    except ValueError:
        return nights[0], None
    return nights[0], last.isoformat()


def rooming_list(event: Event) -> list[Room]:
    """Who sleeps where: one room per single or twin booking, the 标间合住 delegates
    paired by the roommate they named (either side naming the other suffices);
    those left over wait for a roommate."""
    questions = questions_by_key(event)
    if questions.get("nights") is None:
        return []
    query, columns = _pivot(event, ("nights", "room_type", "roommate", "gender", "id_number"), questions,
                            required="nights")
    query = query.order_by(columns["room_type"] if columns["room_type"] is not None else Registration.id,
                           Organization.name, Registration.name, Registration.id)
    rows = [r for r in _rows(query, columns) if r["nights"]]
    rooms: list[Room] = []
    shared = [r for r in rows if r["room_type"] == "twin_shared"]
    by_name: dict[str, list[dict]] = {}
    for row in shared:
        by_name.setdefault(row["name"].strip(), []).append(row)
    paired: set[int] = set()
    for row in shared:
        if row["id"] in paired:
            continue
        wanted = (row["roommate"] or "").strip()
        mate = next((m for m in by_name.get(wanted, []) if m["id"] != row["id"] and m["id"] not in paired), None)
        if mate is None:  # the other one named this delegate
            mate = next((m for m in shared if m["id"] not in paired and m["id"] != row["id"]
                         and (m["roommate"] or "").strip() == row["name"].strip()), None)
        if mate is not None:
            paired.update((row["id"], mate["id"]))
            check_in = min(filter(None, (_stay(row["nights"])[0], _stay(mate["nights"])[0])), default=None)
            check_out = max(filter(None, (_stay(row["nights"])[1], _stay(mate["nights"])[1])), default=None)
            rooms.append(Room("twin_shared", [row, mate], check_in, check_out))
    for row in rows:
        if row["id"] in paired:
            continue
        check_in, check_out = _stay(row["nights"])
        rooms.append(Room(row["room_type"] or "", [row], check_in, check_out,
                          paired=row["room_type"] != "twin_shared"))
    order = {value: index for index, value in enumerate(ROOM_ORDER)}
    rooms.sort(key=lambda room: (order.get(room.room_type, len(order)), not room.paired, room.check_in or ""))
    return rooms


# --- arrivals and departures -------------------------------------------------------------------

def _travel_keys(direction: str) -> tuple[str, str, str]:
    return f"{direction}_at", f"{direction}_number", f"{direction}_place"


def _pickup_filter(query, direction: str, questions: dict):
    """Arrivals: those who want to be picked up, when the event asks."""
    if direction == "arrival" and questions.get("pickup") is not None:
        query, pickup = _join(query, questions["pickup"], outer=False)
        query = query.where(pickup == "true")
    return query


def window_label(start_hour: int) -> str:
    end = min(start_hour + WINDOW_HOURS, 24)
    return f"{start_hour:02d}:00–{end:02d}:00"


def travel_counts(event: Event, direction: str) -> list[tuple[str, str, int, int]]:
    """(day, station or airport, first hour of the window, delegates), in time order."""
    questions = questions_by_key(event)
    at_key, _number, place_key = _travel_keys(direction)
    if questions.get(at_key) is None:
        return []
    query = select(Registration.id).select_from(Registration)
    query, at = _join(query, questions[at_key], outer=False)
    query, place = _join(query, questions.get(place_key))
    query = _pickup_filter(query, direction, questions)
    day = func.substr(at, 1, 10)
    # Floor division: SQLAlchemy's `/` divides integers exactly (15 / 2 = 7.5), which put
    # 14:xx and 15:xx in two groups of one window.
    window = cast(func.substr(at, 12, 2), Integer) // WINDOW_HOURS
    place_col = func.coalesce(place, "") if place is not None else literal("")
    rows = db.session.execute(query.with_only_columns(day, place_col, window, func.count())
                              .where(_base(event)).group_by(day, place_col, window)
                              .order_by(day, window, place_col)).all()
    return [(d, p or "", int(w) * WINDOW_HOURS, int(n)) for d, p, w, n in rows]


def roster(event: Event, direction: str) -> list[dict]:
    """The delegates to meet (or see off), in time order, each with the group
    (day, place, window) the counts use."""
    questions = questions_by_key(event)
    at_key, number_key, place_key = _travel_keys(direction)
    if questions.get(at_key) is None:
        return []
    query, columns = _pivot(event, (at_key, number_key, place_key), questions, required=at_key)
    query = _pickup_filter(query, direction, questions)
    query = query.order_by(columns[at_key], Registration.name, Registration.id)
    out = []
    for row in _rows(query, columns):
        at = row[at_key] or ""
        try:
            hour = int(at[11:13])
        except ValueError:
            hour = 0
        out.append({**row, "at": at.replace("T", " "), "number": row[number_key] or "",
                    "place": row[place_key] or "", "day": at[:10],
                    "window": hour // WINDOW_HOURS * WINDOW_HOURS})
    # Grouped as the drivers work: day, time window, then the station or airport.
    out.sort(key=lambda r: (r["day"], r["window"], r["place"] == "", r["place"], r["at"]))
    return out


# --- meals ---------------------------------------------------------------------------------------

def meal_counts(event: Event) -> dict[str, Any]:
    """Seated delegates per dietary need (no answer counted apart), and the
    'other' needs as written, each with its count."""
    questions = questions_by_key(event)
    diet_q = questions.get("diet")
    total = db.session.scalar(select(func.count()).select_from(Registration).where(_base(event)))
    if diet_q is None:
        return {"asked": False, "total": total, "by_need": [], "unanswered": total, "other": []}
    query = select(Registration.id).select_from(Registration)
    query, diet = _join(query, diet_q, outer=False)
    counted = dict(db.session.execute(query.with_only_columns(diet, func.count()).where(_base(event))
                                      .group_by(diet)).all())
    by_need = [(choice, counted.pop(choice["value"], 0)) for choice in diet_q.choices or ()]
    by_need += [({"value": value, "label": value, "label_en": value}, n) for value, n in counted.items()]
    other = []
    if questions.get("diet_other") is not None:
        query, note = _join(query, questions["diet_other"], outer=False)
        other = db.session.execute(query.with_only_columns(note, func.count()).where(_base(event))
                                   .group_by(note).order_by(func.count().desc(), note)).all()
    answered = sum(n for _choice, n in by_need)
    return {"asked": True, "total": total, "by_need": by_need, "unanswered": total - answered,
            "other": [(text, n) for text, n in other]}


def travel_grid(counts: list[tuple[str, str, int, int]]) -> tuple[list[str], list[tuple[str, int, list[int], int]]]:
    """The counts as a grid for the page: (places, rows of (day, window, delegates per place, total))."""
    places = sorted({place for _day, place, _hour, _n in counts}, key=lambda p: (p == "", p))
    cells = {(day, hour, place): n for day, place, hour, n in counts}
    slots = sorted({(day, hour) for day, _place, hour, _n in counts})
    rows = []
    for day, hour in slots:
        per_place = [cells.get((day, hour, place), 0) for place in places]
        rows.append((day, hour, per_place, sum(per_place)))
    return places, rows
