"""Member organizations: directory, applications, self-service, import and export."""
from flask import Blueprint

bp = Blueprint("members", __name__)

from . import views  # noqa: E402,F401
from . import transfer_views  # noqa: E402,F401
