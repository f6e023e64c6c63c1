"""UTCDateTime: aware UTC in, aware UTC out, naive refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from kernel.store import models
from kernel.store.types import UTCDateTime

PLUS_TWO = timezone(timedelta(hours=2))


def test_every_datetime_column_uses_utc_datetime():
    columns = [column for table in models.Base.metadata.tables.values() for column in table.columns]
    datetime_columns = [column for column in columns if isinstance(column.type, DateTime | UTCDateTime)]
    assert len(datetime_columns) >= 19
    assert all(isinstance(column.type, UTCDateTime) for column in datetime_columns)


def test_bind_converts_to_utc():
    value = datetime(2024, 5, 1, 12, 30, tzinfo=PLUS_TWO)
    stored_pg = UTCDateTime().process_bind_param(value, postgresql.dialect())
    assert stored_pg == value and stored_pg.tzinfo is UTC
    # SQLite has no timezones: the UTC wall-clock time is stored.
    assert UTCDateTime().process_bind_param(value, sqlite.dialect()) == datetime(2024, 5, 1, 10, 30)


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_bind_rejects_naive_datetime(dialect):
    with pytest.raises(ValueError, match="naive datetime 2024-05-01T12:30:00 cannot be stored"):
        UTCDateTime().process_bind_param(datetime(2024, 5, 1, 12, 30), dialect)


def test_bind_rejects_non_datetime():
    with pytest.raises(TypeError, match="expects a datetime, got str"):
        UTCDateTime().process_bind_param("2024-05-01", sqlite.dialect())


def test_result_is_aware_utc():
    naive = UTCDateTime().process_result_value(datetime(2024, 5, 1, 10, 30), sqlite.dialect())
    assert naive == datetime(2024, 5, 1, 10, 30, tzinfo=UTC) and naive.tzinfo is UTC
    aware = UTCDateTime().process_result_value(
        datetime(2024, 5, 1, 12, 30, tzinfo=PLUS_TWO), postgresql.dialect()
    )
    assert aware == datetime(2024, 5, 1, 10, 30, tzinfo=UTC) and aware.tzinfo is UTC
    assert UTCDateTime().process_result_value(None, sqlite.dialect()) is None


def test_naive_datetime_is_rejected_on_write(database):
    naive = datetime(2024, 5, 1, 12, 30)
    with database.session() as session:
        session.add(models.Pipeline(id="p1", name="p", spec_yaml="", created_at=naive, updated_at=naive))
        with pytest.raises(StatementError, match="naive datetime") as caught:
            session.flush()
        assert isinstance(caught.value.orig, ValueError)
    with database.session() as session:
        assert session.scalars(select(models.Pipeline)).all() == []


def test_naive_datetime_is_rejected_in_queries(database):
    with database.session() as session, pytest.raises(StatementError, match="naive datetime"):
        session.scalars(
            select(models.Pipeline).where(models.Pipeline.created_at < datetime(2024, 1, 1))
        ).all()


def test_comparisons_use_utc_on_both_backends(database):
    # 12:00+02:00 is 10:00 UTC: it sorts before 11:00 UTC although its wall-clock time is later.
    early = datetime(2024, 5, 1, 12, 0, tzinfo=PLUS_TWO)
    late = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    with database.session() as session, session.begin():
        for name, when in (("early", early), ("late", late)):
            session.add(models.Pipeline(id=name, name=name, spec_yaml="", created_at=when, updated_at=when))
    with database.session() as session:
        ordered = session.scalars(select(models.Pipeline.name).order_by(models.Pipeline.created_at)).all()
        before = session.scalars(
            select(models.Pipeline.name).where(
                models.Pipeline.created_at < datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
            )
        ).all()
    assert ordered == ["early", "late"]
    assert before == ["early"]
