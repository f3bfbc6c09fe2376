"""The event's questions: their definitions (the form builder: adding,
changing, moving and removing them, each problem at its field) and the
presets (accommodation, travel, diet, ...). The delegates' answers to them are
validated, stored and shown by answers.py."""
import re
from datetime import timedelta
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.timeutil import to_local
from ..core.validation import Problems, enum_value, int_value, line, text
from ..events.models import Event
from ..extensions import db
from .models import DelegateCategory
from .question_models import EventQuestion, QuestionFormat, QuestionKind, RegistrationAnswer

K = QuestionKind
QUESTION_FIELDS = ("key", "label", "label_en", "help_text", "kind", "choices", "required", "categories",
                   "position")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_QUESTIONS = 100


# --- the questions ---------------------------------------------------------------------------------

def _questions_query(with_removed: bool):
    query = select(EventQuestion).where(EventQuestion.event_id == bindparam("event_id"))
    if not with_removed:
        query = query.where(EventQuestion.removed_at.is_(None))
    return query.order_by(EventQuestion.position, EventQuestion.id)


# Built once: every registration asks for its event's questions.
_QUESTIONS = {with_removed: _questions_query(with_removed) for with_removed in (False, True)}


def questions(event: Event, *, with_removed: bool = False) -> list[EventQuestion]:
    return list(db.session.scalars(_QUESTIONS[with_removed], {"event_id": event.id}))


def questions_of_events(events) -> dict[int, list[EventQuestion]]:
    """The questions still asked by each of several events, in one statement."""
    ids = [event.id for event in events]
    out: dict[int, list[EventQuestion]] = {}
    if ids:
        for question in db.session.scalars(select(EventQuestion).where(
                EventQuestion.event_id.in_(ids), EventQuestion.removed_at.is_(None))
                .order_by(EventQuestion.event_id, EventQuestion.position, EventQuestion.id)):
            out.setdefault(question.event_id, []).append(question)
    return out


def _clean_choices(problems: Problems, raw: Any) -> list[dict]:
    if not isinstance(raw, (list, tuple)):
        problems.add("choices", _l("Expected a list of choices."))
        return []
    out, seen = [], set()
    for index, item in enumerate(raw):
        field = f"choices.{index}"
        if not isinstance(item, Mapping):
            problems.add(field, _l('Each choice is an object with "value", "label" and "label_en".'))
            continue
        unknown = set(item) - {"value", "label", "label_en"}
        if unknown:
            problems.add(field, _l("Unknown field %(name)s.", name=sorted(unknown)[0]))
        value = line(problems, field + ".value", item.get("value"), 40, required=True)
        label = line(problems, field + ".label", item.get("label"), 100, required=True)
        label_en = line(problems, field + ".label_en", item.get("label_en"), 100)
        if value and value in seen:
            problems.add(field + ".value", _l("The value %(value)s is given twice.", value=value))
        seen.add(value)
        out.append({"value": value, "label": label, "label_en": label_en})
    return out


def clean_question(data: Mapping[str, Any], *, partial: bool = False,
                   current: EventQuestion | None = None) -> tuple[dict, Problems]:
    problems = Problems()
    for field in data:
        if field not in QUESTION_FIELDS:
            problems.add(field, _l("Unknown field."))
    present = set(data) & set(QUESTION_FIELDS) if partial else set(QUESTION_FIELDS)
    out: dict[str, Any] = {}
    if "key" in present:
        key = line(problems, "key", data.get("key"), 40, required=True)
        if key and not KEY_RE.match(key):
            problems.add("key", _l("Lower-case letters, digits and _ only, starting with a letter (e.g. "
                                   "room_type)."))
        out["key"] = key
    if "label" in present:
        out["label"] = line(problems, "label", data.get("label"), 200, required=True)
    if "label_en" in present:
        out["label_en"] = line(problems, "label_en", data.get("label_en"), 200)
    if "help_text" in present:
        out["help_text"] = text(problems, "help_text", data.get("help_text"), 500)
    if "kind" in present:
        out["kind"] = enum_value(problems, "kind", QuestionKind, data.get("kind"))
    if "choices" in present:
        out["choices"] = _clean_choices(problems, data.get("choices") or [])
    if "required" in present:
        value = data.get("required", False)
        if not isinstance(value, bool):
            problems.add("required", _l("Expected true or false."))
        out["required"] = bool(value)
    if "categories" in present:
        raw = data.get("categories") or []
        out["categories"] = []
        if not isinstance(raw, (list, tuple)):
            problems.add("categories", _l("Expected a list of delegate categories."))
        else:
            for value in raw:
                category = enum_value(problems, "categories", DelegateCategory, value)
                if category is not None and category.value not in out["categories"]:
                    out["categories"].append(category.value)
    if "position" in present:
        out["position"] = int_value(problems, "position", data.get("position"), minimum=0, maximum=10_000) or 0
    kind = out.get("kind") or (current.kind if current is not None else None)
    choices = out["choices"] if "choices" in out else (current.choices if current is not None else [])
    if kind in (K.choice, K.multichoice) and not choices and not problems.get("choices"):
        problems.add("choices", _l("A choice question needs at least one choice."))
    if kind not in (None, K.choice, K.multichoice) and out.get("choices"):
        problems.add("choices", _l("Only choice questions have choices."))
    return out, problems


