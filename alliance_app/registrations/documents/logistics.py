"""The rooming list (住宿名单, for the hotel: ID numbers in full) and the
pick-up roster (接送站表, for the drivers: mobiles in full), as PDF and XLSX."""
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from ...core.spreadsheets import Sheet, xlsx_bytes
from ...events.documents import when_text
from ...pdf.document import build_pdf, escape, para, styles
from ...pdf.tables import GREEN, GRID, HEADER_BACKGROUND, TOTAL_BACKGROUND, table_style
from ..logistics import window_label


def _language() -> str | None:
    locale = get_locale()
    return locale.language if locale is not None else None


def choice_label(choices: list[dict], value: str) -> str:
    for choice in choices or ():
        if choice.get("value") == value:
            if _language() == "en" and choice.get("label_en"):
                return choice["label_en"]
            return choice.get("label") or value
    return value or "—"


def _night_label(choices, value) -> str:
    return choice_label(choices, value) if value else ""


BASE = [("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND), ("TEXTCOLOR", (0, 0), (-1, 0), GREEN),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]


def _heading(event, title: str) -> list:
    s = styles()
    return [para(event.title, s["title"]), Paragraph(escape(title), s["subtitle"]),
            Paragraph(escape(when_text(event.starts_at, event.ends_at)), s["centered"]), Spacer(1, 4 * mm)]


# --- rooming list ---------------------------------------------------------------------------------

def rooming_header() -> list[str]:
    return [_("Room no."), _("Room type"), _("Name"), _("Gender"), _("ID card number"), _("Organization"),
            _("Mobile"), _("Check-in date"), _("Check-out date"), _("Remark")]


def rooming_rows(data) -> list[list]:
    """One row per delegate, room-mates one after the other under one room number."""
    counts, rooms, gender_choices = data["counts"], data["rooms"], data["genders"]
    out = []
    for number, room in enumerate(rooms, start=1):
        for occupant in room.occupants:
            remark = ""
            if not room.paired:
                remark = _("Roommate to be arranged (asked for: %(name)s)", name=occupant["roommate"]) \
                    if occupant["roommate"] else _("Roommate to be arranged")
            out.append([number, choice_label(counts.room_types, room.room_type), occupant["name"],
                        choice_label(gender_choices, occupant["gender"]) if occupant["gender"] else "",
                        occupant["id_number"] or "", occupant["organization"], occupant["mobile"],
                        room.check_in or "", room.check_out or "", remark])
    return out


def _night_table(counts, cell, centred) -> Table:
    header = [Paragraph(escape(_("Room type")), cell)] + \
        [Paragraph(escape(_night_label(counts.nights, n["value"])), centred) for n in counts.nights]
    rows = [header]
    for room_type in counts.room_types:
        rows.append([para(choice_label(counts.room_types, room_type["value"]), cell)] +
                    [Paragraph(str(counts.persons.get((room_type["value"], n["value"]), 0)), centred)
                     for n in counts.nights])
    rows.append([Paragraph(escape(_("Rooms needed")), cell)] +
                [Paragraph(str(counts.rooms.get(n["value"], 0)), centred) for n in counts.nights])
    width = min(24 * mm, (250 * mm - 40 * mm) / max(len(counts.nights), 1))
    table = Table(rows, colWidths=[40 * mm] + [width] * len(counts.nights), hAlign="LEFT")
    table.setStyle(table_style(BASE + [("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND)]))
    return table


CHUNK = 200
ROOMING_WIDTHS = [13, 22, 24, 14, 40, 50, 27, 22, 22, 23]  # mm, 257 in all (A4 landscape)


def rooming_pdf(event, data) -> bytes:
    s = styles()
    cell = ParagraphStyle("cell-small", parent=s["cell"], fontSize=8.5, leading=11.5)
    centred = ParagraphStyle("cell-centred", parent=cell, alignment=1)
    title = _("Rooming list")
    story = _heading(event, title)
    counts = data["counts"]
    if not counts.asked:
        story.append(Paragraph(escape(_("This event does not ask about accommodation.")), s["centered"]))
    else:
        story.append(Paragraph(escape(_("Delegates per night and room type (confirmed delegates)")), s["subheading"]))
        story.append(_night_table(counts, cell, centred))
        story.append(Spacer(1, 5 * mm))
        rows = rooming_rows(data)
        if not rows:
            story.append(Paragraph(escape(_("No confirmed delegate needs a room yet.")), s["body"]))
        else:
            header = [Paragraph(escape(h), centred) for h in rooming_header()]
            # Tables of about CHUNK rows, never parting room-mates: reportlab re-measures the rest of
            # a table at every page break, which grows with the square of one long table's length.
            chunks, current, last = [], [], None
            for row in rows:
                if len(current) >= CHUNK and row[0] != last:
                    chunks.append(current)
                    current = []
                current.append(row)
                last = row[0]
            chunks.append(current)
            for chunk in chunks:
                table_rows, last = [header], None
                for row in chunk:
                    mate = row[0] == last  # the room's second occupant: number and type once
                    table_rows.append([Paragraph("" if mate else str(row[0]), centred)] +
                                      [para("" if mate and i == 1 else v, cell) for i, v in enumerate(row[1:], 1)])
                    last = row[0]
                table = Table(table_rows, colWidths=[w * mm for w in ROOMING_WIDTHS], repeatRows=1)
                table.setStyle(table_style(list(BASE)))
                story.append(table)
    return build_pdf(story, title=_("%(what)s %(title)s", what=title, title=event.title), subject=event.title,
                     pagesize=landscape(A4), margins_mm=(15, 20, 18, 20))


def rooming_xlsx(event, data) -> bytes:
    counts = data["counts"]
    sheets = [Sheet(_("Rooming list"), rooming_header(), rooming_rows(data))]
    if counts.asked:
        night_rows = [[choice_label(counts.room_types, r["value"])] +
                      [counts.persons.get((r["value"], n["value"]), 0) for n in counts.nights]
                      for r in counts.room_types]
        night_rows.append([_("Rooms needed")] + [counts.rooms.get(n["value"], 0) for n in counts.nights])
        sheets.append(Sheet(_("Nights"), [_("Room type")] + [_night_label(counts.nights, n["value"])
                                                             for n in counts.nights], night_rows))
    return xlsx_bytes(sheets)


# --- the pick-up roster ---------------------------------------------------------------------------

def roster_title(direction: str) -> str:
    return _("Pick-up roster (arrivals)") if direction == "arrival" else _("Drop-off roster (departures)")


def roster_header(direction: str) -> list[str]:
    return [_("No."), _("Date"), _("Station or airport"), _("Time window"), _("Time"),
            _("Flight or train"), _("Name"), _("Organization"), _("Mobile")]


def roster_rows(rows: list[dict]) -> list[list]:
    return [[number, row["day"], row["place"], window_label(row["window"]), row["at"][11:16], row["number"],
             row["name"], row["organization"], row["mobile"]] for number, row in enumerate(rows, start=1)]


ROSTER_WIDTHS = [10, 16, 22, 30, 30, 62]  # mm: No., time, number, name, mobile, organization (170)


def roster_pdf(event, direction: str, rows: list[dict], counts: list[tuple]) -> bytes:
    s = styles()
    cell = s["cell"]
    centred = ParagraphStyle("cell-centred", parent=cell, alignment=1)
    group = ParagraphStyle("group", parent=cell, fontSize=10.5, leading=15, textColor=GREEN)
    title = roster_title(direction)
    story = _heading(event, title)
    if not rows:
        story.append(Paragraph(escape(_("Nobody to meet: no confirmed delegate gave these travel details.")),
                               s["centered"]))
        return build_pdf(story, title=f"{title} {event.title}", subject=event.title)
    sizes = {(d, p, w): n for d, p, w, n in counts}
    header = [Paragraph(escape(h), centred) for h in
              (_("No."), _("Time"), _("Flight or train"), _("Name"), _("Mobile"), _("Organization"))]
    # Tables of about CHUNK rows, cut where a group (a station's two hours) begins, as in the
    # rooming list: one long table is re-measured at every page break (12 s at 3,000 delegates).
    tables = []
    table_rows, commands = [header], list(BASE)
    current_day, current_group = None, None
    for number, row in enumerate(rows, start=1):
        key = (row["day"], row["place"], row["window"])
        if key != current_group and len(table_rows) > CHUNK:
            tables.append((table_rows, commands))
            table_rows, commands, current_day = [header], list(BASE), None
        if row["day"] != current_day:
            current_day = row["day"]
            index = len(table_rows)
            day_total = sum(n for (d, _p, _w), n in sizes.items() if d == current_day)
            table_rows.append([para(_("%(day)s: %(n)d delegates", day=current_day, n=day_total), group)] + [""] * 5)
            commands += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index), HEADER_BACKGROUND),
                         ("NOSPLIT", (0, index), (-1, index + 2))]
            current_group = None  # a day heading is followed by its first group's heading
        if key != current_group:
            current_group = key
            index = len(table_rows)
            place = row["place"] or _("Station or airport not given")
            table_rows.append([para(_("%(place)s, %(window)s: %(n)d delegates", place=place,
                                      window=window_label(row["window"]), n=sizes.get(key, 0)), cell)] + [""] * 5)
            commands += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index), TOTAL_BACKGROUND),
                         ("NOSPLIT", (0, index), (-1, index + 1))]
        table_rows.append([Paragraph(str(number), centred), Paragraph(escape(row["at"][11:16]), centred),
                           para(row["number"], cell), para(row["name"], cell), para(row["mobile"], cell),
                           para(row["organization"], cell)])
    tables.append((table_rows, commands))
    for table_rows, commands in tables:
        table = Table(table_rows, colWidths=[w * mm for w in ROSTER_WIDTHS], repeatRows=1)
        table.setStyle(table_style(commands))
        story.append(table)
    return build_pdf(story, title=f"{title} {event.title}", subject=event.title)


def roster_xlsx(event, direction: str, rows: list[dict], counts: list[tuple]) -> bytes:
    summary = [[d, p, window_label(w), n] for d, p, w, n in counts]
    return xlsx_bytes([Sheet(roster_title(direction)[:31], roster_header(direction), roster_rows(rows)),
                       Sheet(_("Counts"), [_("Date"), _("Station or airport"), _("Time window"), _("Delegates")],
                             summary)])
