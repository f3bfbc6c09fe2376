"""Guests outside member organizations (officials, experts, media): the
secretariat invites them with a link, or opens an event to public
registration. Either way the guest registers without an account through the
same registration service (capacity, quota, duplicates, waiting list, the
event's questions); public registrations wait for the secretariat's approval.

An invitation's code is 192 random bits; lookups of unknown codes are counted
per address (core/throttle) so that guessing is refused long before it could
succeed. A use is taken by a conditional UPDATE, so two guests on the last use
never both get in."""
from datetime import datetime
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from ..audit.services import record
from ..core.db import utcnow
from ..core.errors import ServiceError
from ..core.throttle import Throttle
from ..core.timeutil import to_local
from ..core.urls import absolute_url
from ..core.validation import Problems, datetime_value, email_value, enum_value, int_value, line
from ..events.models import Event, EventStatus
from ..extensions import db
from ..members.models import Organization
from ..notifications.outbox import notify
from ..notifications.registry import Kind, register_kind
from . import services
from .invitation_models import Invitation
from .messages import DELEGATE_KINDS, tell_delegate
from .models import DelegateCategory, Registration, RegistrationStatus

S = RegistrationStatus
INVITATION_FIELDS = ("category", "name", "email", "organization_id", "max_uses", "expires_at")
MAX_USES = 10_000
INVITED = "guest_invitation"

# Unknown codes, per address: a guesser is stopped long before a code could be found.
LOOKUPS = Throttle("invitation_lookup", "INVITATION_LOOKUP_LIMIT", "INVITATION_LOOKUP_WINDOW_S")
# Public registrations, per address: a form anyone may post is not a way to flood the list.
PUBLIC_POSTS = Throttle("public_registration", "PUBLIC_REGISTRATION_LIMIT", "PUBLIC_REGISTRATION_WINDOW_S")


class GuestActor:
    """Who registers through an invitation or the public form: no account, no
    organization of its own beyond the invitation's. The registration service
    treats it as a self-serving registrant whose duplicate lookups are counted
    per address."""
    is_authenticated = False
    is_secretariat = False
    is_admin = False
    is_member = False
    can_self_serve = True
    id = None

    def __init__(self, address: str | None, *, organization_id: int | None = None, needs_approval: bool = False):
        self.organization_id = organization_id
        self.member_organization_id = organization_id
        self.throttle_key = f"guest:{address or 'unknown'}"
        self.needs_approval = needs_approval


# --- the secretariat's invitations -------------------------------------------------------------------

def _expiry(problems: Problems, field: str, value: Any) -> datetime | None:
    """When the invitation stops working (naive input is local time); in the future."""
    parsed = datetime_value(problems, field, value)
    if parsed is not None and parsed <= utcnow():
        problems.add(field, _l("The expiry must be in the future."))
        return None
    return parsed


def clean_invitation(data: Mapping[str, Any]) -> tuple[dict, Problems]:
    problems = Problems()
    for field in data:
        if field not in INVITATION_FIELDS:
            problems.add(field, _l("Unknown field."))
    out: dict[str, Any] = {
        "category": enum_value(problems, "category", DelegateCategory, data.get("category")),
        "name": line(problems, "name", data.get("name"), 100),
    }
    email = line(problems, "email", data.get("email"), 254)
    out["email"] = email_value(problems, "email", email) if email else None
    organization_id = data.get("organization_id")
    out["organization_id"] = None
    if organization_id not in (None, ""):
        number = int_value(problems, "organization_id", organization_id, minimum=1, maximum=2**31 - 1)
        if number is not None and db.session.get(Organization, number) is None:
            problems.add("organization_id", _l("There is no organization with the id %(id)s.", id=number))
        out["organization_id"] = number
    max_uses = data.get("max_uses")
    out["max_uses"] = 1 if max_uses in (None, "") else \
        int_value(problems, "max_uses", max_uses, minimum=1, maximum=MAX_USES)
    if out["name"] and out["max_uses"] and out["max_uses"] > 1:
        problems.add("max_uses", _l("An invitation for a named person is used once; leave the name empty "
                                    "to invite a group."))
    out["expires_at"] = _expiry(problems, "expires_at", data.get("expires_at"))
    return out, problems


def create_invitation(event: Event, data: Mapping[str, Any], actor) -> Invitation:
    """A new invitation; the named guest with an email is sent the link."""
    if event.status == EventStatus.cancelled:
        raise ServiceError(_l("This event has been cancelled."), status=409)
    values, problems = clean_invitation(data)
    if problems:
        raise ServiceError(errors=problems, status=422)
    invitation = Invitation(event_id=event.id, created_by_id=getattr(actor, "id", None), uses=0, **values)
    db.session.add(invitation)
    db.session.flush()
    if invitation.email:
        notify(INVITED, invitation.email, name=invitation.name or "", about=invitation, invitation_id=invitation.id)
    return invitation


def revoke_invitation(invitation: Invitation, actor) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return absolute_url("registrations.guest_register", code=invitation.code)


