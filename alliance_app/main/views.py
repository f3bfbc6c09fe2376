from datetime import timedelta

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import csrf, db
from ..core.i18n import LANG_COOKIE
from ..core.security import is_safe_next
from . import bp


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language", methods=["POST"])
@csrf.exempt
def set_language():
    """Anonymous visitors switch without a CSRF token: their pages carry none,
    so that one cached page serves every visitor (core/conditional.py), and a
    forged switch only sets a language cookie. A signed-in user's choice is
    saved on the account: that one is checked."""
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    lang = request.form.get("lang", "")
    target = request.form.get("next", "")
    response = redirect(target if is_safe_next(target) else url_for("main.index"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=int(timedelta(days=365).total_seconds()),
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return response


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to answer means unhealthy
        db.session.rollback()
        current_app.logger.warning("healthz: database did not answer")
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok")
