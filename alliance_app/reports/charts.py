"""Charts of signed value, drawn on the server with reportlab's own charts: no
JavaScript, nothing loaded from elsewhere. A chart is a reportlab Drawing, so
the same object goes into a PDF (it is a flowable) and, through `svg`, into
the dashboard as <img src="....svg">.

Values are in 亿元 (100 million yuan) with two decimals, as the secretariat
reports them; they come from the exact Decimal figures of totals.py, and the
bars are whole numbers of hundredths of 亿元. Labels are in the current language. With
nothing to draw (no agreements, or none with a disclosed amount) a chart says
so instead of failing."""
import io
from decimal import Decimal

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..agreements.labels import SECTOR_LABELS
from ..agreements.models import Sector
from ..core.money import in_yi
from ..pdf.fonts import cjk_font

WIDTH = 480  # points: the text width of an A4 page with 20 mm margins is 482
BAR = colors.HexColor("#15803d")
INK = colors.HexColor("#1f2937")
GREY = colors.HexColor("#6b7280")
RULE = colors.HexColor("#d1d5db")
# Browsers draw SVG text with the fonts of the reader's computer (an <img> cannot
# load web fonts): Chinese-capable families first, then whatever sans-serif is there.
SVG_FONT_FAMILY = ("'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
                   "'Microsoft YaHei', 'Hiragino Sans GB', sans-serif")


class Chart(Drawing):
    """A Drawing that remembers its title and a one-line text of its data, for
    the SVG's <title> and <desc> (screen readers, search)."""

    def __init__(self, width, height, title: str = "", description: str = ""):
        super().__init__(width, height)
        self.initialFontName = _font()  # no stray, unembedded Helvetica in a PDF
        self.__dict__["chart_title"] = title  # plain attributes, past reportlab's attribute checks
        self.__dict__["chart_description"] = description


yi = in_yi  # 亿元 with two decimals, rounded down like the ceremony screen


def yi_label(amount: Decimal | None) -> str:
    """'6.33'; '<0.01' for an amount too small to show in 亿元 but not nothing."""
    value = yi(amount)
    if value == 0 and amount:
        return "<0.01"
    return f"{value:,.2f}"


# Bars are measured in hundredths of 亿元 (yi() keeps two decimals): whole numbers,
# exact, so no amount becomes a float on its way to reportlab.
BAR_UNITS_PER_YI = 100


def bar_lengths(rows) -> list[int]:
    """The bars' lengths. The figures people read, on the bars and in the
    description, are formatted from the Decimal amounts by yi_label."""
    return [int(yi(row["amount"]) * BAR_UNITS_PER_YI) for row in rows]


def _tick(value) -> str:
    """An axis tick (reportlab's number, in bar units) in 亿元: '1.5', '0'."""
    text = f"{Decimal(str(value)) / BAR_UNITS_PER_YI:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _font() -> str:
    return cjk_font().name


def _caption(drawing: Drawing, text: str, y: float) -> None:
    drawing.add(String(0, y, text, fontName=_font(), fontSize=9, fillColor=GREY))


def _empty(width: float, height: float, title: str, message: str) -> Chart:
    drawing = Chart(width, height, title, message)
    drawing.add(Rect(0.5, 0.5, width - 1, height - 1, fillColor=colors.HexColor("#f9fafb"), strokeColor=RULE,
                     strokeWidth=1))
    drawing.add(String(width / 2, height / 2 - 5, message, fontName=_font(), fontSize=12, fillColor=GREY,
                       textAnchor="middle"))
    return drawing


def _unit_caption() -> str:
    return _("Unit: 100 million yuan")


def _values_axis(axis) -> None:
    axis.valueMin = 0
    axis.rangeRound = "ceiling"  # the last tick at or above the longest bar
    axis.labels.fontName = _font()
    axis.labels.fontSize = 9
    axis.labels.fillColor = GREY
    axis.labelTextFormat = _tick
    axis.strokeColor = RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#eef0f2")
    axis.gridStrokeWidth = 0.5


def _bar_labels(chart, texts: list[str]) -> None:
    chart.barLabelFormat = "values"
    chart.barLabelArray = [texts]
    chart.barLabels.fontName = _font()
    chart.barLabels.fontSize = 9
    chart.barLabels.fillColor = INK


