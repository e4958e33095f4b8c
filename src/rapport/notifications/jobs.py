"""Jobs of the notifications domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rapport.config import get_settings
from rapport.jobs import job
from rapport.notifications.email import EmailTemporarilyFailed, send_email


@job("notifications.send_email", retry_on=(EmailTemporarilyFailed,))
def send_email_job(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Send one queued email. Retried while the mail server is unreachable; a refused recipient
    is final (dead-letter). Not idempotent across a crash between send and commit: at worst one
    duplicate email, never a lost one."""
    send_email(get_settings(), payload["to"], payload["subject"], payload["body_text"])
    return {"sent": 1}
