"""Photos and PDFs attached to progress reports: the name is checked (no
paths, no control or direction characters), the content is sniffed (a JPEG
or PNG Pillow can read, or a PDF) and must be what the name says, the size is
bounded; files are kept under instance/followup/ with random names, outside
the web root."""
import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.errors import ServiceError

FIELD = "attachments"
# Extension → the type the content must be.
EXTENSIONS = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
_HOSTILE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class Checked:
    filename: str
    content: bytes
    mimetype: str



def clean_name(name: str) -> str:
    """The name as shown, or a refusal: a path, a control or direction character
    or a name of dots only is refused, not silently rewritten."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ServiceError(_l("An attachment has no file name."), field=FIELD)
    if _HOSTILE.search(name) or ".." in name or name.startswith("."):
        raise ServiceError(_l("The file name %(name)s is not allowed: use letters, digits and a plain extension, "
                              "without paths or special characters.", name=ascii(name)[1:-1][:80]), field=FIELD)
    if len(name) > 120:
        raise ServiceError(_l("The file name %(name)s is longer than 120 characters.", name=name[:40] + "…"),
                           field=FIELD)
    return name


def sniff(content: bytes) -> str | None:
    """The type the bytes really are, among those accepted; None otherwise."""
    if content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]:
        return "application/pdf"
    if content[:3] == b"\xff\xd8\xff" or content[:8] == b"\x89PNG\r\n\x1a\n":
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                return {"JPEG": "image/jpeg", "PNG": "image/png"}.get(image.format)
        except Exception:  # noqa: BLE001  Pillow raises many kinds for a broken image
            return None
    return None


def check(uploads: list[Upload]) -> list[Checked]:
    """Every attachment checked before anything is stored: one refusal refuses all."""
    config = current_app.config
    if len(uploads) > config["FOLLOWUP_MAX_ATTACHMENTS"]:
        raise ServiceError(_l("At most %(n)d attachments per report.", n=config["FOLLOWUP_MAX_ATTACHMENTS"]),
                           field=FIELD)
    checked = []
    limit = config["FOLLOWUP_ATTACHMENT_MAX_BYTES"]
    for upload in uploads:
        name = clean_name(upload.filename)
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        expected = EXTENSIONS.get(extension)
        if expected is None:
            raise ServiceError(_l("%(name)s: only photos (JPEG, PNG) and PDF files can be attached.", name=name),
                               field=FIELD)
        if not upload.content:
            raise ServiceError(_l("%(name)s is empty.", name=name), field=FIELD)
        if len(upload.content) > limit:
            raise ServiceError(_l("%(name)s is larger than %(mb)s MB.", name=name, mb=limit // (1024 * 1024)),
                               field=FIELD)
        actual = sniff(upload.content)
        if actual != expected:
            raise ServiceError(_l("%(name)s is not the kind of file its name says (its content is not a readable "
                                  "%(kind)s).", name=name, kind=extension.upper()), field=FIELD)
        checked.append(Checked(name, upload.content, actual))
    return checked


def folder() -> Path:
    path = Path(current_app.config.get("FOLLOWUP_FILES_PATH") or Path(current_app.instance_path) / "followup")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(item: Checked) -> dict:
    """Write the file under a random name; the columns of its ReportAttachment."""
    stored_name = secrets.token_hex(16)
    (folder() / stored_name).write_bytes(item.content)
    return {"filename": item.filename, "stored_name": stored_name, "mimetype": item.mimetype,
            "size": len(item.content), "sha256": hashlib.sha256(item.content).hexdigest()}


def read(stored_name: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        return None
    path = folder() / stored_name
    return path.read_bytes() if path.is_file() else None
