"""Amounts of money: Decimal from the edge to the database (integer fen) and
back; never float. Parsing accepts what people type in China and refuses, with
the reason, what it cannot take exactly."""
import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

FEN = Decimal("0.01")
MAX_YUAN = Decimal("10000000000000")  # 10 万亿: far above any agreement, far below BIGINT fen
UNITS = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000), "万亿": Decimal(10**12)}
# Chinese names for the currencies agreements are signed in; others print their code.
CURRENCY_NAMES = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港元", "JPY": "日元", "GBP": "英镑",
                  "MYR": "马来西亚林吉特", "SGD": "新加坡元", "KRW": "韩元", "AUD": "澳大利亚元", "CAD": "加拿大元"}
_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?P<unit>万亿|万|亿)?$")


class AmountError(ValueError):
    """Carries a translatable message saying why the input was refused."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_amount(text) -> Decimal:
    """'3,500,000,000', '350000万', '35亿', '3.5亿元', '３５亿', '¥1,000.5' → Decimal
    with two places. Refuses negatives, more than two decimal places (after the
    unit), NaN, infinity, exponents and text."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise AmountError(_l("Enter an amount."))
    if isinstance(text, float) or isinstance(text, bool):
        raise AmountError(_l("Send the amount as a decimal string such as \"3500000000.00\"."))
    if isinstance(text, (int, Decimal)):
        text = str(text)
    value = unicodedata.normalize("NFKC", str(text)).strip()
    value = re.sub(r"\s+", "", value)
    value = re.sub(r"^(人民币|RMB|CNY|¥|￥)", "", value, flags=re.IGNORECASE)
    value = re.sub(r"元$", "", value)
    if value.startswith("-") or value.startswith("负"):
        raise AmountError(_l("An amount cannot be negative."))
    if re.search(r"[eE]", value) or value.lower() in ("nan", "inf", "infinity") or "_" in value:
        raise AmountError(_l("Write the amount in digits, e.g. 3500000000 or 35亿 (no exponents)."))
    match = _NUMBER.match(value)
    if not match:
        raise AmountError(_l("This is not an amount. Write it as 3,500,000,000 or 35亿 or 3.5亿元."))
    try:
        number = Decimal(match["int"].replace(",", "") + ("." + match["dec"] if match["dec"] else ""))
    except InvalidOperation:
        raise AmountError(_l("This is not an amount. Write it as 3,500,000,000 or 35亿 or 3.5亿元."))
    amount = number * UNITS[match["unit"] or ""]
    # The size first: quantizing a number of more than 28 digits raises InvalidOperation.
    if amount > MAX_YUAN:
        raise AmountError(_l("This amount is too large; check the unit."))
    if amount != amount.quantize(FEN):
        raise AmountError(_l("An amount has at most two decimal places (fen)."))
    return amount.quantize(FEN)


def parse_rate(text) -> Decimal:
    """An exchange rate to CNY: positive, at most six decimal places."""
    if text is None or isinstance(text, (float, bool)):
        raise AmountError(_l("Give the exchange rate to CNY as a decimal string, e.g. \"1.5400\"."))
    value = unicodedata.normalize("NFKC", str(text)).strip()
    if not re.fullmatch(r"\d{1,6}(\.\d{1,6})?", value):
        raise AmountError(_l("Give the exchange rate as a positive number with at most six decimal places."))
    rate = Decimal(value)
    if rate <= 0:
        raise AmountError(_l("The exchange rate must be above zero."))
    return rate


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(FEN)


def cny_fen(amount: Decimal, rate: Decimal) -> int:
    """The amount in CNY fen at the recorded rate, rounded half up to the fen."""
    return to_fen((amount * rate).quantize(FEN, rounding=ROUND_HALF_UP))


def in_yi(amount: Decimal | None) -> Decimal:
    """An amount in 亿元 with two decimals, rounded down: a headline such as
    "突破35亿元" must never overstate (the screen and the reports agree)."""
    return (Decimal(amount or 0) / UNITS["亿"]).quantize(FEN, rounding=ROUND_DOWN)


def plain(amount: Decimal) -> str:
    """The API's decimal string: '3500000000.00'."""
    return f"{amount.quantize(FEN):f}"


def grouped(amount: Decimal) -> str:
    return f"{amount.quantize(FEN):,.2f}"


def _unit_text(amount: Decimal) -> str | None:
    """35亿 / 3.5亿 / 350万 when that is exact with at most two decimals in the
    largest unit that applies; else None (a long figure is clearer than 350712.34万)."""
    for unit, size in (("亿", UNITS["亿"]), ("万", UNITS["万"])):
        if amount >= size:
            scaled = amount / size
            return f"{scaled.normalize():f}{unit}" if scaled == scaled.quantize(FEN) else None
    return None


def format_amount(amount: Decimal | None, currency: str = "CNY") -> str:
    """'35亿元', '3,500,000,000.00元' where the short form would not be exact;
    '100万美元' for foreign currencies (in English: 'CNY 3,500,000,000.00')."""
    if amount is None:
        return ""
    amount = Decimal(amount)  # an int 0 from a template, or a Decimal
    chinese = get_locale() is None or get_locale().language == "zh"
    if not chinese:
        return f"{currency} {grouped(amount)}"
    short = _unit_text(amount)
    if currency == "CNY":
        return f"{short}元" if short else f"{grouped(amount)}元"
    name = CURRENCY_NAMES.get(currency, currency)
    return f"{short}{name}" if short else f"{name} {grouped(amount)}"


def capital(amount: Decimal, currency: str = "CNY") -> str:
    """人民币大写: '人民币叁拾伍亿元整'; a foreign currency is named first: '美元壹佰万元整'."""
    text = cn2an.an2cn(plain(amount), "rmb")  # quantized string: cn2an truncates extra decimals
    return CURRENCY_NAMES.get(currency, currency) + text
