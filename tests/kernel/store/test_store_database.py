"""Database: opening SQLite and PostgreSQL, connection settings, sessions, and errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from kernel.store import Database, StoreError, models

SECRET = "s3cret-pw"


def _pragma(db: Database, name: str) -> object:
    with db.engine.connect() as connection:
        return connection.execute(text(f"PRAGMA {name}")).scalar()


def test_package_exports():
    import kernel.store

    assert kernel.store.__all__ == ["Database", "StoreError", "models"]
    assert kernel.store.models is models


def test_sqlite_file_is_wal_with_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'arcade.db'}")
    try:
        assert db.dialect == "sqlite"
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "foreign_keys") == 1
        assert _pragma(db, "synchronous") == 1  # NORMAL
        assert _pragma(db, "busy_timeout") == 5000
    finally:
        db.dispose()


def test_sqlite_settings_apply_to_every_pooled_connection(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'arcade.db'}")
    try:
        with db.engine.connect() as first, db.engine.connect() as second:
            for connection in (first, second):
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        db.dispose()


def test_sqlite_creates_parent_directory(tmp_path):
    path = tmp_path / "a" / "b" / "arcade.db"
    db = Database(f"sqlite:///{path}")
    try:
        db.migrate()
        assert path.is_file()
    finally:
        db.dispose()


def test_sqlite_in_memory_is_one_shared_database():
    with Database("sqlite://") as db:
        assert isinstance(db.engine.pool, StaticPool)
        db.migrate()
        now = datetime.now(UTC)
        with db.session() as session, session.begin():
            session.add(models.Pipeline(id="p1", name="p", spec_yaml="", created_at=now, updated_at=now))
        with db.session() as session:
            assert session.get(models.Pipeline, "p1").created_at == now


def test_session_keeps_objects_usable_after_commit(database):
    now = datetime.now(UTC)
    with database.session() as session:
        assert isinstance(session, Session)
        pipeline = models.Pipeline(id="p1", name="p", spec_yaml="x", created_at=now, updated_at=now)
        session.add(pipeline)
        session.commit()
    assert pipeline.name == "p"  # not expired, so no lazy load on a closed session
    assert database.session() is not database.session()


@pytest.mark.parametrize(
    "url", ["postgresql://arcade@db.example:5432/arcade", "postgres://arcade@db.example/arcade"]
)
def test_postgresql_urls_use_psycopg3(url):
    db = Database(url)  # opening does not connect
    try:
        assert db.engine.url.drivername == "postgresql+psycopg"
        assert db.dialect == "postgresql"
        assert db.engine.pool._pre_ping
    finally:
        db.dispose()


def test_display_url_masks_password():
    db = Database(f"postgresql+psycopg://arcade:{SECRET}@db.example/arcade")
    try:
        assert db.display_url == "postgresql+psycopg://arcade:***@db.example/arcade"
        assert SECRET not in repr(db)
    finally:
        db.dispose()


def test_unparseable_url_is_a_store_error():
    with pytest.raises(StoreError, match="invalid database URL 'not a url'"):
        Database("not a url")


def test_bad_port_is_a_store_error_without_password():
    with pytest.raises(StoreError, match="invalid database URL") as caught:
        Database(f"postgresql://arcade:{SECRET}@db.example:notaport/arcade")
    assert SECRET not in str(caught.value)
    assert "postgresql://arcade:***@db.example:notaport/arcade" in str(caught.value)


def test_unknown_scheme_is_a_store_error_without_password():
    with pytest.raises(StoreError, match="unknown scheme 'mysql'") as caught:
        Database(f"mysql://arcade:{SECRET}@db.example/arcade")
    assert SECRET not in str(caught.value)
    assert "mysql://arcade:***@db.example/arcade" in str(caught.value)


def test_unknown_sqlite_driver_is_a_store_error():
    with pytest.raises(StoreError, match="cannot open database sqlite\\+nodriver://"):
        Database("sqlite+nodriver:///x.db")


def test_unreachable_postgresql_is_a_store_error_without_password():
    db = Database(f"postgresql://arcade:{SECRET}@127.0.0.1:1/arcade")
    try:
        with pytest.raises(StoreError) as caught:
            db.migrate()
    finally:
        db.dispose()
    message = str(caught.value)
    assert message.startswith("cannot migrate database postgresql+psycopg://arcade:***@127.0.0.1:1/arcade: ")
    assert "refused" in message.lower() or "failed" in message.lower()
    assert SECRET not in message
    assert "\n" not in message and "sqlalche.me" not in message


def test_sqlite_parent_that_is_a_file_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open database sqlite:///.*file/arcade.db"):
        Database(f"sqlite:///{tmp_path / 'file' / 'arcade.db'}")


def test_sqlite_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a SQLite database" * 100)
    db = Database(f"sqlite:///{path}")
    try:
        with pytest.raises(StoreError, match="cannot migrate database .*garbage.db: file is not a database"):
            db.migrate()
    finally:
        db.dispose()
