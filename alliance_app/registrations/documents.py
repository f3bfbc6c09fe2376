"""Printed registration documents: name badges (胸卡), the sign-in sheet (签到表)
and a delegate's ticket (参会凭证).

Builders take domain objects and return PDF bytes; they run inside a request
(the QR code holds the absolute check-in URL from `ticket_url`). Every user
string that goes into a Paragraph is escaped; everything is drawn with the
embedded CJK font of `alliance_app.pdf`.

Badges: A4 sheets of 2 × 4 badges of 90 × 60 mm with an 8 mm gutter, so that
the crop marks at each badge's corners stay in the gutters and never touch the
neighbouring badge. Each badge: the event title (small), a rule in the
category colour, the delegate's name (large, shrunk to fit, two lines at
most), the organization (wrapping, shrunk to fit), the position, the QR code
(at least 22 mm of modules plus its quiet zone) and a band in the category
colour with the category label."""
import itertools
import re

from flask_babel import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from ..events.documents import when_text
from ..pdf.document import build_pdf, escape, styles
from ..pdf.fonts import cjk_font
from ..core.text import comparison_key
from .tickets import ticket_url
from .labels import CATEGORY_COLOURS, CATEGORY_LABELS, STATUS_LABELS

GREEN = colors.HexColor("#14532d")
GRID = colors.HexColor("#9ca3af")
QR_LEVEL = "M"
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for, inside the drawn square

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


# --- QR codes ------------------------------------------------------------------------------------

def _qr_widget(value: str, size: float) -> QrCodeWidget:
    return QrCodeWidget(value, barLevel=QR_LEVEL, barBorder=QR_QUIET_MODULES, barWidth=size, barHeight=size)


def _module_count(value: str) -> int:
    qr = _qr_widget(value, 1).qr
    # The version alone gives the size (4 × version + 17 modules): no need to
    # build the whole code (8 mask patterns tried) just to measure it.
    return 4 * (qr.version or qr.calculate_version()) + 17


def qr_box_size(value: str, modules_mm: float, maximum_mm: float | None = None) -> float:
    """The side (points) of a QR square, quiet zone included, whose modules span
    at least `modules_mm` (unless that would pass `maximum_mm`)."""
    count = _module_count(value)
    side = modules_mm * (count + 2 * QR_QUIET_MODULES) / count
    if maximum_mm is not None:
        side = min(side, maximum_mm)
    return side * mm


def qr_quiet_zone(value: str, size: float) -> float:
    """The width (points) of the quiet zone in a QR square of side `size`."""
    return size * QR_QUIET_MODULES / (_module_count(value) + 2 * QR_QUIET_MODULES)


def draw_qr(canv, value: str, x: float, y: float, size: float) -> None:
    """The QR code of reportlab's QR widget (error correction M, a quiet zone of
    four modules) as a size × size square with its lower left corner at (x, y).

    The widget's own drawing (renderPDF of one Rect shape per run of modules)
    made a badge cost 16 ms and can leave hairline seams between rows in
    anti-aliasing viewers; its module matrix is drawn here as one filled path
    instead: the same geometry, 7 ms a badge (measured on 400), no seams."""
    widget = _qr_widget(value, size)
    qr = widget.qr
    qr.make()
    border = widget.barBorder
    module = size / (qr.getModuleCount() + 2 * border)
    path = canv.beginPath()
    for row_number, row in enumerate(qr.modules):
        top = y + size - (row_number + border) * module
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = len(list(run))
            if dark:
                path.rect(x + (column + border) * module, top - module, length * module, module)
            column += length
    canv.saveState()
    canv.setFillColor(widget.barFillColor)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


class QrFlowable(Flowable):
    """A QR code in a story (the ticket)."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value, self.size = value, size
        self.hAlign = "CENTER"

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.value, 0, 0, self.size)


# --- text ----------------------------------------------------------------------------------------

_CHINESE = re.compile("[\u2e80-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def para(text, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of user text, escaped. CJK wrapping breaks Latin words at any
    letter ("Konstantinopou-los"), so text without Chinese wraps at spaces
    (a word longer than the line is still split)."""
    text = "" if text is None else str(text)
    if style.wordWrap == "CJK" and not _CHINESE.search(text):
        style = ParagraphStyle(f"{style.name}-latin", parent=style, wordWrap=None, splitLongWords=1)
    return Paragraph(escape(text), style)


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


