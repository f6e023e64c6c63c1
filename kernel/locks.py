"""Locks that let several kernels share one PostgreSQL database.

On SQLite they cost nothing: one kernel process is the only writer and SQLAlchemy renders no `FOR UPDATE`
there. Row locks are `FOR NO KEY UPDATE`, which does not conflict with the `FOR KEY SHARE` locks that
foreign-key checks take (inserting a log chunk of a step, say), so they add no deadlocks of their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from kernel.store import models

# Row locks that block other writers of the row, but not inserts of rows that refer to it.
NO_KEY_UPDATE: dict[str, Any] = {"key_share": True}

# One advisory lock per schema: kernels sharing a database serialize assignment and lease expiry, while
# unrelated Arcade installations in other schemas of the same database do not wait for each other.
_DISPATCH_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('arcade:dispatch:' || current_schema()))")


_BLOBS_KEY = "hashtext('arcade:blobs:' || current_schema())"
_BLOBS_SHARED = text(f"SELECT pg_advisory_xact_lock_shared({_BLOBS_KEY})")
_BLOBS_EXCLUSIVE = text(f"SELECT pg_advisory_xact_lock({_BLOBS_KEY})")


def lock_blobs(session: Session, *, exclusive: bool) -> None:
    """Until the transaction ends: uploads (shared) run side by side, while a sweep (exclusive) that
    deletes blobs no row refers to waits for them, so an upload of the same bytes never loses its blob."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_BLOBS_EXCLUSIVE if exclusive else _BLOBS_SHARED)


def lock_dispatch(session: Session) -> None:
    """Hold the dispatch lock until the transaction ends: one kernel at a time hands out jobs, so the
    free slots and held concurrency keys it reads stay true until it commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_DISPATCH_LOCK)


def lock_run(session: Session, run_id: str) -> models.PipelineRun | None:
    """The run, read afresh and locked until the transaction ends (two kernels plan one run in turn)."""
    return session.get(models.PipelineRun, run_id, with_for_update=NO_KEY_UPDATE, populate_existing=True)


def lock_job(session: Session, job_run_id: str) -> models.JobRun | None:
    """The job run, read afresh and locked until the transaction ends."""
    return session.get(models.JobRun, job_run_id, with_for_update=NO_KEY_UPDATE, populate_existing=True)
