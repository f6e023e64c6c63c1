"""Loading a run's planner state from the store, keeping the parts of its jobs that never change.

Only the latest attempt of each job is loaded: earlier attempts are history, not state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from kernel import planner
from kernel.jobs import ACTIVE_JOB
from kernel.journal import Tx
from kernel.planner import DEFAULT_CANCEL_REASON
from kernel.status import RunStatus, Status
from kernel.store import models


@dataclass(frozen=True)
class _StaticJob:
    name: str
    stage_index: int
    index: int
    depends_on: tuple[str, ...]
    continue_on_error: bool
    attempt: int
    max_attempt: int
    retry_delay: float
    not_before: datetime | None
    when: str | None = None
    retries: bool = False  # its `retry` allows more than one attempt
    # Kept only for jobs with a `when`, whose condition may read them.
    env: Mapping[str, str] = field(default_factory=dict)
    matrix: Mapping[str, str] = field(default_factory=dict)


class RunStateLoader:
    """Per active run, the static part of its jobs is read once; each load then reads only statuses.

    A new attempt is a new row: an id the cache does not know makes it read the static part again.
    """

    def __init__(self) -> None:
        self._static_jobs: dict[str, dict[str, _StaticJob]] = {}

    def known(self, run_id: str) -> bool:
        """The run was fully planned before (so cheap checks may stand in for a full load)."""
        return run_id in self._static_jobs

    def may_retry(self, run_id: str) -> bool:
        """Some job of the run has a `retry` policy (the same for every attempt), as far as the cache knows;
        True when the run is not cached."""
        cached = self._static_jobs.get(run_id)
        return cached is None or any(job.retries for job in cached.values())

    def forget(self, run_id: str) -> None:
        self._static_jobs.pop(run_id, None)

    def _static(self, tx: Tx, run_id: str, job_ids: Iterable[str]) -> dict[str, _StaticJob]:
        cached = self._static_jobs.get(run_id)
        if cached is None or any(job_id not in cached for job_id in job_ids):
            J = models.JobRun
            rows = tx.session.execute(
                select(
                    J.id,
                    J.name,
                    J.stage_index,
                    J.index,
                    J.depends_on,
                    J.continue_on_error,
                    J.attempt,
                    J.first_attempt,
                    J.max_attempts,
                    J.retry_delay_seconds,
                    J.not_before,
                    J.when,
                ).where(J.run_id == run_id, J.superseded_by.is_(None))
            ).all()
            cached = {
                r.id: _StaticJob(
                    r.name,
                    r.stage_index,
                    r.index,
                    tuple(r.depends_on or ()),
                    r.continue_on_error,
                    r.attempt,
                    r.first_attempt + r.max_attempts - 1,
                    r.retry_delay_seconds,
                    r.not_before,
                    r.when,
                    r.max_attempts > 1,
                )
                for r in rows
            }
            if any(job.when is not None for job in cached.values()):
                conditional = select(J.id, J.env, J.matrix).where(
                    J.run_id == run_id, J.when.is_not(None), J.superseded_by.is_(None)
                )
                for r in tx.session.execute(conditional).all():
                    cached[r.id] = replace(cached[r.id], env=r.env or {}, matrix=r.matrix or {})
            self._static_jobs[run_id] = cached
        return cached

    def load(self, tx: Tx, run_id: str) -> tuple[models.PipelineRun, planner.RunState] | None:
        run = tx.session.get(models.PipelineRun, run_id)
        if run is None:
            self._static_jobs.pop(run_id, None)
            return None
        stages = tx.session.scalars(select(models.StageRun).where(models.StageRun.run_id == run_id)).all()
        J = models.JobRun
        rows = tx.session.execute(
            select(J.id, J.status, J.agent_id, J.cancel_status, J.message).where(
                J.run_id == run_id, J.superseded_by.is_(None)
            )
        ).all()
        static = self._static(tx, run_id, (r.id for r in rows))
        jobs = []
        for r in rows:
            fixed = static[r.id]
            jobs.append(
                planner.JobState(
                    id=r.id,
                    name=fixed.name,
                    stage_index=fixed.stage_index,
                    index=fixed.index,
                    status=Status(r.status),
                    depends_on=fixed.depends_on,
                    continue_on_error=fixed.continue_on_error,
                    assigned=r.agent_id is not None and r.status in ACTIVE_JOB,
                    stopping=r.cancel_status is not None,
                    message=r.message,
                    when=fixed.when,
                    env=fixed.env,
                    matrix=fixed.matrix,
                    attempt=fixed.attempt,
                    max_attempt=fixed.max_attempt,
                    retry_delay=fixed.retry_delay,
                    not_before=fixed.not_before,
                )
            )
        state = planner.RunState(
            id=run.id,
            pipeline_name=run.pipeline_name,
            status=RunStatus(run.status),
            created_at=run.created_at,
            timeout=run.timeout_seconds,
            cancel_requested=run.cancel_requested,
            cancel_reason=(run.message if run.cancel_requested and run.message else DEFAULT_CANCEL_REASON),
            stages=[
                planner.StageState(
                    s.index,
                    s.name,
                    s.run_mode,
                    s.timeout_seconds,
                    s.started_at,
                    s.approval_required,
                    s.approval_status,
                )
                for s in stages
            ],
            jobs=jobs,
            variables=run.variables or {},
            trigger=run.trigger or {},
        )
        return run, state
