"""Concurrency keys on job runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("concurrency", sa.String(200), nullable=True))
        batch.create_index("ix_job_runs_concurrency", ["concurrency"])


def downgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_index("ix_job_runs_concurrency")
        batch.drop_column("concurrency")
