"""The ticket's check-in address: the QR payload of badges and tickets."""
from flask import url_for

from ..core.urls import absolute_url

# The version of the QR payload: /t/<version>/<ticket code>. A later format gets
# a new number and the old badges keep working.
TICKET_VERSION = 1


def ticket_url(registration, external: bool = True) -> str:
    values = {"version": TICKET_VERSION, "code": registration.ticket_code}
    return absolute_url("registrations.ticket_checkin", **values) if external else \
        url_for("registrations.ticket_checkin", **values)
