"""Strategic agreements: drafting, signing, printed agreements, ceremony packs."""
from flask import Blueprint

bp = Blueprint("agreements", __name__)

from . import verify_views, views  # noqa: E402,F401
