"""Plugin steps: the plugin reference, action and args of a step, and the result the plugin returned.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("step_runs") as batch:
        batch.add_column(sa.Column("uses", sa.String(300), nullable=True))
        batch.add_column(sa.Column("action", sa.String(100), nullable=True))
        batch.add_column(sa.Column("args", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("result", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step_runs") as batch:
        for column in ("result", "args", "action", "uses"):
            batch.drop_column(column)
