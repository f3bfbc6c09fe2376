"""The event's questions (the form builder, its presets) and the delegates'
answers: one validation for every way of registering (the forms, the API),
each problem at its field (`answers.<key>`, with the row's prefix)."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

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
NUMBER_RE = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")
TRUE_WORDS = {"true", "yes", "y", "1", "是", "需要", "要"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不需要", "不要"}
MAX_QUESTIONS = 100


def _language() -> str | None:
    locale = get_locale()
    return locale.language if locale is not None else None


# --- the questions ---------------------------------------------------------------------------------

def questions(event: Event, *, with_removed: bool = False) -> list[EventQuestion]:
    query = select(EventQuestion).where(EventQuestion.event_id == event.id)
    if not with_removed:
        query = query.where(EventQuestion.removed_at.is_(None))
    return list(db.session.scalars(query.order_by(EventQuestion.position, EventQuestion.id)))


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


def add_preset(event: Event, name: str, actor=None) -> list[EventQuestion]:
    """The preset's questions; those the event has already (by key) are left as they are."""
    if name not in PRESETS:
        raise ServiceError(_l("Unknown preset %(name)s.", name=str(name)[:40]), field="preset")
    added = []
    for data, question_format in _preset_questions(event)[name]:
        if not _key_taken(event.id, data["key"]):
            added.append(add_question(event, data, actor, preset=name, question_format=question_format))
    return added


# --- answers ---------------------------------------------------------------------------------------

def _bool(problems, field, value):
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    problems.add(field, _l("Answer yes or no."))
    return None


def _number(problems, field, value):
    if isinstance(value, bool):
        problems.add(field, _l("Enter a number."))
        return None
    if isinstance(value, int):
        return value
    raw = str(value).strip().replace("，", "").replace(",", "")
    if not NUMBER_RE.match(raw):
        problems.add(field, _l("Enter a number, e.g. 2 or 1.5."))
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        problems.add(field, _l("Enter a number, e.g. 2 or 1.5."))
        return None
    return int(number) if number == number.to_integral_value() else str(number)


def _date(problems, field, value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    try:
        parsed = date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        problems.add(field, _l("Enter a date as YYYY-MM-DD."))
        return None
    if not 1900 <= parsed.year <= 2100:
        problems.add(field, _l("Enter a year between 1900 and 2100."))
        return None
    return parsed.isoformat()


def _datetime(problems, field, value):
    """Local time at the meeting's place, as YYYY-MM-DDTHH:MM (travel times are local)."""
    if not isinstance(value, datetime):
        raw = str(value).strip().replace("/", "-")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            problems.add(field, _l("Enter a date and time as YYYY-MM-DD HH:MM."))
            return None
    if value.tzinfo is not None:
        value = to_local(value).replace(tzinfo=None)
    if not 2000 <= value.year <= 2100:
        problems.add(field, _l("Enter a year between 2000 and 2100."))
        return None
    return value.isoformat(timespec="minutes")


def _text_answer(problems, field, question, value):
    if isinstance(value, (list, dict)):
        problems.add(field, _l("Expected text."))
        return None
    if question.kind == K.textarea:
        result = text(problems, field, value, 2000)
    else:
        result = line(problems, field, value, 200)
    if not result:
        return result
    if question.format == QuestionFormat.cn_ric:
        try:
            return ric.validate(result)
        except ValidationError:
            problems.add(field, _l("This is not a valid ID card number (check the last digit)."))
            return None
    if question.format == QuestionFormat.cn_uscc:
        try:
            return uscc.validate(result)
        except ValidationError:
            problems.add(field, _l("This is not a valid unified social credit code (18 characters, check the "
                                   "last one)."))
            return None
    return result


def _choice_answer(problems, field, question, value):
    offered = {c["value"]: c for c in question.choices or ()}
    labels = {c.get("label"): c["value"] for c in question.choices or ()}
    labels.update({(c.get("label_en") or "").lower(): c["value"] for c in question.choices or () if c.get("label_en")})

    def one(item):
        item = str(item).strip()
        if item in offered:
            return item
        if item in labels or item.lower() in labels:  # a 回执 typed with the label (单间)
            return labels.get(item) or labels[item.lower()]
        problems.add(field, _l("%(value)s is not one of the choices offered: %(allowed)s.", value=item[:50],
                               allowed="、".join(c.get("label") or c["value"] for c in question.choices)))
        return None

    if question.kind == K.choice:
        if isinstance(value, (list, dict)):
            problems.add(field, _l("Choose one."))
            return None
        return one(value)
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,，、;；]\s*", str(value))
    chosen = [one(item) for item in items if str(item).strip()]
    if None in chosen:
        return None
    return [v for v in offered if v in chosen]  # in the order offered, once each


