"""QR codes in print: encoded once each by zxing-cpp, drawn as one path.

Why zxing-cpp (benchmarks/documents.py, RESULTS.md): a badge's code took about
10 ms in reportlab's pure-Python encoder, and segno, pure Python as well, costs
the same once it tries the eight mask patterns the standard asks for; ZXing's
C++ encoder does the whole job, masks included, in a few hundredths of that."""
import re
from functools import lru_cache

import zxingcpp
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QR_LEVEL = "M"
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for, inside the drawn square
_DARK_RUN = re.compile(rb"\x01+")
_DARK = bytes.maketrans(bytes(range(256)), bytes([1] + [0] * 255))  # image byte 0 (black) → module 1


@lru_cache(maxsize=1024)
def qr_matrix(value: str) -> tuple[bytes, ...]:
    """The modules of `value`'s QR code (error correction M, smallest version),
    one bytes row per line from the top, 1 for a dark module. Cached: a badge
    asks for its code's size, quiet zone and drawing and encodes it once; a
    document printing one code on every page (a footer) encodes it once too."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_LEVEL)
    image = code.to_image(scale=1, add_quiet_zones=False)  # 0 = dark, 255 = light, one byte a module
    modules = bytes(memoryview(image).cast("B")).translate(_DARK)
    count = image.shape[1]
    return tuple(modules[start:start + count] for start in range(0, len(modules), count))


def _module_count(value: str) -> int:
    return len(qr_matrix(value))


def qr_box_size(value: str, modules_mm: float, maximum_mm: float | None = None) -> float:
    """The side (points) of a QR square, quiet zone included, whose modules span
    at least `modules_mm` (unless that would pass `maximum_mm`)."""
    count = _module_count(value)
    side = modules_mm * (count + 2 * QR_QUIET_MODULES) / count
    if maximum_mm is not None:
        side = min(side, maximum_mm)
    return side * mm


def qr_quiet_zone(value: str, size: float) -> float:
    """The width (points) of the quiet zone in a QR square of side `size`."""
    return size * QR_QUIET_MODULES / (_module_count(value) + 2 * QR_QUIET_MODULES)


def _path_operators(matrix: tuple[bytes, ...]) -> str:
    """The dark modules as PDF rectangles in module units, origin at the lower
    left module: one rectangle per horizontal run of dark modules."""
    count = len(matrix)
    return "\n".join(f"{run.start()} {count - 1 - row_number} {run.end() - run.start()} 1 re"
                     for row_number, row in enumerate(matrix) for run in _DARK_RUN.finditer(row))


def draw_qr(canv, value: str, x: float, y: float, size: float) -> None:
    """The QR code of `value` (error correction M, a quiet zone of four modules)
    as a size × size square with its lower left corner at (x, y).

    One filled path in a coordinate system of modules, written as PDF operators:
    reportlab's per-rectangle path calls formatted each coordinate in Python
    (about a millisecond a code); one path also leaves no seams between rows in
    anti-aliasing viewers."""
    matrix = qr_matrix(value)
    module = size / (len(matrix) + 2 * QR_QUIET_MODULES)
    canv.saveState()
    canv.translate(x + QR_QUIET_MODULES * module, y + QR_QUIET_MODULES * module)
    canv.scale(module, module)
    canv.setFillColor(colors.black)
    canv.addLiteral(_path_operators(matrix) + "\nf")
    canv.restoreState()


class QrFlowable(Flowable):
    """A QR code in a story (the ticket)."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value, self.size = value, size
        self.hAlign = "CENTER"

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.value, 0, 0, self.size)
