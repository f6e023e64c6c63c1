"""New attempts of a job: automatic retries and reruns copy the job and its steps into fresh rows.

An attempt is a JobRun row of its own (same name, `attempt + 1`) with new StepRun rows, so each attempt
keeps its own status, messages and logs. The attempt it replaces stays as it was, marked `superseded_by`.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from kernel import planner
from kernel.dsl.durations import format_duration
from kernel.errors import FailedPrecondition, NotFound
from kernel.journal import Tx
from kernel.planner import REJECTED
from kernel.status import RunStatus, Status
from kernel.store import models

RERUNNABLE = (Status.FAILED, Status.TIMEOUT, Status.CANCELLED)

# Columns that describe what happened to one attempt; every other column (what the job is: its steps'
# commands, env, selector, `when`, artifacts, retry policy...) is copied into the next attempt, so a column
# added later is carried over without touching this module.
_JOB_OUTCOME = frozenset(
    {
        "id", "status", "message", "exit_code", "attempt", "first_attempt", "agent_id", "lease_expires_at",
        "cancel_status", "cancel_reason", "queued_at", "started_at", "finished_at", "superseded_by",
        "not_before",
    }
)  # fmt: skip
_STEP_OUTCOME = frozenset(
    {"id", "job_run_id", "status", "message", "exit_code", "log_seq", "log_line_count", "started_at",
     "finished_at", "result"}
)  # fmt: skip


def _spec_columns(row: models.Base, outcome: frozenset[str]) -> dict[str, Any]:
    """The row's column values that are not about its outcome (mutable JSON values copied)."""
    values = {}
    for column in row.__table__.columns:
        if column.key not in outcome:
            value = getattr(row, column.key)
            values[column.key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return values


def new_attempt(
    tx: Tx, job: models.JobRun, *, not_before: datetime | None = None, new_series: bool = False
) -> models.JobRun:
    """Add the next attempt of `job`, PENDING, and mark `job` superseded by it.

    `new_series` (a rerun) gives the attempt a fresh budget of automatic retries.
    """
    attempt = job.attempt + 1
    row = models.JobRun(
        **_spec_columns(job, _JOB_OUTCOME),
        id=str(uuid.uuid4()),
        status=Status.PENDING.value,
        attempt=attempt,
        first_attempt=attempt if new_series else job.first_attempt,
        not_before=not_before,
    )
    tx.session.add(row)
    steps = tx.session.scalars(
        select(models.StepRun).where(models.StepRun.job_run_id == job.id).order_by(models.StepRun.index)
    ).all()
    for step in steps:
        tx.session.add(
            models.StepRun(
                **_spec_columns(step, _STEP_OUTCOME),
                id=str(uuid.uuid4()),
                job_run_id=row.id,
                status=Status.PENDING.value,
            )
        )
    job.superseded_by = row.id
    return row


def may_retry(tx: Tx, run_id: str) -> bool:
    """Some latest attempt of the run failed by itself and its `retry` allows another (a cheap check)."""
    J = models.JobRun
    found = tx.session.execute(
        select(J.id)
        .where(
            J.run_id == run_id,
            J.superseded_by.is_(None),
            J.status.in_((Status.FAILED.value, Status.TIMEOUT.value)),
            J.cancel_status.is_(None),
            J.attempt < J.first_attempt + J.max_attempts - 1,
        )
        .limit(1)
    ).first()
    return found is not None


def retry_job(tx: Tx, job_id: str, retry: planner.Retry) -> models.JobRun:
    """The planner's decision to try a job again: its next attempt, and a `job.retrying` event."""
    job = tx.session.get(models.JobRun, job_id)
    assert job is not None
    row = new_attempt(tx, job, not_before=retry.not_before)
    tx.emit(
        "job.retrying",
        run_id=job.run_id,
        job_run_id=row.id,
        status=Status.PENDING.value,
        message=retry.message,
        payload={"job": job.name, "attempt": row.attempt, "previous_job_run_id": job.id},
    )
    return row


def rerun_job(
    tx: Tx, run: models.PipelineRun, state: planner.RunState, job_name: str, by: str, now: datetime
) -> models.JobRun:
    """Start a new attempt of a job that did not succeed, and of every finished job that waits for it.

    A finished run goes back to RUNNING. Returns the job's new attempt.
    """
    where = f"run {run.pipeline_name}#{run.number}"
    target = next((job for job in state.jobs if job.name == job_name), None)
    if target is None:
        raise NotFound(f"{where} has no job '{job_name}'")
    if not target.status.final:
        raise FailedPrecondition(
            f"job '{job_name}' of {where} is still {target.status}; only a finished job can be rerun"
        )
    if target.status not in RERUNNABLE:
        raise FailedPrecondition(
            f"job '{job_name}' of {where} ended {target.status}; only a FAILED, TIMEOUT or CANCELLED job "
            "can be rerun"
        )
    run_final = RunStatus(run.status).final
    if run.cancel_requested and not run_final:
        raise FailedPrecondition(f"{where} is being cancelled; rerun it once it has finished")
    if now >= run.created_at + timedelta(seconds=run.timeout_seconds):
        raise FailedPrecondition(
            f"{where} is past its pipeline timeout ({format_duration(run.timeout_seconds)}); "
            "trigger a new run instead"
        )
    by_id = {job.id: job for job in state.jobs}
    ids = [target.id] + [
        job_id for job_id in planner.dependents(state, target.id) if by_id[job_id].status.final
    ]
    new_rows = {}
    for job_id in ids:
        job = tx.session.get(models.JobRun, job_id)
        assert job is not None
        row = new_rows[job_id] = new_attempt(tx, job, new_series=True)
        cause = "rerun" if job_id == target.id else f"rerun of '{job_name}'"
        tx.emit(
            "job.rerun",
            run_id=run.id,
            job_run_id=row.id,
            status=Status.PENDING.value,
            message=f"attempt {row.attempt}: {cause} by {by}",
            payload={"job": job.name, "attempt": row.attempt, "previous_job_run_id": job.id, "by": by},
        )
    _reopen_stages(tx, run, state, {by_id[job_id].stage_index for job_id in ids})
    if run_final:
        run.status, run.finished_at, run.cancel_requested = RunStatus.RUNNING.value, None, False
        run.message = ""
        tx.emit(
            "run.status",
            run_id=run.id,
            status=run.status,
            message=f"job '{job_name}' rerun by {by}",
        )
    return new_rows[target.id]


def _reopen_stages(tx: Tx, run: models.PipelineRun, state: planner.RunState, indexes: set[int]) -> None:
    """Stages that get new attempts: a finished stage's timeout starts again when its jobs start again,
    and a rejected gate asks for approval again."""
    busy = {job.stage_index for job in state.jobs if not job.status.final}
    stages = tx.session.scalars(
        select(models.StageRun).where(models.StageRun.run_id == run.id, models.StageRun.index.in_(indexes))
    ).all()
    for stage in stages:
        if stage.index not in busy:
            stage.started_at = None
        if stage.approval_status == REJECTED:
            stage.approval_status, stage.approval_by, stage.approval_at = None, None, None
            stage.approval_comment = ""
