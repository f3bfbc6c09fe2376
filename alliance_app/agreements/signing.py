"""The alliance's PAdES signature on archived agreements (issue 17).

The archive is signed when it is made, at signing. Without a usable key (none
configured, a wrong passphrase, an expired certificate) the agreement is still
signed and its archive kept unsigned; it waits, the dashboard lists what
waits and why, and it is signed later: at its next download, or at once for
all with `flask signing-key sign-waiting`, whichever comes first after the key
is fixed. The signature is an incremental update, so the bytes handed out
before are the signed file's beginning; their hash stays in `unsigned_sha256`
and the verification page still recognises them."""
import hashlib
import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..extensions import db
from ..pdf import pades
from .models import AgreementArchive

log = logging.getLogger(__name__)

_keys: dict[tuple, pades.Key] = {}  # per process: opening a PKCS#12 file costs 50-250 ms


def key_path() -> Path:
    configured = current_app.config.get("SIGNING_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "signing-key.p12"


def configured() -> bool:
    return bool(current_app.config.get("SIGNING_KEY_PATH")) or key_path().exists()


def current_key() -> pades.Key | None:
    """The key to sign with; None when there is none; KeyProblem when it cannot be used."""
    if not configured():
        return None
    path = key_path()
    passphrase = current_app.config.get("SIGNING_KEY_PASSPHRASE")
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise pades.KeyProblem(_("The signing key file %(path)s does not exist.", path=path)) from None
    cache_key = (str(path), stamp, hashlib.sha256((passphrase or "").encode()).hexdigest())
    key = _keys.get(cache_key)
    if key is None:
        key = pades.load_key(path, passphrase)
        _keys.clear()
        _keys[cache_key] = key
    elif not key.certificate.not_valid_before_utc <= datetime.now(timezone.utc) \
            <= key.certificate.not_valid_after_utc:
        raise pades.KeyProblem(pades.expired(key.certificate))
    return key


def signed_content(content: bytes, title: str | None = None) -> tuple[bytes, str, str | None]:
    """(bytes, signature kind, problem): `content` signed when a key is usable;
    otherwise unchanged with "none" and why (None: no key configured)."""
    try:
        key = current_key()
        if key is None:
            return content, pades.NONE, None
        config = current_app.config
        return pades.sign(content, key, name=config["SIGNING_NAME"], reason=title,
                          timestamp_url=config.get("SIGNING_TIMESTAMP_URL") or None), key.kind, None
    except pades.KeyProblem as exc:
        log.warning("Archive left unsigned: %s", exc)
        return content, pades.NONE, str(exc)[:300]
    except Exception as exc:  # noqa: BLE001 - a timestamp server down must not stop the ceremony
        log.exception("Archive left unsigned: signing failed")
        return content, pades.NONE, f"Signing failed: {exc.__class__.__name__}"[:300]


def sign_waiting(row: AgreementArchive, read, folder) -> AgreementArchive:
    """Sign an archive that waits, if the key can be used now (else record why
    it still waits). Two at once: the first one's file is kept. `read` and
    `folder` are archive.py's (which imports this module)."""
    if row.signature != pades.NONE or not configured():
        return row
    content = read(row)
    signed, kind, problem = signed_content(content)
    if kind == pades.NONE:
        if problem != row.signature_problem:
            row.signature_problem = problem
        return row
    digest = hashlib.sha256(signed).hexdigest()
    stored_name = f"{row.agreement_id}-{digest}.pdf" if row.organization_id is None else \
        f"{row.agreement_id}-{row.organization_id}-{digest}.pdf"
    target = folder() / stored_name
    partial = target.with_name(f".{stored_name}.{secrets.token_hex(4)}")
    partial.write_bytes(signed)
    os.replace(partial, target)
    done = db.session.execute(
        update(AgreementArchive).where(AgreementArchive.id == row.id, AgreementArchive.sha256 == row.sha256)
        .values(stored_name=stored_name, sha256=digest, size=len(signed), signature=kind, signature_problem=None,
                unsigned_sha256=row.sha256).execution_options(synchronize_session=False)).rowcount
    old_name = row.stored_name
    db.session.refresh(row)
    if not done:  # signed meanwhile by another request: keep its file
        target.unlink(missing_ok=True)
    else:
        (folder() / old_name).unlink(missing_ok=True)
    return row


def sign_all_waiting(read, folder) -> tuple[int, int]:
    """(signed, still waiting) over every unsigned archive; commits after each."""
    done = 0
    ids = db.session.scalars(select(AgreementArchive.id).where(AgreementArchive.signature == pades.NONE)
                             .order_by(AgreementArchive.id)).all()
    for archive_id in ids:
        row = db.session.get(AgreementArchive, archive_id)
        if sign_waiting(row, read, folder).signature != pades.NONE:
            done += 1
        db.session.commit()
    return done, len(ids) - done


def status() -> dict:
    """For the dashboard: is there a key, can it be used, how many archives wait."""
    waiting = db.session.scalar(select(func.count()).select_from(AgreementArchive)
                                .where(AgreementArchive.signature == pades.NONE)) or 0
    try:
        key = current_key()
    except pades.KeyProblem as exc:
        return {"key": "broken", "problem": str(exc), "waiting": waiting}
    if key is None:
        return {"key": "none", "problem": None, "waiting": waiting}
    return {"key": key.kind, "problem": None, "waiting": waiting,
            "expires": key.certificate.not_valid_after_utc}
