"""Alembic migrations of the store schema; applied by ``Database.migrate``."""
