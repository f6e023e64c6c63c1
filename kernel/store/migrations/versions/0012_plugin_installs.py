"""The marketplace's install state: which plugin version is installed, enabled, configured and with which
approved permissions; download counts per version; the plugins each agent reported at registration.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("plugins") as batch:
        batch.add_column(sa.Column("installed_version", sa.String(100), nullable=True))
        batch.add_column(sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("config", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("approved_permissions", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("installed_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("installed_by", sa.String(200), nullable=True))
    with op.batch_alter_table("plugin_versions") as batch:
        batch.add_column(sa.Column("downloads", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("plugins", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("plugins")
    with op.batch_alter_table("plugin_versions") as batch:
        batch.drop_column("downloads")
    with op.batch_alter_table("plugins") as batch:
        for column in (
            "installed_by",
            "installed_at",
            "approved_permissions",
            "config",
            "enabled",
            "installed_version",
        ):
            batch.drop_column(column)
