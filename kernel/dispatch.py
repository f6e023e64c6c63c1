"""Dispatch: the scheduler applied to the store (lapsed leases, queued jobs handed to connected agents)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from kernel import scheduler
from kernel.dsl.model import Selector
from kernel.hub import AgentHub, Dispatch
from kernel.jobs import ACTIVE_JOB, finish_job
from kernel.journal import Journal
from kernel.locks import NO_KEY_UPDATE, lock_dispatch
from kernel.metrics import KernelMetrics
from kernel.selectors import selector_from_dict
from kernel.status import Status
from kernel.store import models

ANY_AGENT = Selector()
ASSIGN_PAGE = 256


def _selector(data: Mapping[str, Any] | None) -> Selector:
    return selector_from_dict(data) if data else ANY_AGENT


class Dispatcher:
    def __init__(
        self, journal: Journal, hub: AgentHub, heartbeat_timeout: float, metrics: KernelMetrics
    ) -> None:
        self.journal = journal
        self.hub = hub
        self.heartbeat_timeout = heartbeat_timeout
        self.metrics = metrics

    def grant_restart_grace(self, now: datetime, others_alive: bool = False) -> None:
        """A starting kernel gives agents a heartbeat timeout to find it again before their leases lapse.

        With other kernels alive on the database, only agents heard from within the last heartbeat timeout
        get it: an agent that died stays dead, however often some kernel restarts. No lease is shortened.
        """
        J, A = models.JobRun, models.Agent
        grace = now + timedelta(seconds=self.heartbeat_timeout)
        lapsing = update(J).where(
            J.status.in_(ACTIVE_JOB),
            J.agent_id.is_not(None),
            or_(J.lease_expires_at.is_(None), J.lease_expires_at < grace),
        )
        if others_alive:
            heard = select(A.id).where(A.last_heartbeat_at >= now - timedelta(seconds=self.heartbeat_timeout))
            lapsing = lapsing.where(J.agent_id.in_(heard))
        with self.journal.transaction() as tx:
            tx.session.execute(lapsing.values(lease_expires_at=grace))

    def expire_leases(self, now: datetime) -> set[str]:
        """End or re-queue the jobs whose leases lapsed; returns the runs that changed."""
        J = models.JobRun
        with self.journal.transaction() as tx:
            lock_dispatch(tx.session)
            rows = tx.session.execute(
                select(
                    J.id,
                    J.run_id,
                    J.status,
                    J.lease_expires_at,
                    J.cancel_status,
                    J.cancel_reason,
                    models.Agent.name,
                )
                .join(models.Agent, models.Agent.id == J.agent_id)
                .where(J.status.in_(ACTIVE_JOB), J.lease_expires_at <= now)
                .order_by(J.id)
                .with_for_update(of=J, **NO_KEY_UPDATE)
            ).all()
            if not rows:
                return set()
            leases = [
                scheduler.Lease(
                    r.id,
                    r.name,
                    Status(r.status),
                    r.lease_expires_at,
                    Status(r.cancel_status) if r.cancel_status else None,
                    r.cancel_reason,
                )
                for r in rows
            ]
            run_of = {r.id: r.run_id for r in rows}
            for outcome in scheduler.expired(leases, now, self.heartbeat_timeout):
                if outcome.requeue:
                    requeued = tx.session.execute(
                        update(J)
                        .where(J.id == outcome.job_id, J.status == "QUEUED")
                        .values(agent_id=None, lease_expires_at=None)
                    )
                    if requeued.rowcount != 1:  # the agent reported it started meanwhile
                        continue
                    tx.emit(
                        "job.requeued",
                        run_id=run_of[outcome.job_id],
                        job_run_id=outcome.job_id,
                        status="QUEUED",
                        message="the agent never started it; lease expired",
                    )
                else:
                    finish_job(
                        tx, outcome.job_id, outcome.status, outcome.message, now, Status.SKIPPED, self.metrics
                    )
                    self.metrics.leases_expired.inc()
            return set(run_of.values())

    def assign(self, now: datetime) -> None:
        """Hand queued jobs to connected agents with free slots and send them the dispatch."""
        connected = self.hub.connected()
        if not connected:
            return
        J = models.JobRun
        with self.journal.transaction() as tx:
            lock_dispatch(tx.session)
            agents = tx.session.execute(
                select(models.Agent.id, models.Agent.labels, models.Agent.capacity).where(
                    models.Agent.id.in_(connected)
                )
            ).all()
            busy = dict(
                tx.session.execute(
                    select(J.agent_id, func.count())
                    .where(J.agent_id.in_(connected), J.status.in_(ACTIVE_JOB))
                    .group_by(J.agent_id)
                ).all()
            )
            slots = [
                scheduler.AgentSlots(a.id, a.labels or {}, a.capacity - busy.get(a.id, 0)) for a in agents
            ]
            if not any(slot.free > 0 for slot in slots):
                return
            # Page through the queue oldest first until the free slots are used or the queue is exhausted.
            assignments: list[scheduler.Assignment] = []
            queued: list[Any] = []
            offset = 0
            held_keys = set(
                tx.session.scalars(
                    select(J.concurrency)
                    .where(J.concurrency.is_not(None), J.agent_id.is_not(None), J.status.in_(ACTIVE_JOB))
                    .distinct()
                )
            )
            page_size = min(ASSIGN_PAGE, 4 * sum(max(slot.free, 0) for slot in slots) + 8)
            while any(slot.free > 0 for slot in slots):
                page = tx.session.execute(
                    select(J.id, J.agent_selector, J.queued_at, J.run_id, J.concurrency)
                    .where(J.status == "QUEUED", J.agent_id.is_(None))
                    .order_by(J.queued_at, J.id)
                    .offset(offset)
                    .limit(page_size)
                ).all()
                if not page:
                    break
                offset += len(page)
                page_size = ASSIGN_PAGE
                queued += page
                jobs = [
                    scheduler.QueuedJob(r.id, _selector(r.agent_selector), r.queued_at, r.concurrency)
                    for r in page
                ]
                taken = scheduler.assign(jobs, slots, held_keys)
                held_keys |= {job.concurrency for job in jobs if job.concurrency}
                assignments += taken
                used = {a.agent_id: 0 for a in taken}
                for a in taken:
                    used[a.agent_id] += 1
                slots = [scheduler.AgentSlots(s.id, s.labels, s.free - used.get(s.id, 0)) for s in slots]
            if not assignments:
                return
            run_of = {r.id: r.run_id for r in queued}
            lease = now + timedelta(seconds=self.heartbeat_timeout)
            sent = []
            # In id order, as every writer of several job rows takes them: no lock cycles between kernels.
            for assignment in sorted(assignments, key=lambda a: a.job_id):
                # A second guard beside the dispatch lock: a job cancelled (or taken) since it was read
                # is left alone.
                taken = tx.session.execute(
                    update(J)
                    .where(J.id == assignment.job_id, J.agent_id.is_(None), J.status == "QUEUED")
                    .values(agent_id=assignment.agent_id, lease_expires_at=lease)
                )
                if taken.rowcount != 1:
                    continue
                sent.append(assignment)
                tx.emit(
                    "job.assigned",
                    run_id=run_of[assignment.job_id],
                    job_run_id=assignment.job_id,
                    agent_id=assignment.agent_id,
                    status="QUEUED",
                )
        for assignment in sent:
            connection = self.hub.get(assignment.agent_id)
            if connection is not None:
                connection.send(Dispatch(assignment.job_id))
                self.metrics.jobs_dispatched.inc()
