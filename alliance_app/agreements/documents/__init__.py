"""The printed agreement (协议文本) and the signing ceremony pack, one module
each; the contract wording they share is in wording.py, the page furniture
(page numbers, the draft mark, table styles) in alliance_app/pdf.

An agreement prints in its own language, whoever downloads it; the ceremony
pack's signing list speaks the reader's."""
from .agreement import agreement_pdf, originals_pdf
from .ceremony_pack import ceremony_pack_pdf
from .wording import article_label, chinese_numeral

__all__ = ["agreement_pdf", "article_label", "ceremony_pack_pdf", "chinese_numeral", "originals_pdf"]
