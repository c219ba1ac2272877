"""A real SMTP server on 127.0.0.1 (aiosmtpd's controller), started and stopped by a fixture,
and the app pointed at it through the INDICATORS_SMTP_* variables."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """Every message the server accepted, parsed, with its envelope recipients."""

    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)  # addresses the server will not take

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    @property
    def recipients(self) -> list[str]:
        return [r for rcpt, _ in self.messages for r in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("INDICATORS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INDICATORS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("INDICATORS_SMTP_SECURITY", "none")
    monkeypatch.setenv("INDICATORS_SMTP_SENDER", "Monitor <monitor@example-city.fi>")
    monkeypatch.setenv("INDICATORS_APP_URL", "https://monitor.example-city.fi")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def no_mail(monkeypatch, tmp_path):
    """Mail not configured: no INDICATORS_SMTP_* and no secrets.toml in reach."""
    for key in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"INDICATORS_SMTP_{key}", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
