"""Addresses of an agreement used outside the app's pages (the printed footer's
QR code, the API): here, so the PDF builders need not import the services."""
from ..core.urls import absolute_url


def verify_url(agreement) -> str:
    """The public verification page, as printed in every page footer."""
    return absolute_url("agreements.verify", code=agreement.verification_code)