class BadgeSheet(Flowable):
    """One A4 sheet of badges, drawn at fixed places on the page whatever the
    margins of the document."""

    def __init__(self, event, registrations, urls):
        super().__init__()
        self.event, self.registrations, self.urls = event, registrations, urls

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


def _nothing_to_print(event, message: str) -> list:
    s = styles()
    return [Spacer(1, 30 * mm), para(event.title, s["title"]), Spacer(1, 10 * mm),
            Paragraph(escape(message), s["centered"])]


def badges_pdf(event, registrations) -> bytes:
    """Name badges, eight per A4 sheet, in the order given."""
    registrations = list(registrations)
    title = _("Badges %(title)s", title=event.title)
    if not registrations:
        return build_pdf(_nothing_to_print(event, _("No delegates were selected: there are no badges to print.")),
                         title=title, subject=event.title)
    urls = [ticket_url(registration) for registration in registrations]
    story = [BadgeSheet(event, registrations[start:start + PER_SHEET], urls[start:start + PER_SHEET])
             for start in range(0, len(registrations), PER_SHEET)]
    return build_pdf(story, title=title, subject=event.title, margins_mm=(8, 8, 8, 8))


# --- the sign-in sheet ---------------------------------------------------------------------------

def _name_order(name: str) -> tuple:
    """Chinese names in pinyin order, as people look them up: GB 2312's common
    characters are encoded in pinyin order (the rarer ones follow by radical),
    and GB 18030 encodes every character. Latin names come first."""
    key = comparison_key(name)
    return key.encode("gb18030", errors="replace"), name


def by_organization(registrations) -> list[tuple[str | None, list]]:
    """(organization name, registrations) groups: organizations in the order of
    their names (pinyin for Chinese), the delegates in the order given;
    delegates without an organization last."""
    groups: dict = {}
    names: dict = {}
    for registration in registrations:
        org = registration.organization
        key = org.id if org is not None else None
        groups.setdefault(key, []).append(registration)
        names[key] = org.name if org is not None else None
    ordered = sorted((key for key in groups if key is not None),
                     key=lambda key: (_name_order(names[key]), key))
    if None in groups:
        ordered.append(None)
    return [(names[key], groups[key]) for key in ordered]


SIGN_IN_WIDTHS = [10 * mm, 30 * mm, 36 * mm, 26 * mm, 25 * mm, 43 * mm]  # 170 mm


def sign_in_sheet_pdf(event, registrations) -> bytes:
    """签到表 for the registration desk: grouped by organization, mobile numbers
    masked (the sheet lies open on a public desk), room to sign."""
    s = styles()
    registrations = list(registrations)
    cell = s["cell"]
    centred_cell = ParagraphStyle("cell-centred", parent=cell, alignment=TA_CENTER)
    group_style = ParagraphStyle("group", parent=cell, fontSize=10.5, leading=15, textColor=GREEN)
    story = [para(event.title, s["title"]),
             Paragraph(escape(_("Sign-in sheet")), s["subtitle"])]
    story.append(Paragraph(escape(when_text(event.starts_at, event.ends_at)), s["centered"]))
    place = "，".join(x for x in (event.venue, event.address) if x)
    if place:
        story.append(para(place, s["centered"]))
    story.append(Spacer(1, 6 * mm))
    if not registrations:
        story.append(Paragraph(escape(_("No delegates were selected: the sign-in sheet is empty.")), s["centered"]))
        return build_pdf(story, title=_("Sign-in sheet %(title)s", title=event.title), subject=event.title)

    header = [Paragraph(escape(text), centred_cell) for text in
              (_("No."), _("Name"), _("Position"), _("Category"), _("Mobile"), _("Signature"))]
    rows = [header]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font().name),  # the empty cells too: no stray Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ec")),
        ("TEXTCOLOR", (0, 0), (-1, 0), GREEN),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    number = 0
    for organization, members in by_organization(registrations):
        heading = organization if organization is not None else _("Individual guests (no organization)")
        row = len(rows)
        rows.append([para(heading, group_style), "", "", "", "", ""])
        commands += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f3f4f6")),
                     # Room for a closing ） that CJK line breaking lets hang past the line.
                     ("RIGHTPADDING", (0, row), (-1, row), 14),
                     # A heading never ends a page: it goes over with its first delegate.
                     ("NOSPLIT", (0, row), (-1, row + 1))]
        for registration in members:
            number += 1
            rows.append([
                Paragraph(str(number), centred_cell),
                para(registration.name, cell),
                para(registration.position, cell),
                Paragraph(escape(CATEGORY_LABELS.get(registration.category, registration.category)), centred_cell),
                Paragraph(escape(registration.masked_mobile), centred_cell),
                Spacer(1, 10 * mm),  # room to sign
            ])
    table = Table(rows, colWidths=SIGN_IN_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle(commands))
    story.append(table)
    return build_pdf(story, title=_("Sign-in sheet %(title)s", title=event.title), subject=event.title)


