"""Printed protocol documents: the rostrum seating diagram seen from the hall
with its list (主席台座次图), and table cards (桌签).

Names are drawn run by run (pdf.fonts.font_runs) so that a character the
chosen font lacks is printed with another font, and any character no
embeddable font has is reported on a first page of the PDF, never left as an
unexplained empty box."""
from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from ..events.documents import when_text
from ..pdf.document import build_pdf, escape, para, styles
from ..pdf.fonts import MISSING_MARK, cjk_font, draw_runs, font_runs, runs_width
from ..pdf.tables import GREEN, GRID, GREY, HEADER_BACKGROUND, table_style
from .models import SeniorSide

PAGE_W, PAGE_H = landscape(A4)
NAME_BREAKS = (" ", "·", "•", "-")


@dataclass
class Card:
    """What one table card shows."""
    name: str
    organization: str = ""
    title: str = ""


def card_for_person(person) -> Card:
    return Card(person.name, person.organization.name if person.organization else "", person.title or "")


def card_for_registration(registration) -> Card:
    return Card(registration.name, registration.organization.name if registration.organization else "",
                registration.position or "")


def missing_characters(texts) -> dict[str, list[str]]:
    """{text: characters no embeddable font has} for the texts that have any."""
    found = {}
    for text in texts:
        _runs, missing = font_runs(text or "")
        if missing:
            found[text] = missing
    return found


def _warning_page(missing: dict[str, list[str]], explanation: str | None = None) -> list:
    s = styles()
    explanation = explanation or _("The embedded fonts lack these characters. They are printed with the built-in "
                                   "font, which a computer without it shows as an empty box, or as 〓 where no "
                                   "font can print them: check the printout and write them in by hand if needed.")
    story = [Paragraph(escape(_("Check before printing")), s["title"]), Spacer(1, 4 * mm),
             Paragraph(escape(explanation), s["body"]), Spacer(1, 4 * mm)]
    for text, chars in missing.items():
        # The character itself cannot be shown here either: its code point is, and 〓 where it stands.
        shown = "".join(MISSING_MARK if ch in chars else ch for ch in text)
        codes = " ".join(f"U+{ord(ch):04X}" for ch in chars)
        story.append(para(_("%(text)s: %(chars)s", text=shown, chars=codes), s["body"]))
    story.append(PageBreak())
    return story


# --- names that fit -----------------------------------------------------------------------------------

def _split_name(name: str) -> list[str]:
    """Two lines for a long name, cut at the space or middle dot nearest its
    middle; a name without one stays whole."""
    cuts = [i for i, ch in enumerate(name) if ch in NAME_BREAKS and 0 < i < len(name) - 1]
    if not cuts:
        return [name]
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    keep = name[cut] if name[cut] in "·•-" else ""  # the dot stays at the end of the first line
    return [name[:cut] + keep, name[cut + 1:]]


def fit_name(name: str, width: float, height: float, largest: float, smallest: float = 0):
    """(lines as runs, font size): one line at the largest size that fits
    `width` and `height`; when that would be below `smallest`, two lines."""
    lines = [font_runs(name)[0]]
    size = min(largest, height / 1.15, width / max(runs_width(lines[0], 1), 0.01))
    if size < smallest:
        parts = _split_name(name)
        if len(parts) == 2:
            two = [font_runs(part)[0] for part in parts]
            size2 = min(largest, height / 2.3, width / max(max(runs_width(r, 1) for r in two), 0.01))
            if size2 > size:
                return two, size2
    return lines, size


def _draw_centred_lines(canv, lines, size: float, centre_x: float, top: float) -> float:
    """Draws the lines centred under `top`; answers the y below them."""
    y = top
    for runs in lines:
        y -= size * 0.88
        draw_runs(canv, runs, centre_x - runs_width(runs, size) / 2, y, size)
        y -= size * 0.27
    return y


# --- table cards --------------------------------------------------------------------------------------

CARD_MARGIN = 12 * mm
FACE_H = PAGE_H / 2
NAME_LARGEST, NAME_SMALLEST = 120, 48
DETAIL_SIZE = 22


