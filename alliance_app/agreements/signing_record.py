"""The signing record of an agreement: who signs for each party (typed, or one
of the agenda's signing participants), the witness leaders (见证领导) and the
signing assistants (助签人); its validation and its replacement. Like the
other agreement services it flushes, never commits."""
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import record
from ..core.validation import Problems, int_value, line
from ..events.models import AgendaItem, AgendaKind, AgendaParticipant, EventSession, ParticipantPart, Person
from ..extensions import db
from .models import Agreement, AgreementParty, AgreementSigningPerson, SigningRole
from .services import _editable, _raise

SIGNING_RECORD_FIELDS = ("signers", "witnesses", "assistants")
MAX_SIGNING_PEOPLE = 20  # witnesses, or assistants, of one agreement


def signing_participants(agreement: Agreement) -> list[Person]:
    """The people the agenda has signing at the agreement's ceremony (its
    agenda item, or every signing ceremony of its event when it names none)."""
    query = (select(Person).join(AgendaParticipant, AgendaParticipant.person_id == Person.id)
             .join(AgendaItem, AgendaParticipant.agenda_item_id == AgendaItem.id)
             .where(AgendaParticipant.part == ParticipantPart.signatory))
    if agreement.agenda_item_id is not None:
        query = query.where(AgendaItem.id == agreement.agenda_item_id)
    elif agreement.event_id is not None:
        query = query.join(EventSession, AgendaItem.session_id == EventSession.id).where(
            EventSession.event_id == agreement.event_id, AgendaItem.kind == AgendaKind.signing_ceremony)
    else:
        return []
    people = db.session.scalars(query.order_by(AgendaItem.starts_at, AgendaParticipant.position,
                                               AgendaParticipant.id)).all()
    return list(dict.fromkeys(people))  # once each, in the agenda's order


def _rows(problems: Problems, field: str, value: Any, invalid) -> list[tuple[str, Mapping]]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        problems.add(field, invalid)
        return []
    if len(value) > MAX_SIGNING_PEOPLE:
        problems.add(field, _l("At most %(n)d people.", n=MAX_SIGNING_PEOPLE))
        return []
    rows = []
    for index, raw in enumerate(value):
        if not isinstance(raw, Mapping):
            problems.add(f"{field}-{index}", _l("Expected a JSON object."))
            continue
        rows.append((f"{field}-{index}", raw))
    return rows


def _party_of(problems: Problems, field: str, raw: Mapping, parties: dict, required: bool) -> AgreementParty | None:
    value = raw.get("organization_id")
    if value in (None, "") and not required:
        return None
    org_id = int_value(problems, field, value, minimum=1, maximum=2**31 - 1)
    if org_id is None:
        if field not in problems:
            problems.add(field, _l("This field is required."))
        return None
    if org_id not in parties:
        problems.add(field, _l("This organization is not a party to this agreement."))
        return None
    return parties[org_id]


def clean_signing_record(agreement: Agreement, data: Mapping[str, Any]) -> tuple[dict, Problems]:
    problems = Problems()
    for key in data:
        if key not in SIGNING_RECORD_FIELDS:
            problems.add(key, _l("Unknown field."))
    parties = {p.organization_id: p for p in agreement.parties}
    candidates = {person.id: person for person in signing_participants(agreement)}
    signers: dict[int, tuple[str | None, str | None]] = {}
    for field, raw in _rows(problems, "signers", data.get("signers"), _l("Expected a list of signers.")):
        for key in sorted(set(raw) - {"organization_id", "person_id", "name", "title"}):
            problems.add(f"{field}-{key}", _l("Unknown field."))
        party = _party_of(problems, f"{field}-organization_id", raw, parties, required=True)
        person = None
        if raw.get("person_id") not in (None, ""):
            person_id = int_value(problems, f"{field}-person_id", raw.get("person_id"), minimum=1, maximum=2**31 - 1)
            person = candidates.get(person_id)
            if person_id is not None and person is None:
                problems.add(f"{field}-person_id", _l("Choose one of the ceremony's signing participants."))
        # Typed text wins over the chosen participant's (a title printed differently).
        name = raw.get("name") if str(raw.get("name") or "").strip() else (person.name if person else None)
        title = raw.get("title") if str(raw.get("title") or "").strip() else (person.title if person else None)
        name = line(problems, f"{field}-name", name, 100, required=True)
        title = line(problems, f"{field}-title", title, 200)
        if party is not None:
            if party.organization_id in signers:
                problems.add(f"{field}-organization_id",
                             _l("%(name)s has a signer already.", name=party.printed_name))
            signers[party.organization_id] = (name, title)
    people = []
    for role, key, invalid in ((SigningRole.witness, "witnesses", _l("Expected a list of witnesses.")),
                               (SigningRole.assistant, "assistants", _l("Expected a list of signing assistants."))):
        allowed = {"name", "title"} | ({"organization_id"} if role == SigningRole.assistant else set())
        for position, (field, raw) in enumerate(_rows(problems, key, data.get(key), invalid)):
            for extra in sorted(set(raw) - allowed):
                problems.add(f"{field}-{extra}", _l("Unknown field."))
            party = _party_of(problems, f"{field}-organization_id", raw, parties, required=False) \
                if role == SigningRole.assistant else None
            people.append({"role": role, "position": position, "organization_id": party and party.organization_id,
                           "name": line(problems, f"{field}-name", raw.get("name"), 100, required=True),
                           "title": line(problems, f"{field}-title", raw.get("title"), 200)})
    return {"signers": signers, "people": people}, problems


def set_signing_record(agreement: Agreement, data: Mapping[str, Any], actor=None) -> Agreement:
    """Record who signs for each party (typed, or one of the agenda's signing
    participants), the witness leaders (见证领导) and the signing assistants
    (助签人). It replaces the record: a party left out has no signer. The text
    of the agreement is unchanged, so one ready for signing stays ready; once
    signed the record is printed in the archived copy and cannot change."""
    _editable(agreement)
    values, problems = clean_signing_record(agreement, data)
    _raise(problems)
    before = {p.organization_id: (p.signatory_name, p.signatory_title) for p in agreement.parties}
    for party in agreement.parties:
        party.signatory_name, party.signatory_title = values["signers"].get(party.organization_id, (None, None))
    agreement.signing_people = []
    db.session.flush()  # the old rows go first: (agreement, role, position) is unique
    agreement.signing_people = [AgreementSigningPerson(**person) for person in values["people"]]
    record(db.session, "agreement_signing_record", agreement, actor=actor, changes={
        "signers": [[list(v) for v in before.values()], [list(v) for v in values["signers"].values()]],
        "witnesses": [None, [p["name"] for p in values["people"] if p["role"] == SigningRole.witness]],
        "assistants": [None, [p["name"] for p in values["people"] if p["role"] == SigningRole.assistant]]})
    db.session.flush()
    return agreement
