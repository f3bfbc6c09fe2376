"""Building PDFs: escaped text, CJK paragraph styles, A4 pages numbered
第 X 页 共 Y 页 (per document section), metadata. Builders take domain objects
and return bytes; views only send them."""
import io
import re
from typing import Callable
from xml.sax.saxutils import escape as _xml_escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from .fonts import cjk_font

# What a story has on build_pdf's default margins (20 mm left and right, 20 mm
# top, 22 mm bottom), less the frame's padding of 6 points on each side.
FRAME_WIDTH = A4[0] - 40 * mm - 12
FRAME_HEIGHT = A4[1] - 42 * mm - 12
_CHINESE = re.compile("[\u2e80-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def escape(value) -> str:
    """User text made safe for a reportlab Paragraph: markup shows literally,
    line breaks are kept."""
    if value is None:
        return ""
    return _xml_escape(str(value)).replace("\n", "<br/>")


def para(text, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of user text, escaped. CJK wrapping breaks Latin words at any
    letter ("Konstantinopou-los"), so text without Chinese wraps at spaces
    (a word longer than the line is still split)."""
    text = "" if text is None else str(text)
    if style.wordWrap == "CJK" and not _CHINESE.search(text):
        style = ParagraphStyle(f"{style.name}-latin", parent=style, wordWrap=None, splitLongWords=1)
    return Paragraph(escape(text), style)


def styles() -> dict[str, ParagraphStyle]:
    font = cjk_font().name
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13.5),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=20, alignment=TA_CENTER,
                                   textColor=colors.HexColor("#14532d")),
        "centered": ParagraphStyle("centered", parent=base, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=22, spaceBefore=10, spaceAfter=6,
                                  textColor=colors.HexColor("#14532d")),
        "subheading": ParagraphStyle("subheading", parent=base, fontSize=11.5, leading=18, spaceBefore=6,
                                     spaceAfter=3),
    }


class SectionStart(Flowable):
    """Marks where a new document starts inside one PDF (a ceremony pack holds
    several agreements, each numbered from its own page 1)."""

    def __init__(self):
        super().__init__()
        self.width = self.height = 0

    def draw(self):
        self.canv._section_starts.add(self.canv.getPageNumber())


class Reached(Flowable):
    """Draws nothing: calls `callback()` once the story has got this far, for
    the progress of a long build."""

    def __init__(self, callback):
        super().__init__()
        self.width = self.height = 0
        self.callback = callback

    def draw(self):
        self.callback()


def _numbered_canvas_class(font_name: str, label_format: str):
    class NumberedCanvas(pdf_canvas.Canvas):
        """Defers each page until the page count of its section is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []
            self._section_starts = {1}

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            starts = sorted(self._section_starts) + [len(self._saved_pages) + 1]
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                section_start = max(s for s in starts if s <= number)
                section_end = min(s for s in starts if s > number) - 1
                self._draw_number(number - section_start + 1, section_end - section_start + 1)
                super().showPage()
            super().save()

        def _draw_number(self, page, pages):
            self.saveState()
            self.setFont(font_name, 9)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawCentredString(self._pagesize[0] / 2, 10 * mm, label_format % {"page": page, "pages": pages})
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list, *, title: str, subject: str = "", author: str = "",
              margins_mm: tuple = (20, 20, 22, 20), on_page: Callable | None = None, pagesize=A4) -> bytes:
    """Render `story` on A4 with page numbers and document metadata.
    `on_page(canvas, doc)`, if given, draws on every page before its content
    (a watermark, for instance)."""
    buffer = io.BytesIO()
    top, right, bottom, left = (m * mm for m in margins_mm)
    document = SimpleDocTemplate(buffer, pagesize=pagesize, topMargin=top, rightMargin=right, bottomMargin=bottom,
                                 leftMargin=left, title=title, subject=subject, author=author or _("Alliance Secretariat"),
                                 creator="alliance_app", lang="zh-CN",
                                 initialFontName=cjk_font().name)  # no stray, unembedded Helvetica
    label = _("Page %(page)d of %(pages)d")
    decorate = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
    document.build(story, canvasmaker=_numbered_canvas_class(cjk_font().name, label), **decorate)
    return buffer.getvalue()
