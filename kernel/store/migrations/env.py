"""Alembic environment for the store.

``Database.migrate`` hands its own connection over in ``config.attributes["connection"]`` (so an in-memory
SQLite database is migrated in place). Without one, the ``sqlalchemy.url`` option is opened through
``Database`` (see ``kernel.store.database.alembic_config``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from kernel.store import models
from kernel.store.types import UTCDateTime

config = context.config
target_metadata = models.Base.metadata


def render_item(type_, obj, autogen_context):
    """Autogenerate writes UTCDateTime as its plain type, so revisions never import the models' types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=str(url).startswith("sqlite"),
        dialect_opts={"paramstyle": "named"},
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from kernel.store.database import Database

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection in config.attributes and no sqlalchemy.url option")
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            run_migrations(connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
