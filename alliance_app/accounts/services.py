"""Account services: authentication, users, passwords and API tokens.
They flush, never commit: the request (or CLI command) commits once."""
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..extensions import db
from ..members.models import Organization
from ..core.text import clean_code
from .models import ApiToken, LoginFailure, Role, User, hash_token

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "alt_"
# Verifying against a dummy hash for unknown emails makes both answers take as long.
_DUMMY_HASHES: dict[str, str] = {}


class LoginThrottled(Exception):
    def __init__(self, retry_after: timedelta):
        self.retry_after = retry_after


def normalize_email(email: str) -> str:
    return clean_code(email).lower()


def _dummy_hash() -> str:
    from werkzeug.security import generate_password_hash

    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def _recent_failures(column, value, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(column == value, LoginFailure.at >= since)
    ).one()
    return count, oldest


def _check_throttle(email: str, address: str) -> None:
    config = current_app.config
    window: timedelta = config["LOGIN_WINDOW"]
    since = utcnow() - window
    for column, value, limit in (
        (LoginFailure.email, email, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (LoginFailure.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ):
        count, oldest = _recent_failures(column, value, since)
        if count >= limit:
            raise LoginThrottled(retry_after=max(oldest + window - utcnow(), timedelta(seconds=1)))


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user these credentials belong to, or None. The answer and its time
    are the same for an unknown email, a wrong password and an inactive account."""
    from werkzeug.security import check_password_hash

    email = normalize_email(email)
    address = address or "unknown"
    _check_throttle(email, address)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        ok = False
    else:
        ok = user.check_password(password or "") and user.active
    if not ok:
        db.session.add(LoginFailure(email=email[:254], address=address[:64]))
        record(db.session, "login_failed", object_type="users", object_id=user.id if user else None,
               object_label=email[:300])
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    user.rotate_session_token()
    user.last_login_at = utcnow()
    record(db.session, "login", user, actor=user)
    return user


def logout_user_everywhere(user: User) -> None:
    user.rotate_session_token()
    record(db.session, "logout", user, actor=user)


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
                           field="password")


def create_user(email: str, password: str, role: Role | str, *, name: str = "",
                organization_id: int | None = None) -> User:
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
    validate_password(password)
    user = User(email=email, name=(name or "").strip(), role=role, organization_id=organization_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password or ""):
        raise ServiceError(_l("The current password is not correct."), field="current_password")
    validate_password(new_password)
    set_password(user, new_password)


def set_password(user: User, new_password: str) -> None:
    """Set a password and end every session of the user, wherever it is."""
    validate_password(new_password)
    user.set_password(new_password)
    user.rotate_session_token()
    db.session.flush()


def set_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise ServiceError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.rotate_session_token()
        for token in user_tokens(user):
            if token.revoked_at is None:
                token.revoked_at = utcnow()
    db.session.flush()


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


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise ServiceError(_l("No such token."), status=404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def user_for_token(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    # The user and its organization in the same query: every API request asks for them
    # (the organization's membership decides member access).
    token = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.organization))
                              .where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # Written at most once a minute, so reads stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user
