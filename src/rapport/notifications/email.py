"""Sending email: SMTP (STARTTLS and login when configured) or the console in development.

Errors come out as ``ExternalServiceError``: ``permanent=False`` when trying again later can
help (server unreachable, 4xx), ``permanent=True`` when it can't (recipient refused, 5xx).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from rapport.config import Settings, get_settings
from rapport.errors import ExternalServiceError

log = logging.getLogger("rapport.email")

SMTP_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body_text: str


class EmailTemporarilyFailed(ExternalServiceError):
    """The mail server could not be reached or asked us to try later."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False)


class EmailRejected(ExternalServiceError):
    """The mail server refused the message for good (recipient, sender, content or login)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def build_message(settings: Settings, to: str, subject: str, body_text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="rapport.local")
    message.set_content(body_text)
    return message


def send_email(settings: Settings, to: str, subject: str, body_text: str) -> None:
    """Send one plain-text email now; with an empty ``smtp_host`` it is logged instead.

    Raises EmailTemporarilyFailed (retry later) or EmailRejected (don't retry).
    """
    message = build_message(settings, to, subject, body_text)
    if not settings.smtp_host:
        log.info("email (console backend, not sent)\n%s", message.as_string())
        return
    try:
        _deliver(settings, message)
    except smtplib.SMTPAuthenticationError as exc:
        raise EmailRejected(
            f"SMTP login as {settings.smtp_username} was refused: {exc.smtp_code}"
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise EmailRejected(f"The mail server refused the recipient {to}.") from exc
    except smtplib.SMTPResponseException as exc:
        error = EmailTemporarilyFailed if 400 <= exc.smtp_code < 500 else EmailRejected
        raise error(f"The mail server answered {exc.smtp_code}: {exc.smtp_error!r}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        host = f"{settings.smtp_host}:{settings.smtp_port}"
        raise EmailTemporarilyFailed(f"The mail server {host} could not be reached: {exc}") from exc


def _deliver(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls()
            smtp.ehlo()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def send_email_now(
    to: str, subject: str, body_text: str, *, settings: Settings | None = None
) -> None:
    """Send without the job queue (invitations, password resets, the stalled-queue alarm).

    Same errors as ``send_email``; the caller decides whether to show or log them.
    """
    send_email(settings or get_settings(), to, subject, body_text)
