"""What every template can use."""
from flask import Flask, request
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from .forms import ConfirmForm

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

ROLE_LABELS = {"admin": _l("Secretariat administrator"), "staff": _l("Secretariat staff"),
               "member": _l("Member representative")}


def current_language() -> str:
    """The interface language as configured ("zh_CN" or "en"); Babel itself
    names Simplified Chinese zh_Hans_CN, which is also the catalogue's folder."""
    return "zh_CN" if get_locale().language == "zh" else "en"


def init_app(app: Flask) -> None:
    @app.context_processor
    def common():
        return {
            "current_locale": current_language(),
            "language_names": LANGUAGE_NAMES,
            "post_form": ConfirmForm,
            "role_labels": ROLE_LABELS,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    from .money import format_amount

    app.jinja_env.filters["money"] = format_amount
    # One unambiguous form in both languages (CLDR's short English form has a two-digit year).
    app.jinja_env.filters["datetime"] = \
        lambda value, fmt="yyyy-MM-dd HH:mm": format_datetime(value, fmt) if value else ""