def _draw_face(canv, card: Card, details: bool) -> None:
    """One face in the lower half of the page, reading upright; the fold is
    its top edge."""
    width = PAGE_W - 2 * CARD_MARGIN
    detail_lines = [text for text in (card.organization, card.title) if details and text]
    detail_block = len(detail_lines) * DETAIL_SIZE * 1.35
    name_h = FACE_H - 2 * CARD_MARGIN - detail_block - (4 * mm if detail_lines else 0)
    lines, size = fit_name(card.name, width, name_h, NAME_LARGEST, NAME_SMALLEST)
    block = len(lines) * size * 1.15 + (4 * mm + detail_block if detail_lines else 0)
    top = FACE_H / 2 + block / 2
    canv.setFillColor(colors.black)
    y = _draw_centred_lines(canv, lines, size, PAGE_W / 2, top)
    y -= 4 * mm
    canv.setFillColor(colors.HexColor("#374151"))
    for text in detail_lines:
        runs = font_runs(text)[0]
        detail = min(DETAIL_SIZE, width / max(runs_width(runs, 1), 0.01))
        y = _draw_centred_lines(canv, [runs], detail, PAGE_W / 2, y) - DETAIL_SIZE * 0.2


class CardPage(Flowable):
    """One A4 landscape sheet: folded along the middle it stands on the table
    with the name on both faces; the upper face is drawn upside down."""

    def __init__(self, card: Card, details: bool):
        super().__init__()
        self.card, self.details = card, details

    def wrap(self, available_width, available_height):
        return available_width, available_height

    def draw(self):
        canv = self.canv
        origin_x, origin_y = canv.absolutePosition(0, 0)
        canv.saveState()
        canv.translate(-origin_x, -origin_y)
        _draw_face(canv, self.card, self.details)
        canv.saveState()
        canv.translate(PAGE_W, PAGE_H)
        canv.rotate(180)
        _draw_face(canv, self.card, self.details)
        canv.restoreState()
        # The fold, faint, and the cutting-free margins.
        canv.setStrokeColor(colors.HexColor("#c0c4cc"))
        canv.setLineWidth(0.3)
        canv.setDash(3, 3)
        canv.line(5 * mm, FACE_H, PAGE_W - 5 * mm, FACE_H)
        canv.setDash()
        canv.setFillColor(colors.HexColor("#9ca3af"))
        canv.setFont(cjk_font().name, 6.5)
        canv.drawString(5 * mm, FACE_H + 1 * mm, _("Fold here"))
        canv.restoreState()


def table_cards_pdf(cards: list[Card], *, title: str, details: bool = False) -> bytes:
    """One A4 landscape sheet per card, in the order given."""
    missing = missing_characters([c.name for c in cards] + ([c.organization for c in cards] +
                                                            [c.title for c in cards] if details else []))
    story: list = _warning_page(missing) if missing else []
    if not cards:
        s = styles()
        story += [Spacer(1, 40 * mm), Paragraph(escape(_("No one was chosen: there are no table cards to "
                                                          "print.")), s["centered"])]
    for index, card in enumerate(cards):
        if index:
            story.append(PageBreak())
        story.append(CardPage(card, details))
    # No page numbers: they would print on the faces the guests see.
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=_("Table cards %(title)s", title=title),
                                 author=_("Alliance Secretariat"), creator="alliance_app", lang="zh-CN",
                                 initialFontName=cjk_font().name)
    document.build(story)
    return buffer.getvalue()


# --- the rostrum seating diagram --------------------------------------------------------------------

SEAT_W_MAX, SEAT_H = 26 * mm, 30 * mm