def _key_taken(event_id: int, key: str, exclude_id: int | None = None) -> bool:
    query = select(func.count()).select_from(EventQuestion).where(EventQuestion.event_id == event_id,
                                                                  EventQuestion.key == key)
    if exclude_id is not None:
        query = query.where(EventQuestion.id != exclude_id)
    return bool(db.session.scalar(query))


def add_question(event: Event, data: Mapping[str, Any], actor=None, *, preset: str | None = None,
                 question_format: QuestionFormat = QuestionFormat.none) -> EventQuestion:
    values, problems = clean_question(data)
    if values.get("key") and _key_taken(event.id, values["key"]):
        problems.add("key", _l("This event has a question with the key %(key)s already.", key=values["key"]))
    if problems:
        raise ServiceError(errors=problems)
    count = db.session.scalar(select(func.count()).select_from(EventQuestion)
                              .where(EventQuestion.event_id == event.id))
    if count >= MAX_QUESTIONS:
        raise ServiceError(_l("An event has at most %(n)d questions.", n=MAX_QUESTIONS), status=409)
    if "position" not in data:
        values["position"] = (db.session.scalar(select(func.max(EventQuestion.position))
                                                .where(EventQuestion.event_id == event.id)) or 0) + 10
    question = EventQuestion(event_id=event.id, preset=preset, format=question_format, **values)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: EventQuestion, data: Mapping[str, Any], actor=None) -> EventQuestion:
    if question.removed_at is not None:
        raise ServiceError(_l("This question has been removed."), status=404)
    values, problems = clean_question(data, partial=True, current=question)
    if values.get("key") and values["key"] != question.key:
        if question.preset:
            problems.add("key", _l("The key of a preset question cannot change."))
        elif _key_taken(question.event_id, values["key"], question.id):
            problems.add("key", _l("This event has a question with the key %(key)s already.", key=values["key"]))
    if problems:
        raise ServiceError(errors=problems)
    for field, value in values.items():
        setattr(question, field, value)
    db.session.flush()
    return question


def remove_question(question: EventQuestion, actor=None) -> None:
    """Delete it, or, once answered, hide it from the forms and keep its answers."""
    answered = db.session.scalar(select(func.count()).select_from(RegistrationAnswer)
                                 .where(RegistrationAnswer.question_id == question.id))
    if answered:
        question.removed_at = utcnow()
        record(db.session, "question_removed", question, actor=actor)
    else:
        db.session.delete(question)
    db.session.flush()


# --- presets ---------------------------------------------------------------------------------------

def _choice(value, label, label_en):
    return {"value": value, "label": label, "label_en": label_en}


def _nights(event: Event) -> list[dict]:
    """The night before the event to the night before its last day."""
    first, last = to_local(event.starts_at).date(), to_local(event.ends_at).date()
    nights, night = [], first - timedelta(days=1)
    while night < last and len(nights) < 31:
        nights.append(_choice(night.isoformat(), f"{night.month}月{night.day}日", night.strftime("%d %b")))
        night += timedelta(days=1)
    return nights or [_choice(first.isoformat(), f"{first.month}月{first.day}日", first.strftime("%d %b"))]


ROOM_TYPES = [_choice("single", "单间", "Single room"), _choice("twin", "标间", "Twin room"),
              _choice("twin_shared", "标间合住", "Twin room, shared")]
DIETS = [_choice("none", "无特殊要求", "No special needs"), _choice("halal", "清真", "Halal"),
         _choice("vegetarian", "素食", "Vegetarian"), _choice("other", "其他", "Other")]
GENDERS = [_choice("male", "男", "Male"), _choice("female", "女", "Female")]


