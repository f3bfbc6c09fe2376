"""The alliance secretariat's application."""
import os
from pathlib import Path

import click
from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = REPO_ROOT / "instance"


class ConfigurationError(SystemExit):
    """Stops start-up with one line on stderr and exit status 1, no traceback."""


def _load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then the environment, then tests:
    complete before any extension is initialised."""
    app.config.from_object("alliance_app.config")
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("ALLIANCE")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'alliance.db'}"
    key = app.config.get("SECRET_KEY") or ""
    if not (app.debug or app.testing) and len(key) < app.config["MIN_SECRET_KEY_LENGTH"]:
        raise ConfigurationError(
            "SECRET_KEY must be set to at least %d characters (environment or instance/config.py)."
            % app.config["MIN_SECRET_KEY_LENGTH"]
        )
    from .core.urls import base_url_problem

    base_url = app.config.get("BASE_URL")
    if base_url and base_url_problem(base_url):
        raise ConfigurationError(base_url_problem(base_url) + f" (got {base_url!r}).")
    if not (app.debug or app.testing or base_url) and click.get_current_context(silent=True) is None:
        # Serving (gunicorn): links must not come from the request's Host header. Commands need none.
        raise ConfigurationError(base_url_problem(None) + " (environment ALLIANCE_BASE_URL or instance/config.py).")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("ALLIANCE_INSTANCE_PATH", str(DEFAULT_INSTANCE)),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    _load_config(app, test_config)
    from .core import params

    params.init_app(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .core import deployment, engine, errors, security, throttle
    from .extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from .core.i18n import install_template_gettext, select_locale

    engine.configure_engine_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    bootstrap.init_app(app)
    _init_login(app, login_manager)
    security.init_app(app)
    errors.init_app(app)
    deployment.init_app(app)
    throttle.init_app(app)
    from .core import queue
    from .extensions import mail

    queue.init_app(app)
    mail.init_app(app)

    from . import models  # noqa: F401  every model, for Alembic and the audit listener
    from .accounts import bp as accounts_bp
    from .agreements import bp as agreements_bp
    from .audit import bp as audit_bp
    from .events import bp as events_bp
    from .main import bp as main_bp
    from .jobs import bp as jobs_bp
    from .notifications import bp as notifications_bp
    from .members import bp as members_bp
    from .registrations import bp as registrations_bp
    from .reports import bp as reports_bp
    from .finance import bp as finance_bp
    from .followup import bp as followup_bp
    from .protocol import bp as protocol_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(agreements_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(protocol_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(finance_bp)

    from . import events, finance, followup, jobs, notifications

    notifications.init_app(app)
    events.init_app(app)
    jobs.init_app(app)
    finance.init_app(app)
    followup.init_app(app)

    from . import api

    api.init_app(app)

    from . import cli
    from .core import templating

    cli.init_app(app)
    templating.init_app(app)
    return app


def _init_login(app: Flask, login_manager) -> None:
    from flask import abort, redirect, request, url_for
    from flask_babel import lazy_gettext as _l
    from flask_login import current_user

    from .accounts.services import load_session
    from .extensions import db

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_secret: str):
        if request.path.startswith("/api/"):
            return None  # the API trusts bearer tokens only
        # The session cookie and the remember cookie both carry a user_sessions secret.
        return load_session(session_secret)

    @app.before_request
    def load_user_before_the_view():
        """Load the session's user before the view runs, and write its
        last_seen_at (every few minutes) in a transaction of its own, so that
        write never mixes with the view's work."""
        if request.path.startswith("/api/") or request.endpoint in ("static", "bootstrap.static"):
            return
        if current_user.is_authenticated and db.session.dirty:
            db.session.commit()

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            abort(401)
        from flask import flash

        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
