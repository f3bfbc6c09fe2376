"""After the ceremony: following signed agreements to the ground (签约项目落地跟踪)."""
from flask import Blueprint

bp = Blueprint("followup", __name__)


def init_app(app) -> None:
    from . import reminders

    reminders.init_app(app)


from . import views  # noqa: E402,F401
