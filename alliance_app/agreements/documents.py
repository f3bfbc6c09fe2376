"""The printed agreement (协议文本) and the signing ceremony pack.

An agreement prints in its own language, whoever downloads it: Chinese, and
Chinese then English when a party is foreign (`Agreement.is_bilingual`). Its
wording (labels, the lead-in, the signature blocks) is therefore contract text
kept here, like the default clauses in clauses.py, not interface text in the
catalogues; a signed agreement prints the same for every reader. The page
numbers of a single agreement are Chinese too (第 X 页 共 Y 页).

The ceremony pack is a working document for the secretariat: its signing list
speaks the reader's language (gettext, format_amount), then every agreement
follows as printed on its own, each numbered from its own page 1.

Until an agreement is signed every page carries a light diagonal 草稿 / DRAFT
(作废 / VOID once voided), drawn under the text as a picture so that it stays
out of the text a reader copies or searches, and the same words small in the
top margin as text."""
import functools
import io
import math
import os
from datetime import date

from babel.dates import format_date as babel_format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import ActionFlowable

from ..events.documents import when_text
from ..core.money import CURRENCY_NAMES, capital, format_amount, from_fen, grouped
from ..pdf.document import SectionStart, build_pdf, escape, styles
from ..pdf.fonts import cjk_font
from .labels import SECTOR_LABELS
from .models import Agreement, AgreementKind, AgreementStatus

CONTRACT_LOCALE = "zh_CN"
FRAME_WIDTH = A4[0] - 40 * mm - 12  # build_pdf's margins (20 mm left and right) less the frame's padding
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#9ca3af")

# Contract wording: (Chinese, English). The English half prints only in
# bilingual agreements.
LABELS = {
    "number": ("协议编号", "Agreement No."),
    "place": ("签订地点", "Place of signing"),
    "address": ("地址", "Address"),
    "legal_representative": ("法定代表人", "Legal representative"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "amount": ("合作金额", "Amount"),
    "term": ("协议期限", "Term"),
    "seal": ("（盖章）", " (seal)"),
    "signature": ("法定代表人或授权代表（签字）", "Legal or authorized representative (signature)"),
    "signatory": ("签字人", "Signatory"),
    "date": ("日期", "Date"),
    "undisclosed": ("不公开", "not disclosed"),
    "lead_in": ("经各方友好协商，就下列事项达成协议如下：", "The parties, after friendly consultation, agree as follows:"),
    "end_of_text": ("（以下无正文）", "(No text below.)"),
    "void": ("本协议已作废", "This agreement is void"),
}
KIND_NAMES_EN = {  # under the (Chinese) title of a bilingual agreement
    AgreementKind.strategic_cooperation: "Strategic Cooperation Agreement",
    AgreementKind.business_cooperation: "Business Cooperation Agreement",
    AgreementKind.investment: "Investment Agreement",
    AgreementKind.procurement: "Procurement Agreement",
    AgreementKind.research_cooperation: "Research Cooperation Agreement",
    AgreementKind.other: "Agreement",
}
WATERMARKS = {
    AgreementStatus.draft: "草稿 / DRAFT",
    AgreementStatus.ready: "草稿 / DRAFT",   # checked, but not signed yet
    AgreementStatus.voided: "作废 / VOID",
}
_DIGITS = "零一二三四五六七八九"


# --- words and numbers ---------------------------------------------------------------------------

def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一, 110 → 一百一十: for 第N条."""
    if number < 0 or number >= 1000:
        return str(number)
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    text = _DIGITS[hundreds] + "百"
    if rest == 0:
        return text
    if rest < 10:
        return text + "零" + _DIGITS[rest]
    tens, ones = divmod(rest, 10)
    return text + _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")


def article_label(number: int) -> str:
    return f"第{chinese_numeral(number)}条"


def party_letter(position: int) -> str:
    """Party A, B, C … in English (甲乙丙 by position)."""
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _zh_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _en_date(value: date) -> str:
    return babel_format_date(value, "long", locale="en")


def _rate_text(rate) -> str:
    """7.123400 → '7.1234', 1.5 stays '1.5', 100 stays '100'."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_texts(agreement: Agreement) -> tuple[str, str]:
    """What the amount line says after its label, in Chinese and in English
    (plain text, not yet escaped)."""
    if not agreement.amount_disclosed or agreement.amount is None:
        return LABELS["undisclosed"]
    amount, currency = agreement.amount, agreement.currency or "CNY"
    if currency == "CNY":
        return (f"人民币 {grouped(amount)} 元（大写：{capital(amount)}）", f"CNY {grouped(amount)}")
    name = CURRENCY_NAMES.get(currency, currency)
    rate = _rate_text(agreement.fx_rate) if agreement.fx_rate is not None else "?"
    cny = agreement.amount_cny
    zh = f"{name} {grouped(amount)}（大写：{capital(amount, currency)}）"
    en = f"{currency} {grouped(amount)}"
    if cny is not None:
        zh += f"，按 1 {name} = {rate} 元人民币的汇率，折合人民币 {grouped(cny)} 元（大写：{capital(cny)}）"
        en += f", equivalent to CNY {grouped(cny)} at the rate of {currency} 1 = CNY {rate}"
    return zh, en


def term_texts(agreement: Agreement) -> tuple[str, str] | None:
    start, end = agreement.term_start, agreement.term_end
    if start and end:
        return f"自 {_zh_date(start)} 至 {_zh_date(end)}", f"from {_en_date(start)} to {_en_date(end)}"
    if start:
        return f"自 {_zh_date(start)} 起", f"from {_en_date(start)}"
    if end:
        return f"至 {_zh_date(end)} 止", f"until {_en_date(end)}"
    return None


def subject_text(agreement: Agreement) -> str:
    return "；".join(f"{party.role_label} {party.printed_name}" for party in agreement.parties)


# --- styles ----------------------------------------------------------------------------------------

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
    }


