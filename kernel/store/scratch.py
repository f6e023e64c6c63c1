"""Scratch schemas: a PostgreSQL URL whose search_path is a new, empty schema, dropped afterwards.

Tests and benchmarks use them so that several runs share one database without seeing each other's tables.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


@contextmanager
def scratch_schema(base_url: str, prefix: str = "arcade_scratch") -> Iterator[str]:
    """Yield `base_url` pointed at a fresh schema named `prefix_<random>`; the schema is dropped on exit."""
    url = make_url(base_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = sa.create_engine(url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = " ".join(filter(None, [url.query.get("options"), f"-csearch_path={schema}"]))
        yield url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
