"""The plugin registry: plugins, their published versions, and the registry's audit log.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
SERIAL_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "plugins",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("namespace", sa.String(100), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugins")),
        sa.UniqueConstraint("name", name=op.f("uq_plugins_name")),
    )
    op.create_index("ix_plugins_namespace", "plugins", ["namespace"])
    op.create_table(
        "plugin_versions",
        sa.Column("id", SERIAL_ID, autoincrement=True, nullable=False),
        sa.Column("plugin_id", sa.String(36), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["plugin_id"],
            ["plugins.id"],
            name=op.f("fk_plugin_versions_plugin_id_plugins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugin_versions")),
        sa.UniqueConstraint("plugin_id", "version", name=op.f("uq_plugin_versions_plugin_id_version")),
    )
    op.create_index("ix_plugin_versions_sha256", "plugin_versions", ["sha256"])
    op.create_table(
        "registry_audit",
        sa.Column("id", SERIAL_ID, autoincrement=True, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_audit")),
    )
    op.create_index("ix_registry_audit_at", "registry_audit", ["at"])


def downgrade() -> None:
    op.drop_index("ix_registry_audit_at", table_name="registry_audit")
    op.drop_table("registry_audit")
    op.drop_index("ix_plugin_versions_sha256", table_name="plugin_versions")
    op.drop_table("plugin_versions")
    op.drop_index("ix_plugins_namespace", table_name="plugins")
    op.drop_table("plugins")
