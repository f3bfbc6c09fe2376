"""The printed agreement (协议文本): A4, in its own language whoever downloads
it — Chinese, and Chinese then English when a party is foreign
(`Agreement.is_bilingual`) — with Chinese page numbers (第 X 页 共 Y 页).

Until it is signed every page carries a light diagonal 草稿 / DRAFT (作废 /
VOID once voided): see pdf/watermark.py."""
from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table

from ...pdf.document import FRAME_WIDTH, SectionStart, build_pdf, escape, styles
from ...pdf.tables import GREY, table_style
from ...pdf.watermark import Watermark
from ..models import Agreement, AgreementStatus
from .footer import VerificationFooter, on_pages
from .wording import (CONTRACT_LOCALE, KIND_NAMES_EN, LABELS, _zh_date, _en_date, amount_texts, article_label,
                      label_text, original_texts, party_letter, person_text, subject_text, term_texts,
                      watermark_text)


def contract_styles() -> dict[str, ParagraphStyle]:
    s = styles()
    body = ParagraphStyle("contract", parent=s["body"], fontSize=10.5, leading=18, textColor=colors.black)
    latin = ParagraphStyle("contract-en", parent=body, wordWrap=None, fontSize=9.5, leading=14,
                           textColor=colors.HexColor("#333333"))
    return {
        **s,
        "number": ParagraphStyle("number", parent=body, fontSize=9.5, leading=14, alignment=TA_RIGHT),
        "title": ParagraphStyle("contract-title", parent=body, fontSize=22, leading=32, alignment=TA_CENTER,
                                spaceBefore=4, spaceAfter=2),
        "title_en": ParagraphStyle("contract-title-en", parent=latin, fontSize=13, leading=18,
                                   alignment=TA_CENTER, spaceAfter=2),
        "void": ParagraphStyle("void", parent=body, fontSize=10, leading=15, alignment=TA_CENTER,
                               textColor=colors.HexColor("#b91c1c")),
        "label": ParagraphStyle("party-label", parent=body, leading=16),
        "label_en": ParagraphStyle("party-label-en", parent=latin, fontSize=8, leading=10, textColor=GREY),
        "party": ParagraphStyle("party", parent=body, leading=16),
        "party_name": ParagraphStyle("party-name", parent=body, fontSize=11.5, leading=17),
        "party_en": ParagraphStyle("party-en", parent=latin, leading=13),
        "body": ParagraphStyle("clause-body", parent=body, firstLineIndent=21, alignment=TA_JUSTIFY),
        "body_en": ParagraphStyle("clause-body-en", parent=latin, spaceBefore=1, spaceAfter=3),
        "plain": ParagraphStyle("plain", parent=body, spaceBefore=2),
        "plain_en": ParagraphStyle("plain-en", parent=latin, spaceAfter=2),
        "article": ParagraphStyle("article", parent=body, fontSize=11.5, leading=18, spaceBefore=9, spaceAfter=3,
                                  keepWithNext=1),
        "sign": ParagraphStyle("sign", parent=body, fontSize=10.5, leading=16),
        "sign_en": ParagraphStyle("sign-en", parent=latin, fontSize=8, leading=10, textColor=GREY),
        "sign_small": ParagraphStyle("sign-small", parent=body, fontSize=9, leading=13, textColor=GREY),
        "end": ParagraphStyle("end-of-text", parent=body, alignment=TA_CENTER, textColor=GREY, spaceBefore=6),
        "original": ParagraphStyle("original-mark", parent=body, fontSize=12, leading=17, alignment=TA_RIGHT,
                                   textColor=colors.HexColor("#b91c1c")),
        "original_en": ParagraphStyle("original-mark-en", parent=latin, fontSize=8.5, leading=11,
                                      alignment=TA_RIGHT, textColor=colors.HexColor("#b91c1c")),
        "cover_title": ParagraphStyle("cover-title", parent=body, fontSize=24, leading=36, alignment=TA_CENTER,
                                      spaceBefore=40 * mm, spaceAfter=4),
        "cover_party": ParagraphStyle("cover-party", parent=body, fontSize=13, leading=22, leftIndent=25 * mm),
        "cover_party_en": ParagraphStyle("cover-party-en", parent=latin, leftIndent=25 * mm, spaceAfter=3),
    }


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _title_style(title: str, style: ParagraphStyle) -> ParagraphStyle:
    """A long title is set smaller so that it fits one line (a line break
    inside a Chinese word reads badly), down to 16 pt; longer ones wrap."""
    width = stringWidth(title, style.fontName, style.fontSize)
    if width <= FRAME_WIDTH:
        return style
    size = max(16.0, style.fontSize * FRAME_WIDTH / width * 0.98)
    return ParagraphStyle("contract-title-fitted", parent=style, fontSize=size, leading=size * 1.45)


