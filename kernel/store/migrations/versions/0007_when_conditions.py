"""`when` conditions: the CEL text of jobs and steps, and each job's matrix values for evaluating it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("when", sa.Text(), nullable=True))
        batch.add_column(sa.Column("matrix", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("step_runs") as batch:
        batch.add_column(sa.Column("when", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step_runs") as batch:
        batch.drop_column("when")
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_column("matrix")
        batch.drop_column("when")