# --- the ticket ----------------------------------------------------------------------------------

def _session_titles(registration) -> list[str]:
    order = {session.id: index for index, session in enumerate(registration.event.sessions)}
    chosen = sorted(registration.sessions, key=lambda rs: (order.get(rs.session_id, len(order)), rs.session_id))
    return [rs.session.title for rs in chosen if rs.session is not None]


def ticket_pdf(registration) -> bytes:
    """One A4 page: the event, the delegate, a big QR code and what to do with it."""
    event = registration.event
    s = styles()
    url = ticket_url(registration)
    name_style = ParagraphStyle("ticket-name", parent=s["title"], fontSize=22, leading=30, spaceAfter=0)
    code_style = ParagraphStyle("ticket-code", parent=s["centered"], fontSize=13, leading=18)
    label_style = ParagraphStyle("ticket-label", parent=s["body"], textColor=colors.HexColor("#555555"))

    story = [Paragraph(escape(_("Admission ticket")), ParagraphStyle("kicker", parent=s["subtitle"], fontSize=11,
                                                                     leading=16)),
             para(event.title, s["title"])]
    if event.theme:
        story.append(Paragraph(escape(_("Theme: %(theme)s", theme=event.theme)), s["subtitle"]))
    story.append(Paragraph(escape(when_text(event.starts_at, event.ends_at)), s["centered"]))
    place = "，".join(x for x in (event.venue, event.address) if x)
    if place:
        story.append(para(place, s["centered"]))
    story += [Spacer(1, 8 * mm), para(registration.name, name_style), Spacer(1, 1 * mm)]
    if registration.organization:
        story.append(para(registration.organization.name, s["centered"]))
    story += [Spacer(1, 5 * mm), QrFlowable(url, qr_box_size(url, 55, 75)), Spacer(1, 2 * mm),
              Paragraph(escape(registration.ticket_code), code_style),
              Paragraph(escape(_("Show this code at the registration desk.")), s["centered"]),
              Spacer(1, 8 * mm)]

    details = [(_("Name"), registration.name)]
    if registration.organization:
        details.append((_("Organization"), registration.organization.name))
    if registration.position:
        details.append((_("Position"), registration.position))
    details += [(_("Category"), CATEGORY_LABELS.get(registration.category, registration.category)),
                (_("Status"), STATUS_LABELS.get(registration.status, registration.status))]
    sessions = _session_titles(registration)
    if sessions:
        details.append((_("Sessions"), "\n".join(sessions)))
    details.append((_("Ticket code"), registration.ticket_code))
    table = Table([[Paragraph(escape(label), label_style), para(value, s["body"])]
                   for label, value in details], colWidths=[35 * mm, 105 * mm], hAlign="CENTER")
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font().name),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d1d5db")),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story.append(table)
    # One page whatever the lengths: scaled down if it would run over.
    width, height = A4[0] - 40 * mm - 12, A4[1] - 42 * mm - 12
    page = KeepInFrame(width, height, story, mode="shrink", hAlign="CENTER")
    return build_pdf([page], title=_("Ticket %(name)s", name=registration.name), subject=event.title)
