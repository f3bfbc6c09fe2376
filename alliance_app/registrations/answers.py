"""The delegates' answers to the event's questions: one validation for every
way of registering (the forms, the API), each problem at its field
(`answers.<key>`, with the row's prefix), storing them and showing them. The
questions themselves (the form builder, its presets) are in question_services.py."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from ..core.timeutil import to_local
from ..core.validation import Problems, line, text
from ..extensions import db
from .question_models import EventQuestion, QuestionFormat, QuestionKind, RegistrationAnswer

K = QuestionKind
NUMBER_RE = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")
TRUE_WORDS = {"true", "yes", "y", "1", "是", "需要", "要"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不需要", "不要"}


def _language() -> str | None:
    locale = get_locale()
    return locale.language if locale is not None else None


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
