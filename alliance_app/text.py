"""Text from users: normalised before it is stored or compared."""
import re
import unicodedata

# Zero-width characters and bidirectional controls: invisible, but they make
# "张\u200b三公司" a different string from "张三公司".
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value or ""))


def clean_line(value: str | None) -> str:
    """One line of text: NFKC, no invisible or control characters (PostgreSQL
    refuses NUL outright), single spaces, trimmed. Services that must tell the
    user about control characters check has_control_characters() first."""
    if value is None:
        return ""
    value = unicodedata.normalize("NFKC", str(value))
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    return _SPACES.sub(" ", value).strip()


def clean_multiline(value: str | None) -> str:
    if value is None:
        return ""
    value = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n")
    value = _CONTROL.sub("", _INVISIBLE.sub("", value))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def comparison_key(value: str | None) -> str:
    """Equal for look-alikes: case, width, spaces and invisible characters ignored."""
    return clean_line(value).casefold().replace(" ", "")
