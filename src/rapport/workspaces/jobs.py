"""Jobs of the workspaces domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rapport.config import get_settings
from rapport.jobs import job
from rapport.workspaces import auth, checkpoints, outbox


@job("audit.checkpoint", cron="*/10 * * * *")
def checkpoint_audit_chains(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Every ten minutes: record each audit chain's head outside the database, so that deleting
    the newest events shows (``rapport audit verify``). Only moved heads are written."""
    written = checkpoints.write_periodic(session, data_dir=get_settings().data_dir)
    return {"checkpoints": written}


@job("workspaces.send_password_reset")
def send_password_reset(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Make a reset link for the address (if it has an account) and email it.

    The request only queues this job, the same for every address, so the reset form answers
    known and unknown addresses alike and in the same time. The link is made here, not in the
    request: no live token ever sits in the job table. If sending fails the transaction rolls
    back (no link without an email) and the job is retried.
    """
    found = auth.request_password_reset(session, email=str(payload.get("email", "")))
    if found is None:
        return {"sent": 0}
    user, token = found
    settings = get_settings()
    public_url = str(payload.get("public_url", "")) or settings.public_url()
    outbox.send_password_reset(settings, public_url=public_url, user=user, token=token)
    return {"sent": 1}
