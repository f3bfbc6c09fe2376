"""The public verification of a printed agreement (issue 17): the code and QR
in every page footer lead to /verify/<code>, which tells anyone what the
agreement is, whether it is signed or void, the SHA-256 of the archived PDF
and whether that file's digital signature validates; a PDF (or its hash)
can be compared with the archive there.

An unknown code answers exactly as a code that was never issued (404), and
lookups are throttled per address, so codes cannot be harvested."""
import hashlib
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.errors import MESSAGES, ServiceError
from ..core.throttle import Throttle
from ..extensions import db
from ..pdf import pades
from .archive import archive_of, read
from .links import verify_url
from .models import Agreement, AgreementArchive, AgreementStatus

LOOKUPS = Throttle("agreement_verify", "VERIFY_LOOKUP_LIMIT", "VERIFY_LOOKUP_WINDOW_S")
_CODE = re.compile(r"^[A-Z2-7]{16}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Comparison results (API enum values).
IDENTICAL, IDENTICAL_BEFORE_SIGNATURE, DIFFERENT, NOT_ARCHIVED = (
    "identical", "identical_before_signature", "different", "not_archived")


def normalise(code) -> str | None:
    """What was typed or scanned, as stored: upper case, spaces and dashes dropped."""
    if not isinstance(code, str) or len(code) > 64:
        return None
    code = re.sub(r"[\s\-]", "", code).upper()
    return code if _CODE.match(code) else None


def lookup_allowed(caller: str) -> None:
    """Count a lookup against the caller's (address's) limit; 429 past it."""
    key = f"address:{caller}"
    if LOOKUPS.exceeded(key):
        raise ServiceError(_l("Too many verifications from your address. Please wait a few minutes and try again."),
                           status=429)
    LOOKUPS.hit(key)


def lookup(code, caller: str) -> Agreement:
    """The agreement of `code`, counted against the caller's limit: 429 past
    it, 404 for a code that is not an agreement's (malformed or unknown alike)."""
    lookup_allowed(caller)
    code = normalise(code)
    agreement = None if code is None else db.session.scalar(
        select(Agreement).where(Agreement.verification_code == code).options(selectinload(Agreement.parties)))
    if agreement is None:
        raise ServiceError(MESSAGES[404], status=404)  # the very answer of an address that does not exist
    return agreement


@dataclass(frozen=True)
class Verification:
    agreement: Agreement
    url: str
    sha256: str | None          # of the archived PDF, once signed
    unsigned_sha256: str | None  # of the copies handed out before the digital signature was added
    signature: str               # none, self_signed, trusted
    signature_valid: bool | None  # None: no signature to check
    signer: str | None
    # Each party's original (正本) has its own archived file: (SHA-256, before the signature)
    originals: tuple[tuple[str, str | None], ...] = ()

    @property
    def status(self) -> str:
        return self.agreement.status.value

    @property
    def amount_shown(self) -> bool:
        return bool(self.agreement.amount_disclosed and self.agreement.amount is not None)


_checks: dict[str, pades.Check] = {}  # per process, by SHA-256: the same bytes validate the same


def _signature_check(row, content: bytes) -> pades.Check:
    """The signature's validation of the archived file (read, so its SHA-256 is
    checked on every request); validated once per process (30-70 ms)."""
    if row.sha256 not in _checks:
        if len(_checks) > 1000:
            _checks.clear()
        _checks[row.sha256] = pades.check(content)
    return _checks[row.sha256]


def verification(agreement: Agreement) -> Verification:
    """What the page and the JSON say. A draft or ready agreement is no
    agreement yet: its status, and no archive."""
    row = archive_of(agreement) if agreement.status in (AgreementStatus.signed, AgreementStatus.voided) else None
    checked = _signature_check(row, read(row)) if row is not None and row.signature != pades.NONE else None
    originals = () if row is None else tuple(db.session.execute(
        select(AgreementArchive.sha256, AgreementArchive.unsigned_sha256)
        .where(AgreementArchive.agreement_id == agreement.id, AgreementArchive.organization_id.is_not(None))).all())
    return Verification(
        agreement=agreement, url=verify_url(agreement), sha256=row.sha256 if row else None,
        unsigned_sha256=row.unsigned_sha256 if row else None, signature=row.signature if row else pades.NONE,
        signature_valid=None if checked is None else checked.valid, signer=checked.signer if checked else None,
        originals=originals)


def upload_problem(content: bytes | None, limit: int) -> str | None:
    """Why an upload cannot be compared (nothing, too large, not a PDF), or None."""
    if not content:
        return str(_l("Choose a PDF file to compare, or paste its SHA-256."))
    if len(content) > limit:
        return str(_l("The file is larger than %(mb)d MB; the printed agreements are far smaller. "
                      "Compare its SHA-256 instead.", mb=limit // (1024 * 1024)))
    if not content[:1024].lstrip().startswith(b"%PDF-"):
        return str(_l("This file is not a PDF. Upload the agreement's PDF as it was downloaded."))
    return None


def hash_problem(text) -> str | None:
    if not isinstance(text, str) or not _SHA256.match(text.strip().lower()):
        return str(_l("A SHA-256 is 64 hexadecimal characters (0-9, a-f)."))
    return None


def compare(found: Verification, *, content: bytes | None = None, sha256: str | None = None) -> str:
    """Is the file (or the hash) byte-identical to the archive? Any change —
    one byte, a page added, saved again by another program — is different."""
    digest = hashlib.sha256(content).hexdigest() if content is not None else sha256.strip().lower()
    if found.sha256 is None:
        return NOT_ARCHIVED
    if digest == found.sha256 or any(digest == signed for signed, _ in found.originals):
        return IDENTICAL
    if digest in {found.unsigned_sha256, *(unsigned for _, unsigned in found.originals)} - {None}:
        return IDENTICAL_BEFORE_SIGNATURE
    return DIFFERENT


def find_by_hash(digest: str) -> Agreement | None:
    """The agreement whose archive has this SHA-256 (for a file uploaded without its code)."""
    return db.session.scalar(select(Agreement).join(AgreementArchive, AgreementArchive.agreement_id == Agreement.id)
                             .where((AgreementArchive.sha256 == digest) | (AgreementArchive.unsigned_sha256 == digest))
                             .options(selectinload(Agreement.parties)).limit(1))