def event_invitations(event: Event) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.event_id == event.id)
                                   .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


# --- the guest's side ----------------------------------------------------------------------------------

def _refusal(invitation: Invitation) -> ServiceError | None:
    """Why this invitation cannot be used now, or None."""
    if invitation.revoked_at is not None:
        return ServiceError(_l("This invitation has been withdrawn by the secretariat."), status=410)
    if invitation.is_expired():
        return ServiceError(_l("This invitation expired on %(when)s. Please ask the secretariat for a new one.",
                               when=to_local(invitation.expires_at).strftime("%Y-%m-%d %H:%M")), status=410)
    if invitation.uses >= invitation.max_uses:
        return ServiceError(_l("This invitation has been used already: no registrations are left on it."),
                            status=410)
    return None


def find_invitation(code: str, address: str | None) -> Invitation:
    """The invitation of a link; unknown codes count against the caller's address."""
    key = f"addr:{address or 'unknown'}"
    if LOOKUPS.exceeded(key):
        raise ServiceError(_l("Too many invitation links that do not exist were tried from your address. "
                              "Please try again later."), status=429)
    invitation = None
    if code and len(code) <= 40:
        invitation = db.session.scalar(select(Invitation).where(Invitation.code == code))
    if invitation is None:
        LOOKUPS.hit(key)
        raise ServiceError(_l("This invitation link is not valid. Please check the address or ask the "
                              "secretariat."), status=404)
    return invitation


def check_usable(invitation: Invitation) -> None:
    refusal = _refusal(invitation)
    if refusal is not None:
        raise refusal


def _take_use(invitation: Invitation) -> None:
    now = utcnow()
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.uses < Invitation.max_uses,
                                 Invitation.revoked_at.is_(None),
                                 or_(Invitation.expires_at.is_(None), Invitation.expires_at > now))
        .values(uses=Invitation.uses + 1).execution_options(synchronize_session=False))
    db.session.expire(invitation, ["uses"])
    if result.rowcount != 1:
        check_usable(invitation)
        raise ServiceError(_l("This invitation has been used already: no registrations are left on it."),
                           status=410)


def register_guest(invitation: Invitation, data: Mapping[str, Any], address: str | None) -> Registration:
    """A guest registers through an invitation: the invitation's category and
    organization, one of its uses. Flushes; the caller commits or rolls back."""
    check_usable(invitation)
    data = dict(data)
    data.pop("organization_id", None)
    data["category"] = invitation.category.value  # the secretariat chose it
    actor = GuestActor(address, organization_id=invitation.organization_id)
    _take_use(invitation)
    registration = services.register(invitation.event, data, actor, organization_id=invitation.organization_id)
    registration.invitation_id = invitation.id
    record(db.session, "guest_registered", registration, {"invitation_id": invitation.id})
    db.session.flush()
    return registration


def check_public(event: Event) -> None:
    if not event.public_registration or event.status != EventStatus.published:
        raise ServiceError(_l("This event does not take registrations from the public."), status=404)


def register_public(event: Event, data: Mapping[str, Any], address: str | None) -> Registration:
    """Anyone registers at the event's public page; the registration waits for the secretariat."""
    check_public(event)
    key = f"addr:{address or 'unknown'}"
    if PUBLIC_POSTS.exceeded(key):
        raise ServiceError(_l("Too many registrations were sent from your address. Please try again later."),
                           status=429)
    PUBLIC_POSTS.hit(key)
    data = dict(data)
    data.pop("organization_id", None)
    registration = services.register(event, data, GuestActor(address, needs_approval=True))
    record(db.session, "public_registered", registration)
    db.session.flush()
    return registration


def reject(registration: Registration, actor) -> Registration:
    """The secretariat turns down a pending registration (it held no seat)."""
    if registration.status != S.pending:
        raise ServiceError(_l("Only pending registrations can be turned down."), status=409)
    registration.status = S.cancelled
    record(db.session, "registration_rejected", registration, actor=actor)
    tell_delegate(registration, DELEGATE_KINDS[S.cancelled])
    db.session.flush()
    return registration


def set_public_registration(event: Event, enabled: bool, actor) -> Event:
    event.public_registration = bool(enabled)
    db.session.flush()
    return event


# --- the invitation's message ----------------------------------------------------------------------------

def _invitation_context(params):
    invitation = db.session.get(Invitation, params.get("invitation_id") or 0)
    if invitation is None:
        return None
    from ..events.documents import when_text

    event = invitation.event
    return {"invitation": invitation, "event": event, "when": when_text(event.starts_at, event.ends_at),
            "invitation_url": invitation_url(invitation),
            "expires": to_local(invitation.expires_at).strftime("%Y-%m-%d %H:%M") if invitation.expires_at else "",
            "event_url": absolute_url("events.public_detail", slug=event.slug)}


register_kind(Kind(INVITED, subject=lambda context: _l("Invitation: %(event)s", event=context["event"].title),
                   template="guest_invitation", context=_invitation_context,
                   description=_l("Guest: invitation to register, with the link")))
