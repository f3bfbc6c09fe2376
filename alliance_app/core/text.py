"""Text from users: normalised before it is stored or compared."""
import re
import unicodedata
from functools import lru_cache

# Zero-width characters and bidirectional controls: invisible, but they make
# "张\u200b三公司" a different string from "张三公司".
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value or ""))


def clean_line(value: str | None) -> str:
    """One line of text: NFC (full-width Chinese punctuation such as ，and ：
    stays as typed), no invisible or control characters (PostgreSQL refuses NUL
    outright), single spaces, trimmed. Services that must tell the user about
    control characters check has_control_characters() first."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    return _SPACES.sub(" ", value).strip()


def clean_multiline(value: str | None) -> str:
    if value is None:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def clean_code(value: str | None) -> str:
    """Codes, numbers and addresses typed with full-width characters (１３８，ＡＢ)
    become their ASCII forms (NFKC)."""
    return clean_line(unicodedata.normalize("NFKC", str(value))) if value is not None else ""


@lru_cache(maxsize=1)
def _to_simplified():
    # OpenCC's own traditional-to-simplified tables (phrases included), pure Python.
    from opencc import OpenCC

    return OpenCC("t2s")


def comparison_key(value: str | None) -> str:
    """Equal for look-alikes: width (NFKC), case, spaces, invisible characters and
    traditional versus simplified characters (巡鷹動力 and 巡鹰动力) ignored."""
    return _to_simplified().convert(clean_code(value)).casefold().replace(" ", "")
