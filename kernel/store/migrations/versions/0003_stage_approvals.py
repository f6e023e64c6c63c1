"""Manual approval gates on stages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_runs") as batch:
        batch.add_column(
            sa.Column("approval_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("approval_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("approval_by", sa.String(255), nullable=True))
        batch.add_column(sa.Column("approval_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("approval_comment", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("stage_runs") as batch:
        columns = ("approval_comment", "approval_at", "approval_by", "approval_status", "approval_required")
        for column in columns:
            batch.drop_column(column)
