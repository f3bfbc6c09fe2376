"""Language choice: zh_CN by default, English on request, remembered in a cookie
(and on the account of a signed-in user)."""
from functools import lru_cache

from babel import Locale
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations
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



def _template_translations():
    """Flask-Babel's catalogue for the current locale, kept on `g` for the
    request: its own get_translations() looks up its request context three
    times and names the locale on every `_()` of a template, 30 to 50 a page
    (about a third of each call, benchmarks/pages.py --profile). Keyed by the
    locale object itself, so that inside force_locale() (mails, contracts) the
    forced language's catalogue is used, and the request's again afterwards."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    cached = g.get("_template_translations")
    if cached is None or cached[0] is not locale:
        cached = g._template_translations = (locale, get_translations())
    return cached[1]


def install_template_gettext(app: Flask) -> None:
    """The templates' _(), ngettext() ... as Flask-Babel installs them, through the kept catalogue."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _template_translations().ugettext(s),
        ngettext=lambda s, p, n: _template_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _template_translations().unpgettext(c, s, p, n),
    )
