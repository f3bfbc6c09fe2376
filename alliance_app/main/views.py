from datetime import timedelta

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..core.i18n import LANG_COOKIE
from ..core.security import is_safe_next
from . import bp


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/language", methods=["POST"])
def set_language():
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
