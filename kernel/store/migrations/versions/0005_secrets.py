"""Secrets: Fernet-encrypted values, global or scoped to one pipeline.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "secrets",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("pipeline_id", sa.String(36), nullable=True),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name=op.f("fk_secrets_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secrets")),
        sa.UniqueConstraint("name", "pipeline_id", name=op.f("uq_secrets_name_pipeline_id")),
    )
    op.create_index(op.f("ix_secrets_pipeline_id"), "secrets", ["pipeline_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_secrets_pipeline_id"), table_name="secrets")
    op.drop_table("secrets")
