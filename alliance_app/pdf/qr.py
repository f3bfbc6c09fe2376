"""QR codes in print: sized by their modules, drawn as one path."""
import functools
import itertools

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QR_LEVEL = "M"
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for, inside the drawn square


def _qr_widget(value: str, size: float) -> QrCodeWidget:
    return QrCodeWidget(value, barLevel=QR_LEVEL, barBorder=QR_QUIET_MODULES, barWidth=size, barHeight=size)


def _module_count(value: str) -> int:
    qr = _qr_widget(value, 1).qr
    # The version alone gives the size (4 × version + 17 modules): no need to
    # build the whole code (8 mask patterns tried) just to measure it.
    return 4 * (qr.version or qr.calculate_version()) + 17


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


@functools.lru_cache(maxsize=1024)
def _modules(value: str) -> tuple[tuple[bool, ...], ...]:
    """The module matrix of a code: choosing its mask tries all eight (about
    60 ms under load), and a document that prints the same code on many pages,
    or is built again, needs it once."""
    qr = _qr_widget(value, 1).qr
    qr.make()
    return tuple(tuple(bool(cell) for cell in row) for row in qr.modules)


def draw_qr(canv, value: str, x: float, y: float, size: float) -> None:
    """The QR code of reportlab's QR widget (error correction M, a quiet zone of
    four modules) as a size × size square with its lower left corner at (x, y).

    The widget's own drawing (renderPDF of one Rect shape per run of modules)
    made a badge cost 16 ms and can leave hairline seams between rows in
    anti-aliasing viewers; its module matrix is drawn here as one filled path
    instead: the same geometry, 7 ms a badge (measured on 400), no seams."""
    modules = _modules(value)
    border = QR_QUIET_MODULES
    module = size / (len(modules) + 2 * border)
    path = canv.beginPath()
    for row_number, row in enumerate(modules):
        top = y + size - (row_number + border) * module
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (column + border) * module, top - module, length * module, module)
            column += length
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.drawPath(path, stroke=0, fill=1)
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
