"""Protocol (礼宾): protocol ranks of the people at an event, ordered by rank and
then by surname strokes, the rostrum seating (主席台座次) of its sessions,
table cards (桌签) and hall seating."""
from flask import Blueprint

bp = Blueprint("protocol", __name__)

from . import views  # noqa: E402,F401
