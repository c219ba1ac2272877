"""Sending e-mail with the standard library (smtplib, email): the SMTP settings and one send.

Settings come from `INDICATORS_SMTP_*` environment variables, else from the `[smtp]` table of
`.streamlit/secrets.toml` (the working directory's, then the home directory's), the file
Streamlit already reads:

    [smtp]
    host = "smtp.example-city.fi"
    port = 587                 # default: 587 with starttls, 465 with tls, 25 with none
    security = "starttls"      # starttls | tls | none
    user = "monitor"           # optional: no log-in without it
    password = "…"
    sender = "Sustainability monitor <monitor@example-city.fi>"
    app_url = "https://monitor.example-city.fi"   # the links in messages

Without a host, mail is not configured: `remind` says so, and nothing else changes.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

SECURITIES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
TIMEOUT_SECONDS = 20


class MailNotConfigured(RuntimeError):
    """No SMTP host in the environment or secrets.toml."""


class MailSettingsError(ValueError):
    """The SMTP settings are there but wrong; the message says which one."""


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = None
    app_url: str = "http://localhost:8501"


def _secrets_table() -> dict:
    for folder in (Path.cwd(), Path.home()):
        path = folder / ".streamlit" / "secrets.toml"
        if path.is_file():
            try:
                table = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp")
            except tomllib.TOMLDecodeError as exc:
                raise MailSettingsError(f"{path} is not valid TOML: {exc}") from None
            if isinstance(table, dict):
                return table
    return {}


def settings(environ: dict | None = None) -> Settings | None:
    """The SMTP settings, or None when mail is not configured."""
    environ = os.environ if environ is None else environ
    table = {
        key: environ[f"INDICATORS_SMTP_{key.upper()}"]
        for key in ("host", "port", "security", "user", "password", "sender")
        if environ.get(f"INDICATORS_SMTP_{key.upper()}")
    }
    if "host" not in table:
        table = _secrets_table()
    host = str(table.get("host") or "").strip()
    if not host:
        return None
    security = str(table.get("security") or "starttls").strip().lower()
    if security not in SECURITIES:
        raise MailSettingsError(f"smtp security {security!r}: use one of {', '.join(SECURITIES)}")
    try:
        port = int(table.get("port") or DEFAULT_PORTS[security])
    except ValueError:
        raise MailSettingsError(f"smtp port {table.get('port')!r} is not a number") from None
    sender = str(table.get("sender") or table.get("user") or "").strip()
    if not sender:
        raise MailSettingsError("smtp sender is missing: the address messages come from")
    app_url = (
        environ.get("INDICATORS_APP_URL") or table.get("app_url") or "http://localhost:8501"
    ).rstrip("/")
    return Settings(
        host=host,
        port=port,
        security=security,
        sender=sender,
        user=str(table["user"]) if table.get("user") else None,
        password=str(table["password"]) if table.get("password") else None,
        app_url=app_url,
    )


def require_settings() -> Settings:
    found = settings()
    if found is None:
        raise MailNotConfigured(
            "mail is not configured: set INDICATORS_SMTP_HOST and INDICATORS_SMTP_SENDER"
            " (or an [smtp] table in .streamlit/secrets.toml); nothing was sent"
        )
    return found


def message(config: Settings, to: str, subject: str, body: str, language: str) -> EmailMessage:
    """A plain-text message (no HTML: the text carries names from the data)."""
    mail = EmailMessage()
    mail["From"] = config.sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2].strip("> ") or None)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(body)
    mail["Content-Language"] = language  # after set_content, which replaces Content-* headers
    return mail


class Connection:
    """One SMTP session for several messages (with `with`)."""

    def __init__(self, config: Settings):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        config = self.config
        if config.security == "tls":
            self.smtp = smtplib.SMTP_SSL(
                config.host,
                config.port,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            self.smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
            if config.security == "starttls":
                self.smtp.starttls(context=ssl.create_default_context())
        if config.user:
            self.smtp.login(config.user, config.password or "")
        return self

    def send(self, mail: EmailMessage) -> None:
        assert self.smtp is not None, "use Connection in a with block"
        self.smtp.send_message(mail)

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
