"""The alliance's colours in print, and table styles that keep every cell in
the Chinese font."""
from reportlab.lib import colors
from reportlab.platypus import TableStyle

from .fonts import cjk_font

GREEN = colors.HexColor("#14532d")              # headings, header text
HEADER_BACKGROUND = colors.HexColor("#e8f3ec")  # a table's header row
TOTAL_BACKGROUND = colors.HexColor("#f3f4f6")   # a total line, a group heading
GRID = colors.HexColor("#9ca3af")               # the lines of a ruled table
LIGHT_RULE = colors.HexColor("#d1d5db")         # lines between the rows of an unruled list
GREY = colors.HexColor("#555555")               # secondary text, page numbers


def table_style(commands: list) -> TableStyle:
    """Cell text in the Chinese font too (a Table's default, Helvetica, would
    be an unembedded font in the file even when every cell is a Paragraph)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), cjk_font().name), *commands])
