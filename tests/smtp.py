"""A real SMTP server for the tests (aiosmtpd on a loopback port) that keeps
what it receives, and can be told to refuse recipients for a while."""
from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from .servers import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class Inbox:
    received: list[Received] = field(default_factory=list)
    # "550 ..." or "451 ...": the answer to every RCPT TO while set.
    refuse_with: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [r.message["Message-ID"] for r in self.received]


@dataclass
class Sent:
    """A received mail in the shape of an outgoing one: to, subject, body (text), alternatives (HTML)."""
    to: list[str]
    subject: str
    body: str
    alternatives: list[tuple[str, str]]


class Mailbox(Sequence):
    """What the server has received so far, read live, as Sent mails."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    def _all(self) -> list[Sent]:
        with self.inbox.lock:
            messages = [received.message for received in self.inbox.received]
        return [Sent([str(m["To"])], str(m["Subject"]), m.get_body(("plain",)).get_content(),
                     [(m.get_body(("html",)).get_content(), "text/html")]) for m in messages]

    def __getitem__(self, index):
        return self._all()[index]

    def __len__(self) -> int:
        return len(self.inbox.received)


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5,
                "MAIL_DEFAULT_SENDER": "秘书处 <secretariat@alliance.example>"}
