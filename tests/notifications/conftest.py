"""Notification fixtures: people to notify and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy.orm import Session

from rapport.config import get_settings
from rapport.workspaces.models import User


def make_user(session: Session, name: str, *, active: bool = True) -> User:
    user = User(
        email=f"{name}-{uuid.uuid4().hex[:6]}@example.org",
        name=name,
        password_hash="x",
        is_active=active,
    )
    session.add(user)
    session.flush()
    return user


@dataclass
class Mailbox:
    """Messages the test SMTP server accepted; it refuses recipients starting with 'refused'."""

    messages: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture
def mail_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the cached settings at an SMTP port (set ``RAPPORT_SMTP_PORT`` before use)."""

    def configure(port: int | None) -> None:
        monkeypatch.setenv("RAPPORT_SMTP_HOST", "127.0.0.1" if port else "")
        monkeypatch.setenv("RAPPORT_SMTP_PORT", str(port or 25))
        monkeypatch.setenv("RAPPORT_SMTP_STARTTLS", "false")
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()
