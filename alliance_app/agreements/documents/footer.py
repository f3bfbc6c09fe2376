"""The verification footer of every page of a printed agreement (issue 17):
a QR code leading to the public /verify/<code> page in the bottom right
corner, the code and the address in the bottom left, "草稿 / DRAFT" beside
them until the agreement is signed. Drawn in the bottom margin, so the
agreement's text, cover and signature blocks are laid out as before."""
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.doctemplate import ActionFlowable

from ...pdf.fonts import cjk_font
from ...pdf.qr import draw_qr
from ..links import verify_url
from ..models import Agreement, AgreementStatus

QR_SIDE = 17 * mm    # quiet zone included: modules of about 0.4 mm, read by phones from paper
QR_BOTTOM = 3.5 * mm  # the page number sits at 10 mm, the text frame starts at 22 mm
TEXT_GREY = colors.HexColor("#555555")
TEXT_WIDTH = 66 * mm  # from the left margin to just before the page number


def footer_lines(agreement: Agreement, url: str) -> list[str]:
    """The words beside the QR: in the contract's language, Chinese then English when bilingual."""
    bilingual = agreement.is_bilingual
    lines = [f"验证码{' / Code' if bilingual else ''}：{agreement.verification_code}",
             f"扫码或访问以核验{' / Scan or visit to verify' if bilingual else ''}：", url]
    if agreement.status in (AgreementStatus.draft, AgreementStatus.ready):
        lines.insert(0, "草稿 / DRAFT：未签署，仅供核对" + (" / not signed, for checking only" if bilingual else ""))
    return lines


def draw_verification_footer(canv, agreement: Agreement, url: str, qr_form: str | None = None) -> None:
    """The QR (bottom right) and its code and address (bottom left) on the current page.
    The lines stay left of the centred page number: a long one is set smaller.
    `qr_form`: the QR drawn once already as a form of that name (see VerificationFooter)."""
    font = cjk_font().name
    canv.saveState()
    if qr_form:
        canv.doForm(qr_form)
    else:
        _draw_qr(canv, url)
    canv.setFillColor(TEXT_GREY)
    for number, text in enumerate(reversed(footer_lines(agreement, url))):
        size = max(4.5, min(7.0, 7.0 * TEXT_WIDTH / max(stringWidth(text, font, 7.0), 1)))
        canv.setFont(font, size)
        canv.drawString(20 * mm, 4.5 * mm + number * 3 * mm, text)
    canv.restoreState()


def _draw_qr(canv, url: str) -> None:
    draw_qr(canv, url, A4[0] - 20 * mm - QR_SIDE + 1.5 * mm, QR_BOTTOM, QR_SIDE)


class VerificationFooter:
    """build_pdf's `on_page` part for the footer; `agreement` may change between
    the documents of a pack (SetFooter). Each agreement's QR is drawn once, as
    a form placed on each of its pages: a 16-agreement pack has some 40 pages."""

    def __init__(self, agreement: Agreement | None):
        self.agreement = agreement
        self._drawn: dict[int, tuple[str, str]] = {}  # agreement id: (url, form name)

    def __call__(self, canv, doc):
        if self.agreement is None:
            return
        if self.agreement.id not in self._drawn:
            url, name = verify_url(self.agreement), f"AllianceVerificationQr{self.agreement.id}"
            canv.beginForm(name)
            _draw_qr(canv, url)
            canv.endForm()
            self._drawn[self.agreement.id] = (url, name)
        url, name = self._drawn[self.agreement.id]
        draw_verification_footer(canv, self.agreement, url, qr_form=name)


class SetFooter(ActionFlowable):
    """Changes the footer's agreement from the next page on (before the PageBreak
    that starts the next agreement of a pack)."""

    def __init__(self, footer: VerificationFooter, agreement: Agreement | None):
        super().__init__()
        self.footer, self.agreement = footer, agreement

    def apply(self, doc):
        self.footer.agreement = self.agreement


def on_pages(*parts):
    """Several `on_page` drawings as one."""
    def draw(canv, doc):
        for part in parts:
            part(canv, doc)
    return draw