class RostrumDiagram(Flowable):
    """The rows of the rostrum seen from the hall: the front row nearest the
    hall (at the bottom), each seat with its place in the order of
    precedence, the name and the title."""

    def __init__(self, rows, precedence: dict[int, int], width: float):
        super().__init__()
        self.rows, self.precedence = rows, precedence
        self.width = width
        self.seat_w = min(SEAT_W_MAX, (width - 10 * mm) / max([len(r) for r in rows] + [1]))
        self.height = len(rows) * (SEAT_H + 6 * mm) + 22 * mm

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canv = self.canv
        font = cjk_font().name
        title_style = ParagraphStyle("seat-title", fontName=font, fontSize=7, leading=8.5, wordWrap="CJK",
                                     alignment=1, textColor=GREY)
        # The table of the rostrum, then the hall below it.
        table_y = 16 * mm
        canv.setFillColor(HEADER_BACKGROUND)
        canv.setStrokeColor(GREEN)
        canv.rect(0, table_y, self.width, 7 * mm, stroke=1, fill=1)
        canv.setFillColor(GREEN)
        canv.setFont(font, 11)
        canv.drawCentredString(self.width / 2, table_y + 2.2 * mm, _("Rostrum table"))
        canv.setFont(font, 10)
        canv.setFillColor(colors.black)
        canv.drawCentredString(self.width / 2, 8 * mm, "↓ " + _("The hall (audience)") + " ↓")
        canv.setFont(font, 8.5)
        canv.setFillColor(GREY)
        canv.drawString(0, 2 * mm, _("Left of the hall"))
        canv.drawRightString(self.width, 2 * mm, _("Right of the hall"))
        for number, row in enumerate(self.rows):
            y = table_y + 7 * mm + 3 * mm + number * (SEAT_H + 6 * mm)
            row_w = len(row) * self.seat_w
            x0 = (self.width - row_w) / 2
            canv.setFillColor(GREY)
            canv.setFont(font, 8)
            canv.drawRightString(x0 - 2 * mm, y + SEAT_H / 2, _("Row %(n)d", n=number + 1))
            for seat, person in enumerate(row):
                x = x0 + seat * self.seat_w
                canv.setStrokeColor(GRID)
                canv.setFillColor(colors.white)
                canv.roundRect(x + 0.8 * mm, y, self.seat_w - 1.6 * mm, SEAT_H, 1.5 * mm, stroke=1, fill=1)
                canv.setFillColor(GREEN)
                canv.setFont(font, 8)
                canv.drawCentredString(x + self.seat_w / 2, y + SEAT_H - 4 * mm,
                                       str(self.precedence.get(person.id, "")))
                canv.setFillColor(colors.black)
                inner = self.seat_w - 3 * mm
                lines, size = fit_name(person.name, inner, 12 * mm, 14, 9)
                _draw_centred_lines(canv, lines, size, x + self.seat_w / 2, y + SEAT_H - 5.5 * mm)
                if person.title:
                    box = KeepInFrame(inner, 9 * mm, [para(person.title, title_style)], mode="shrink")
                    box.wrapOn(canv, inner, 9 * mm)
                    box.drawOn(canv, x + 1.5 * mm, y + 1.5 * mm)


def _which_way(senior_side: SeniorSide) -> str:
    convention = (_("Left is senior (government practice): the second sits on the first's left as the rostrum "
                    "faces the hall, which is to the right in this diagram.")
                  if senior_side == SeniorSide.left else
                  _("Right is senior (international and business practice): the second sits on the first's "
                    "right as the rostrum faces the hall, which is to the left in this diagram."))
    return _("Seen from the hall: the left of the diagram is the audience's left, which is the rostrum's right. "
             "The numbers give the order of precedence.") + " " + convention


