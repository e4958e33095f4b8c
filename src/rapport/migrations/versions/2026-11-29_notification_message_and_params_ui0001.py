"""notifications stored as a message code with parameters

Revision ID: ui0001
Revises: authz01
Created: 2026-11-29 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ui0001"
down_revision = "authz01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.add_column(
            sa.Column("message", sa.String(length=60), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("params")
        batch.drop_column("message")
