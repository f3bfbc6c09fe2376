"""Files sent to the browser: PDFs, spreadsheets, calendars. Names may be
Chinese (RFC 5987 `filename*`), never break the header, and personal data is
kept out of shared caches."""
import re
import unicodedata
from urllib.parse import quote

from flask import Response

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ascii_fallback(filename: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    stem, dot, extension = ascii_name.rpartition(".")
    if not dot:
        stem, extension = ascii_name, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    if not re.search(r"[A-Za-z]", stem):
        stem = "download" + (f"-{stem}" if stem else "")
    return stem + (f".{extension}" if extension else "")


def content_disposition(filename: str, fallback: str | None = None, *, inline: bool = False) -> str:
    """`attachment` (or `inline`, shown in the browser) with an ASCII name for old
    clients and the real one per RFC 5987."""
    filename = _CONTROL.sub("", filename).replace("/", "_").replace("\\", "_").strip() or "download"
    fallback = _ascii_fallback(_CONTROL.sub("", fallback or filename))
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(data: bytes, filename: str, mimetype: str, *, fallback: str | None = None,
                      inline: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, fallback, inline=inline)
    # Exports carry personal data: no shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response
