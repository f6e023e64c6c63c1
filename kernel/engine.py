"""The run engine: applies the planner and scheduler to stored state, and takes in what agents report.

Everything runs on the kernel's event loop, so state changes never race. The store is the truth: the
engine keeps only which runs need another look (`dirty`) and when the next deadline falls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from kernel import planner
from kernel.attempts import may_retry, rerun_job, retry_job
from kernel.dispatch import Dispatcher
from kernel.errors import FailedPrecondition, NotFound
from kernel.hub import AgentHub, Cancel
from kernel.jobs import ACTIVE_JOB, finish_job, utcnow
from kernel.journal import Journal, Tx
from kernel.locks import lock_job, lock_run
from kernel.metrics import KernelMetrics
from kernel.planner import APPROVED, DEFAULT_CANCEL_REASON, REJECTED, WAITING
from kernel.runstate import RunStateLoader
from kernel.secrets import SecretStore
from kernel.starter import RunStarter
from kernel.status import RunStatus, Status
from kernel.store import models

log = logging.getLogger("arcade.kernel.engine")

MAX_PLAN_ROUNDS = 50




class RunEngine:
    def __init__(
        self,
        journal: Journal,
        hub: AgentHub,
        heartbeat_timeout: float,
        metrics: KernelMetrics,
        secrets: SecretStore | None = None,
        on_run_finished: Callable[[str], None] | None = None,
    ) -> None:
        self.journal = journal
        self.on_run_finished = on_run_finished  # called with the run id once its final status is committed
        self.hub = hub
        self.heartbeat_timeout = heartbeat_timeout
        self.metrics = metrics
        self._dirty: set[str] = set()
        self._deadlines: dict[str, datetime] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.dispatcher = Dispatcher(journal, hub, heartbeat_timeout, metrics)
        self._next_lease_check = 0.0
        # Per active run: the parts of its jobs that never change, so planning reloads only statuses.
        self.states = RunStateLoader()
        self._no_pending: set[str] = set()
        self.starter = RunStarter(journal, metrics, secrets)

    # ------------------------------------------------------------------ lifecycle

    async def start(self, others_alive: bool = False) -> None:
        """`others_alive`: other kernels serve agents from the same database (kernel.crosskernel)."""
        now = utcnow()
        with self.journal.transaction() as tx:
            active = tx.session.scalars(
                select(models.PipelineRun.id).where(models.PipelineRun.status.in_(("PENDING", "RUNNING")))
            ).all()
        self.dispatcher.grant_restart_grace(now, others_alive)
        self._dirty.update(active)
        self._task = asyncio.create_task(self._loop(), name="arcade-run-engine")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    def wake(self, run_ids: Iterable[str] = ()) -> None:
        self._dirty.update(run_ids)
        self._wake.set()

    def changed_elsewhere(self, run_id: str, final: bool = False) -> None:
        """Another kernel sharing the database changed the run: drop what is cached about it, and plan it
        again unless it ended."""
        self._no_pending.discard(run_id)
        if final:
            self.states.forget(run_id)
            self._deadlines.pop(run_id, None)
            self._wake.set()
        else:
            self.wake([run_id])

    async def _loop(self) -> None:
        while not self._stopping:
            timeout = self._seconds_to_next_deadline()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass
            self._wake.clear()
            if self._stopping:
                return
            try:
                self.reconcile()
            except (
                Exception
            ):  # the loop must survive a bad run or a store hiccup; it retries on the next tick
                log.exception("reconcile failed")
                await asyncio.sleep(0.5)

    def _seconds_to_next_deadline(self) -> float:
        # Leases are checked at least twice per heartbeat timeout.
        limit = self.heartbeat_timeout / 4
        if self._deadlines:
            soonest = min(self._deadlines.values())
            limit = min(limit, max(0.0, (soonest - utcnow()).total_seconds()) + 0.005)
        return limit

    # ------------------------------------------------------------------ reconcile

    def reconcile(self) -> None:
        now = utcnow()
        if time.monotonic() >= self._next_lease_check:
            self._next_lease_check = time.monotonic() + self.heartbeat_timeout / 4
            self._dirty |= self.dispatcher.expire_leases(now)
        due = {run_id for run_id, deadline in self._deadlines.items() if deadline <= now}
        for run_id in due:
            del self._deadlines[run_id]
        self._dirty |= due
        for _ in range(MAX_PLAN_ROUNDS):
            if not self._dirty:
                break
            dirty, self._dirty = self._dirty, set()
            for run_id in dirty:
                if self._plan_run(run_id, now, full=run_id in due):
                    self._dirty.add(run_id)
        self.dispatcher.assign(now)

    def _nothing_to_plan(self, tx: Tx, run_id: str) -> bool:
        """True when only the run's end could change and it has not come yet: a cheap check that spares
        reloading every job of a large run each time one of its jobs finishes."""
        run = tx.session.get(models.PipelineRun, run_id)
        if run is None or run.cancel_requested or run.status != RunStatus.RUNNING.value:
            return False
        J = models.JobRun
        if run_id not in self._no_pending:
            # No job ever goes back to PENDING: once none is left, only the active ones matter.
            pending = tx.session.execute(
                select(J.id).where(J.run_id == run_id, J.status == "PENDING").limit(1)
            ).first()
            if pending is not None:
                return False
            self._no_pending.add(run_id)
        if self.states.may_retry(run_id) and may_retry(tx, run_id):  # a failed job may get another attempt
            return False
        active = tx.session.execute(
            select(J.id).where(J.run_id == run_id, J.status.in_(ACTIVE_JOB)).limit(1)
        ).first()
        return active is not None

    def _plan_run(self, run_id: str, now: datetime, full: bool = False) -> bool:
        """Apply one planner step to the run; True if anything changed. `full` skips the cheap check
        (a deadline fell due)."""
        with self.journal.transaction() as tx:
            # Another kernel planning the same run waits here, then sees what this one did.
            lock_run(tx.session, run_id)
            if not full and self.states.known(run_id) and self._nothing_to_plan(tx, run_id):
                return False
            loaded = self.states.load(tx, run_id)
            if loaded is None:
                self._deadlines.pop(run_id, None)
                return False
            run, state = loaded
            plan = planner.advance(state, now)
            if plan.next_deadline is not None:
                self._deadlines[run_id] = plan.next_deadline
            else:
                self._deadlines.pop(run_id, None)
            if plan.empty:
                return False
            self._apply(tx, run, state, plan, now)
        return True

    def _apply(
        self, tx: Tx, run: models.PipelineRun, state: planner.RunState, plan: planner.Plan, now: datetime
    ) -> None:
        session = tx.session
        assigned = {job.id for job in state.jobs if job.assigned}
        if plan.stages_started:
            session.execute(
                update(models.StageRun)
                .where(models.StageRun.run_id == run.id, models.StageRun.index.in_(plan.stages_started))
                .values(started_at=now)
            )
        if plan.approvals_needed:
            waiting = [stage for stage in state.stages if stage.index in plan.approvals_needed]
            session.execute(
                update(models.StageRun)
                .where(models.StageRun.run_id == run.id, models.StageRun.index.in_(plan.approvals_needed))
                .values(approval_status=WAITING)
            )
            run.message = "waiting for approval of " + ", ".join(f"stage '{stage.name}'" for stage in waiting)
            for stage in waiting:
                tx.emit(
                    "stage.approval_waiting",
                    run_id=run.id,
                    status=WAITING,
                    message=run.message,
                    payload={"stage": stage.name},
                )
        for job_id, retry in plan.retry.items():
            retry_job(tx, job_id, retry)
        if plan.retry:
            self._no_pending.discard(run.id)  # the new attempts are PENDING
        if plan.queue:
            session.execute(
                update(models.JobRun)
                .where(models.JobRun.id.in_(plan.queue))
                .values(status="QUEUED", queued_at=now)
            )
            for job_id in plan.queue:
                tx.emit("job.status", run_id=run.id, job_run_id=job_id, status="QUEUED")
        for job_id, reason in plan.skip.items():
            self._finish(tx, run.id, job_id, Status.SKIPPED, reason, now, never_started=Status.SKIPPED)
        for job_id, reason in plan.fail.items():
            # The kernel decided it (its `when` cannot be evaluated): marked like a stop, so never retried.
            session.execute(
                update(models.JobRun)
                .where(models.JobRun.id == job_id)
                .values(cancel_status=Status.FAILED.value, cancel_reason=reason)
            )
            self._finish(tx, run.id, job_id, Status.FAILED, reason, now, never_started=Status.SKIPPED)
        for job_id, stop in sorted(plan.stop.items()):  # id order: no lock cycles with other kernels
            if job_id in assigned:
                job = session.get(models.JobRun, job_id)
                assert job is not None
                job.cancel_status, job.cancel_reason = stop.status.value, stop.reason
                tx.emit(
                    "job.stopping",
                    run_id=run.id,
                    job_run_id=job_id,
                    status=stop.status.value,
                    message=stop.reason,
                    agent_id=job.agent_id,
                )
                connection = self.hub.get(job.agent_id or "")
                if connection is not None:
                    message = Cancel(job_id, stop.status, stop.reason)
                    tx.call_after_commit(lambda c=connection, m=message: c.send(m))
            else:
                # Recorded like a stop through the agent: the kernel ended it, so it is never retried.
                job = session.get(models.JobRun, job_id)
                assert job is not None
                job.cancel_status, job.cancel_reason = stop.status.value, stop.reason
                self._finish(tx, run.id, job_id, stop.status, stop.reason, now, never_started=stop.status)
        if plan.run_status is not None and plan.run_status.value != run.status:
            run.status = plan.run_status.value
            if plan.run_status is RunStatus.RUNNING and run.started_at is None:
                run.started_at = now
            if plan.run_status.final:
                run.finished_at = now
                run.message = plan.run_message
                self._deadlines.pop(run.id, None)
                self.states.forget(run.id)
                self._no_pending.discard(run.id)
                self.metrics.runs_finished.labels(status=run.status).inc()
                if self.on_run_finished is not None:
                    tx.call_after_commit(lambda run_id=run.id, notify=self.on_run_finished: notify(run_id))
            tx.emit("run.status", run_id=run.id, status=run.status, message=run.message)

    def _finish(
        self,
        tx: Tx,
        run_id: str,
        job_id: str,
        status: Status,
        message: str,
        now: datetime,
        never_started: Status,
    ) -> None:
        finish_job(tx, job_id, status, message, now, never_started, self.metrics)
        self._dirty.add(run_id)

    # ------------------------------------------------------------------ commands

    def trigger(
        self,
        pipeline_ref: str,
        variables: Mapping[str, str],
        request_id: str | None = None,
        trigger: Mapping[str, Any] | None = None,
    ) -> str:
        """Store a new run of the pipeline (or return the run an earlier request with `request_id` made)."""
        run_id = self.starter.start(pipeline_ref, variables, request_id, trigger)
        self.wake([run_id])
        return run_id

    def cancel_run(self, run_id: str, reason: str = DEFAULT_CANCEL_REASON) -> None:
        with self.journal.transaction() as tx:
            run = lock_run(tx.session, run_id)
            if run is None:
                raise NotFound(f"run '{run_id}' not found")
            if RunStatus(run.status).final:
                raise FailedPrecondition(f"run '{run_id}' already finished ({run.status})")
            if not run.cancel_requested:
                run.cancel_requested, run.message = True, reason
                tx.emit("run.cancel_requested", run_id=run_id, status=run.status, message=reason)
        self._dirty.add(run_id)
        self.reconcile()

    def decide_stage(self, run_id: str, stage_name: str, approve: bool, by: str, comment: str = "") -> None:
        """Approve or reject a stage's manual gate; a rejection cancels the rest of the run."""
        with self.journal.transaction() as tx:
            run = lock_run(tx.session, run_id)
            if run is None:
                raise NotFound(f"run '{run_id}' not found")
            stage = tx.session.scalars(
                select(models.StageRun).where(
                    models.StageRun.run_id == run_id, models.StageRun.name == stage_name
                )
            ).first()
            if stage is None:
                raise NotFound(f"run {run.pipeline_name}#{run.number} has no stage '{stage_name}'")
            if not stage.approval_required:
                raise FailedPrecondition(f"stage '{stage_name}' has no approval gate")
            if stage.approval_status in (APPROVED, REJECTED):
                raise FailedPrecondition(
                    f"stage '{stage_name}' was already {stage.approval_status.lower()} by {stage.approval_by}"
                )
            if RunStatus(run.status).final:
                raise FailedPrecondition(
                    f"run {run.pipeline_name}#{run.number} already finished ({run.status})"
                )
            decision = APPROVED if approve else REJECTED
            stage.approval_status, stage.approval_by = decision, by
            stage.approval_at, stage.approval_comment = utcnow(), comment
            if approve and run.message.startswith("waiting for approval"):
                run.message = ""
            tx.emit(
                f"stage.{decision.lower()}",
                run_id=run_id,
                status=decision,
                message=comment,
                payload={"stage": stage_name, "by": by},
            )
        if approve:
            self.wake([run_id])
        else:
            reason = f"stage '{stage_name}' rejected by {by}" + (f": {comment}" if comment else "")
            self.cancel_run(run_id, reason)

    def rerun_job(self, run_id: str, job_name: str, by: str) -> str:
        """A new attempt of a job that did not succeed and of the finished jobs waiting for it (see
        kernel.attempts.rerun_job); returns the new attempt's id."""
        try:
            with self.journal.transaction() as tx:
                loaded = self.states.load(tx, run_id)
                if loaded is None:
                    raise NotFound(f"run '{run_id}' not found")
                run, state = loaded
                job_run_id = rerun_job(tx, run, state, job_name, by, utcnow()).id
        finally:
            # Loading a finished run cached its jobs; the new attempts are read on the next load anyway.
            self.states.forget(run_id)
        self._no_pending.discard(run_id)
        self.wake([run_id])
        return job_run_id

    def cancel_job(self, job_run_id: str, reason: str) -> None:
        """Stop one job (CancelStepRun): its running step is killed and the job ends CANCELLED."""
        with self.journal.transaction() as tx:
            job = lock_job(tx.session, job_run_id)
            if job is None:
                raise NotFound(f"job run '{job_run_id}' not found")
            if Status(job.status).final:
                raise FailedPrecondition(f"job '{job.name}' already finished ({job.status})")
            now = utcnow()
            if job.agent_id is None:
                self._finish(
                    tx, job.run_id, job.id, Status.CANCELLED, reason, now, never_started=Status.CANCELLED
                )
            elif job.cancel_status is None:
                job.cancel_status, job.cancel_reason = Status.CANCELLED.value, reason
                # Recorded, so a kernel the job's agent is connected to (maybe not this one) sends the cancel.
                tx.emit(
                    "job.stopping",
                    run_id=job.run_id,
                    job_run_id=job.id,
                    status=Status.CANCELLED.value,
                    message=reason,
                    agent_id=job.agent_id,
                )
                connection = self.hub.get(job.agent_id)
                if connection is not None:
                    message = Cancel(job.id, Status.CANCELLED, reason)
                    tx.call_after_commit(lambda: connection.send(message))
            run_id = job.run_id
        self.wake([run_id])
