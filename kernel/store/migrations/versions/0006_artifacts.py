"""Artifacts: archives uploaded by jobs (bytes in the blob store), and the artifact rules of job runs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("artifacts", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("download_artifacts", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "artifacts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("job_run_id", sa.String(36), nullable=False),
        sa.Column("step_run_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("blob_key", sa.String(255), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_runs.id"],
            name=op.f("fk_artifacts_run_id_pipeline_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_run_id"], ["job_runs.id"], name=op.f("fk_artifacts_job_run_id_job_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_run_id"],
            ["step_runs.id"],
            name=op.f("fk_artifacts_step_run_id_step_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
    )
    op.create_index("ix_artifacts_run_name", "artifacts", ["run_id", "name"])
    op.create_index("ix_artifacts_job", "artifacts", ["job_run_id"])
    op.create_index("ix_artifacts_expires", "artifacts", ["expires_at"])
    op.create_index("ix_artifacts_digest", "artifacts", ["digest"])


def downgrade() -> None:
    op.drop_index("ix_artifacts_digest", table_name="artifacts")
    op.drop_index("ix_artifacts_expires", table_name="artifacts")
    op.drop_index("ix_artifacts_job", table_name="artifacts")
    op.drop_index("ix_artifacts_run_name", table_name="artifacts")
    op.drop_table("artifacts")
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_column("download_artifacts")
        batch.drop_column("artifacts")
