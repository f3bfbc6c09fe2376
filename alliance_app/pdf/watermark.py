"""A light diagonal mark on every page (草稿 / DRAFT, 作废 / VOID), drawn under
the text as a picture so that it stays out of the text a reader copies or
searches, and the same words small in the top margin as text."""
import functools
import io
import math
import os

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.doctemplate import ActionFlowable

from .fonts import cjk_font
from .tables import GREY

WATERMARK_GREY = 0xd4  # light: text crossing the mark stays readable, and it still shows when printed
WATERMARK_PX = 256     # glyph height of the picture: about 150 dpi at its printed size


@functools.lru_cache(maxsize=16)
def _watermark_picture(font_path: str, font_index: int, text: str) -> tuple[bytes, int, int] | None:
    """The mark as a grey PNG with an alpha channel (width, height in pixels),
    or None when Pillow cannot draw with this font."""
    try:
        from PIL import Image, ImageDraw, ImageFont

        font = ImageFont.truetype(font_path, WATERMARK_PX, index=font_index)
    except (ImportError, OSError, ValueError):
        return None
    left, top, right, bottom = font.getbbox(text)
    pad = WATERMARK_PX // 16
    picture = Image.new("LA", (right - left + 2 * pad, bottom - top + 2 * pad), (WATERMARK_GREY, 0))
    ImageDraw.Draw(picture).text((pad - left, pad - top), text, font=font, fill=(WATERMARK_GREY, 255))
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue(), picture.width, picture.height


def font_file() -> tuple[str, int] | None:
    """The file (and index in a collection) of the PDF font, if it has one."""
    face = getattr(pdfmetrics.getFont(cjk_font().name), "face", None)
    path = getattr(face, "filename", None)
    if not path or not os.path.isfile(path):
        return None
    configured = current_app.config.get("PDF_FONT_PATH")
    index = int(current_app.config.get("PDF_FONT_INDEX") or 0) if configured and path == configured else 0
    return path, index


class Watermark:
    """build_pdf's `on_page`: the current mark drawn diagonally in light grey
    before the page's content (so under the text), plus the same words small
    in the top margin.

    The big diagonal mark is a picture, not text: diagonal text gets mixed
    into the lines a reader copies, searches or reads aloud (pdftotext put
    'FT' and 'RA' between the lines of a draft). The words in the margin say
    the same in text. Without a usable font file (the built-in CID font) the
    mark is drawn as text after all."""

    def __init__(self, text: str | None = None):
        self.text = text
        self._pictures: dict[str, tuple | None] = {}
        self._forms: dict[str, str] = {}

    def _picture(self, text: str):
        if text not in self._pictures:
            source = font_file()
            drawn = _watermark_picture(*source, text) if source else None
            self._pictures[text] = None if drawn is None else (ImageReader(io.BytesIO(drawn[0])), drawn[1], drawn[2])
        return self._pictures[text]

    def __call__(self, canv, doc):
        if not self.text:
            return
        form = self._form(canv, self.text)
        canv.saveState()
        canv.setFont(cjk_font().name, 9)
        canv.setFillColor(GREY)
        canv.drawString(20 * mm, A4[1] - 12 * mm, self.text)
        canv.doForm(form)
        canv.restoreState()

    def _form(self, canv, text: str) -> str:
        """The mark as a form drawn once per document and placed on every
        page: all the pages of a pack share one picture."""
        if text in self._forms:
            return self._forms[text]
        name = f"AllianceWatermark{len(self._forms)}"
        font = cjk_font().name
        width, height = A4
        span = 0.62 * (width ** 2 + height ** 2) ** 0.5  # the mark's length along the diagonal
        canv.beginForm(name)
        canv.translate(width / 2, height / 2)
        canv.rotate(math.degrees(math.atan2(height, width)))
        picture = self._picture(text)
        if picture is not None:
            image, pixels_wide, pixels_high = picture
            picture_height = span * pixels_high / pixels_wide
            canv.drawImage(image, -span / 2, -picture_height / 2, span, picture_height, mask="auto")
        else:
            size = span / max(stringWidth(text, font, 1), 1)
            canv.setFillColor(colors.Color(WATERMARK_GREY / 255, WATERMARK_GREY / 255, WATERMARK_GREY / 255))
            canv.setFont(font, size)
            canv.drawCentredString(0, -size * 0.35, text)
        canv.endForm()
        self._forms[text] = name
        return name


class SetWatermark(ActionFlowable):
    """Changes the mark from the next page on (put it before the PageBreak
    that starts the next document of a pack)."""

    def __init__(self, watermark: Watermark, text: str | None):
        super().__init__()
        self.watermark, self.text = watermark, text

    def apply(self, doc):
        self.watermark.text = self.text
