"""Following a run's log (`LogStore.follow_run`) after the run is final: lines still due may trickle in for
longer than the late-lines grace in all; only a gap of a whole grace without any ends the follow early."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, update

import kernel.logstore
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.hub import AgentHub
from kernel.journal import Journal
from kernel.logstore import Line, LogStore
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.store import models

LINES = 12
GRACE = 0.4


@pytest.fixture
def finished_run(database, monkeypatch):
    """A run already SUCCESS whose one step reported LINES lines, none of them stored yet."""
    monkeypatch.setattr(kernel.logstore, "LATE_LINES_GRACE_SECONDS", GRACE)
    journal = Journal(database, EventBus())
    metrics = KernelMetrics()
    engine = RunEngine(journal, AgentHub(), 10.0, metrics)
    spec = "name: l\njobs:\n  - {name: j, steps: [{name: s, run: 'true'}]}\n"
    PipelineCatalog(journal).create(spec, "l.yaml")
    run_id = engine.trigger("l", {})
    with journal.transaction() as tx:
        job = tx.session.scalars(select(models.JobRun).where(models.JobRun.run_id == run_id)).one()
        step = tx.session.scalars(select(models.StepRun).where(models.StepRun.job_run_id == job.id)).one()
        job.agent_id, job.status = "agent-1", "SUCCESS"
        step.status, step.log_line_count = "SUCCESS", LINES
        finish = update(models.PipelineRun).where(models.PipelineRun.id == run_id).values(status="SUCCESS")
        tx.session.execute(finish)
        step_id = step.id
    return LogStore(journal, metrics), run_id, step_id


def follow(logs: LogStore, run_id: str, step_id: str, arrivals: int, gap: float) -> list[int]:
    """Follow the run while `arrivals` lines arrive one by one, `gap` seconds apart; the seqs followed."""

    async def scenario() -> list[int]:
        seen: list[int] = []

        async def follower() -> None:
            async for batch in logs.follow_run(run_id):
                seen.extend(line.seq for line in batch.lines)

        task = asyncio.create_task(follower())
        for seq in range(1, arrivals + 1):
            await asyncio.sleep(gap)  # the agent's pace, not a wait for the follower
            logs.append("agent-1", step_id, [Line(seq, "stdout", 0, f"line {seq}")])
        await asyncio.wait_for(task, timeout=GRACE * 10 + arrivals * gap)
        return seen

    return asyncio.run(scenario())


def test_lines_trickling_in_after_the_run_ended_are_all_followed(finished_run):
    logs, run_id, step_id = finished_run
    # 12 lines 0.1 s apart take 1.2 s: three times the grace in all, but never a whole grace without a line.
    assert follow(logs, run_id, step_id, LINES, GRACE / 4) == list(range(1, LINES + 1))


def test_the_follow_ends_after_a_grace_without_lines(finished_run):
    logs, run_id, step_id = finished_run
    assert follow(logs, run_id, step_id, 3, GRACE / 4) == [1, 2, 3]
