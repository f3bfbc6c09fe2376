"""Personal links that set an account's password: the reset of a forgotten
password (an hour) and the invitation of a new account (a week).

A link is a signed, timed token (itsdangerous, keyed by SECRET_KEY) over the
user's id, the purpose and a fingerprint of the user's email and current
password hash. Nothing is stored: the link dies when it is used (setting the
password changes the hash, and the change is conditional on the hash it was
made for, so two uses at once cannot both succeed), when the password is
changed any other way, when the email changes, when it expires or when the
account is deactivated. No table to purge and no migration; the price is that
a single link cannot be revoked alone (changing the password revokes them all)."""
import hashlib
import hmac
import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..core.urls import absolute_url
from ..extensions import db
from .models import User

RESET = "reset"
INVITATION = "invitation"
PURPOSES = {RESET: "PASSWORD_RESET_MAX_AGE_S", INVITATION: "INVITATION_MAX_AGE_S"}
SALT = "alliance.accounts.password-link"
MAX_TOKEN_LENGTH = 400


class LinkRefused(Exception):
    """`reason`: "expired" (too old), "used" (a link we made, but the password
    has been set since, or the account is gone or deactivated) or "invalid"
    (altered, cut short, or not ours)."""

    def __init__(self, reason: str = "invalid"):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Link:
    user: User
    purpose: str
    fingerprint: str


def _now() -> float:
    return time.time()


class _Serializer(URLSafeTimedSerializer):
    def get_timestamp(self) -> int:
        return int(_now())


def _serializer() -> URLSafeTimedSerializer:
    return _Serializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(user: User) -> str:
    """Changes whenever the password (or the email) does; reveals neither."""
    return hashlib.sha256(f"{user.email}\0{user.password_hash}".encode()).hexdigest()[:24]


def make_token(user: User, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return _serializer().dumps([user.id, purpose, fingerprint(user)])


def password_link(user: User, purpose: str) -> str:
    """The absolute address (BASE_URL) of the page that sets the password."""
    return absolute_url("accounts.password_link", token=make_token(user, purpose))


def max_age(purpose: str) -> int:
    return int(current_app.config[PURPOSES[purpose]])


def verify(token: str) -> Link:
    """The link's user, purpose and fingerprint, or LinkRefused."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkRefused()
    try:
        payload, signed_at = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise LinkRefused()
    if not (isinstance(payload, list) and len(payload) == 3 and isinstance(payload[0], int)
            and payload[1] in PURPOSES and isinstance(payload[2], str)):
        raise LinkRefused()
    user_id, purpose, print_ = payload
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not user.active or not hmac.compare_digest(print_, fingerprint(user)):
        raise LinkRefused("used")
    if _now() - signed_at.timestamp() > max_age(purpose):
        raise LinkRefused("expired")
    return Link(user, purpose, print_)