def _answer(problems, field, question, value):
    if question.kind in (K.text, K.textarea):
        return _text_answer(problems, field, question, value)
    if question.kind in (K.choice, K.multichoice):
        return _choice_answer(problems, field, question, value)
    return {K.boolean: _bool, K.number: _number, K.date: _date, K.datetime: _datetime}[question.kind](
        problems, field, value)


def _empty(value) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def clean_answers(event_questions: list[EventQuestion], category, raw: Any, *, prefix: str = "",
                  partial: bool = False) -> tuple[dict[int, Any], Problems]:
    """{question id: value} of the answers given; problems at `<prefix>answers.<key>`.
    Questions hidden from the delegate's category are neither asked nor kept.
    partial: an edit (only the answers sent change; required ones may not be emptied)."""
    problems = Problems()
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.add(prefix + "answers", _l('Expected an object {"<key>": value}.'))
        return {}, problems
    by_key = {q.key: q for q in event_questions}
    for key in raw:
        if key not in by_key:
            problems.add(f"{prefix}answers.{str(key)[:40]}", _l("This event asks no question %(key)s.",
                                                                   key=str(key)[:40]))
    out: dict[int, Any] = {}
    for question in event_questions:
        field = f"{prefix}answers.{question.key}"
        if not question.applies_to(category):
            continue
        if partial and question.key not in raw:
            continue
        value = raw.get(question.key)
        if _empty(value):
            if question.required:
                problems.add(field, _l("This question must be answered."))
            out[question.id] = None
            continue
        answer = _answer(problems, field, question, value)
        if answer is not None and not (question.required and answer == []):
            out[question.id] = answer
        elif answer == [] and question.required:
            problems.add(field, _l("This question must be answered."))
    _check_travel(problems, prefix, by_key, out)
    return out, problems


def _check_travel(problems: Problems, prefix: str, by_key: dict, out: dict) -> None:
    arrival, departure = by_key.get("arrival_at"), by_key.get("departure_at")
    if arrival is None or departure is None:
        return
    arrives, departs = out.get(arrival.id), out.get(departure.id)
    if arrives and departs and departs < arrives:  # ISO strings compare as times
        problems.add(f"{prefix}answers.departure_at", _l("The departure is before the arrival."))


def _plain(question: EventQuestion, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)[:500]
    return str(value)[:500]


def store_answers(registration, cleaned: dict[int, Any]) -> None:
    """Write the answers (None removes one); the registration's other answers stay."""
    current = {answer.question_id: answer for answer in registration.answers}
    for question_id, value in cleaned.items():
        existing = current.get(question_id)
        if value is None:
            if existing is not None:
                registration.answers.remove(existing)
            continue
        question = db.session.get(EventQuestion, question_id)
        if existing is None:
            registration.answers.append(RegistrationAnswer(question_id=question_id, value=value,
                                                           text=_plain(question, value)))
        else:
            existing.value, existing.text = value, _plain(question, value)


# --- showing answers -------------------------------------------------------------------------------

def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else "****"


def shown_value(question: EventQuestion, value, *, unmasked: bool = False):
    """The API's value: as stored, an ID number masked."""
    if question.format == QuestionFormat.cn_ric and isinstance(value, str) and not unmasked:
        return mask_id_number(value)
    return value


def answers_dict(registration, *, unmasked: bool = False) -> dict[str, Any]:
    return {answer.question.key: shown_value(answer.question, answer.value, unmasked=unmasked)
            for answer in registration.answers}


def display(question: EventQuestion, value, *, unmasked: bool = False, language: str | None = None) -> str:
    """An answer as people read it (choice labels, 是/否) in the interface language
    (`language`, when the caller knows it already: an export of thousands of rows)."""
    if value is None:
        return ""
    language = language or _language()
    if question.kind == K.boolean:
        return str(_l("Yes")) if value else str(_l("No"))
    if question.kind == K.choice:
        return question.choice_label(value, language)
    if question.kind == K.multichoice:
        separator = "、" if language == "zh" else "; "
        return separator.join(question.choice_label(v, language) for v in value)
    if question.kind == K.datetime:
        return str(value).replace("T", " ")
    return str(shown_value(question, value, unmasked=unmasked))


def display_rows(event_questions: list[EventQuestion], registration) -> list[tuple[str, str]]:
    """(label, answer) of what the delegate answered, in the questions' order (the confirmation)."""
    language = _language()
    by_question = {a.question_id: a.value for a in registration.answers}
    return [(q.label_for(language), display(q, by_question[q.id])) for q in event_questions
            if q.id in by_question]


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
