"""People of the programme (speakers, hosts, guests) and their parts in agenda
items. They flush, never commit."""
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l

from ..core.errors import ServiceError
from ..core.validation import Problems, enum_value, int_value, line, text
from ..extensions import db
from .checks import apply_changes, fields_to_clean, organization_field, raise_problems
from .models import AgendaItem, AgendaParticipant, ParticipantPart, Person


PERSON_FIELDS = ("name", "title", "organization_id", "bio")


def clean_person(data: Mapping[str, Any], *, partial: bool = False):
    problems = Problems()
    present = fields_to_clean(problems, data, PERSON_FIELDS, partial)
    out: dict[str, Any] = {}
    if "name" in present:
        out["name"] = line(problems, "name", data.get("name"), 100, required=True)
    if "title" in present:
        out["title"] = line(problems, "title", data.get("title"), 300)
    if "bio" in present:
        out["bio"] = text(problems, "bio", data.get("bio"), 5000)
    if "organization_id" in present:
        org = organization_field(problems, "organization_id", data.get("organization_id"), optional=True)
        out["organization_id"] = org.id if org else None
    return out, problems


def create_person(data: Mapping[str, Any], actor=None) -> Person:
    values, problems = clean_person(data)
    raise_problems(problems)
    person = Person(**values)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, data: Mapping[str, Any], actor=None) -> Person:
    values, problems = clean_person(data, partial=True)
    raise_problems(problems)
    return apply_changes(person, values)


def add_participant(item: AgendaItem, data: Mapping[str, Any], actor=None) -> AgendaParticipant:
    problems = Problems()
    person_id = int_value(problems, "person_id", data.get("person_id"), minimum=1, maximum=2**31 - 1)
    part = enum_value(problems, "part", ParticipantPart, data.get("part") or "speaker")
    person = db.session.get(Person, person_id) if person_id else None
    if person_id and person is None:
        problems.add("person_id", _l("There is no person with the id %(id)s.", id=person_id))
    elif person_id is None and "person_id" not in problems:
        problems.add("person_id", _l("This field is required."))
    raise_problems(problems)
    if any(p.person_id == person.id and p.part == part for p in item.participants):
        raise ServiceError(_l("%(name)s is already listed in this part.", name=person.name), field="person_id",
                           status=409)
    participant = AgendaParticipant(person=person, part=part, position=len(item.participants))
    item.participants.append(participant)
    db.session.flush()
    return participant


def remove_participant(participant: AgendaParticipant, actor=None) -> None:
    db.session.delete(participant)
    db.session.flush()
