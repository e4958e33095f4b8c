"""audit events name the key that signed them; jobs record when they started

Revision ID: ops0001
Revises: 0001
Created: 2026-11-29 22:50:00

Existing audit events keep their unkeyed SHA-256 hashes and an empty ``key_id``: they verify
as "legacy" and are sealed by the first keyed event after them (see the README, "Audit trail").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rapport.db

revision = "ops0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(
            sa.Column("key_id", sa.String(length=24), server_default="", nullable=False)
        )
    with op.batch_alter_table("job") as batch:
        batch.add_column(
            sa.Column("started_at", rapport.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("started_at")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")
