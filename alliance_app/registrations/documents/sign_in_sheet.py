"""The sign-in sheet (签到表) for the registration desk."""
from flask_babel import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table

from ...core.text import comparison_key
from ...events.documents import when_text
from ...pdf.fonts import cjk_font
from ...pdf.document import FRAME_HEIGHT, FRAME_WIDTH, build_pdf, escape, para, styles
from ...pdf.tables import GREEN, GRID, HEADER_BACKGROUND, TOTAL_BACKGROUND, table_style
from ..labels import CATEGORY_LABELS


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
SIGNATURE_HEIGHT = 10 * mm  # room to sign
CELL_SIZE = 9.5  # the font size of the cells, as the "cell" paragraph style
SLACK = 2  # points kept free on each page, against rounding in reportlab's own layout


def _reporting_table(progress, rows: int, delegates: int) -> type[Table]:
    """A Table that tells `progress` how many delegates are drawn after each
    page's table (each repeats the header row)."""
    drawn = [0]

    class ReportingTable(Table):
        def draw(self):
            super().draw()
            drawn[0] += self._nrows - 1
            progress(min(delegates, round(delegates * drawn[0] / max(rows, 1))), delegates)

    return ReportingTable


def _pages(heights: list[float], headings: set[int], first_room: float, room: float) -> list[list[int]]:
    """The rows of each page (indices into `heights`, the header not counted):
    as many as fit the page; an organization's heading goes over with its first
    delegate."""
    pages, current, left = [], [], first_room
    index = 0
    while index < len(heights):
        unit = [index, index + 1] if index in headings and index + 1 < len(heights) else [index]
        height = sum(heights[i] for i in unit)
        if current and height > left:
            pages.append(current)
            current, left = [], room
        current += unit
        left -= height
        index += len(unit)
    pages.append(current)
    return pages


def _story_height(story: list) -> float:
    """The height the story's flowables take at the top of the first page."""
    used = 0.0
    for number, flowable in enumerate(story):
        used += flowable.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] + flowable.getSpaceAfter()
        if number:
            used += flowable.getSpaceBefore()
    return used


def sign_in_sheet_pdf(event, registrations, progress=None) -> bytes:
    """签到表 for the registration desk: grouped by organization, mobile numbers
    masked (the sheet lies open on a public desk), room to sign. `progress(done,
    total)`, if given, hears after each page how many delegates are on paper.

    The sheet is laid out once: every row is measured in one table, the rows
    are cut into pages here, and each page is a table of its own. One table of
    3,000 delegates split by reportlab page after page was measured again at
    each split (35 s; now about a second, benchmarks/documents.py)."""
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
    categories = {key: str(label) for key, label in CATEGORY_LABELS.items()}
    font = cjk_font().name

    def one_line_or_para(text, column):
        text = text or ""
        if "\n" not in text and stringWidth(text, font, CELL_SIZE) <= SIGN_IN_WIDTHS[column] - 8:
            return text  # a Table draws a string as it is: nothing to escape, nothing to wrap
        return para(text, cell)

    rows, headings = [], set()
    number = 0
    for organization, members in by_organization(registrations):
        heading = organization if organization is not None else _("Individual guests (no organization)")
        headings.add(len(rows))
        rows.append([para(heading, group_style), "", "", "", "", ""])
        for registration in members:
            number += 1
            # One-line cells are plain text in the table's font: only names and positions too long
            # for their column become wrapping paragraphs.
            rows.append([str(number), one_line_or_para(registration.name, 1),
                         one_line_or_para(registration.position, 2),
                         categories.get(registration.category, str(registration.category)),
                         registration.masked_mobile, ""])

    def commands(page_rows: list[int]) -> list:
        listed = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
            ("TEXTCOLOR", (0, 0), (-1, 0), GREEN),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE), ("LEADING", (0, 1), (-1, -1), 13.5),
            ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (3, 1), (4, -1), "CENTER"),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        for local, row in enumerate(page_rows, start=1):
            if row in headings:
                listed += [("SPAN", (0, local), (-1, local)), ("BACKGROUND", (0, local), (-1, local), TOTAL_BACKGROUND),
                           # Room for a closing ） that CJK line breaking lets hang past the line.
                           ("RIGHTPADDING", (0, local), (-1, local), 14)]
        return listed

    # Every row measured once, in one table (delegate rows at least tall enough to sign in).
    measured = Table([header] + rows, colWidths=SIGN_IN_WIDTHS)
    measured.setStyle(table_style(commands(list(range(len(rows))))))
    measured.wrap(FRAME_WIDTH, FRAME_HEIGHT)
    header_height, *heights = measured._rowHeights
    heights = [h if i in headings else max(h, SIGNATURE_HEIGHT + 6) for i, h in enumerate(heights)]

    first_room = FRAME_HEIGHT - _story_height(story) - header_height - SLACK
    table_class = Table if progress is None else _reporting_table(progress, len(rows), len(registrations))
    for page_rows in _pages(heights, headings, first_room, FRAME_HEIGHT - header_height - SLACK):
        table = table_class([header] + [rows[i] for i in page_rows], colWidths=SIGN_IN_WIDTHS,
                            rowHeights=[header_height] + [heights[i] for i in page_rows], repeatRows=1)
        table.setStyle(table_style(commands(page_rows)))
        story.append(table)
    return build_pdf(story, title=_("Sign-in sheet %(title)s", title=event.title), subject=event.title)
