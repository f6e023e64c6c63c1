"""Alembic migrations: they build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect

from kernel.store import Database, models
from kernel.store.database import MIGRATIONS_DIR, alembic_config

MODEL_TABLES = set(models.Base.metadata.tables)


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _tables(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


@pytest.fixture
def empty_database(database_url):
    db = Database(database_url)
    yield db
    db.dispose()


def test_migration_files_ship_inside_the_package():
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1  # one linear history, no forgotten branch
    revisions = [revision.revision for revision in script.walk_revisions()]
    assert revisions[-1] == "0001" and revisions == sorted(revisions, reverse=True)


def test_migrate_from_empty_creates_every_table(empty_database):
    assert _tables(empty_database) == set()
    empty_database.migrate()
    assert _tables(empty_database) == MODEL_TABLES | {"alembic_version"}
    assert _current_revision(empty_database) == _head()


def test_migrating_twice_is_a_no_op(database):
    now = datetime.now(UTC)
    with database.session() as session, session.begin():
        session.add(models.Pipeline(id="p1", name="keep", spec_yaml="", created_at=now, updated_at=now))
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        database.migrate()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    changes = [
        s for s in statements if s.lstrip().split()[0].upper() in {"CREATE", "ALTER", "DROP", "INSERT"}
    ]
    assert changes == []
    assert _current_revision(database) == _head()
    with database.session() as session:
        assert session.get(models.Pipeline, "p1").name == "keep"


def test_migration_matches_the_models(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert differences == []


def test_constraints_and_indexes_match_the_models(database):
    with database.engine.connect() as connection:
        inspector = inspect(connection)
        for table in models.Base.metadata.sorted_tables:
            expected_uniques = {
                (c.name, tuple(col.name for col in c.columns))
                for c in table.constraints
                if c.__class__.__name__ == "UniqueConstraint"
            }
            actual_uniques = {
                (u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table.name)
            }
            assert actual_uniques == expected_uniques, table.name

            expected_indexes = {(i.name, tuple(col.name for col in i.columns)) for i in table.indexes}
            actual_indexes = {
                (i["name"], tuple(i["column_names"]))
                for i in inspector.get_indexes(table.name)
                if not i.get("duplicates_constraint")
            }
            assert actual_indexes == expected_indexes, table.name

            expected_fks = {
                (fk.constraint.name, fk.parent.name, fk.column.table.name, fk.ondelete)
                for fk in table.foreign_keys
            }
            actual_fks = {
                (
                    fk["name"],
                    fk["constrained_columns"][0],
                    fk["referred_table"],
                    fk["options"].get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table.name)
            }
            assert actual_fks == expected_fks, table.name


def test_downgrade_to_base_and_upgrade_again(database):
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert _tables(database) == {"alembic_version"}
    database.migrate()
    assert _tables(database) == MODEL_TABLES | {"alembic_version"}
