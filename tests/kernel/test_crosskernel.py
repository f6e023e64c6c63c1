"""kernel.crosskernel: payloads, and two kernels' stacks on one PostgreSQL schema hearing each other."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from kernel.crosskernel import MAX_PAYLOAD_BYTES, CrossKernel, LogRange, Notice, decode, encode
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.hub import AgentHub, Cancel
from kernel.journal import Journal
from kernel.logstore import Batch, Line, LogStore
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.status import Status
from kernel.store import Database, models

WAIT_SECONDS = 20


def test_payloads_stay_under_the_limit_and_keep_every_id_in_order():
    notice = Notice(
        "k1",
        list(range(1_000_000, 1_003_000)),
        [LogRange(str(uuid.uuid4()), str(uuid.uuid4()), i, i + 9) for i in range(300)],
    )
    payloads = encode(notice)
    assert len(payloads) > 1 and all(len(p.encode()) <= MAX_PAYLOAD_BYTES for p in payloads)
    decoded = [decode(p) for p in payloads]
    assert {d.instance for d in decoded} == {"k1"}
    assert [i for d in decoded for i in d.event_ids] == notice.event_ids
    assert [r for d in decoded for r in d.logs] == notice.logs
    assert encode(Notice("k1")) == []


@pytest.mark.parametrize("payload", ["", "not json", "[]", '{"k": "x"}', '{"k": "x", "e": ["a"], "l": []}'])
def test_a_foreign_payload_is_ignored(payload):
    assert decode(payload) is None


@dataclass
class Stack:
    """What one kernel holds that kernel.crosskernel touches, on its own connections."""

    db: Database
    journal: Journal
    hub: AgentHub
    logs: LogStore
    cross: CrossKernel

    @classmethod
    def on(cls, url: str) -> Stack:
        db = Database(url)
        journal = Journal(db, EventBus())
        metrics = KernelMetrics()
        hub = AgentHub()
        engine = RunEngine(journal, hub, 30.0, metrics)
        logs = LogStore(journal, metrics)
        return cls(db, journal, hub, logs, CrossKernel(db, journal, logs, engine, hub))


async def _next(subscription, what: str):
    got = await subscription.get(WAIT_SECONDS)
    assert got is not None, f"{what} never arrived"
    return got


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_events_logs_and_cancels_reach_the_other_kernel_even_after_its_listener_drops(database):
    url = database.engine.url.render_as_string(hide_password=False)
    a, b = Stack.on(url), Stack.on(url)
    PipelineCatalog(a.journal).create("name: p\njobs:\n  - name: j\n    steps: [{name: s, run: 'true'}]\n")
    run_id = a.cross.engine.trigger("p", {})
    with database.session() as session:
        job = session.scalars(select(models.JobRun).where(models.JobRun.run_id == run_id)).one()
        step = session.scalars(select(models.StepRun).where(models.StepRun.job_run_id == job.id)).one()
    with database.session() as session, session.begin():
        session.execute(update(models.JobRun).where(models.JobRun.id == job.id).values(agent_id="agent-b"))

    async def scenario() -> None:
        await a.cross.start()
        await b.cross.start()
        try:
            assert a.cross.others_alive() and b.cross.others_alive()
            connection = b.hub.attach("agent-b")
            with (
                a.journal.bus.subscribe("events") as a_events,
                b.journal.bus.subscribe("events") as b_events,
                b.journal.bus.subscribe(f"log:{step.id}") as b_log,
            ):
                with a.journal.transaction() as tx:
                    tx.emit(
                        "job.stopping",
                        run_id=run_id,
                        job_run_id=job.id,
                        agent_id="agent-b",
                        status="CANCELLED",
                        message="stop it",
                    )
                _, event = await _next(b_events, "the event on kernel B")
                assert (event.kind, event.job_run_id) == ("job.stopping", job.id)
                assert connection.queue.get_nowait() == Cancel(job.id, Status.CANCELLED, "stop it")
                assert [e.id for _, e in a_events.drain()] == [event.id]  # its own notice is ignored

                lines = [Line(1, "stdout", 0, "hello"), Line(2, "stderr", 0, "world")]
                a.logs.append("agent-b", step.id, lines)
                _, batch = await _next(b_log, "the log lines on kernel B")
                assert batch == Batch(step.id, lines)

                # Drop B's listening connection: what A commits meanwhile still reaches B.
                with database.engine.begin() as admin:
                    killed = admin.execute(
                        sa.text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = :name"
                        ),
                        {"name": b.cross.application_name},
                    ).all()
                assert killed == [(True,)]
                with a.journal.transaction() as tx:
                    tx.emit("run.status", run_id=run_id, status="RUNNING", message="after the drop")
                while True:
                    _, event = await _next(b_events, "the event sent while B's listener was away")
                    if event.message == "after the drop":
                        break
        finally:
            await a.cross.stop()
            await b.cross.stop()

    try:
        asyncio.run(scenario())
    finally:
        a.db.dispose()
        b.db.dispose()
