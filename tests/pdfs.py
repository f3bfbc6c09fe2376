"""Reading printed documents as a user's PDF reader would (poppler's tools),
and building them in a chosen language: shared by the document tests."""
import shutil
import subprocess
from contextlib import contextmanager

import flask_babel
import pytest


@contextmanager
def language(app, lang="zh_CN"):
    """A request in `lang` (the builders run inside requests). Flask-Babel keeps
    the locale on the app context, which the test's requests share: forget it."""
    headers = {"Cookie": "alliance_lang=en"} if lang == "en" else {}
    with app.test_request_context("/", headers=headers):
        flask_babel.refresh()
        yield
    flask_babel.refresh()


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} (poppler-utils) is needed to read the PDF")
    return path


def pdf_text(data: bytes, layout: bool = False) -> str:
    """All the text a PDF reader extracts: in reading order, or (layout) line by
    line as printed, which keeps table rows together. Pages end with a form feed."""
    return subprocess.run([poppler("pdftotext"), *(["-layout"] if layout else []), "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def pdf_pages(data: bytes, layout: bool = False) -> list[str]:
    """The text of each page."""
    out = pdf_text(data, layout)
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def squash(text) -> str:
    """Text without white space: a name wrapped onto two lines still reads as one."""
    return "".join(str(text).split())


def pdf_info(data: bytes) -> dict[str, str]:
    out = subprocess.run([poppler("pdfinfo"), "-"], input=data, capture_output=True, check=True).stdout.decode()
    return {key.strip(): value.strip() for key, _sep, value in
            (line.partition(":") for line in out.splitlines()) if _sep}


def assert_embedded_font_only(data: bytes) -> None:
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # the CJK TrueType font travels with the file
    assert b"Helvetica" not in data  # nothing drawn in a font the reader may lack
