"""The sign-in sheet (签到表) for the registration desk."""
from flask_babel import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from ...core.text import comparison_key
from ...events.documents import when_text
from ...pdf.document import build_pdf, escape, para, styles
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


def _reporting_table(progress, rows: int, delegates: int) -> type[Table]:
    """A Table that tells `progress` how many delegates are drawn after each
    page's part of it (reportlab splits a table into parts of its own class;
    each part repeats the header row)."""
    drawn = [0]

    class ReportingTable(Table):
        def draw(self):
            super().draw()
            drawn[0] += self._nrows - 1
            progress(min(delegates, round(delegates * drawn[0] / max(rows, 1))), delegates)

    return ReportingTable


def sign_in_sheet_pdf(event, registrations, progress=None) -> bytes:
    """签到表 for the registration desk: grouped by organization, mobile numbers
    masked (the sheet lies open on a public desk), room to sign. `progress(done,
    total)`, if given, hears after each page how many delegates are on paper."""
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
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
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
        commands += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), TOTAL_BACKGROUND),
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
    table_class = Table if progress is None else _reporting_table(progress, len(rows) - 1, len(registrations))
    table = table_class(rows, colWidths=SIGN_IN_WIDTHS, repeatRows=1)
    table.setStyle(table_style(commands))
    story.append(table)
    return build_pdf(story, title=_("Sign-in sheet %(title)s", title=event.title), subject=event.title)
