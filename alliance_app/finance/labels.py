"""What finance's enum values are called on screen."""
from flask_babel import lazy_gettext as _l

from ..members.labels import TIER_LABELS  # noqa: F401  the tiers are the members'
from .models import BillKind, BillStatus, InvoiceKind, InvoiceRequestStatus, PaymentMethod

KIND_LABELS = {BillKind.dues: _l("Membership dues"), BillKind.event_fee: _l("Conference fee")}
STATUS_LABELS = {BillStatus.open: _l("Open"), BillStatus.partly_paid: _l("Partly paid"), BillStatus.paid: _l("Paid"),
                 BillStatus.cancelled: _l("Cancelled")}
STATUS_COLOURS = {BillStatus.open: "warning", BillStatus.partly_paid: "info", BillStatus.paid: "success",
                  BillStatus.cancelled: "secondary"}
METHOD_LABELS = {PaymentMethod.bank_transfer: _l("Bank transfer"), PaymentMethod.cash: _l("Cash"),
                 PaymentMethod.other: _l("Other")}
INVOICE_KIND_LABELS = {InvoiceKind.ordinary: _l("普票 (ordinary VAT invoice)"),
                       InvoiceKind.special: _l("专票 (special VAT invoice)")}
INVOICE_STATUS_LABELS = {InvoiceRequestStatus.requested: _l("Requested"), InvoiceRequestStatus.issued: _l("Issued")}
