"""Passwords set through a personal link (links.py): "Forgot your password?"
and the invitation of an account an administrator creates. Services: they
flush, never commit."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.throttle import Throttle
from ..extensions import db
from ..notifications.outbox import recipient_problem
from . import links, throttle
from .messages import tell_invited, tell_password_reset
from .models import Role, User
from .services import create_user, end_sessions, normalize_email, revoke_api_tokens, start_session, validate_password

# Each request may send a message: so many per address and per email, known or not
# (the count is the same either way, so it reveals nothing).
RESETS_BY_ADDRESS = Throttle("password_reset_address", "PASSWORD_RESET_LIMIT_PER_ADDRESS", "PASSWORD_RESET_WINDOW_S")
RESETS_BY_EMAIL = Throttle("password_reset_email", "PASSWORD_RESET_LIMIT_PER_EMAIL", "PASSWORD_RESET_WINDOW_S")


def request_password_reset(email: str, address: str | None, *, locale: str | None = None) -> None:
    """Queue a reset link for the active account with this email; for any other
    email, nothing. The caller answers the same either way. ServiceError 429
    when this address or this email has asked too often lately."""
    email = normalize_email(email)
    if not email or len(email) > 254 or recipient_problem(email):
        raise ServiceError(_l("Enter a valid email address."), field="email")
    address = throttle.address_key(address)
    if RESETS_BY_ADDRESS.exceeded(address) or RESETS_BY_EMAIL.exceeded(email):
        raise ServiceError(_l("Too many password reset requests. Please wait an hour, or contact the secretariat."),
                           status=429)
    RESETS_BY_ADDRESS.hit(address)
    RESETS_BY_EMAIL.hit(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        return
    tell_password_reset(user, locale)
    record(db.session, "password_reset_requested", user)
    db.session.flush()


def invite_user(email: str, role: Role | str, actor: User, *, name: str = "", organization_id: int | None = None,
                locale: str | None = None) -> User:
    """An administrator creates an account: no password is typed for it; its
    owner gets a link to choose one (valid INVITATION_MAX_AGE_S)."""
    user = create_user(email, None, role, name=name, organization_id=organization_id)
    tell_invited(user, actor, locale)
    record(db.session, "user_invited", user, actor=actor)
    return user


def check_link(token: str) -> links.Link:
    """The link's user and purpose, or links.LinkRefused."""
    return links.verify(token)


def set_password_from_link(token: str, new_password: str, *, address: str | None = None,
                           user_agent: str = "") -> User:
    """The link's owner chooses a password: every session and API token of the
    account ends, as after a password change, and a new session starts for this
    browser (attached to the user for login_user()). Raises links.LinkRefused,
    or ServiceError for a password too short."""
    link = links.verify(token)
    validate_password(new_password)
    user = link.user
    new_hash = generate_password_hash(new_password, method=current_app.config["PASSWORD_HASH_METHOD"])
    # Conditional on the hash the link was made for: of two uses at once, one wins.
    changed = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=new_hash).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise links.LinkRefused("used")
    db.session.expire(user, ["password_hash"])
    end_sessions(user)
    revoke_api_tokens(user)
    action = "invitation_accepted" if link.purpose == links.INVITATION else "password_reset"
    record(db.session, action, user, actor=user)
    start_session(user, user_agent=user_agent, address=address)
    user.last_login_at = utcnow()
    record(db.session, "login", user, actor=user)
    db.session.flush()
    return user
