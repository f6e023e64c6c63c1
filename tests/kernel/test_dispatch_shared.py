"""Dispatch by two kernels on one PostgreSQL database: the dispatch lock and the conditional assignment.

Each kernel is a Dispatcher with its own hub and its own connection pool; faults are injected at exact
statements of kernel A's assign transaction (SQLAlchemy's before_cursor_execute), not by timing.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event, select

from kernel.dispatch import Dispatcher
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.hub import AgentHub, Dispatch
from kernel.journal import Journal
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.store import Database, models

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
LEASE_SECONDS = 30.0
WAIT_SECONDS = 20.0


class Kernel:
    """One kernel's dispatcher, hub and connected agent, on its own engine (named in pg_stat_activity)."""

    def __init__(self, url: str, agent: str) -> None:
        self.name = f"arcade-test-{agent}-{uuid.uuid4().hex[:8]}"
        self.db = Database(sa.make_url(url).update_query_dict({"application_name": self.name}))
        self.journal = Journal(self.db, EventBus())
        self.hub = AgentHub()
        self.dispatcher = Dispatcher(self.journal, self.hub, LEASE_SECONDS, KernelMetrics())
        self.agent = agent
        with self.db.session() as session, session.begin():
            session.add(models.Agent(id=agent, name=agent, capacity=2, registered_at=datetime.now(UTC)))
        self.connection = self.hub.attach(agent)

    def dispatched(self) -> list[str]:
        sent = []
        while not self.connection.queue.empty():
            message = self.connection.queue.get_nowait()
            assert isinstance(message, Dispatch)
            sent.append(message.job_run_id)
        return sent


def queued_jobs(db: Database, spec: str) -> list[str]:
    """The jobs of a new run of `spec`, planned until QUEUED (by a kernel without agents)."""
    journal = Journal(db, EventBus())
    PipelineCatalog(journal).create(spec)
    engine = RunEngine(journal, AgentHub(), LEASE_SECONDS, KernelMetrics())
    run_id = engine.trigger(spec.split("\n")[0].removeprefix("name: "), {})
    engine.reconcile()
    with db.session() as session:
        jobs = session.scalars(select(models.JobRun).where(models.JobRun.run_id == run_id)).all()
    assert {job.status for job in jobs} == {"QUEUED"}
    return sorted(job.id for job in jobs)


def assigned_events(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(models.Event.job_run_id, models.Event.agent_id).where(models.Event.kind == "job.assigned")
        ).all()
    return [tuple(row) for row in rows]


def on_statement(kernel: Kernel, starts_with: str, action) -> None:
    """Run `action` once, just before kernel's first statement that starts with `starts_with`."""
    fired = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().startswith(starts_with):
            fired.append(True)
            action()

    event.listen(kernel.db.engine, "before_cursor_execute", hook)


def test_a_job_taken_after_it_was_read_is_not_dispatched_again(database):
    url = database.engine.url.render_as_string(hide_password=False)
    (job_id,) = queued_jobs(database, "name: one\njobs:\n  - name: j\n    steps: [{run: 'true'}]\n")
    a, b = Kernel(url, "agent-a"), Kernel(url, "agent-b")
    try:
        # Between kernel A's read of the queue and its update, the job goes to kernel B's agent.
        def b_takes_it() -> None:
            with b.db.engine.begin() as connection:
                connection.execute(
                    sa.update(models.JobRun).where(models.JobRun.id == job_id).values(agent_id=b.agent)
                )

        on_statement(a, "UPDATE job_runs SET agent_id", b_takes_it)
        a.dispatcher.assign(datetime.now(UTC))
        assert a.dispatched() == []
        assert assigned_events(database) == []
        with database.session() as session:
            assert session.get(models.JobRun, job_id).agent_id == b.agent
    finally:
        a.db.dispose()
        b.db.dispose()


def test_kernels_assign_one_at_a_time_so_a_concurrency_key_holds_across_them(database):
    url = database.engine.url.render_as_string(hide_password=False)
    spec = (
        "name: keyed\njobs:\n"
        "  - {name: first, concurrency: prod, steps: [{run: 'true'}]}\n"
        "  - {name: second, concurrency: prod, steps: [{run: 'true'}]}\n"
    )
    queued_jobs(database, spec)
    a, b = Kernel(url, "agent-a"), Kernel(url, "agent-b")
    b_done = threading.Event()

    def b_assigns() -> None:
        try:
            b.dispatcher.assign(datetime.now(UTC))
        finally:
            b_done.set()

    def b_waits_for_a() -> None:
        """Inside A's assign transaction, after it read the queue: B starts assigning and must wait."""
        thread = threading.Thread(target=b_assigns, daemon=True)
        thread.start()
        deadline = time.monotonic() + WAIT_SECONDS
        with database.engine.connect() as observer:
            while True:
                waiting = observer.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
                        " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                    ),
                    {"name": b.name},
                ).scalar_one()
                if waiting:
                    return
                assert not b_done.is_set(), "kernel B assigned while kernel A held the queue"
                assert time.monotonic() < deadline, "kernel B never waited for the dispatch lock"
                observer.rollback()  # a fresh snapshot of pg_stat_activity

    try:
        on_statement(a, "SELECT job_runs.id, job_runs.agent_selector", b_waits_for_a)
        a.dispatcher.assign(datetime.now(UTC))
        assert b_done.wait(WAIT_SECONDS)
        assert len(a.dispatched()) == 1 and b.dispatched() == []
        assert [agent for _, agent in assigned_events(database)] == [a.agent]
    finally:
        a.db.dispose()
        b.db.dispose()


def test_a_starting_kernel_extends_no_dead_agents_lease_while_other_kernels_serve_agents(database):
    url = database.engine.url.render_as_string(hide_password=False)
    spec = "name: two\njobs:\n  - {name: x, steps: [{run: 'true'}]}\n  - {name: y, steps: [{run: 'true'}]}\n"
    heard_job, dead_job = queued_jobs(database, spec)
    kernel = Kernel(url, "heard")
    try:
        now = datetime.now(UTC)
        lapsing = now - timedelta(seconds=1)
        with database.session() as session, session.begin():
            session.add(models.Agent(id="dead", name="dead", registered_at=now))
            session.get(models.Agent, "heard").last_heartbeat_at = now
            session.get(models.Agent, "dead").last_heartbeat_at = now - timedelta(seconds=3 * LEASE_SECONDS)
            for job_id, agent in ((heard_job, "heard"), (dead_job, "dead")):
                job = session.get(models.JobRun, job_id)
                job.agent_id, job.lease_expires_at = agent, lapsing

        def leases() -> dict[str, datetime]:
            with database.session() as session:
                return {j: session.get(models.JobRun, j).lease_expires_at for j in (heard_job, dead_job)}

        kernel.dispatcher.grant_restart_grace(now, others_alive=True)
        grace = now + timedelta(seconds=LEASE_SECONDS)
        assert leases() == {heard_job: grace, dead_job: lapsing}
        kernel.dispatcher.grant_restart_grace(now, others_alive=False)  # alone: every agent may come back
        assert leases() == {heard_job: grace, dead_job: grace}
    finally:
        kernel.db.dispose()
