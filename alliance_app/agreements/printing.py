"""The signing ceremony pack as a document the worker may build
(alliance_app/jobs) when an event has many agreements; also the pack of
every party's original (一式多份)."""
from flask_babel import gettext as _

from ..events.models import Event
from ..extensions import db
from ..jobs.registry import DocumentKind, digest, register_kind, row_values
from . import documents, services


def _load(params):
    event = db.session.get(Event, params["event_id"])
    return None if event is None else (event, services.ceremony_agreements(event, with_clauses=True))


def _fingerprint(data) -> str:
    event, agreements = data
    return digest(row_values(event), [
        (row_values(agreement),
         [(row_values(party), row_values(party.organization)) for party in agreement.parties],
         [row_values(clause) for clause in agreement.clauses],
         [row_values(sector) for sector in agreement.sector_rows],
         [row_values(person) for person in agreement.signing_people])
        for agreement in agreements])


CEREMONY_PACK = register_kind(DocumentKind(
    name="ceremony_pack", load=_load, size=lambda data: len(data[1]), fingerprint=_fingerprint,
    build=lambda data, progress: documents.ceremony_pack_pdf(*data, progress=progress),
    describe=lambda data: (_("Signing ceremony %(title)s", title=data[0].title) + ".pdf",
                           f"ceremony-{data[0].slug}.pdf", "application/pdf"),
    can_view=lambda user: user.is_secretariat, threshold="BACKGROUND_AGREEMENT_THRESHOLD"))

# Every agreement once per party: the size counts the originals printed.
CEREMONY_ORIGINALS = register_kind(DocumentKind(
    name="ceremony_originals", load=_load, size=lambda data: sum(len(a.parties) for a in data[1]),
    fingerprint=_fingerprint,
    build=lambda data, progress: documents.ceremony_pack_pdf(*data, progress=progress, originals=True),
    describe=lambda data: (_("Signing ceremony %(title)s", title=data[0].title) + " " + _("originals") + ".pdf",
                           f"ceremony-{data[0].slug}-originals.pdf", "application/pdf"),
    can_view=lambda user: user.is_secretariat, threshold="BACKGROUND_AGREEMENT_THRESHOLD"))
