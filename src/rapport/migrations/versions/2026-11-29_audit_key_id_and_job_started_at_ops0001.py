"""audit events are signed with the audit key (existing chains re-keyed); jobs record their start

Revision ID: ops0001
Revises: 0001
Created: 2026-11-29 22:50:00

Existing audit events carry unkeyed SHA-256 hashes that anyone with the database can recompute.
This migration checks each workspace's chain with the old rule and, when it is intact, signs
every event again with HMAC-SHA256 under the audit key (derived from the secret key, as
``rapport.workspaces.audit`` does). A chain that does not check out is left unkeyed, so
``rapport audit verify`` reports it instead of the migration laundering the tampering.
The payload format below is a frozen copy of format v1: migrations must not follow later code.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import sqlalchemy as sa
from alembic import op

import rapport.db

revision = "ops0001"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
GENESIS = "0" * 64

audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("workspace_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("created_at", rapport.db.UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_label", sa.String),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("summary", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
    sa.column("key_id", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(
            sa.Column("key_id", sa.String(length=24), server_default="", nullable=False)
        )
    with op.batch_alter_table("job") as batch:
        batch.add_column(
            sa.Column("started_at", rapport.db.UTCDateTime(timezone=True), nullable=True)
        )
    _rekey_audit_chains(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("started_at")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")


def _payload(row: Any, prev_hash: str, key_id: str) -> str:
    fields: list[Any] = [
        row.workspace_id,
        row.seq,
        row.created_at.isoformat(timespec="microseconds"),
        row.actor_id,
        row.actor_label,
        row.action,
        row.object_type,
        row.object_id,
        row.summary,
        prev_hash,
    ]
    if key_id:
        fields.append(key_id)
    return json.dumps(fields, sort_keys=True, default=str)


def _rekey_audit_chains(conn: sa.Connection) -> None:
    if conn.execute(sa.select(sa.func.count()).select_from(audit_event)).scalar_one() == 0:
        return  # a fresh database: no key needed
    from rapport.workspaces.audit import current_key  # the key from the settings

    key = current_key()
    workspaces = conn.execute(sa.select(audit_event.c.workspace_id).distinct()).scalars().all()
    for workspace_id in workspaces:
        rows = list(
            conn.execute(
                sa.select(audit_event)
                .where(audit_event.c.workspace_id == workspace_id)
                .order_by(audit_event.c.seq)
            )
        )
        if not _intact_unkeyed(rows):
            log.warning("audit chain of workspace %s is broken: left unkeyed", workspace_id)
            continue
        prev = GENESIS
        for row in rows:
            digest = key.mac(_payload(row, prev, key.key_id))
            conn.execute(
                sa.update(audit_event)
                .where(audit_event.c.id == row.id)
                .values(prev_hash=prev, hash=digest, key_id=key.key_id)
            )
            prev = digest


def _intact_unkeyed(rows: list[Any]) -> bool:
    prev, seq = GENESIS, 1
    for row in rows:
        unkeyed = hashlib.sha256(_payload(row, row.prev_hash, "").encode()).hexdigest()
        if row.seq != seq or row.prev_hash != prev or row.hash != unkeyed:
            return False
        prev, seq = row.hash, seq + 1
    return True
