"""The registration list filtered by an answer (`question` = a key, `answer` = a
value, a choice's label, yes/no, or text contained; `-` for not answered),
compared in SQL on the answers' plain text."""
from sqlalchemy import exists, literal, select

from ..core.text import clean_line
from .answers import FALSE_WORDS, TRUE_WORDS
from .question_models import EventQuestion, QuestionKind, RegistrationAnswer
from .models import Registration
from ..extensions import db

K = QuestionKind
NOT_ANSWERED = "-"


def _question(event, key: str) -> EventQuestion | None:
    return db.session.scalar(select(EventQuestion).where(EventQuestion.event_id == event.id,
                                                         EventQuestion.key == key[:40]).limit(1))


def _choice_value(question: EventQuestion, raw: str) -> str:
    for choice in question.choices or ():
        if raw in (choice.get("value"), choice.get("label")) or raw.lower() == (choice.get("label_en") or "").lower():
            return choice["value"]
    return raw


def answer_filter(query, event, filters: dict):
    key, raw = clean_line(filters.get("question"))[:40], clean_line(filters.get("answer"))[:100]
    if not key or not raw:
        return query
    question = _question(event, key)
    if question is None:
        return query.where(literal(False))  # a question the event does not ask: nobody answered it
    answered = RegistrationAnswer.registration_id == Registration.id
    mine = RegistrationAnswer.question_id == question.id
    if raw == NOT_ANSWERED:
        return query.where(~exists().where(answered, mine))
    text = RegistrationAnswer.text
    if question.kind == K.choice:
        condition = text == _choice_value(question, raw)
    elif question.kind == K.multichoice:
        # The values are stored comma-joined: match a whole one.
        condition = (literal(",") + text + literal(",")).contains(f",{_choice_value(question, raw)},",
                                                                   autoescape=True)
    elif question.kind == K.boolean:
        word = raw.lower()
        condition = text == ("true" if word in TRUE_WORDS else "false" if word in FALSE_WORDS else word)
    else:
        condition = text.contains(raw, autoescape=True)
    return query.where(exists().where(answered, mine, condition))
