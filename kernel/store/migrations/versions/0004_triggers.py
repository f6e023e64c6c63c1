"""Pipeline triggers: webhook secrets on pipelines, and one cron schedule per pipeline.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("pipelines") as batch:
        batch.add_column(sa.Column("webhook_secret", sa.String(255), nullable=True))
    op.create_table(
        "pipeline_schedules",
        sa.Column("pipeline_id", sa.String(36), nullable=False),
        sa.Column("expression", sa.String(200), nullable=False),
        sa.Column("next_fire_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name=op.f("fk_pipeline_schedules_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pipeline_id", name=op.f("pk_pipeline_schedules")),
    )


def downgrade() -> None:
    op.drop_table("pipeline_schedules")
    with op.batch_alter_table("pipelines") as batch:
        batch.drop_column("webhook_secret")
