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
from .models import Agreement, AgreementArchive, AgreementStatus
from .signing import sign_waiting, signed_content

log = logging.getLogger(__name__)


def folder() -> Path:
    path = Path(current_app.config.get("AGREEMENT_ARCHIVE_PATH")
                or Path(current_app.instance_path) / "agreement-archive")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def archive_of(agreement: Agreement) -> AgreementArchive | None:
    return db.session.scalar(select(AgreementArchive).where(AgreementArchive.agreement_id == agreement.id))


def archive(agreement: Agreement) -> AgreementArchive:
    """Build the final PDF once and keep it; the existing archive if there is one
    (two first downloads at once keep the first one's bytes)."""
    existing = archive_of(agreement)
    if existing is not None:
        return existing
    from .documents import agreement_pdf

    content = agreement_pdf(agreement)
    content, signature, problem = signed_content(content, str(agreement))  # unsigned when no key can be used
    digest = hashlib.sha256(content).hexdigest()
    stored_name = f"{agreement.id}-{digest}.pdf"
    target = folder() / stored_name
    # Written beside and renamed, so a reader never sees half a file.
    partial = target.with_name(f".{stored_name}.{secrets.token_hex(4)}")
    partial.write_bytes(content)
    os.replace(partial, target)
    row = AgreementArchive(agreement_id=agreement.id, stored_name=stored_name, sha256=digest,
                           size=len(content), created_at=utcnow(),
                           signature=signature, signature_problem=problem)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # archived meanwhile by another request: those bytes are the issued ones
        winner = archive_of(agreement)
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
