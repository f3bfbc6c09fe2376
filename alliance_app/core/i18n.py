"""Language choice: zh_CN by default, English on request, remembered in a cookie
(and on the account of a signed-in user)."""
from functools import lru_cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "alliance_lang"


@lru_cache(maxsize=None)
def _locale(identifier: str) -> Locale:
    # Parsing "zh_CN" looks through Babel's data folder for aliases each time:
    # about 0.5 ms of every page (benchmarks/pages.py). Only configured
    # identifiers come here, so the cache stays as small as LANGUAGES.
    return Locale.parse(identifier)


def select_locale() -> Locale:
    return _locale(_chosen_language())


def _chosen_language() -> str:
    if not has_request_context():
        return "en"  # CLI output and logs, like click's own messages
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def request_language() -> str | None:
    """The language of the person making this request (None outside one): what a
    message to them is written in."""
    return _chosen_language() if has_request_context() else None


def translated(labels) -> dict:
    """Display names in the request's language, each translated once: a lazy
    string is translated again wherever a template prints it, which on a
    50-row list was a hundred catalogue look-ups per page."""
    return {key: str(value) for key, value in labels.items()}
