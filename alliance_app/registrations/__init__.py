"""Registration and check-in: delegates, capacity and waitlist, tickets, badges."""
from flask import Blueprint

bp = Blueprint("registrations", __name__)

from . import checkin_views, guest_views, logistics_views, question_views, receipt_views, views  # noqa: E402,F401