def sector_chart(by_sector: list[dict], width: float = WIDTH) -> Chart:
    """Signed value per sector in 亿元, one horizontal bar per sector (in the
    order of totals.by_sector), labelled with the translated sector names. An
    agreement in several sectors is split equally between them, as in totals."""
    title = _("Signed value by sector")
    rows = [row for row in by_sector or [] if row.get("count")]
    if not rows or not any(row["amount"] for row in rows):
        message = _("No signed agreements yet.") if not rows else _("No disclosed amounts yet.")
        return _empty(width, 120, title, message)
    labels = [str(SECTOR_LABELS.get(Sector(row["sector"]), row["sector"])) for row in rows]
    values = bar_lengths(rows)
    texts = [yi_label(row["amount"]) for row in rows]

    font = _font()
    label_width = max(stringWidth(label, font, 10) for label in labels) + 10
    step, top_margin, bottom_margin, right_margin = 26, 22, 22, 48
    height = top_margin + bottom_margin + step * len(rows)
    drawing = Chart(width, height, title,
                    "; ".join(f"{label}: {text}" for label, text in zip(labels, texts)) + f" ({_unit_caption()})")
    _caption(drawing, _unit_caption(), height - 12)

    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, bottom_margin
    chart.width, chart.height = width - label_width - right_margin, step * len(rows)
    chart.data = [values]
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.barWidth, chart.groupSpacing = 16, 10
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.reverseDirection = 1  # the first sector at the top
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 10
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -6
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    _values_axis(chart.valueAxis)
    _bar_labels(chart, texts)
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing


def month_chart(by_month: list[dict], width: float = WIDTH, height: float = 200) -> Chart:
    """Signed value per month of a year in 亿元 (totals.by_month: twelve rows)."""
    title = _("Signed value by month")
    found = {row["month"]: row for row in by_month or []}
    months = [found.get(m, {"month": m, "count": 0, "amount": Decimal(0)}) for m in range(1, 13)]
    if not any(row["count"] for row in months):
        return _empty(width, height, title, _("No signed agreements yet."))
    if not any(row["amount"] for row in months):
        return _empty(width, height, title, _("No disclosed amounts yet."))
    names = get_month_names("abbreviated", locale=get_locale())
    labels = [names[m] for m in range(1, 13)]
    values = bar_lengths(months)
    texts = [yi_label(row["amount"]) if row["amount"] else "" for row in months]
    drawing = Chart(width, height, title,
                    "; ".join(f"{label}: {text or '0'}" for label, text in zip(labels, texts))
                    + f" ({_unit_caption()})")
    _caption(drawing, _unit_caption(), height - 12)

    font = _font()
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 24
    chart.width, chart.height = width - chart.x - 6, height - chart.y - 36
    chart.data = [values]
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.groupSpacing = 10
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickDown = 0
    _values_axis(chart.valueAxis)
    chart.valueAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.dx = -4
    _bar_labels(chart, texts)
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.dy = 3
    drawing.add(chart)
    return drawing


class _SVGCanvas(renderSVG.SVGCanvas):
    """renderSVG places centred and right-aligned text itself, measuring it with
    the PDF font; the reader's browser draws another font, so leave the placing
    to the browser (text-anchor) where the text ends up where it was meant to."""

    def drawString(self, s, x, y, angle=0, link_info=None, text_anchor="left", textRenderMode=0, **attrs):
        if text_anchor in ("end", "middle"):
            attrs["text-anchor"] = text_anchor
            text_anchor = "start"
        super().drawString(s, x, y, angle, link_info, text_anchor, textRenderMode, **attrs)


def svg(drawing: Drawing) -> bytes:
    """The drawing as a standalone SVG document (UTF-8), text kept as text in a
    Chinese-capable font family, scalable (viewBox) for <img> in any width."""
    texts = {"title": getattr(drawing, "chart_title", ""), "desc": getattr(drawing, "chart_description", "")}
    drawing = renderSVG.renderScaledDrawing(drawing)
    canvas = _SVGCanvas((drawing.width, drawing.height), encoding="utf-8",
                        fontHacks={_font(): {"family": SVG_FONT_FAMILY}},
                        svgAttrs={"role": "img"})
    renderSVG.draw(drawing, canvas, 0, 0)
    for tag, text in texts.items():  # instead of renderSVG's "..."
        canvas.svg.getElementsByTagName(tag)[0].firstChild.data = text or ""
    out = io.StringIO()
    canvas.save(out)
    return out.getvalue().encode("utf-8")

