"""The kernel's durable state: SQLAlchemy models, the database, and Alembic migrations."""

from __future__ import annotations

from kernel.store import models
from kernel.store.database import Database
from kernel.store.errors import StoreError

__all__ = ["Database", "StoreError", "models"]