def _original_mark(holder, s, bilingual: bool) -> list:
    zh, en = original_texts(holder)
    return [Paragraph(escape(zh), s["original"])] + ([Paragraph(escape(en), s["original_en"])] if bilingual else [])


def holder_first(agreement: Agreement, holder=None) -> list:
    """The parties as a party's original lists them: its holder first, the
    others in their order (甲方 stays 甲方; only the order of listing changes)."""
    parties = list(agreement.parties)
    if holder is None:
        return parties
    return [p for p in parties if p.organization_id == holder.organization_id] + \
        [p for p in parties if p.organization_id != holder.organization_id]


def _cover(agreement: Agreement, holder, s, bilingual: bool) -> list:
    """The cover of a party's original: its mark, the title, the parties with
    the holder's name first, the place and date of signing."""
    story = _original_mark(holder, s, bilingual)
    story.append(Paragraph(f"{escape(label_text('number', bilingual))}：{escape(agreement.number)}", s["number"]))
    story.append(Paragraph(escape(agreement.title), _title_style(agreement.title, s["cover_title"])))
    if bilingual:
        story.append(Paragraph(escape(KIND_NAMES_EN.get(agreement.kind, "Agreement")), s["title_en"]))
    story.append(Spacer(1, 25 * mm))
    for party in holder_first(agreement, holder):
        story.append(Paragraph(f"{escape(party.role_label)}：{escape(party.printed_name)}", s["cover_party"]))
        if bilingual and party.printed_name_en:
            story.append(Paragraph(escape(f"Party {party_letter(party.position)}: {party.printed_name_en}"),
                                   s["cover_party_en"]))
    story.append(Spacer(1, 20 * mm))
    rows = []
    if agreement.place and agreement.place.strip():
        rows.append(("place", agreement.place.strip(), agreement.place.strip()))
    if agreement.signed_at is not None:
        from ...core.timeutil import to_local

        day = to_local(agreement.signed_at).date()
        rows.append(("signing_date", _zh_date(day), _en_date(day)))
    for key, zh, en in rows:
        zh_label, en_label = LABELS[key]
        story.append(Paragraph(f"{escape(zh_label)}：{escape(zh)}", s["cover_party"]))
        if bilingual:
            story.append(Paragraph(f"{escape(en_label)}: {escape(en)}", s["cover_party_en"]))
    return story + [PageBreak()]


def _head(agreement: Agreement, s, bilingual: bool, holder=None) -> list:
    number = f"{escape(label_text('number', bilingual))}：{escape(agreement.number)}"
    story = _original_mark(holder, s, bilingual) if holder is not None else []
    story.append(Paragraph(number, s["number"]))
    story.append(Paragraph(escape(agreement.title), _title_style(agreement.title, s["title"])))
    if bilingual:
        story.append(Paragraph(escape(KIND_NAMES_EN.get(agreement.kind, "Agreement")), s["title_en"]))
    if agreement.status == AgreementStatus.voided:
        note = label_text("void", bilingual)
        if agreement.void_reason:
            note += f"：{agreement.void_reason}"
        story.append(Paragraph(escape(note), s["void"]))
    story.append(Spacer(1, 6 * mm))
    return story


