"""Jobs of the workspaces domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rapport.config import get_settings
from rapport.jobs import job
from rapport.workspaces import checkpoints


@job("audit.checkpoint", cron="*/10 * * * *")
def checkpoint_audit_chains(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Every ten minutes: record each audit chain's head outside the database, so that deleting
    the newest events shows (``rapport audit verify``). Only moved heads are written."""
    written = checkpoints.write_periodic(session, data_dir=get_settings().data_dir)
    return {"checkpoints": written}
