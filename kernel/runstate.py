"""Loading a run's planner state from the store, keeping the parts of its jobs that never change."""

from __future__ import annotations

from dataclasses import dataclass

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


class RunStateLoader:
    """Per active run, the static part of its jobs is read once; each load then reads only statuses."""

    def __init__(self) -> None:
        self._static_jobs: dict[str, dict[str, _StaticJob]] = {}

    def known(self, run_id: str) -> bool:
        """The run was fully planned before (so cheap checks may stand in for a full load)."""
        return run_id in self._static_jobs

    def forget(self, run_id: str) -> None:
        self._static_jobs.pop(run_id, None)

    def _static(self, tx: Tx, run_id: str) -> dict[str, _StaticJob]:
        cached = self._static_jobs.get(run_id)
        if cached is None:
            J = models.JobRun
            rows = tx.session.execute(
                select(J.id, J.name, J.stage_index, J.index, J.depends_on, J.continue_on_error).where(
                    J.run_id == run_id
                )
            ).all()
            cached = {
                r.id: _StaticJob(
                    r.name, r.stage_index, r.index, tuple(r.depends_on or ()), r.continue_on_error
                )
                for r in rows
            }
            self._static_jobs[run_id] = cached
        return cached

    def load(self, tx: Tx, run_id: str) -> tuple[models.PipelineRun, planner.RunState] | None:
        run = tx.session.get(models.PipelineRun, run_id)
        if run is None:
            self._static_jobs.pop(run_id, None)
            return None
        stages = tx.session.scalars(select(models.StageRun).where(models.StageRun.run_id == run_id)).all()
        static = self._static(tx, run_id)
        J = models.JobRun
        rows = tx.session.execute(
            select(J.id, J.status, J.agent_id, J.cancel_status, J.message).where(J.run_id == run_id)
        ).all()
        if any(r.id not in static for r in rows):
            # Jobs added to the run since it was cached (a retry's new attempt, maybe by another kernel).
            self.forget(run_id)
            static = self._static(tx, run_id)
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
        )
        return run, state
