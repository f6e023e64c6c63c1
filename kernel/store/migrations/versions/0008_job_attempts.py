"""Job attempts: the retry policy on job runs, the attempt that supersedes one, and a retry's delay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("max_attempts", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("retry_delay_seconds", sa.Double(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("first_attempt", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("superseded_by", sa.String(36), nullable=True))
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        for column in ("not_before", "superseded_by", "first_attempt", "retry_delay_seconds", "max_attempts"):
            batch.drop_column(column)
