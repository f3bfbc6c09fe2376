"""Printed registration documents, one module each: name badges (胸卡), the
sign-in sheet (签到表) and a delegate's ticket (参会凭证).

Builders take domain objects and return PDF bytes; they run inside a request
(the QR code holds the absolute check-in URL from `ticket_url`). Every user
string that goes into a Paragraph is escaped; everything is drawn with the
embedded CJK font of `alliance_app.pdf`."""
from .badges import badges_pdf
from .sign_in_sheet import sign_in_sheet_pdf
from .ticket import ticket_pdf

__all__ = ["badges_pdf", "sign_in_sheet_pdf", "ticket_pdf"]
