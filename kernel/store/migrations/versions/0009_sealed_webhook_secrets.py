"""Webhook secrets are stored Fernet-encrypted ("fernet:" + token), longer than the old 255 characters.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Values stored in clear stay readable; the kernel seals them at start once ARCADE_SECRET_KEY is set.
    with op.batch_alter_table("pipelines") as batch:
        batch.alter_column("webhook_secret", type_=sa.Text(), existing_type=sa.String(255))


def downgrade() -> None:
    with op.batch_alter_table("pipelines") as batch:
        batch.alter_column("webhook_secret", type_=sa.String(255), existing_type=sa.Text())
