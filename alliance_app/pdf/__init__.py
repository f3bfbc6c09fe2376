"""The PDF foundation every printed document uses, importing no domain: a CJK
font found once per process (fonts), escaped text, page numbers and metadata
(document), table styles and colours (tables), the draft/void mark
(watermark) and QR codes (qr)."""
