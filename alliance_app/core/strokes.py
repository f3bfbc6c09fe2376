"""Surname stroke order (姓氏笔画): the order of Chinese official lists "按姓氏笔画排序".

Characters compare by stroke count, then by their strokes in writing order
(横 竖 撇 点 折), then by the following characters. The data is cn_sort's table
of ~40,000 characters (its `stroke_increment_level` ranks each character by
exactly those rules). Only the table is read: importing cn_sort itself would
reconfigure the process's logging and pull in jieba and a process pool.
"""
from __future__ import annotations

import importlib.util
import json
import os
import threading
import unicodedata

_lock = threading.Lock()
_levels: dict[str, int] | None = None

# Fixed-width keys so that a plain string comparison (in Python or in SQL) sorts
# names character by character; a prefix sorts first (王 before 王五).
_WIDTH = 8
_UNKNOWN_HAN = 1 << 24    # a Han character missing from the table: after every known one, by code point
_NOT_HAN = 2 << 24        # letters and the rest (foreign names): after all Chinese names


def _table() -> dict[str, int]:
    global _levels
    if _levels is None:
        with _lock:
            if _levels is None:
                spec = importlib.util.find_spec("cn_sort")
                if spec is None or not spec.submodule_search_locations:
                    raise RuntimeError("cn_sort is not installed (setup.cfg lists it)")
                path = os.path.join(list(spec.submodule_search_locations)[0], "res", "all_word.json")
                with open(path, encoding="utf-8") as f:
                    _levels = {entry["chinese"]: int(entry["stroke_increment_level"])
                               for entry in json.load(f)["all_word"] if len(entry["chinese"]) == 1}
    return _levels


def is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK ")


def char_level(char: str) -> int | None:
    """The character's place in stroke order, or None when the table lacks it."""
    return _table().get(char)


def stroke_key(name: str) -> str:
    """A sort key: names in surname stroke order (spaces and the middle dot of
    minority and foreign names are ignored; letters compare case-blind)."""
    table = _table()
    parts = []
    for char in unicodedata.normalize("NFKC", name or ""):
        if char.isspace() or char in "·•・.-":
            continue
        han = is_han(char)
        level = table.get(char) if han else None  # the table also ranks letters and punctuation
        if level is None:
            level = (_UNKNOWN_HAN if han else _NOT_HAN) + ord(char.casefold()[0]) % (1 << 24)
        parts.append(f"{level:0{_WIDTH}d}")
    return "".join(parts)