def _party_block(party, s, bilingual: bool) -> Table:
    letter = party_letter(party.position)
    label_width = 43 * mm if bilingual else 36 * mm

    def label(zh: str, en: str):
        cell = [Paragraph(escape(zh) + "：", s["label"])]
        if bilingual:
            cell.append(Paragraph(escape(en), s["label_en"]))
        return cell

    name = [Paragraph(escape(party.printed_name), s["party_name"])]
    foreign = party.organization is not None and party.organization.country != "CN"
    if party.printed_name_en and (bilingual or foreign):
        name.append(Paragraph(escape(party.printed_name_en), s["party_en"]))
    rows = [[label(party.role_label, f"Party {letter}"), name]]
    for key, value in (("address", party.printed_address),
                       ("legal_representative", party.printed_legal_representative),
                       ("uscc", party.printed_uscc)):
        if value and value.strip():
            zh, en = LABELS[key]
            rows.append([label(zh, en), Paragraph(escape(value.strip()), s["party"])])
    table = Table(rows, colWidths=[label_width, FRAME_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(table_style([
        ("NOSPLIT", (0, 0), (-1, -1)),  # a party's block stays on one page
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def _parties(agreement: Agreement, s, bilingual: bool) -> list:
    story = []
    for party in agreement.parties:
        story += [_party_block(party, s, bilingual), Spacer(1, 4 * mm)]
    return story


def _clauses(agreement: Agreement, s, bilingual: bool) -> list:
    story = [Spacer(1, 2 * mm)]
    preamble = _lines(agreement.preamble)
    for line in preamble:
        story.append(Paragraph(escape(line), s["body"]))
    if not preamble:
        zh, en = LABELS["lead_in"]
        story.append(Paragraph(escape(zh), s["body"]))
        if bilingual:
            story.append(Paragraph(escape(en), s["body_en"]))
    for number, clause in enumerate(agreement.clauses, start=1):
        heading = f"{article_label(number)}　{escape(clause.heading)}"
        if bilingual:
            heading += f"<br/><font size=9.5 color='#333333'>Article {number}"
            heading += f"　{escape(clause.heading_en)}</font>" if clause.heading_en else "</font>"
        story.append(Paragraph(heading, s["article"]))
        for line in _lines(clause.body):
            story.append(Paragraph(escape(line), s["body"]))
        if bilingual:
            for line in _lines(clause.body_en):
                story.append(Paragraph(escape(line), s["body_en"]))
    return story


def _terms(agreement: Agreement, s, bilingual: bool) -> list:
    """Amount, term and place, after the clauses."""
    rows = [("amount", amount_texts(agreement))]
    term = term_texts(agreement)
    if term:
        rows.append(("term", term))
    if agreement.place and agreement.place.strip():
        rows.append(("place", (agreement.place.strip(), agreement.place.strip())))
    story = [Spacer(1, 5 * mm)]
    for key, (zh, en) in rows:
        zh_label, en_label = LABELS[key]
        story.append(Paragraph(f"{escape(zh_label)}：{escape(zh)}", s["plain"]))
        if bilingual:
            story.append(Paragraph(f"{escape(en_label)}: {escape(en)}", s["plain_en"]))
    zh, en = LABELS["end_of_text"]
    story.append(Paragraph(escape(zh) + (f"<br/><font size=8.5>{escape(en)}</font>" if bilingual else ""), s["end"]))
    return story


def _signatory(party) -> str:
    """'褚兵（董事长）', 'Lim Ming Hock (Group Managing Director)'."""
    return person_text(party.signatory_name, party.signatory_title)


def _assistants_cell(agreement: Agreement, party, s, bilingual: bool):
    """The signing assistants (助签人) who stand with this party, if any."""
    names = [person_text(a.name, a.title) for a in agreement.assistants if a.organization_id == party.organization_id]
    if not names:
        return ""
    zh, en = LABELS["assistant"]
    return Paragraph(escape(f"{zh}{' ' + en if bilingual else ''}：{'、'.join(names)}"), s["sign_small"])


def _signing_people(agreement: Agreement, s, bilingual: bool) -> list:
    """The witness leaders (见证领导) and any assistant who stands with no
    party, under the signature blocks."""
    story = []
    parties = {p.organization_id for p in agreement.parties}
    for key, people in (("witnesses", agreement.witnesses),
                        ("assistant", [a for a in agreement.assistants if a.organization_id not in parties])):
        if people:
            zh, en = LABELS[key]
            names = "、".join(person_text(p.name, p.title) for p in people)
            story.append(Paragraph(escape(f"{zh}{' ' + en if bilingual else ''}：{names}"), s["sign"]))
    return [Spacer(1, 6 * mm)] + story if story else []


def _signature_cells(party, s, bilingual: bool) -> list:
    """One party's signature block as the cells of a column: seal line and
    name, room for the seal, the signature line, room to sign, who signs, date."""
    seal_zh, seal_en = LABELS["seal"]
    sign_zh, sign_en = LABELS["signature"]
    date_zh, date_en = LABELS["date"]
    seal = [Paragraph(f"{escape(party.role_label)}{escape(seal_zh)}：", s["sign"])]
    name = [Paragraph(escape(party.printed_name), s["sign"])]
    signature = [Paragraph(escape(sign_zh) + "：", s["sign"])]
    if bilingual:
        seal.append(Paragraph(escape(f"Party {party_letter(party.position)}{seal_en}:"), s["sign_en"]))
        if party.printed_name_en:
            name.append(Paragraph(escape(party.printed_name_en), s["sign_en"]))
        signature.append(Paragraph(escape(sign_en) + ":", s["sign_en"]))
    who = _signatory(party)
    signatory_zh, signatory_en = LABELS["signatory"]
    signatory = Paragraph(escape(f"{signatory_zh}{' ' + signatory_en if bilingual else ''}：{who}"),
                          s["sign_small"]) if who else ""
    blank = "&nbsp;" * 8
    day = Paragraph(f"{escape(date_zh)}{' ' + escape(date_en) if bilingual else ''}："
                    f"{blank}年{blank[:30]}月{blank[:30]}日", s["sign"])
    return [seal, name, Spacer(1, 20 * mm), signature, Spacer(1, 10 * mm), signatory, day]


def _signatures(agreement: Agreement, s, bilingual: bool, holder=None) -> list:
    """Two blocks side by side per row, their lines level with each other;
    a row is never split across pages. A party's original has its holder's
    block first."""
    parties = holder_first(agreement, holder)
    assisted = {a.organization_id for a in agreement.assistants}
    column = FRAME_WIDTH / 2
    story = []
    for start in range(0, len(parties), 2):
        columns = [_signature_cells(party, s, bilingual) for party in parties[start:start + 2]]
        if assisted:  # a line for the assistants, level across the row
            columns = [cells[:-1] + [_assistants_cell(agreement, party, s, bilingual), cells[-1]]
                       for cells, party in zip(columns, parties[start:start + 2])]
        if len(columns) == 1:
            columns.append([""] * len(columns[0]))
        grid = Table([list(row) for row in zip(*columns)], colWidths=[column, column], hAlign="LEFT")
        grid.setStyle(table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]))
        story += [Spacer(1, 8 * mm), grid]  # a table row never splits: the grid moves whole
    return story


def agreement_story(agreement: Agreement, s=None, holder=None) -> list:
    """The flowables of one printed agreement (also used by the pack). The
    amount, term and place stay on the page of the first row of signature
    blocks, so no page holds signatures alone. With `holder` (a party), that
    party's original: a cover and the 正本 mark, its signature block first."""
    s = s or contract_styles()
    bilingual = agreement.is_bilingual
    signatures = _signatures(agreement, s, bilingual, holder)
    groups = [signatures[i:i + 2] for i in range(0, len(signatures), 2)] or [[]]
    groups[-1] = groups[-1] + _signing_people(agreement, s, bilingual)  # witnesses stay with the last row
    cover = _cover(agreement, holder, s, bilingual) if holder is not None else []
    return (cover + _head(agreement, s, bilingual, holder) + _parties(agreement, s, bilingual)
            + _clauses(agreement, s, bilingual) + [KeepTogether(_terms(agreement, s, bilingual) + groups[0])]
            + [KeepTogether(group) for group in groups[1:]])


def pdf_title(agreement: Agreement) -> str:
    return f"{agreement.number} {agreement.title}"


def agreement_pdf(agreement: Agreement, holder=None) -> bytes:
    """The agreement as printed for signing: A4, 第 X 页 共 Y 页, watermarked
    until it is signed; with `holder` (a party), that party's original."""
    title = pdf_title(agreement) + (f" {original_texts(holder)[0]}" if holder is not None else "")
    with force_locale(CONTRACT_LOCALE):  # the page numbers and the author, as the contract's language
        return build_pdf(agreement_story(agreement, holder=holder), title=title, subject=subject_text(agreement),
                         on_page=on_pages(Watermark(watermark_text(agreement)), VerificationFooter(agreement)))



def originals_pdf(agreement: Agreement) -> bytes:
    """Every party's original (一式多份) one after the other, each from a new
    page numbered from its own page 1: for printing at the ceremony. (Each
    signed original is also archived on its own: see archive.py.)"""
    s = contract_styles()
    watermark = Watermark(watermark_text(agreement))
    story = []
    for index, party in enumerate(agreement.parties):
        if index:
            story += [PageBreak(), SectionStart()]
        story += agreement_story(agreement, s, holder=party)
    with force_locale(CONTRACT_LOCALE):
        return build_pdf(story, title=pdf_title(agreement), subject=subject_text(agreement), on_page=watermark)
