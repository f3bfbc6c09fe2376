"""The kinds of message, registered by the domains that send them (each
domain's messages.py), so that this package imports no domain."""
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Kind:
    """`context(params)` loads what the templates need from the stored params (ids,
    plain values) and returns None when it is gone; `subject(context)` is called
    in the recipient's language; templates/mail/<template>.txt and .html.

    A `confidential` kind carries a secret meant for the recipient alone (a link
    that sets the account's password): its context takes `reveal`, and with
    reveal=False puts a placeholder where the secret goes. The secretariat's
    preview and the copy kept in the outbox are made that way; only the message
    handed to the mail server holds the secret."""
    name: str
    subject: Callable[[Mapping[str, Any]], str]
    template: str
    context: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] = lambda params: dict(params)
    attachments: Callable[[Mapping[str, Any]], list[Attachment]] = field(default=lambda context: [])
    description: str = ""
    confidential: bool = False


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind
