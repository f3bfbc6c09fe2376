"""Signed agreements archived as issued (issue 17): the final PDF is built once,
stored outside the web root with its SHA-256, and every later download of the
signed agreement returns exactly those bytes, so a reprint is byte-identical."""
import hashlib
import logging
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.db import utcnow
from ..core.errors import ServiceError
from ..extensions import db
from .models import Agreement, AgreementArchive, AgreementParty, AgreementStatus
from .signing import sign_waiting, signed_content

log = logging.getLogger(__name__)


def folder() -> Path:
    path = Path(current_app.config.get("AGREEMENT_ARCHIVE_PATH")
                or Path(current_app.instance_path) / "agreement-archive")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def archive_of(agreement: Agreement, party: AgreementParty | None = None) -> AgreementArchive | None:
    """The common copy's archive, or (`party`) that party's original's."""
    holder = AgreementArchive.organization_id
    return db.session.scalar(select(AgreementArchive).where(
        AgreementArchive.agreement_id == agreement.id,
        holder.is_(None) if party is None else holder == party.organization_id))


def archive(agreement: Agreement, party: AgreementParty | None = None) -> AgreementArchive:
    """Build the final PDF once and keep it; the existing archive if there is one
    (two first downloads at once keep the first one's bytes). With `party`, that
    party's original (正本) instead of the common copy."""
    existing = archive_of(agreement, party)
    if existing is not None:
        return existing
    from .documents import agreement_pdf

    content = agreement_pdf(agreement, holder=party)
    content, signature, problem = signed_content(content, str(agreement))  # unsigned when no key can be used
    digest = hashlib.sha256(content).hexdigest()
    stored_name = f"{agreement.id}-{digest}.pdf" if party is None else \
        f"{agreement.id}-{party.organization_id}-{digest}.pdf"
    target = folder() / stored_name
    # Written beside and renamed, so a reader never sees half a file.
    partial = target.with_name(f".{stored_name}.{secrets.token_hex(4)}")
    partial.write_bytes(content)
    os.replace(partial, target)
    row = AgreementArchive(agreement_id=agreement.id, stored_name=stored_name, sha256=digest,
                           size=len(content), created_at=utcnow(),
                           organization_id=None if party is None else party.organization_id,
                           signature=signature, signature_problem=problem)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # archived meanwhile by another request: those bytes are the issued ones
        winner = archive_of(agreement, party)
        if winner is None:
            raise
        if winner.stored_name != stored_name:
            target.unlink(missing_ok=True)
        return winner
    return row


def read(row: AgreementArchive) -> bytes:
    try:
        content = (folder() / row.stored_name).read_bytes()
    except OSError:
        content = None
    if content is None or hashlib.sha256(content).hexdigest() != row.sha256:
        log.error("Archived PDF of agreement %s is missing or does not match its SHA-256", row.agreement_id)
        raise ServiceError(_l("The archived copy of this signed agreement is missing or damaged; "
                              "the secretariat has to restore it from a backup."), status=500)
    return content


def issued_pdf(agreement: Agreement) -> bytes:
    """The PDF to hand out: a signed agreement's archived bytes (archived now if
    it was signed before archives existed), otherwise the current printout
    (a draft's DRAFT mark, a voided agreement's VOID mark; its archive stays untouched)."""
    if agreement.status == AgreementStatus.signed:
        return read(sign_waiting(archive(agreement), read, folder))  # one left unsigned is signed once the key works
    from .documents import agreement_pdf

    return agreement_pdf(agreement)


def archive_originals(agreement: Agreement) -> list[AgreementArchive]:
    """Every party's original (一式多份), each archived with its own hash."""
    return [archive(agreement, party) for party in agreement.parties]


def issued_original_pdf(agreement: Agreement, party: AgreementParty) -> bytes:
    """One party's original as `issued_pdf` hands out the common copy: the
    archived bytes once signed, otherwise the current printout with its mark."""
    if agreement.status == AgreementStatus.signed:
        return read(sign_waiting(archive(agreement, party), read, folder))
    from .documents import agreement_pdf

    return agreement_pdf(agreement, holder=party)
