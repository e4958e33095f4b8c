"""second factor's last used step; tokens made from the command line

Revision ID: authz01
Revises: ops0001
Created: 2026-11-29 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "authz01"
down_revision = "ops0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(
            sa.Column("created_from_cli", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Before this revision only `rapport token create` made tokens without a creator.
    op.execute("UPDATE api_token SET created_from_cli = true WHERE created_by_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("created_from_cli")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("totp_last_step")
