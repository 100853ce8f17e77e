"""Sending mail over SMTP with aiosmtplib (settings: host, port, TLS, credentials, sender)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

import settings


class MailFailed(Exception):
    """The SMTP server did not take the message (temporary or not): try again later."""


def build(to: str, subject: str, text: str, html: str, *, message_id: str = "") -> EmailMessage:
    """A multipart/alternative message with a plain-text and an HTML part."""
    msg = EmailMessage()
    msg["From"] = settings.MAIL_FROM
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id or make_msgid(domain="ouderlink")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


async def send(message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server; raises MailFailed when it refuses."""
    security = settings.SMTP_SECURITY.lower()
    password = str(settings.SMTP_PASSWORD)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            use_tls=security == "tls",
            start_tls=security == "starttls",
            username=settings.SMTP_USER or None,
            password=password if settings.SMTP_USER else None,
            timeout=settings.SMTP_TIMEOUT_SECONDS,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise MailFailed(f"{type(exc).__name__}: {exc}"[:500]) from exc
