"""Ending a job run: shared by the planner's decisions, lapsed leases and what agents report."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from kernel.journal import Tx
from kernel.locks import lock_job
from kernel.metrics import KernelMetrics
from kernel.status import Status
from kernel.store import models

ACTIVE_JOB = ("QUEUED", "RUNNING")


def utcnow() -> datetime:
    return datetime.now(UTC)


def finish_job(
    tx: Tx,
    job_id: str,
    status: Status,
    message: str,
    now: datetime,
    never_started: Status,
    metrics: KernelMetrics,
    exit_code: int | None = None,
    started_at: datetime | None = None,
) -> str:
    """Give the job its final status; its unfinished steps end too. Returns the job's run id.

    A step that was running ends with the job's status; steps that never started get `never_started`.
    A job that already ended (another kernel was first) keeps its status.
    """
    job = lock_job(tx.session, job_id)
    assert job is not None
    if Status(job.status).final:
        return job.run_id
    job.status, job.message, job.finished_at = status.value, message, now
    job.lease_expires_at = None
    if exit_code is not None:
        job.exit_code = exit_code
    if started_at is not None and job.started_at is None:
        job.started_at = started_at
    steps = tx.session.scalars(select(models.StepRun).where(models.StepRun.job_run_id == job_id)).all()
    for step in steps:
        if Status(step.status).final:
            continue
        step.status = (status if step.status == "RUNNING" else never_started).value
        step.finished_at = now
        step.message = message
        tx.emit(
            "step.status",
            run_id=job.run_id,
            job_run_id=job_id,
            step_run_id=step.id,
            status=step.status,
            message=message,
        )
    tx.emit(
        "job.status",
        run_id=job.run_id,
        job_run_id=job_id,
        status=status.value,
        message=message,
        agent_id=job.agent_id,
    )
    metrics.jobs_finished.labels(status=status.value).inc()
    return job.run_id
