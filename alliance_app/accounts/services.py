"""Account services: authentication, sessions, users, passwords and API tokens.
They flush, never commit: the request (or CLI command) commits once."""
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..extensions import db
from ..members.models import Organization
from ..core.text import clean_code, clean_line
from . import throttle
from .models import ApiToken, Role, User, UserSession, hash_token, new_session_secret
from .throttle import LoginThrottled  # noqa: F401  (raised by authenticate)

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "alt_"
# Verifying against a dummy hash for unknown emails makes both answers take as long.
_DUMMY_HASHES: dict[str, str] = {}


@dataclass
class SignIn:
    user: User
    # Failed attempts on the account since its owner's previous login, to tell them.
    failed_attempts: int


def normalize_email(email: str) -> str:
    return clean_code(email).lower()


def _dummy_hash() -> str:
    from werkzeug.security import generate_password_hash

    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def authenticate(email: str, password: str, address: str | None, *, user_agent: str = "",
                 remember: bool = False) -> SignIn | None:
    """Sign in: a new session for the user these credentials belong to, or None.
    The answer and its time are the same for an unknown email, a wrong password
    and an inactive account. Raises LoginThrottled (accounts.throttle)."""
    from werkzeug.security import check_password_hash

    email = normalize_email(email)
    key = throttle.address_key(address)
    throttle.check(email, key)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    if not ok:
        throttle.record_failure(email, key)
        record(db.session, "login_failed", object_type="users", object_id=user.id if user else None,
               object_label=email[:300])
        return None
    failed = throttle.failures_since(email, user.last_login_at)
    throttle.record_success(email, key)
    start_session(user, user_agent=user_agent, address=address, remember=remember)
    user.last_login_at = utcnow()
    record(db.session, "login", user, actor=user)
    if failed:
        record(db.session, "failed_logins_reported", user, {"failed_attempts": [None, failed]}, actor=user)
    return SignIn(user, failed)


# --- sessions ------------------------------------------------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"),
            ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def summarize_user_agent(user_agent: str | None) -> str:
    """"Chrome, Windows" rather than the whole header: enough to recognise a device."""
    text = clean_line(user_agent)
    browser = next((name for key, name in _BROWSERS if key in text), None)
    system = next((name for key, name in _SYSTEMS if key in text), None)
    if browser or system:
        return ", ".join(part for part in (browser, system) if part)
    return re.split(r"[ (]", text, maxsplit=1)[0][:60]


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"]