def _table_style(commands: list) -> TableStyle:
    """Cell text in the Chinese font too (a Table's default, Helvetica, would
    be an unembedded font in the file even when every cell is a Paragraph)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font().name), *commands])


# --- the watermark -----------------------------------------------------------------------------------

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


def _font_file() -> tuple[str, int] | None:
    """The file (and index in a collection) of the PDF font, if it has one."""
    face = getattr(pdfmetrics.getFont(cjk_font().name), "face", None)
    path = getattr(face, "filename", None)
    if not path or not os.path.isfile(path):
        return None
    configured = current_app.config.get("PDF_FONT_PATH")
    index = int(current_app.config.get("PDF_FONT_INDEX") or 0) if configured and path == configured else 0
    return path, index


class _Watermark:
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
            source = _font_file()
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


class _SetWatermark(ActionFlowable):
    """Changes the mark from the next page on (put it before the PageBreak
    that starts the next agreement of a pack)."""

    def __init__(self, watermark: _Watermark, text: str | None):
        super().__init__()
        self.watermark, self.text = watermark, text

    def apply(self, doc):
        self.watermark.text = self.text


def watermark_text(agreement: Agreement) -> str | None:
    return WATERMARKS.get(agreement.status)


# --- the agreement -----------------------------------------------------------------------------------

def _label(key: str, bilingual: bool) -> str:
    zh, en = LABELS[key]
    return f"{zh} {en}" if bilingual else zh


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


def _head(agreement: Agreement, s, bilingual: bool) -> list:
    number = f"{escape(_label('number', bilingual))}：{escape(agreement.number)}"
    story = [Paragraph(number, s["number"])]
    story.append(Paragraph(escape(agreement.title), _title_style(agreement.title, s["title"])))
    if bilingual:
        story.append(Paragraph(escape(KIND_NAMES_EN.get(agreement.kind, "Agreement")), s["title_en"]))
    if agreement.status == AgreementStatus.voided:
        note = _label("void", bilingual)
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
    table.setStyle(_table_style([
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


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def _signatory(party) -> str:
    """'褚兵（董事长）', 'Lim Ming Hock (Group Managing Director)'."""
    name = (party.signatory_name or "").strip()
    title = (party.signatory_title or "").strip()
    if name and title:
        return f"{name}（{title}）" if _has_cjk(name + title) else f"{name} ({title})"
    return name or title


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


def _signatures(agreement: Agreement, s, bilingual: bool) -> list:
    """Two blocks side by side per row, their lines level with each other;
    a row is never split across pages."""
    parties = list(agreement.parties)
    column = FRAME_WIDTH / 2
    story = []
    for start in range(0, len(parties), 2):
        columns = [_signature_cells(party, s, bilingual) for party in parties[start:start + 2]]
        if len(columns) == 1:
            columns.append([""] * len(columns[0]))
        grid = Table([list(row) for row in zip(*columns)], colWidths=[column, column], hAlign="LEFT")
        grid.setStyle(_table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]))
        story += [Spacer(1, 8 * mm), grid]  # a table row never splits: the grid moves whole
    return story


def agreement_story(agreement: Agreement, s=None) -> list:
    """The flowables of one printed agreement (also used by the pack). The
    amount, term and place stay on the page of the first row of signature
    blocks, so no page holds signatures alone."""
    s = s or contract_styles()
    bilingual = agreement.is_bilingual
    signatures = _signatures(agreement, s, bilingual)
    rows = [KeepTogether(signatures[i:i + 2]) for i in range(2, len(signatures), 2)]
    return (_head(agreement, s, bilingual) + _parties(agreement, s, bilingual) + _clauses(agreement, s, bilingual)
            + [KeepTogether(_terms(agreement, s, bilingual) + signatures[:2])] + rows)


def pdf_title(agreement: Agreement) -> str:
    return f"{agreement.number} {agreement.title}"


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as printed for signing: A4, 第 X 页 共 Y 页, watermarked
    until it is signed."""
    with force_locale(CONTRACT_LOCALE):  # the page numbers and the author, as the contract's language
        return build_pdf(agreement_story(agreement), title=pdf_title(agreement), subject=subject_text(agreement),
                         on_page=_Watermark(watermark_text(agreement)))


