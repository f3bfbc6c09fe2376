"""The signing ceremony pack: a working document for the secretariat. Its
signing list speaks the reader's language (gettext, format_amount); then every
agreement follows as printed on its own, each from a new page numbered from
its own page 1 and with its own mark."""
from flask_babel import gettext as _
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

from ...core.money import format_amount, from_fen
from ...events.documents import when_text
from ...pdf.document import FRAME_WIDTH, Reached, SectionStart, build_pdf, escape, styles
from ...pdf.tables import GRID, HEADER_BACKGROUND, table_style
from ...pdf.watermark import SetWatermark, Watermark
from ..labels import SECTOR_LABELS
from ..models import Agreement
from .agreement import agreement_story, contract_styles
from .footer import SetFooter, VerificationFooter, on_pages
from .wording import person_text, watermark_text


def _list_amount(agreement: Agreement) -> str:
    if not agreement.amount_disclosed or agreement.amount is None:
        return escape(_("Not disclosed"))
    text = escape(format_amount(agreement.amount, agreement.currency))
    if agreement.currency != "CNY" and agreement.amount_cny is not None:
        text += f"<br/><font size=8 color='#555555'>≈ {escape(format_amount(agreement.amount_cny, 'CNY'))}</font>"
    return text


def _party_line(party, style: ParagraphStyle) -> Paragraph:
    """'甲方 安徽巡鹰新能源集团有限公司', a long name wrapping under itself,
    and who signs for it (the signing record) in small type under it."""
    label = f"{party.role_label}\u00a0"
    indent = stringWidth(label, style.fontName, style.fontSize)
    hanging = ParagraphStyle("party-line", parent=style, leftIndent=indent, firstLineIndent=-indent)
    text = escape(label) + escape(party.printed_name)
    signer = person_text(party.signatory_name, party.signatory_title)
    if signer:
        signs = _("Signs: %(person)s", person=signer)
        text += f"<br/><font size=8 color='#555555'>{escape(signs)}</font>"
    return Paragraph(text, hanging)


def _signing_people_lines(agreement: Agreement, style: ParagraphStyle) -> list:
    lines = []
    for label, people in ((_("Witnesses: %(people)s"), agreement.witnesses),
                          (_("Signing assistants: %(people)s"), agreement.assistants)):
        if people:
            names = "、".join(person_text(p.name, p.title) for p in people)
            lines.append(Paragraph(f"<font size=8 color='#555555'>{escape(label % {'people': names})}</font>",
                                   style))
    return lines


def signing_list(event, agreements: list[Agreement], s) -> list:
    story = [Paragraph(escape(event.title), s["title"]),
             Paragraph(escape(_("Signing list")), s["subtitle"])]
    details = [when_text(event.starts_at, event.ends_at)] if event.starts_at and event.ends_at else []
    if event.venue:
        details.append(event.venue)
    if details:
        story.append(Paragraph(escape(" · ".join(details)), s["centered"]))
    story.append(Spacer(1, 6 * mm))
    if not agreements:
        story.append(Paragraph(escape(_("No agreements yet.")), s["centered"]))
        return story
    header = [_("No."), _("Agreement"), _("Parties"), _("Sectors"), _("Amount")]
    rows = [[Paragraph(escape(text), s["cell"]) for text in header]]
    total_fen = 0
    for order, agreement in enumerate(agreements, start=1):
        rows.append([
            Paragraph(str(order), s["cell"]),
            Paragraph(f"<font size=8 color='#555555'>{escape(agreement.number)}</font><br/>"
                      f"{escape(agreement.title)}", s["cell"]),
            [_party_line(party, s["cell"]) for party in agreement.parties] + _signing_people_lines(agreement, s["cell"]),
            Paragraph("<br/>".join(escape(SECTOR_LABELS.get(sector, sector)) for sector in agreement.sectors),
                      s["cell"]),
            Paragraph(_list_amount(agreement), s["amount_cell"]),
        ])
        if agreement.amount_disclosed and agreement.amount_cny_fen is not None:
            total_fen += agreement.amount_cny_fen
    rows.append(["", Paragraph(escape(_("Total")), s["cell"]), "", "",
                 Paragraph(escape(format_amount(from_fen(total_fen), "CNY")), s["amount_cell"])])
    number, agreement_, sectors, amount = 11 * mm, 34 * mm, 20 * mm, 29 * mm
    widths = [number, agreement_, FRAME_WIDTH - number - agreement_ - sectors - amount, sectors, amount]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("SPAN", (1, -1), (3, -1)),
    ]))
    story.append(table)
    if any(not a.amount_disclosed or a.currency != "CNY" for a in agreements):
        story += [Spacer(1, 2 * mm), Paragraph(escape(_("The total is in CNY at the recorded exchange rates and "
                                                         "leaves out amounts that are not disclosed.")), s["small"])]
    return story


def ceremony_pack_pdf(event, agreements: list[Agreement], progress=None, originals: bool = False) -> bytes:
    """The signing list, then every agreement from a new page with its own
    page numbering, in one PDF. `progress(done, total)`, if given, hears after
    each agreement how many are on paper. With `originals`, every agreement is
    printed once per party (一式多份), each its party's original."""
    s = contract_styles()
    # Latin wrapping: "CNY 3,500,000,000.00" breaks at its space, never inside the number.
    s["amount_cell"] = ParagraphStyle("amount-cell", parent=s["cell"], fontSize=9, alignment=TA_RIGHT, wordWrap=None)
    list_styles = {**styles(), "amount_cell": s["amount_cell"]}
    watermark = Watermark(None)  # the list itself has none
    footer = VerificationFooter(None)  # nor a verification footer
    story = signing_list(event, agreements, list_styles)
    for done, agreement in enumerate(agreements, start=1):
        for holder in (agreement.parties if originals else [None]):
            story += [SetWatermark(watermark, watermark_text(agreement)), SetFooter(footer, agreement), PageBreak(),
                      SectionStart()]
            story += agreement_story(agreement, s, holder=holder)
        if progress is not None:
            story.append(Reached(lambda done=done: progress(done, len(agreements))))
    title = _("Signing ceremony %(title)s", title=event.title)
    if originals:
        title = _("%(title)s: originals for every party", title=title)
    return build_pdf(story, title=title,
                     subject=event.theme or event.title, on_page=on_pages(watermark, footer))
