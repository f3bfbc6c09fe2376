"""What the secretariat prints and exports for a whole event, as documents the
worker may build (alliance_app/jobs): badges, the sign-in sheet and the
registration export. The views and the worker load them the same way."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..core.text import clean_line
from ..events.models import Event
from ..extensions import db
from ..jobs.registry import DocumentKind, digest, register_kind, row_values
from ..members.models import Organization
from . import documents, transfer
from .labels import CATEGORY_LABELS
from .answer_filter import answer_filter
from .models import Registration, RegistrationStatus


def _secretariat(user) -> bool:
    return user.is_secretariat


def registration_query(event: Event, filters: dict):
    query = select(Registration).where(Registration.event_id == event.id).options(
        selectinload(Registration.organization), selectinload(Registration.sessions),
        selectinload(Registration.answers))
    if filters.get("status") in RegistrationStatus.__members__:
        query = query.where(Registration.status == RegistrationStatus(filters["status"]))
    if filters.get("category") in {c.value for c in CATEGORY_LABELS}:
        query = query.where(Registration.category == filters["category"])
    q = clean_line(filters.get("q"))[:100]
    if q:
        query = query.outerjoin(Organization, Registration.organization_id == Organization.id).where(or_(
            Registration.name.contains(q, autoescape=True), Registration.mobile.contains(q, autoescape=True),
            Organization.name.contains(q, autoescape=True), Organization.short_name.contains(q, autoescape=True)))
    query = answer_filter(query, event, filters)
    return query.order_by(Registration.created_at, Registration.id)


def selected(event: Event, ids) -> list[Registration]:
    """The confirmed (and checked-in) delegates to print, all of them or those of `ids`."""
    query = select(Registration).where(Registration.event_id == event.id, Registration.status.in_(
        (RegistrationStatus.confirmed, RegistrationStatus.checked_in))).options(
        selectinload(Registration.organization)).order_by(Registration.organization_id, Registration.name)
    if ids:
        query = query.where(Registration.id.in_(ids))
    return list(db.session.scalars(query))


# --- badges and the sign-in sheet: params {"event_id", "ids"} -------------------------------------

def _load_selected(params):
    event = db.session.get(Event, params["event_id"])
    return None if event is None else (event, selected(event, params.get("ids")))


def _printed_fingerprint(data) -> str:
    event, registrations = data
    return digest(row_values(event), current_app.config.get("BASE_URL"),
                  [(row_values(r), row_values(r.organization)) for r in registrations])


def _count(data) -> int:
    return len(data[1])


BADGES = register_kind(DocumentKind(
    name="badges", load=_load_selected, size=_count, fingerprint=_printed_fingerprint,
    build=lambda data, progress: documents.badges_pdf(*data, progress=progress),
    describe=lambda data: (_("Badges %(title)s", title=data[0].title) + ".pdf", f"badges-{data[0].slug}.pdf",
                           "application/pdf"),
    can_view=_secretariat, threshold="BACKGROUND_DOCUMENT_THRESHOLD"))

SIGN_IN_SHEET = register_kind(DocumentKind(
    name="sign_in_sheet", load=_load_selected, size=_count, fingerprint=_printed_fingerprint,
    build=lambda data, progress: documents.sign_in_sheet_pdf(*data, progress=progress),
    describe=lambda data: (_("Sign-in sheet %(title)s", title=data[0].title) + ".pdf",
                           f"sign-in-sheet-{data[0].slug}.pdf", "application/pdf"),
    can_view=_secretariat, threshold="BACKGROUND_DOCUMENT_THRESHOLD"))


# --- the export: params {"event_id", "fmt", "filters"} --------------------------------------------

def _load_export(params):
    event = db.session.get(Event, params["event_id"])
    if event is None or params.get("fmt") not in transfer.FORMATS:
        return None
    return event, db.session.scalars(registration_query(event, params.get("filters") or {})).all(), params["fmt"]


def _export_fingerprint(data) -> str:
    event, registrations, fmt = data
    # The cells themselves: session titles and who registered are in them too.
    return digest(fmt, list(transfer.export_rows(event, registrations)))


EXPORT = register_kind(DocumentKind(
    name="registration_export", load=_load_export, size=_count, fingerprint=_export_fingerprint,
    build=lambda data, progress: transfer.export(*data, progress=progress)[0],
    describe=lambda data: (_("Registrations %(title)s", title=data[0].title) + f".{data[2]}",
                           f"registrations-{data[0].slug}.{data[2]}", transfer.MIMETYPES[data[2]]),
    can_view=_secretariat, threshold="BACKGROUND_EXPORT_THRESHOLD", inline=False))
