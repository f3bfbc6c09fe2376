"""The contract wording of a printed agreement: labels in Chinese and English,
numerals for 第N条, dates, amounts in words, the draft and void marks.

A signed agreement prints the same for every reader, so this is contract text
kept here, like the default clauses in clauses.py, not interface text in the
catalogues. Texts are plain here; the builders escape them."""
from datetime import date

from babel.dates import format_date as babel_format_date

from ...core.money import CURRENCY_NAMES, capital, grouped
from ..models import Agreement, AgreementKind, AgreementStatus

CONTRACT_LOCALE = "zh_CN"

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
    "original": ("正本（{role}执）", "Original — held by Party {letter}"),
    "parties": ("协议各方", "Parties"),
    "signing_date": ("签订日期", "Date of signing"),
    "witnesses": ("见证领导", "Witnessed by"),
    "assistant": ("助签人", "Signing assistant"),
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


def original_texts(party) -> tuple[str, str]:
    """'正本（乙方执）', 'Original — held by Party B': the mark of a party's original."""
    zh, en = LABELS["original"]
    return zh.format(role=party.role_label), en.format(letter=party_letter(party.position))


def person_text(name: str | None, title: str | None) -> str:
    """'褚兵（董事长）', 'Lim Ming Hock (Group Managing Director)', or either alone."""
    name, title = (name or "").strip(), (title or "").strip()
    if name and title:
        cjk = any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in name + title)
        return f"{name}（{title}）" if cjk else f"{name} ({title})"
    return name or title


def label_text(key: str, bilingual: bool) -> str:
    zh, en = LABELS[key]
    return f"{zh} {en}" if bilingual else zh


def watermark_text(agreement: Agreement) -> str | None:
    return WATERMARKS.get(agreement.status)
