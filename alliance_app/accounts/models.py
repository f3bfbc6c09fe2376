"""Users, their browser sessions, API tokens and the failed-login record used for throttling."""
import hashlib
import secrets
from datetime import datetime
from typing import Optional

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.db import TimestampMixin, UTCDateTime, utcnow
from ..core.enums import StrEnum, enum_column_type
from ..extensions import db
from ..members.models import Organization


# A password hash no password matches (werkzeug's hashes start with the method's name).
UNUSABLE_PASSWORD_PREFIX = "!"


class Role(StrEnum):
    admin = "admin"
    staff = "staff"
    member = "member"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    __audit_exclude__ = frozenset({"password_hash"})
    __audit_ignore__ = frozenset({"last_login_at"})
    __table_args__ = (
        # A member account represents exactly one organization; secretariat accounts none.
        CheckConstraint(
            "(role = 'member' AND organization_id IS NOT NULL)"
            " OR (role <> 'member' AND organization_id IS NULL)",
            name="member_has_organization",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column_type(Role, "role"))
    organization_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[Optional[str]] = mapped_column(String(10))
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    organization: Mapped[Optional[Organization]] = relationship()

    def __str__(self) -> str:
        return self.email

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    # The browser session this request runs in (set when the session is started
    # or loaded from the cookie); not a column.
    current_session = None
    _session_secret = None

    def get_id(self) -> str:
        """Flask-Login's "alternative token": the cookie carries the secret of one
        row of user_sessions, not the user id, so ending that row ends the session
        (and the remember cookie, which carries the same value)."""
        if not self._session_secret:
            raise RuntimeError("No session: start one with accounts.services.start_session()")
        return self._session_secret

    def attach_session(self, session: "UserSession", secret: str) -> None:
        self.current_session, self._session_secret = session, secret

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def set_unusable_password(self) -> None:
        """No password opens the account (an invited user who has not chosen one
        yet). The random tail makes each such hash distinct, so a password link
        made for it dies once a password is set."""
        self.password_hash = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24)

    @property
    def has_usable_password(self) -> bool:
        return not self.password_hash.startswith(UNUSABLE_PASSWORD_PREFIX)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_secretariat(self) -> bool:
        return self.role in (Role.admin, Role.staff)

    @property
    def is_member(self) -> bool:
        """A member organization's account (by role), whatever its organization's status."""
        return self.role == Role.member

    @property
    def member_organization_id(self) -> int | None:
        """The one rule of member self-service: the organization this account acts
        for, while that organization is a member (active or suspended). None for an
        applicant, a rejected, withdrawn or non-member organization (its account
        only follows its application), and for the secretariat."""
        if self.role != Role.member or self.organization is None or not self.organization.is_member:
            return None
        return self.organization_id

    @property
    def can_self_serve(self) -> bool:
        return self.member_organization_id is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session_secret() -> str:
    return secrets.token_urlsafe(32)


class UserSession(db.Model):
    """One signed-in browser. The cookie carries the secret, the table only its
    SHA-256, so a copy of the database opens no session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most every few minutes (SESSION_TOUCH_INTERVAL), so reads stay reads.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "Keep me logged in": lives as long as the remember cookie; otherwise it
    # expires after PERMANENT_SESSION_LIFETIME without use.
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.user_agent or '?'} ({self.address or '?'})"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __audited__ = True
    __audit_exclude__ = frozenset({"token_hash"})
    __audit_ignore__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only the SHA-256 of the token is stored; the token is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(db.Model):
    """One failed login; counted per (account, address) pair, per address and
    per account inside their windows (accounts.throttle)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_email_address_at", "email", "address", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
