"""flask --app alliance_app <command>. Commands call the same services as views."""
import sys

import click
from flask import Flask, g
from sqlalchemy import select

from .core.errors import ServiceError
from .extensions import db


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def init_app(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True, help="Login email.")
    @click.option("--role", required=True, type=click.Choice(["admin", "staff", "member"]))
    @click.option("--organization", "organization_id", type=int, help="Organization id (members only).")
    @click.option("--name", default="", help="Display name.")
    def create_user_command(email, role, organization_id, name):
        """Create a user; the password is read from standard input."""
        from .accounts.services import create_user

        if role != "member" and organization_id is not None:
            _fail("--organization is only for member accounts.")
        password = _read_password()
        try:
            user = create_user(email, password, role, name=name, organization_id=organization_id)
        except ServiceError as exc:
            db.session.rollback()
            _fail(str(exc.message))
        db.session.commit()
        click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")

    @app.cli.command("create-token")
    @click.option("--email", required=True)
    @click.option("--name", default="cli", help="What the token is for.")
    def create_token_command(email, name):
        """Create an API token and print it once."""
        from .accounts.models import User
        from .accounts.services import create_api_token, normalize_email

        user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            _fail(f"No user with the email {email}.")
        if not user.active:
            _fail(f"The user {user.email} is deactivated.")
        g.cli_actor = user
        try:
            _token, secret = create_api_token(user, name)
        except ServiceError as exc:
            _fail(str(exc.message))
        db.session.commit()
        click.echo(secret)

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Tasks run at once (threads).")
    def worker_command(workers):
        """Run the background worker: delivers messages and builds long documents.
        Several may run, on several hosts, when the queue is Redis (TASK_QUEUE_URL)."""
        import logging

        from .core.queue import huey_of
        from .jobs.services import sweep as sweep_jobs
        from .notifications.delivery import sweep

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        with app.app_context():
            sweep()  # what was left while no worker ran
            sweep_jobs()
        consumer = huey_of(app).create_consumer(workers=workers, worker_type="thread", periodic=True,
                                                check_worker_health=True, flush_locks=False)
        consumer.run()

    @app.cli.command("demo-data")
    def demo_data_command():
        """Load the reference alliance (safe to run twice)."""
        from .demo import load_demo_data

        summary = load_demo_data()
        db.session.commit()
        for line in summary:
            click.echo(line)

    @app.cli.group("signing-key")
    def signing_key_group():
        """The key that digitally signs archived agreements (PAdES)."""

    @signing_key_group.command("create")
    @click.option("--if-missing", is_flag=True, help="Do nothing when a key is there already (make run).")
    @click.option("--force", is_flag=True, help="Replace an existing key.")
    @click.option("--days", default=365, show_default=True, help="How long the certificate is valid.")
    def signing_key_create_command(if_missing, force, days):
        """Make a SELF-SIGNED key and certificate for trials, at SIGNING_KEY_PATH
        (default instance/signing-key.p12). Without SIGNING_KEY_PASSPHRASE a random
        passphrase is made and added to the instance's config.py."""
        import secrets as _secrets
        from pathlib import Path

        from .agreements.signing import key_path
        from .pdf.pades import create_self_signed

        path = key_path()
        if path.exists() and not force:
            if if_missing:
                return
            _fail(f"{path} exists already; --force replaces it (archives signed with it stay valid).")
        passphrase = app.config.get("SIGNING_KEY_PASSPHRASE")
        if not passphrase:
            passphrase = _secrets.token_urlsafe(24)
            config = Path(app.instance_path) / "config.py"
            with config.open("a", encoding="utf-8") as out:
                out.write(f"# Added by `flask signing-key create`: the passphrase of {path.name}.\n"
                          f"SIGNING_KEY_PASSPHRASE = {passphrase!r}\n")
            click.echo(f"Added SIGNING_KEY_PASSPHRASE to {config}.")
        certificate = create_self_signed(path, passphrase, app.config["SIGNING_NAME"], days=days)
        click.echo(f"Wrote {path}: a SELF-SIGNED certificate for {app.config['SIGNING_NAME']}, valid until "
                   f"{certificate.not_valid_after_utc:%Y-%m-%d}.")
        click.echo("It is for trials: PDF readers show its signatures as \"signed, signer not trusted\". In "
                   "production set SIGNING_KEY_PATH and SIGNING_KEY_PASSPHRASE to the alliance's certificate "
                   "from a certification authority.")

    @signing_key_group.command("sign-waiting")
    def signing_key_sign_waiting_command():
        """Sign the archived agreements that wait for their digital signature (no
        key, or a key that could not be used, when they were archived)."""
        from .agreements.archive import folder, read
        from .agreements.signing import sign_all_waiting, status

        state = status()
        if state["key"] in ("none", "broken"):
            _fail(state["problem"] or "No signing key: set SIGNING_KEY_PATH or run `flask signing-key create`.")
        done, waiting = sign_all_waiting(read, folder)
        click.echo(f"Signed {done} archived PDFs (common copies and parties' originals); {waiting} still wait.")
        if waiting:
            sys.exit(1)

    @app.cli.command("db-is-empty")
    def db_is_empty_command():
        """Exit 0 when no user exists yet (used by `make run`)."""
        from .accounts.models import User

        sys.exit(0 if db.session.scalar(select(User.id).limit(1)) is None else 1)

    @app.cli.command("backup")
    @click.option("--output", "-o", type=click.Path(),
                  help="File (or folder) to write; default instance/backups/alliance-<time>.")
    def backup_command(output):
        """Write a consistent snapshot of the database (safe while the app serves)."""
        from .backup import backup

        click.echo(backup(app, output))

    @app.cli.command("restore")
    @click.argument("path", type=click.Path())
    @click.option("--yes", is_flag=True, help="Do not ask for the database name first.")
    def restore_command(path, yes):
        """Replace every row of the database with a backup written by `flask backup`."""
        from .backup import restore

        restore(app, path, assume_yes=yes)