def _preset_questions(event: Event) -> dict[str, list[tuple[dict, QuestionFormat]]]:
    n = QuestionFormat.none
    return {
        "accommodation": [
            ({"key": "nights", "label": "住宿日期", "label_en": "Hotel nights", "kind": "multichoice",
              "choices": _nights(event), "help_text": "不住宿请不选"}, n),
            ({"key": "room_type", "label": "房型", "label_en": "Room type", "kind": "choice", "choices": ROOM_TYPES}, n),
            ({"key": "roommate", "label": "合住人", "label_en": "Roommate", "kind": "text",
              "help_text": "标间合住时填写同住代表姓名"}, n),
        ],
        "travel": [
            ({"key": "arrival_at", "label": "抵达时间", "label_en": "Arrival", "kind": "datetime"}, n),
            ({"key": "arrival_number", "label": "抵达航班/车次", "label_en": "Arrival flight/train", "kind": "text"}, n),
            ({"key": "arrival_place", "label": "抵达机场/车站", "label_en": "Arrival airport/station", "kind": "text"}, n),
            ({"key": "pickup", "label": "需要接站", "label_en": "Pick-up wanted", "kind": "boolean"}, n),
            ({"key": "departure_at", "label": "返程时间", "label_en": "Departure", "kind": "datetime"}, n),
            ({"key": "departure_number", "label": "返程航班/车次", "label_en": "Departure flight/train",
              "kind": "text"}, n),
            ({"key": "departure_place", "label": "返程机场/车站", "label_en": "Departure airport/station",
              "kind": "text"}, n),
        ],
        "diet": [
            ({"key": "diet", "label": "饮食要求", "label_en": "Dietary needs", "kind": "choice", "choices": DIETS}, n),
            ({"key": "diet_other", "label": "其他饮食要求", "label_en": "Other dietary needs", "kind": "text"}, n),
        ],
        "gender": [({"key": "gender", "label": "性别", "label_en": "Gender", "kind": "choice", "choices": GENDERS}, n)],
        "id_number": [({"key": "id_number", "label": "身份证号", "label_en": "ID card number", "kind": "text",
                        "help_text": "仅用于酒店入住登记"}, QuestionFormat.cn_ric)],
        "invoice": [
            ({"key": "invoice_title", "label": "发票抬头", "label_en": "Invoice title", "kind": "text"}, n),
            ({"key": "invoice_tax_id", "label": "税号", "label_en": "Taxpayer ID (credit code)", "kind": "text"},
             QuestionFormat.cn_uscc),
        ],
    }


PRESETS = ("accommodation", "travel", "diet", "gender", "id_number", "invoice")
PRESET_LABELS = {
    "accommodation": _l("Accommodation (nights, room type, roommate)"),
    "travel": _l("Arrival and departure (time, flight/train, station, pick-up)"),
    "diet": _l("Dietary needs"),
    "gender": _l("Gender"),
    "id_number": _l("ID card number (masked)"),
    "invoice": _l("Invoice details (title, credit code)"),
}


def copy_questions(source: Event, target: Event) -> list[EventQuestion]:
    """The questions still asked by `source`, for `target` (a clone): the hotel
    nights are offered again for the new event's dates."""
    copies = []
    for question in questions(source):
        values = {field: getattr(question, field) for field in (
            "key", "label", "label_en", "help_text", "kind", "format", "choices", "required", "categories",
            "position", "preset")}
        if question.preset == "accommodation" and question.key == "nights":
            values["choices"] = _nights(target)
        copies.append(EventQuestion(event_id=target.id, **values))
    db.session.add_all(copies)
    return copies


def add_preset(event: Event, name: str, actor=None) -> list[EventQuestion]:
    """The preset's questions; those the event has already (by key) are left as they are."""
    if name not in PRESETS:
        raise ServiceError(_l("Unknown preset %(name)s.", name=str(name)[:40]), field="preset")
    added = []
    for data, question_format in _preset_questions(event)[name]:
        if not _key_taken(event.id, data["key"]):
            added.append(add_question(event, data, actor, preset=name, question_format=question_format))
    return added



def move_question(question: EventQuestion, direction: str, actor=None) -> None:
    """One place up or down among the event's questions (positions renumbered 10, 20, ...)."""
    if direction not in ("up", "down"):
        raise ServiceError(_l("Move up or down."), field="direction")
    ordered = questions(db.session.get(Event, question.event_id))
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        row.position = position * 10
    db.session.flush()