def rostrum_pdf(session, rows, precedence: dict[int, int], ranks: dict[int, int], senior_side: SeniorSide) -> bytes:
    """The diagram on the first page, the list in order of precedence after it."""
    s = styles()
    event = session.event
    width = PAGE_W - 30 * mm
    heading = _("Rostrum seating: %(session)s", session=session.title)
    place = " · ".join(x for x in (when_text(session.starts_at, session.ends_at), session.room) if x)
    names = [p.name for row in rows for p in row]
    missing = missing_characters(names)
    story: list = _warning_page(missing) if missing else []
    story += [para(heading, s["title"]), para(f"{event.title} · {place}", s["subtitle"]), Spacer(1, 6 * mm)]
    if not rows:
        story.append(Paragraph(escape(_("No one is seated on the rostrum yet.")), s["centered"]))
    else:
        story += [RostrumDiagram(rows, precedence, width), Spacer(1, 5 * mm),
                  Paragraph(escape(_which_way(senior_side)), s["small"]), PageBreak(),
                  para(heading, s["heading"])]
        cell = s["cell"]
        data = [[Paragraph(escape(h), cell) for h in (_("Order"), _("Name"), _("Organization"), _("Position"),
                                                       _("Row"), _("Seat from the hall's left"), _("Rank"))]]
        seated = sorted(((precedence.get(p.id, 0), r, k, p) for r, row in enumerate(rows, 1)
                         for k, p in enumerate(row, 1)), key=lambda t: (t[0] or 10**6, t[1], t[2]))
        for order, r, k, person in seated:
            data.append([Paragraph(str(order or ""), cell), para(person.name, cell),
                         para(person.organization.name if person.organization else "", cell),
                         para(person.title or "", cell), Paragraph(str(r), cell), Paragraph(str(k), cell),
                         Paragraph(str(ranks.get(person.id, "")), cell)])
        table = Table(data, colWidths=[m * mm for m in (14, 40, 70, 80, 14, 26, 16)], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                                    ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    return build_pdf(story, title=heading, subject=event.title, margins_mm=(12, 15, 16, 15),
                     pagesize=landscape(A4))


# --- the hall's seating chart ------------------------------------------------------------------------

def seating_chart_pdf(session, zones, seats, people_order, seat_label) -> bytes:
    """Each zone as a grid (rows or tables by seats) seen from behind the
    audience, the stage at the top, seats counted from the audience's left;
    then every seated delegate in surname stroke order with their seat
    (`seat_label(zone, row, seat)` as on the badge)."""
    s = styles()
    event = session.event
    heading = _("Hall seating: %(session)s", session=session.title)
    place = " · ".join(x for x in (when_text(session.starts_at, session.ends_at), session.room) if x)
    by_seat = {(seat.zone_id, seat.row, seat.seat): seat.registration for seat in seats}
    missing = missing_characters(seat.registration.name for seat in seats)
    story: list = _warning_page(missing, _("The embedded fonts lack characters of these names: on this chart "
                                           "they may show as empty boxes. Write them in by hand if needed.")
                                ) if missing else []
    story += [para(heading, s["title"]), para(f"{event.title} · {place}", s["subtitle"]), Spacer(1, 3 * mm),
                   Paragraph(escape("↑ " + _("Stage and rostrum") + " ↑"), s["centered"]), Spacer(1, 2 * mm)]
    width = PAGE_W - 30 * mm
    if not zones:
        story.append(Paragraph(escape(_("The hall has no zones yet.")), s["centered"]))
    for zone in zones:
        label_w = 16 * mm
        cell_w = (width - label_w) / zone.seats
        size = max(4.5, min(9, cell_w / 3.4))
        cell = ParagraphStyle(f"seat-{zone.id}", parent=s["cell"], fontSize=size, leading=size * 1.2,
                              alignment=1)
        head = ParagraphStyle(f"seat-head-{zone.id}", parent=cell, textColor=GREY)
        row_name = (lambda n: _("Table %(n)d", n=n)) if zone.layout.value == "tables" else (
            lambda n: _("Row %(n)d", n=n))
        data = [[Paragraph("", head)] + [Paragraph(str(n), head) for n in range(1, zone.seats + 1)]]
        for row in range(1, zone.rows + 1):
            line = [Paragraph(escape(row_name(row)), head)]
            for seat in range(1, zone.seats + 1):
                registration = by_seat.get((zone.id, row, seat))
                line.append(para(registration.name if registration else "", cell))
            data.append(line)
        table = Table(data, colWidths=[label_w] + [cell_w] * zone.seats, repeatRows=1, hAlign="CENTER")
        table.setStyle(table_style([("GRID", (1, 1), (-1, -1), 0.3, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                                    ("BACKGROUND", (1, 0), (-1, 0), HEADER_BACKGROUND)]))
        kinds = {"vip": _("VIP"), "media": _("Media"), "general": _("General")}
        story += [Spacer(1, 3 * mm), para(f"{zone.name} · {kinds[zone.kind.value]} · "
                                          + _("%(n)d seats", n=zone.capacity), s["subheading"]), table]
    if seats:
        story += [PageBreak(), para(_("Who sits where"), s["heading"])]
        cell = s["cell"]
        data = [[Paragraph(escape(h), cell) for h in (_("Name"), _("Organization"), _("Seat"))]]
        for registration, seat in people_order:
            data.append([para(registration.name, cell),
                         para(registration.organization.name if registration.organization else "", cell),
                         para(seat_label(seat.zone, seat.row, seat.seat), cell)])
        table = Table(data, colWidths=[45 * mm, 120 * mm, 80 * mm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style([("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                                    ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    return build_pdf(story, title=heading, subject=event.title, margins_mm=(12, 15, 16, 15), pagesize=landscape(A4))