# --- the ceremony pack -------------------------------------------------------------------------------

def _list_amount(agreement: Agreement) -> str:
    if not agreement.amount_disclosed or agreement.amount is None:
        return escape(_("Not disclosed"))
    text = escape(format_amount(agreement.amount, agreement.currency))
    if agreement.currency != "CNY" and agreement.amount_cny is not None:
        text += f"<br/><font size=8 color='#555555'>≈ {escape(format_amount(agreement.amount_cny, 'CNY'))}</font>"
    return text


def _party_line(party, style: ParagraphStyle) -> Paragraph:
    """'甲方 安徽巡鹰新能源集团有限公司', a long name wrapping under itself."""
    label = f"{party.role_label}\u00a0"
    indent = stringWidth(label, style.fontName, style.fontSize)
    hanging = ParagraphStyle("party-line", parent=style, leftIndent=indent, firstLineIndent=-indent)
    return Paragraph(escape(label) + escape(party.printed_name), hanging)


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
            [_party_line(party, s["cell"]) for party in agreement.parties],
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
    table.setStyle(_table_style([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ec")),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("SPAN", (1, -1), (3, -1)),
    ]))
    story.append(table)
    if any(not a.amount_disclosed or a.currency != "CNY" for a in agreements):
        story += [Spacer(1, 2 * mm), Paragraph(escape(_("The total is in CNY at the recorded exchange rates and "
                                                         "leaves out amounts that are not disclosed.")), s["small"])]
    return story


def ceremony_pack_pdf(event, agreements: list[Agreement]) -> bytes:
    """The signing list, then every agreement from a new page with its own
    page numbering, in one PDF."""
    s = contract_styles()
    # Latin wrapping: "CNY 3,500,000,000.00" breaks at its space, never inside the number.
    s["amount_cell"] = ParagraphStyle("amount-cell", parent=s["cell"], fontSize=9, alignment=TA_RIGHT, wordWrap=None)
    list_styles = {**styles(), "amount_cell": s["amount_cell"]}
    watermark = _Watermark(None)  # the list itself has none
    story = signing_list(event, agreements, list_styles)
    for agreement in agreements:
        story += [_SetWatermark(watermark, watermark_text(agreement)), PageBreak(), SectionStart()]
        story += agreement_story(agreement, s)
    return build_pdf(story, title=_("Signing ceremony %(title)s", title=event.title),
                     subject=event.theme or event.title, on_page=watermark)
