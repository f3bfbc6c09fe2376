"""The event's questions as inputs of every registration form (the member's
multi-delegate form, the secretariat's form, the edit form, the guests' forms and
the substitute's): read back as the raw answers the service validates, each
problem shown at its input. The inputs are named `<prefix>answers-<key>`; the service's problems come as
`<prefix>answers.<key>`."""
from typing import Any

from .answers import display
from .question_models import EventQuestion, QuestionFormat, QuestionKind

K = QuestionKind


def input_name(prefix: str, question: EventQuestion) -> str:
    return f"{prefix}answers-{question.key}"


def read_answers(formdata, prefix: str, questions: list[EventQuestion]) -> dict[str, Any]:
    """{key: raw value} of every question shown (empty strings for no answer)."""
    out: dict[str, Any] = {}
    for question in questions:
        name = input_name(prefix, question)
        if question.kind == K.multichoice:
            out[question.key] = [v for v in formdata.getlist(name) if v.strip()]
        else:
            out[question.key] = formdata.get(name, "")
    return out


def any_answer(raw: dict[str, Any]) -> bool:
    return any(v not in ("", [], None) for v in raw.values())


def form_values(registration) -> dict[str, Any]:
    """{key: what the input shows} for an edit; an ID number is never shown
    (masked in the help instead) and stays as it is unless a new one is typed."""
    out: dict[str, Any] = {}
    for answer in registration.answers:
        question, value = answer.question, answer.value
        if question.format == QuestionFormat.cn_ric:
            continue
        if question.kind == K.boolean:
            out[question.key] = "true" if value else "false"
        elif question.kind == K.multichoice:
            out[question.key] = list(value or [])
        else:
            out[question.key] = "" if value is None else str(value)
    return out


def kept_hints(registration) -> dict[str, str]:
    """The masked ID number an edit keeps when its input is left empty."""
    return {a.question.key: display(a.question, a.value) for a in registration.answers
            if a.question.format == QuestionFormat.cn_ric and a.value}


def drop_kept(raw: dict[str, Any], registration) -> dict[str, Any]:
    """An ID number left empty in an edit keeps the stored one."""
    kept = kept_hints(registration)
    return {k: v for k, v in raw.items() if not (k in kept and v in ("", None))}


def split_errors(errors: dict[str, list]) -> tuple[dict[str, list], dict[str, list]]:
    """(the answers' problems by input name, the other problems)."""
    answers, other = {}, {}
    for name, messages in errors.items():
        if "answers." in name:
            answers[name.replace("answers.", "answers-", 1)] = messages
        else:
            other[name] = messages
    return answers, other
