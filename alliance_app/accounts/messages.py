"""What account holders are told: a link to reset a forgotten password, and the
invitation to an account an administrator created. Both carry a personal link
that sets the password (links.py): they are confidential kinds, so the
secretariat's preview and the outbox's copy show a placeholder instead."""
from flask_babel import lazy_gettext as _l

from ..core.urls import absolute_url
from ..extensions import db
from ..notifications.outbox import notify
from ..notifications.registry import Kind, register_kind
from . import links
from .models import User

PASSWORD_RESET = "password_reset"
INVITATION = "account_invitation"


def tell_password_reset(user: User, locale: str | None) -> None:
    notify(PASSWORD_RESET, user.email, name=user.name, locale=user.locale or locale, about=user, user_id=user.id)


def tell_invited(user: User, actor: User, locale: str | None) -> None:
    notify(INVITATION, user.email, name=user.name, locale=user.locale or locale, about=user, user_id=user.id,
           invited_by=(actor.name or actor.email) if actor is not None else "")


def _link_context(purpose: str):
    def context(params, reveal: bool = True):
        user = db.session.get(User, params.get("user_id") or 0)
        if user is None or not user.active:
            return None  # the link would be refused: nothing to send
        from .labels import ROLE_LABELS

        return {"user": user, "purpose": purpose, "role": ROLE_LABELS[user.role],
                "link": links.password_link(user, purpose) if reveal else None,
                "valid_hours": max(1, links.max_age(links.RESET) // 3600),
                "valid_days": max(1, links.max_age(links.INVITATION) // 86400),
                "invited_by": params.get("invited_by") or "",
                "login_url": absolute_url("accounts.login"),
                "forgot_url": absolute_url("accounts.forgot_password")}

    return context


register_kind(Kind(PASSWORD_RESET, subject=lambda context: _l("Reset your password"), template="password_link",
                   context=_link_context(links.RESET), confidential=True,
                   description=_l("Account holder: link to reset a forgotten password")))
register_kind(Kind(INVITATION, subject=lambda context: _l("Your account: choose your password"),
                   template="password_link", context=_link_context(links.INVITATION), confidential=True,
                   description=_l("New account: invitation to choose the password")))
