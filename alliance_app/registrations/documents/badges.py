"""Name badges (胸卡): A4 sheets of 2 × 4 badges of 90 × 60 mm with an 8 mm
gutter, so that the crop marks at each badge's corners stay in the gutters and
never touch the neighbouring badge. Each badge: the event title (small), a
rule in the category colour, the delegate's name (large, shrunk to fit, two
lines at most), the organization (wrapping, shrunk to fit), the position, the
QR code (at least 22 mm of modules plus its quiet zone) and a band in the
category colour with the category label."""
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer

from ...pdf.document import build_pdf, escape, para, styles
from ...pdf.fonts import cjk_font
from ...protocol.hall import seat_text
from ...pdf.qr import draw_qr, qr_box_size, qr_quiet_zone
from ..labels import CATEGORY_COLOURS, CATEGORY_LABELS
from ..tickets import ticket_url

# --- the badge sheet geometry (millimetres) -----------------------------------------------------
BADGE_W, BADGE_H = 90, 60
COLUMNS, ROWS = 2, 4
GUTTER = 8
SHEET_LEFT = (210 - COLUMNS * BADGE_W - (COLUMNS - 1) * GUTTER) / 2   # 11 mm
SHEET_TOP = 12                                                        # from the top of the page; 21 mm stay
                                                                      # below for the page number
PER_SHEET = COLUMNS * ROWS
BAND_H = 10            # the category band at the bottom of a badge
PAD = 5                # left padding of the text
QR_MODULES_MIN = 23    # mm of QR modules (without the quiet zone) on a badge: scannable from a phone
QR_BOX_MAX = 30        # mm, quiet zone included
CROP_OFFSET, CROP_LENGTH = 1, 2.5


def _hex(value: str):
    return colors.HexColor(value)


# --- text that fits ------------------------------------------------------------------------------

def _wrap_within(paragraph: Paragraph, width: float) -> float:
    """Wrap `paragraph` so that no line passes `width` and return its height.
    CJK line breaking lets closing punctuation such as ） hang past the edge
    (it may not start a line): wrap narrower by the overhang."""
    _w, height = paragraph.wrap(width, 10_000)
    overhang = max(paragraph.getActualLineWidths0() or [0]) - width
    if overhang > 0.01:
        _w, height = paragraph.wrap(width - overhang, 10_000)
    return height


def _fit(text: str, width: float, tries, base: ParagraphStyle, colour=colors.black, name: str = "fit"):
    """A paragraph of `text` (escaped) in the first (font size, most lines) of
    `tries` that fits `width`; the last one, scaled down, when none does.
    Returns (flowable, height)."""
    style = None
    paragraph = None
    for size, lines in tries:
        style = ParagraphStyle(f"{name}-{size}", parent=base, fontSize=size, leading=round(size * 1.22, 2),
                               textColor=colour, spaceBefore=0, spaceAfter=0)
        paragraph = para(text, style)
        height = _wrap_within(paragraph, width)
        # Fits, and no word is cut in two (Latin words are split only as a last resort).
        whole_words = paragraph.style.wordWrap == "CJK" or paragraph.minWidth() <= width
        if height <= lines * style.leading + 0.01 and whole_words:
            return paragraph, height
    most = tries[-1][1] * style.leading
    if height <= most + 0.01:
        return paragraph, height
    box = KeepInFrame(width, most, [paragraph], mode="shrink")
    box.wrap(width, most)
    return box, most


NAME_TRIES = [(size, 1) for size in (24, 22, 20, 18, 16, 14)] + [(13, 2), (12, 2), (11, 2), (10, 2), (9, 2)]
ORG_TRIES = [(11, 2), (10, 2), (10, 3), (9, 3), (8, 3), (7, 3)]
POSITION_TRIES = [(9, 1), (8, 1), (8, 2), (7, 2)]
EVENT_TRIES = [(7.5, 2), (6.5, 2)]
SEAT_TRIES = [(10, 1), (9, 1), (8, 1), (7, 1), (6, 1)]


# --- badges --------------------------------------------------------------------------------------

def _badge_origin(index: int) -> tuple[float, float]:
    """Lower left corner (points) of badge `index` on its sheet."""
    column, row = index % COLUMNS, index // COLUMNS
    x = SHEET_LEFT + column * (BADGE_W + GUTTER)
    y = 297 - SHEET_TOP - (row + 1) * BADGE_H - row * GUTTER
    return x * mm, y * mm


def _crop_marks(canv, x: float, y: float) -> None:
    """Short hairlines outside each corner, in line with the badge's edges."""
    w, h = BADGE_W * mm, BADGE_H * mm
    near, far = CROP_OFFSET * mm, (CROP_OFFSET + CROP_LENGTH) * mm
    canv.saveState()
    canv.setStrokeColor(colors.HexColor("#6b7280"))
    canv.setLineWidth(0.25)
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            canv.line(cx + sx * near, cy, cx + sx * far, cy)   # horizontal, in line with the top/bottom edge
            canv.line(cx, cy + sy * near, cx, cy + sy * far)   # vertical, in line with the side
    canv.restoreState()