def start_session(user: User, *, user_agent: str = "", address: str | None = None,
                  remember: bool = False) -> UserSession:
    """A new session of the user, attached to it for Flask-Login's login_user()."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    secret = new_session_secret()
    row = UserSession(user_id=user.id, token_hash=hash_token(secret), created_at=now, last_seen_at=now,
                      expires_at=now + _lifetime(remember), remember=remember,
                      user_agent=summarize_user_agent(user_agent), address=clean_line(address)[:64])
    db.session.add(row)
    db.session.flush()
    user.attach_session(row, secret)
    return row


# Built once, as the token's statement below: every signed-in page runs it, and building
# it with its joined load and its cache key on each request cost about as much as running
# it (benchmarks/pages.py --profile directory).
_SESSION_WITH_USER = select(UserSession).options(joinedload(UserSession.user)) \
    .where(UserSession.token_hash == bindparam("token_hash"))


def load_session(secret: str | None) -> User | None:
    """The active user whose unexpired session this secret opens, or None.
    last_seen_at is written at most every SESSION_TOUCH_INTERVAL; a session
    without "remember me" expires after PERMANENT_SESSION_LIFETIME unused."""
    if not secret or len(secret) > 200:
        return None
    row = db.session.scalar(_SESSION_WITH_USER, {"token_hash": hash_token(secret)})
    now = utcnow()
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    if now - row.last_seen_at >= current_app.config["SESSION_TOUCH_INTERVAL"]:
        row.last_seen_at = now
        if not row.remember:
            row.expires_at = now + _lifetime(False)
    row.user.attach_session(row, secret)
    return row.user


def user_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def end_session(user: User, session_id: int, actor: User) -> UserSession:
    """End one session of the user (this browser's too: that is logging out)."""
    row = db.session.get(UserSession, session_id) if 0 < session_id < 2**31 else None
    if row is None or row.user_id != user.id:
        raise ServiceError(_l("No such session."), status=404)
    current = user.current_session is not None and user.current_session.id == row.id
    db.session.delete(row)
    record(db.session, "logout" if current else "session_ended", user, {"session": [str(row), None]},
           actor=actor)
    db.session.flush()
    return row


def end_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """End every session of the user but `keep`; how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query).rowcount


def log_out_everywhere(user: User, actor: User) -> None:
    end_sessions(user)
    record(db.session, "logout_everywhere", user, actor=actor)
    db.session.flush()


def confirm_password(user: User, password: str, address: str | None, field: str,
                     wrong=_l("The password is not correct.")) -> None:
    """A signed-in user proves again that they know the password. Wrong guesses
    count as failed logins from this address, so a stolen session cannot try
    passwords faster than the login page allows. The caller commits either way."""
    key = throttle.address_key(address)
    try:
        throttle.check(user.email, key)
    except LoginThrottled as exc:
        minutes = max(1, int(exc.retry_after.total_seconds() // 60) + 1)
        raise ServiceError(_l("Too many failed attempts. Try again in %(n)d minutes.", n=minutes),
                           field=field, status=429)
    if not user.check_password(password or ""):
        throttle.record_failure(user.email, key)
        record(db.session, "password_check_failed", user, actor=user)
        raise ServiceError(wrong, field=field)


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
                           field="password")


def create_user(email: str, password: str | None, role: Role | str, *, name: str = "",
                organization_id: int | None = None) -> User:
    """A new account; with password None, one no password opens until its owner
    sets one through a link (recovery.invite_user)."""
    email = normalize_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise ServiceError(_l("Unknown role: %(role)s.", role=role), field="role")
    if not email or "@" not in email:
        raise ServiceError(_l("Enter a valid email address."), field="email")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ServiceError(_l("A user with the email %(email)s already exists.", email=email),
                           field="email", status=409)
    if role == Role.member:
        if organization_id is None:
            raise ServiceError(_l("A member account needs its organization."), field="organization_id")
        if db.session.get(Organization, organization_id) is None:
            raise ServiceError(_l("There is no organization with the id %(id)s.", id=organization_id),
                               field="organization_id")
    else:
        organization_id = None
    if password is not None:
        validate_password(password)
    user = User(email=email, name=(name or "").strip(), role=role, organization_id=organization_id)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str, address: str | None = None) -> None:
    """The user changes their own password: every other session and every API
    token of theirs ends (a stolen session or token must not outlive it); the
    session they changed it in goes on."""
    confirm_password(user, current_password, address, field="current_password",
                     wrong=_l("The current password is not correct."))
    validate_password(new_password)
    user.set_password(new_password)
    end_sessions(user, keep=user.current_session)
    revoke_api_tokens(user)
    db.session.flush()


def set_password(user: User, new_password: str, actor: User) -> None:
    """An administrator sets a user's password: every session and API token of
    that user ends, wherever it is (their own reset keeps the session it was made in)."""
    validate_password(new_password)
    user.set_password(new_password)
    end_sessions(user, keep=actor.current_session if actor.id == user.id else None)
    revoke_api_tokens(user)
    db.session.flush()


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise ServiceError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        end_sessions(user)
        revoke_api_tokens(user)
    db.session.flush()


def revoke_api_tokens(user: User) -> None:
    now = utcnow()
    for token in user_tokens(user):
        if token.revoked_at is None:
            token.revoked_at = now


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its hash is kept."""
    name = (name or "").strip() or "API"
    if len(name) > 100:
        raise ServiceError(_l("The name is too long (at most 100 characters)."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    return token, secret


def create_own_api_token(user: User, name: str, password: str, address: str | None) -> tuple[ApiToken, str]:
    """A token made on "My account": the password is asked again, so a session
    taken over (an unlocked computer, a stolen cookie) cannot mint a token that
    would outlive it."""
    confirm_password(user, password, address, field="password")
    return create_api_token(user, name)


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ServiceError(_l("No such token."), status=404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


# Built once: every API request runs it, and building a statement (and its cache key)
# costs more than SQLite takes to answer it.
_TOKEN_WITH_USER = select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.organization)) \
    .where(ApiToken.token_hash == bindparam("token_hash"))


def user_for_token(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    # The user and its organization in the same query: every API request asks for them
    # (the organization's membership decides member access).
    token = db.session.scalar(_TOKEN_WITH_USER, {"token_hash": hash_token(secret)})
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # Written at most once a minute, so reads stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user
