"""ArtifactStore: uploads checked against the job and its agent, newest-first lookup, and the expiry sweep."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from kernel.artifacts import ArtifactStore
from kernel.blobstore import LocalBlobStore
from kernel.errors import FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from kernel.events import EventBus
from kernel.journal import Journal
from kernel.store import models

NOW = datetime.now(UTC)


def add_run(db, run_id: str, jobs: dict[str, str]) -> None:
    """A run with jobs {job_run_id: status}, all on agent a1 and declaring artifacts dist (1 day) and logs."""
    with db.session() as session, session.begin():
        if session.get(models.Pipeline, "p1") is None:
            session.add(models.Pipeline(id="p1", name="p", spec_yaml="", created_at=NOW, updated_at=NOW))
        session.add(
            models.PipelineRun(
                id=run_id,
                pipeline_id="p1",
                pipeline_name="p",
                number=len(run_id),
                spec_yaml="",
                timeout_seconds=60.0,
                created_at=NOW,
            )
        )
        session.flush()
        for index, (job_id, status) in enumerate(jobs.items()):
            session.add(
                models.JobRun(
                    id=job_id,
                    run_id=run_id,
                    stage_index=0,
                    stage="s",
                    index=index,
                    name=f"job-{job_id}",
                    status=status,
                    agent_id="a1",
                    artifacts=[
                        {"name": "dist", "path": "d", "expire_days": 1},
                        {"name": "logs", "path": "l"},
                    ],
                )
            )
            session.flush()
            session.add(
                models.StepRun(
                    id=f"{job_id}-s1",
                    job_run_id=job_id,
                    run_id=run_id,
                    index=0,
                    name="s1",
                    run="x",
                    started_at=NOW,
                )
            )


@pytest.fixture
def artifacts(database, tmp_path):
    store = ArtifactStore(Journal(database, EventBus()), LocalBlobStore(tmp_path / "blobs"))
    add_run(database, "r1", {"j1": "RUNNING", "j2": "RUNNING", "done": "SUCCESS"})
    return store


def test_upload_records_the_row_and_an_event(artifacts, database):
    view = artifacts.upload("a1", "j1", "dist", 3, io.BytesIO(b"archive"))
    row = view.row
    assert (row.run_id, row.job_run_id, row.step_run_id, row.name, row.size, row.file_count) == (
        "r1",
        "j1",
        "j1-s1",
        "dist",
        7,
        3,
    )
    assert view.job_name == "job-j1"
    assert timedelta(hours=23) < row.expires_at - row.created_at <= timedelta(days=1)
    with database.session() as session:
        event = session.query(models.Event).filter_by(kind="artifact.uploaded").one()
    assert event.payload == {"name": "dist", "size": 7, "sha256": row.digest, "files": 3}
    with artifacts.open(row) as stream:
        assert stream.read() == b"archive"
    logs = artifacts.upload("a1", "j1", "logs", 1, io.BytesIO(b"l"))
    assert logs.row.expires_at - logs.row.created_at > timedelta(days=29)  # the default


def test_uploads_are_refused_for_other_agents_finished_jobs_and_undeclared_names(artifacts):
    with pytest.raises(PermissionDenied, match="not assigned to this agent"):
        artifacts.upload("a2", "j1", "dist", 1, io.BytesIO(b"x"))
    with pytest.raises(FailedPrecondition, match="SUCCESS"):
        artifacts.upload("a1", "done", "dist", 1, io.BytesIO(b"x"))
    with pytest.raises(InvalidInput, match="declares no artifact 'other' \\(declared: dist, logs\\)"):
        artifacts.upload("a1", "j1", "other", 1, io.BytesIO(b"x"))
    with pytest.raises(NotFound):
        artifacts.upload("a1", "nope", "dist", 1, io.BytesIO(b"x"))


def test_newest_and_listings(artifacts, database):
    artifacts.upload("a1", "j1", "dist", 1, io.BytesIO(b"old"))
    newer = artifacts.upload("a1", "j2", "dist", 1, io.BytesIO(b"new"))
    assert artifacts.for_agent("a1", "j1", "dist").row.id == newer.row.id
    with pytest.raises(PermissionDenied):
        artifacts.for_agent("a2", "j1", "dist")
    with pytest.raises(NotFound, match="no artifact named 'logs'"):
        artifacts.newest("r1", "logs")
    assert [v.job_name for v in artifacts.list(run_id="r1")] == ["job-j1", "job-j2"]
    assert [v.row.id for v in artifacts.list(job_run_id="j2")] == [newer.row.id]
    assert [v.row.id for v in artifacts.list(step_run_id="j2-s1")] == [newer.row.id]
    with pytest.raises(InvalidInput, match="exactly one"):
        artifacts.list(run_id="r1", job_run_id="j1")


def test_sweep_deletes_expired_rows_and_unreferenced_blobs(artifacts, database):
    shared_old = artifacts.upload("a1", "j1", "dist", 1, io.BytesIO(b"same bytes"))
    shared_new = artifacts.upload("a1", "j2", "dist", 1, io.BytesIO(b"same bytes"))
    alone = artifacts.upload("a1", "j1", "logs", 1, io.BytesIO(b"only here"))
    assert shared_old.row.digest == shared_new.row.digest
    past = NOW - timedelta(seconds=1)
    with database.session() as session, session.begin():
        session.execute(
            update(models.Artifact)
            .where(models.Artifact.id.in_([shared_old.row.id, alone.row.id]))
            .values(expires_at=past)
        )
    assert artifacts.sweep() == 2
    assert [v.row.id for v in artifacts.list(run_id="r1")] == [shared_new.row.id]
    assert artifacts.blobs.exists(shared_new.row.digest)  # still used by the newer artifact
    assert not artifacts.blobs.exists(alone.row.digest)
    assert artifacts.sweep() == 0


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_sweep_waits_for_uploads_in_flight_on_other_kernels(artifacts, database):
    """Kernels sharing PostgreSQL: an upload holds the blobs lock shared; a sweep waits for it."""
    import threading
    import time

    from sqlalchemy import text

    from kernel.locks import lock_blobs

    expired = artifacts.upload("a1", "j1", "logs", 1, io.BytesIO(b"expired bytes"))
    with database.session() as session, session.begin():
        session.execute(
            update(models.Artifact)
            .where(models.Artifact.id == expired.row.id)
            .values(expires_at=NOW - timedelta(seconds=1))
        )
    swept: list[int] = []
    with database.session() as upload, upload.begin():
        lock_blobs(upload, exclusive=False)  # another kernel's upload in flight
        sweeper = threading.Thread(target=lambda: swept.append(artifacts.sweep()))
        sweeper.start()
        waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        deadline = time.monotonic() + 10
        while upload.execute(waiting).scalar() == 0:
            assert time.monotonic() < deadline, "the sweep never waited for the blobs lock"
            time.sleep(0.01)  # polling a condition, not synchronising on time
        assert swept == []
    sweeper.join(10)
    assert swept == [1] and not artifacts.blobs.exists(expired.row.digest)


def test_a_sweep_goes_through_every_batch(artifacts, database, monkeypatch):
    import kernel.artifacts

    monkeypatch.setattr(kernel.artifacts, "SWEEP_BATCH", 2)
    views = [artifacts.upload("a1", "j1", "dist", 1, io.BytesIO(f"bytes {i}".encode())) for i in range(5)]
    with database.session() as session, session.begin():
        session.execute(update(models.Artifact).values(expires_at=NOW - timedelta(seconds=1)))
    assert artifacts.sweep() == 5
    assert artifacts.list(run_id="r1") == []
    assert not any(artifacts.blobs.exists(view.row.digest) for view in views)
