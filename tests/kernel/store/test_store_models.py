"""The models on a migrated database: round trips, unique constraints, cascading deletes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.store import models

# Stored with an offset; read back as the same instant in UTC. Microseconds survive on both backends.
T0 = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
T1 = datetime(2024, 5, 1, 11, 0, 0, 999999, tzinfo=UTC)


def _graph() -> list[models.Base]:
    """One row of every model, every column set (JSON with nesting, unicode and meaningful key order)."""
    return [
        models.Agent(
            id="a1",
            name="agent-1",
            labels={"os": "linux", "arch": "arm64", "gpu": True},
            capacity=4,
            status="ONLINE",
            version="1.2.3",
            hostname="box",
            registered_at=T0,
            last_heartbeat_at=T1,
            last_event_seq=2**40,
        ),
        models.Token(
            id="t1",
            kind="agent",
            token_hash="ab" * 32,
            description="agent token",
            agent_id="a1",
            created_at=T0,
            expires_at=T1,
            revoked_at=T1,
        ),
        models.Pipeline(
            id="p1",
            name="build",
            spec_yaml="stages: []\n",
            created_at=T0,
            updated_at=T1,
            next_run_number=2,
            webhook_secret="hook-secret",
        ),
        models.PipelineSchedule(pipeline_id="p1", expression="0 3 * * *", next_fire_at=T1, updated_at=T0),
        models.Secret(
            id="s1", name="TOKEN", pipeline_id="p1", ciphertext="gAAA", created_at=T0, updated_at=T1
        ),
        models.PipelineRun(
            id="r1",
            pipeline_id="p1",
            pipeline_name="build",
            number=1,
            status="RUNNING",
            message="ok",
            spec_yaml="stages: []\n",
            variables={"Z": "last", "A": "first", "nested": {"list": [1, 2.5, None]}},
            trigger={"kind": "cli", "user": "zoë ✓"},
            request_id="req-1",
            timeout_seconds=3600.5,
            cancel_requested=True,
            created_at=T0,
            started_at=T0,
            finished_at=T1,
        ),
        models.StageRun(
            id="s1",
            run_id="r1",
            index=0,
            name="test",
            run_mode="parallel",
            timeout_seconds=60.0,
            started_at=T0,
        ),
        models.JobRun(
            id="j1",
            run_id="r1",
            stage_index=0,
            stage="test",
            index=0,
            name="unit",
            status="RUNNING",
            message="",
            exit_code=3,
            attempt=2,
            depends_on=["lint", "build"],
            agent_selector={"os": "linux"},
            env={"PATH_B": "b", "PATH_A": "$PATH_B/a"},
            timeout_seconds=120.25,
            continue_on_error=True,
            artifacts=[{"name": "dist", "path": "dist/**", "expire_days": 7}],
            download_artifacts=["deps"],
            agent_id="a1",
            lease_expires_at=T1,
            cancel_status="CANCELLED",
            cancel_reason="user asked",
            queued_at=T0,
            started_at=T0,
            finished_at=T1,
        ),
        models.StepRun(
            id="st1",
            job_run_id="j1",
            run_id="r1",
            index=0,
            name="pytest",
            run="pytest -q",
            env={"CI": "1"},
            timeout_seconds=None,
            continue_on_error=False,
            status="FAILED",
            message="exit 1",
            exit_code=1,
            log_seq=3,
            log_line_count=3,
            started_at=T0,
            finished_at=T1,
        ),
        models.LogChunk(
            step_run_id="st1",
            run_id="r1",
            first_seq=1,
            last_seq=3,
            created_at=T1,
            lines=[
                ["stdout", 1714559415123, "hello"],
                ["stderr", 1714559415124, "wörld ✓"],
                ["system", 0, ""],
            ],
        ),
        models.Event(
            kind="job.finished",
            run_id="r1",
            job_run_id="j1",
            step_run_id="st1",
            agent_id="a1",
            status="FAILED",
            message="boom",
            payload={"exit_code": 1, "tags": ["x"], "nested": {"k": None}},
            created_at=T0,
        ),
        models.Artifact(
            id="art1",
            run_id="r1",
            job_run_id="j1",
            step_run_id="st1",
            name="dist",
            size=5_000_000_000,
            digest="ab" * 32,
            blob_key="sha256/ab/ab/" + "ab" * 32,
            file_count=12,
            created_at=T0,
            expires_at=T1,
        ),
        models.Plugin(
            id="pl1", name="acme/lint", namespace="acme", type="ci", description="lints ✓", created_at=T0
        ),
        models.PluginVersion(
            plugin_id="pl1",
            version="1.0.0-rc.1+b5",
            sha256="cd" * 32,
            size=4_000_000_000,
            manifest={"name": "acme/lint", "permissions": {"env": ["HOME"]}},
            created_at=T1,
            published_by="admin (configured token)",
        ),
        models.RegistryAudit(
            at=T1, actor="ci-bot", action="plugin.published", target="acme/lint@1.0.0", details={"n": 1}
        ),
    ]


def _columns(row: models.Base) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in row.__mapper__.column_attrs}


def test_round_trip_of_every_model(database):
    rows = _graph()
    assert {type(row) for row in rows} == {mapper.class_ for mapper in models.Base.registry.mappers}
    with database.session() as session, session.begin():
        session.add_all(reversed(rows))  # children first: the relationships order the inserts
    expected = [_columns(row) for row in rows]

    with database.session() as session:
        for row, want in zip(rows, expected, strict=True):
            loaded = session.get(type(row), row.__mapper__.primary_key_from_instance(row))
            assert loaded is not row
            got = _columns(loaded)
            assert got == want, type(row).__name__
            for key, value in got.items():
                if isinstance(value, datetime):
                    assert value.tzinfo is UTC, f"{type(row).__name__}.{key} is not aware UTC: {value!r}"
                if isinstance(value, dict):
                    assert list(value) == list(want[key]), f"{type(row).__name__}.{key} lost its key order"


def test_defaults_are_applied(database):
    with database.session() as session, session.begin():
        session.add_all(
            [
                models.Agent(id="a1", name="agent", registered_at=T0),
                models.Pipeline(id="p1", name="p", spec_yaml="", created_at=T0, updated_at=T0),
                models.PipelineRun(
                    id="r1",
                    pipeline_id="p1",
                    pipeline_name="p",
                    number=1,
                    spec_yaml="",
                    timeout_seconds=1.0,
                    created_at=T0,
                ),
            ]
        )
    with database.session() as session:
        agent = session.get(models.Agent, "a1")
        run = session.get(models.PipelineRun, "r1")
    assert (agent.labels, agent.capacity, agent.status, agent.last_event_seq) == ({}, 1, "OFFLINE", 0)
    assert (run.status, run.variables, run.cancel_requested, run.request_id, run.started_at) == (
        "PENDING",
        {},
        False,
        None,
        None,
    )


def test_autoincrement_ids(database):
    with database.session() as session, session.begin():
        events = [models.Event(kind="k", created_at=T0) for _ in range(3)]
        session.add_all(events)
    ids = [event.id for event in events]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 3


def _base(session: Session) -> None:
    session.add_all(
        [
            models.Agent(id="a1", name="agent-1", registered_at=T0),
            models.Token(id="t1", kind="admin", token_hash="h" * 64, created_at=T0),
            models.Pipeline(id="p1", name="build", spec_yaml="", created_at=T0, updated_at=T0),
            _run("r1", 1, "req-1"),
            models.StageRun(id="s1", run_id="r1", index=0, name="s", run_mode="serial"),
        ]
    )


def _run(run_id: str, number: int, request_id: str | None) -> models.PipelineRun:
    return models.PipelineRun(
        id=run_id,
        pipeline_id="p1",
        pipeline_name="build",
        number=number,
        spec_yaml="",
        request_id=request_id,
        timeout_seconds=1.0,
        created_at=T0,
    )


DUPLICATES: dict[str, Callable[[], models.Base]] = {
    "agent name": lambda: models.Agent(id="a2", name="agent-1", registered_at=T0),
    "token hash": lambda: models.Token(id="t2", kind="agent", token_hash="h" * 64, created_at=T0),
    "pipeline name": lambda: models.Pipeline(
        id="p2", name="build", spec_yaml="", created_at=T0, updated_at=T0
    ),
    "run request id": lambda: _run("r2", 2, "req-1"),
    "run number": lambda: _run("r2", 1, "req-2"),
    "stage index": lambda: models.StageRun(id="s2", run_id="r1", index=0, name="t", run_mode="serial"),
}


@pytest.mark.parametrize("duplicate", DUPLICATES.values(), ids=DUPLICATES.keys())
def test_unique_constraints(database, duplicate):
    with database.session() as session, session.begin():
        _base(session)
    with database.session() as session:
        session.add(duplicate())
        with pytest.raises(IntegrityError):
            session.flush()


def test_runs_without_request_id_do_not_conflict(database):
    with database.session() as session, session.begin():
        _base(session)
        session.add_all([_run("r2", 2, None), _run("r3", 3, None)])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(models.PipelineRun)) == 3


def test_foreign_keys_are_enforced(database):
    with database.session() as session:
        session.add(models.StageRun(id="s1", run_id="missing", index=0, name="s", run_mode="serial"))
        with pytest.raises(IntegrityError):
            session.flush()


def _count(session: Session, model: type[models.Base]) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_deleting_a_pipeline_cascades_to_its_runs(database):
    with database.session() as session, session.begin():
        session.add_all(_graph())
    cascaded = [
        models.PipelineSchedule,
        models.Secret,
        models.PipelineRun,
        models.StageRun,
        models.JobRun,
        models.StepRun,
        models.LogChunk,
    ]
    with database.session() as session:
        assert all(_count(session, model) == 1 for model in cascaded)

    with database.session() as session, session.begin():
        session.delete(session.get(models.Pipeline, "p1"))
    with database.session() as session:
        assert {model.__name__: _count(session, model) for model in cascaded} == dict.fromkeys(
            (model.__name__ for model in cascaded), 0
        )
        # Not owned by the pipeline: kept.
        assert _count(session, models.Agent) == 1 and _count(session, models.Event) == 1


def test_deleting_an_agent_cascades_to_its_tokens(database):
    with database.session() as session, session.begin():
        session.add_all(
            [
                models.Agent(id="a1", name="agent-1", registered_at=T0),
                models.Token(id="t1", kind="agent", token_hash="x" * 64, agent_id="a1", created_at=T0),
                models.Token(id="t2", kind="admin", token_hash="y" * 64, created_at=T0),
            ]
        )
    with database.session() as session, session.begin():
        session.delete(session.get(models.Agent, "a1"))
    with database.session() as session:
        assert session.scalars(select(models.Token.id)).all() == ["t2"]


def test_every_foreign_key_has_a_relationship():
    # Without one, a single flush may insert a child before its parent.
    for mapper in models.Base.registry.mappers:
        related = {column for rel in mapper.relationships for column in rel.local_columns}
        for column in mapper.local_table.columns:
            if column.foreign_keys:
                assert column in related, f"{mapper.class_.__name__}.{column.key} has no relationship()"