def _draw_badge(canv, event, registration, url: str, x: float, y: float, base: ParagraphStyle) -> None:
    width, height = BADGE_W * mm, BADGE_H * mm
    colour = _hex(CATEGORY_COLOURS.get(registration.category, "#4b5563"))
    font = cjk_font().name

    # The category band.
    canv.saveState()
    canv.setFillColor(colour)
    canv.rect(x, y, width, BAND_H * mm, stroke=0, fill=1)
    canv.setFillColor(colors.white)
    canv.setFont(font, 13)
    label = str(CATEGORY_LABELS.get(registration.category, registration.category))
    canv.drawString(x + PAD * mm, y + (BAND_H * mm - 13 * 0.72) / 2, label)
    canv.restoreState()

    # The QR code, right, above the band; its quiet zone is white badge.
    qr_side = qr_box_size(url, QR_MODULES_MIN, QR_BOX_MAX)
    # The modules end at the right padding, in line with the rule; the quiet zone lies beyond.
    qr_x = x + width - PAD * mm + qr_quiet_zone(url, qr_side) - qr_side
    qr_y = y + (BAND_H + 0.5) * mm
    draw_qr(canv, url, qr_x, qr_y, qr_side)

    # The event title over the whole width, and a rule in the category colour.
    top = y + height - 4 * mm
    title, title_h = _fit(event.title, width - 2 * PAD * mm, EVENT_TRIES, base, colors.HexColor("#4b5563"), "ev")
    title.drawOn(canv, x + PAD * mm, top - title_h)
    rule_y = top - 7 * mm
    canv.saveState()
    canv.setStrokeColor(colour)
    canv.setLineWidth(0.8)
    canv.line(x + PAD * mm, rule_y, x + width - PAD * mm, rule_y)
    canv.restoreState()

    # Name, organization and position, left of the QR code.
    text_w = qr_x - (x + PAD * mm)  # the quiet zone of the QR code stays free
    cursor = rule_y - 1.5 * mm
    name, name_h = _fit(registration.name, text_w, NAME_TRIES, base, colors.black, "name")
    name.drawOn(canv, x + PAD * mm, cursor - name_h)
    cursor -= name_h + 1.2 * mm
    organization = registration.organization.name if registration.organization else ""
    if organization:
        org, org_h = _fit(organization, text_w, ORG_TRIES, base, colors.HexColor("#1f2937"), "org")
        org.drawOn(canv, x + PAD * mm, cursor - org_h)
        cursor -= org_h + 1 * mm
    if registration.position:
        position, position_h = _fit(registration.position, text_w, POSITION_TRIES, base,
                                    colors.HexColor("#4b5563"), "pos")
        position.drawOn(canv, x + PAD * mm, cursor - position_h)
    seat = seat_text(registration)
    if seat:  # the hall seat, just above the band
        seat_line, _seat_h = _fit(seat, text_w, SEAT_TRIES, base, colour, "seat")
        seat_line.drawOn(canv, x + PAD * mm, y + (BAND_H + 1.2) * mm)


class BadgeSheet(Flowable):
    """One A4 sheet of badges, drawn at fixed places on the page whatever the
    margins of the document."""

    def __init__(self, event, registrations, urls, reached=None):
        super().__init__()
        self.event, self.registrations, self.urls = event, registrations, urls
        self.reached = reached  # called once the sheet is drawn (progress of a long build)

    def wrap(self, available_width, available_height):
        # The whole frame: the next sheet starts on a new page.
        return available_width, available_height

    def draw(self):
        canv = self.canv
        origin_x, origin_y = canv.absolutePosition(0, 0)
        canv.saveState()
        canv.translate(-origin_x, -origin_y)  # page coordinates from here on
        base = styles()["body"]
        for index, (registration, url) in enumerate(zip(self.registrations, self.urls)):
            x, y = _badge_origin(index)
            _draw_badge(canv, self.event, registration, url, x, y, base)
            _crop_marks(canv, x, y)
        canv.restoreState()
        if self.reached is not None:
            self.reached()


def _nothing_to_print(event, message: str) -> list:
    s = styles()
    return [Spacer(1, 30 * mm), para(event.title, s["title"]), Spacer(1, 10 * mm),
            Paragraph(escape(message), s["centered"])]


def _reached(progress, done: int, total: int):
    return None if progress is None else (lambda: progress(done, total))


def badges_pdf(event, registrations, progress=None) -> bytes:
    """Name badges, eight per A4 sheet, in the order given. `progress(done,
    total)`, if given, hears after each sheet how many badges are drawn."""
    registrations = list(registrations)
    title = _("Badges %(title)s", title=event.title)
    if not registrations:
        return build_pdf(_nothing_to_print(event, _("No delegates were selected: there are no badges to print.")),
                         title=title, subject=event.title)
    urls = [ticket_url(registration) for registration in registrations]
    total = len(registrations)
    story = [BadgeSheet(event, registrations[start:start + PER_SHEET], urls[start:start + PER_SHEET],
                        _reached(progress, min(start + PER_SHEET, total), total))
             for start in range(0, total, PER_SHEET)]
    return build_pdf(story, title=title, subject=event.title, margins_mm=(8, 8, 8, 8))
