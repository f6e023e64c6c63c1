"""What agents tell the kernel: step and job status, heartbeats that renew leases, restarts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from kernel.engine import RunEngine
from kernel.errors import FailedPrecondition, NotFound
from kernel.hub import Cancel
from kernel.jobs import ACTIVE_JOB, finish_job, utcnow
from kernel.journal import Journal, Tx
from kernel.locks import NO_KEY_UPDATE, lock_job
from kernel.masking import SecretMasks, mask
from kernel.metrics import KernelMetrics
from kernel.status import Status
from kernel.store import models

log = logging.getLogger("arcade.kernel.reports")


@dataclass(frozen=True)
class StepResult:
    step_run_id: str
    status: Status
    exit_code: int | None = None
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    log_line_count: int | None = None
    result: dict[str, Any] | None = None
    """What a plugin step returned (final reports only)."""


@dataclass(frozen=True)
class JobResult:
    job_run_id: str
    status: Status
    exit_code: int | None = None
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None


class AgentReports:
    def __init__(
        self,
        journal: Journal,
        engine: RunEngine,
        heartbeat_timeout: float,
        metrics: KernelMetrics,
        masks: SecretMasks | None = None,
    ) -> None:
        self.masks = masks  # secret values to replace by *** in the messages agents report
        self.journal = journal
        self.engine = engine
        self.heartbeat_timeout = heartbeat_timeout
        self.metrics = metrics

    def pending_cancels(self, agent_id: str) -> list[Cancel]:
        J = models.JobRun
        with self.journal.db.session() as session:
            rows = session.execute(
                select(J.id, J.cancel_status, J.cancel_reason).where(
                    J.agent_id == agent_id, J.status.in_(ACTIVE_JOB), J.cancel_status.is_not(None)
                )
            ).all()
        return [Cancel(r.id, Status(r.cancel_status), r.cancel_reason or "") for r in rows]

    def renew_leases(self, agent_id: str) -> None:
        now = utcnow()
        with self.journal.transaction() as tx:
            tx.session.execute(
                update(models.Agent).where(models.Agent.id == agent_id).values(last_heartbeat_at=now)
            )
            tx.session.execute(
                update(models.JobRun)
                .where(models.JobRun.agent_id == agent_id, models.JobRun.status.in_(ACTIVE_JOB))
                .values(lease_expires_at=now + timedelta(seconds=self.heartbeat_timeout))
            )

    def release_agent_jobs(self, agent_id: str, reason: str) -> None:
        """The agent restarted: jobs it never started go back to the queue, started ones fail."""
        now = utcnow()
        J = models.JobRun
        with self.journal.transaction() as tx:
            jobs = tx.session.scalars(
                select(J)
                .where(J.agent_id == agent_id, J.status.in_(ACTIVE_JOB))
                .order_by(J.id)
                .with_for_update(**NO_KEY_UPDATE)
            ).all()
            for job in jobs:
                if job.status == "QUEUED":
                    job.agent_id, job.lease_expires_at = None, None
                    tx.emit(
                        "job.requeued", run_id=job.run_id, job_run_id=job.id, status="QUEUED", message=reason
                    )
                else:
                    status = Status(job.cancel_status) if job.cancel_status else Status.FAILED
                    finish_job(
                        tx, job.id, status, job.cancel_reason or reason, now, Status.SKIPPED, self.metrics
                    )
            run_ids = {job.run_id for job in jobs}
        self.engine.wake(run_ids)

    def _owned_job(self, tx: Tx, agent_id: str, job_run_id: str) -> models.JobRun | None:
        # Locked: another kernel may be ending the job (lease expiry, cancel) at the same moment.
        job = lock_job(tx.session, job_run_id)
        if job is None:
            raise NotFound(f"job run '{job_run_id}' not found")
        if job.agent_id != agent_id or Status(job.status).final:
            # A stale report: the lease moved on or the job already ended. Accept and ignore it.
            log.info(
                "ignoring report for job %s from agent %s (holder %s, status %s)",
                job_run_id,
                agent_id,
                job.agent_id,
                job.status,
            )
            return None
        return job

    def _masked(self, job_run_id: str, message: str) -> str:
        if not message or self.masks is None:
            return message
        return mask(message, self.masks.for_job(job_run_id))

    def _masked_data(self, job_run_id: str, value: Any) -> Any:
        """A plugin's result with secret values masked in every string, keys included."""
        if self.masks is None:
            return value
        values = self.masks.for_job(job_run_id)
        if not values:
            return value

        def walk(item: Any) -> Any:
            if isinstance(item, str):
                return mask(item, values)
            if isinstance(item, dict):
                return {mask(str(key), values): walk(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [walk(inner) for inner in item]
            return item

        return walk(value)

    def report_step(self, agent_id: str, result: StepResult) -> None:
        if result.status in (Status.PENDING, Status.QUEUED):
            raise FailedPrecondition(f"step status {result.status} cannot be reported by an agent")
        S, J = models.StepRun, models.JobRun
        with self.journal.transaction() as tx:
            # Lean reads: a report arrives several times per job, so no full rows are loaded here.
            row = tx.session.execute(
                select(
                    S.status, S.run_id, S.job_run_id, S.started_at, J.agent_id, J.status.label("job_status")
                )
                .join(J, J.id == S.job_run_id)
                .where(S.id == result.step_run_id)
            ).first()
            if row is None:
                raise NotFound(f"step run '{result.step_run_id}' not found")
            if row.agent_id != agent_id or Status(row.job_status).final or Status(row.status).final:
                log.info("ignoring stale report for step %s from agent %s", result.step_run_id, agent_id)
                return
            message = self._masked(row.job_run_id, result.message)
            values: dict[str, Any] = {
                "status": result.status.value,
                "message": message,
                "exit_code": result.exit_code,
                "started_at": row.started_at or result.started_at or utcnow(),
            }
            if result.status.final:
                values |= {
                    "finished_at": result.finished_at or utcnow(),
                    "log_line_count": result.log_line_count,
                }
                if result.result is not None:
                    values["result"] = self._masked_data(row.job_run_id, result.result)
            # Unless another kernel ended the step (with its job) since it was read.
            unfinished = (S.id == result.step_run_id, S.status.in_(("PENDING", "QUEUED", "RUNNING")))
            if tx.session.execute(update(S).where(*unfinished).values(**values)).rowcount != 1:
                return
            tx.emit(
                "step.status",
                run_id=row.run_id,
                job_run_id=row.job_run_id,
                step_run_id=result.step_run_id,
                status=result.status.value,
                message=message,
                agent_id=agent_id,
                payload={"exit_code": result.exit_code, "log_line_count": values.get("log_line_count")},
            )

    def report_job(self, agent_id: str, result: JobResult) -> None:
        with self.journal.transaction() as tx:
            job = self._owned_job(tx, agent_id, result.job_run_id)
            if job is None:
                return
            now = utcnow()
            if result.status is Status.RUNNING:
                if job.status != "RUNNING":
                    job.status = "RUNNING"
                    job.started_at = result.started_at or now
                    job.lease_expires_at = now + timedelta(seconds=self.heartbeat_timeout)
                    tx.emit(
                        "job.status",
                        run_id=job.run_id,
                        job_run_id=job.id,
                        status="RUNNING",
                        agent_id=agent_id,
                    )
                    self.metrics.jobs_started.inc()
                return
            if not result.status.final:
                raise FailedPrecondition(f"job status {result.status} cannot be reported by an agent")
            finish_job(
                tx,
                job.id,
                result.status,
                self._masked(job.id, result.message),
                result.finished_at or now,
                Status.SKIPPED,
                self.metrics,
                exit_code=result.exit_code,
                started_at=result.started_at,
            )
            run_id = job.run_id
        self.engine.wake([run_id])
