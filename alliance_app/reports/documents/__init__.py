"""The signing report of an event (签约情况报告), as a PDF to print and hand out
(report_pdf.py) and as a workbook to work with (report_xlsx.py). Both take what
the views have already loaded — the event, `totals(Scope(event_id=...))` and
the agreements of the signing list — and speak the reader's language; the
words they share are in wording.py.

How the figures are defined (signed only, undisclosed amounts counted but not
summed, sectors apportioned) is in the docstring of totals.py; the report says
it in words next to the figures."""
from .report_pdf import signing_report_pdf
from .report_xlsx import signing_report_xlsx

__all__ = ["signing_report_pdf", "signing_report_xlsx"]
