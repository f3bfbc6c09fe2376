"""Finding a Chinese font reportlab can embed, once per process.

Order: the operator's font (PDF_FONT_PATH, e.g. 宋体 or 仿宋 from their own
systems), any TrueType font in instance/fonts/, the font that comes with the
installation (WenQuanYi Micro Hei, from the paperang-p2-fonts-cjk package),
fonts of the operating system; and only as a last resort reportlab's built-in
STSong-Light, which is not embedded and shows as blank boxes on computers
without a Chinese font (a warning goes to the log and the dashboard)."""
import glob
import logging
import os
import threading
from dataclasses import dataclass
from importlib import resources

from flask import current_app
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont, TTFError

log = logging.getLogger(__name__)

# A candidate must draw these: everyday text, the yuan sign, capital numerals
# and a rare surname from the reference meeting (昝).
REQUIRED_GLYPHS = "联盟协议甲乙丙方第页共签约金额¥壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整昝褚"
FALLBACK_CID_FONT = "STSong-Light"
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


@dataclass(frozen=True)
class FontChoice:
    name: str          # the reportlab font name to use in styles
    source: str        # where it came from, for people
    embedded: bool
    warning: str | None = None


_lock = threading.Lock()
_chosen: dict[tuple, FontChoice] = {}


def _packaged_font() -> str | None:
    try:
        path = resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
    except ModuleNotFoundError:
        return None
    return str(path) if path.is_file() else None


def _candidates(configured: str | None, index: int, instance_path: str):
    if configured:
        yield configured, index, "PDF_FONT_PATH"
    for path in sorted(glob.glob(os.path.join(instance_path, "fonts", "*.tt[fc]"))):
        yield path, 0, "instance/fonts"
    packaged = _packaged_font()
    if packaged:
        yield packaged, 0, "paperang-p2-fonts-cjk (WenQuanYi Micro Hei)"
    for path in SYSTEM_FONTS:
        yield path, 0, "system"


def _try_font(path: str, index: int) -> str | None:
    """The registered font name, or None when reportlab cannot use this file."""
    if not os.path.isfile(path):
        return None
    name = f"AllianceCJK-{abs(hash((path, index))) % 10**8}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError) as exc:
        log.warning("PDF font %s (index %s) cannot be used: %s", path, index, exc)
        return None
    missing = [ch for ch in REQUIRED_GLYPHS if ord(ch) not in font.face.charToGlyph]
    if missing:
        log.warning("PDF font %s lacks %s", path, "".join(missing))
        return None
    pdfmetrics.registerFont(font)
    # One face: bold and italic markup fall back to it instead of failing.
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return name


def cjk_font() -> FontChoice:
    config = current_app.config
    key = (config.get("PDF_FONT_PATH"), int(config.get("PDF_FONT_INDEX") or 0), current_app.instance_path)
    if key in _chosen:
        return _chosen[key]
    with _lock:
        if key not in _chosen:
            _chosen[key] = _choose(*key)
        return _chosen[key]


def _choose(configured, index, instance_path) -> FontChoice:
    for path, subfont, source in _candidates(configured, index, instance_path):
        name = _try_font(path, subfont)
        if name:
            log.info("PDF font: %s (%s)", path, source)
            return FontChoice(name=name, source=f"{source}: {path}", embedded=True)
        if source == "PDF_FONT_PATH":
            log.warning("PDF_FONT_PATH=%s is not a usable TrueType font with Chinese glyphs", path)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    warning = ("No embeddable Chinese font was found; PDFs use the built-in STSong-Light, which readers "
               "without a Chinese font show as blank boxes. Set PDF_FONT_PATH to a TrueType font.")
    log.warning(warning)
    return FontChoice(name=FALLBACK_CID_FONT, source="reportlab built-in CID font", embedded=False, warning=warning)


# --- characters the chosen font lacks ---------------------------------------------------------------
# Rare surname characters (𠮷, 䶮 …) and some letters of minority and foreign
# names may be missing from the chosen font. Each such character is drawn with
# the first other usable TrueType font that has it (embedded), and otherwise
# with the built-in CID font (not embedded) and reported, never silently
# left as an empty box. A character beyond the CID font's reach is printed as
# 〓, the typesetter's mark for a missing character, and reported too.

MISSING_MARK = "〓"
_fallbacks: list[tuple[str, object]] | None = None


def _fallback_fonts() -> list[tuple[str, object]]:
    """(registered name, face) of the other TrueType fonts we can embed."""
    global _fallbacks
    if _fallbacks is None:
        main = cjk_font().name  # outside the lock: cjk_font takes it too
        with _lock:
            if _fallbacks is None:
                found = []
                for path, index, _source in _candidates(None, 0, current_app.instance_path):
                    name = _try_font(path, index)
                    if name and name != main and all(name != n for n, _f in found):
                        found.append((name, pdfmetrics.getFont(name).face))
                _fallbacks = found
    return _fallbacks


def has_glyph(font_name: str, char: str) -> bool:
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if face is None or not hasattr(face, "charToGlyph"):
        return True  # a CID font: its coverage cannot be asked; it is what the reader has
    return ord(char) in face.charToGlyph or char.isspace()


def font_runs(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """`text` cut into (font name, piece) runs so that every character is
    drawn by a font that has it; and the characters no embeddable font has
    (drawn with the built-in CID font, to be reported to the user)."""
    main = cjk_font().name
    runs: list[tuple[str, str]] = []
    missing: list[str] = []
    for char in text:
        font = main
        if not has_glyph(main, char):
            font = next((name for name, face in _fallback_fonts() if ord(char) in face.charToGlyph), None)
            if font is None:
                if char not in missing:
                    missing.append(char)
                if ord(char) <= 0xFFFF:
                    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
                    font = FALLBACK_CID_FONT
                else:
                    # Beyond what the CID font can encode: the typesetter's mark for a missing character.
                    font, char = main, MISSING_MARK if has_glyph(main, MISSING_MARK) else "?"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs, missing


def runs_width(runs: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs)


def draw_runs(canv, runs: list[tuple[str, str]], x: float, y: float, size: float) -> None:
    """Draw the runs left to right from (x, y) on the baseline."""
    for font, piece in runs:
        canv.setFont(font, size)
        canv.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)
