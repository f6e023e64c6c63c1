"""Shared fixtures: a database URL per store backend, and a migrated Database on it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kernel.store import Database
from kernel.store.scratch import scratch_schema

POSTGRES_URL_ENV = "ARCADE_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file under tmp_path, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arcade.db'}"
        return
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set; PostgreSQL store tests skipped")
    with scratch_schema(base, prefix="arcade_test") as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A Database on ``database_url``, migrated to the newest schema."""
    db = Database(database_url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real S3 HTTP endpoint (moto's standalone server) on a free loopback port, with test credentials."""
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
