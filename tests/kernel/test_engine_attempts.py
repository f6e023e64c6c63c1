"""Retries and reruns through the engine on a real store: attempt rows, caches, events, run status.

No agent process: the test plays the agent through AgentReports and calls `reconcile` itself.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kernel.agent_reports import AgentReports, JobResult
from kernel.engine import RunEngine
from kernel.errors import FailedPrecondition, NotFound
from kernel.events import EventBus
from kernel.hub import AgentHub
from kernel.jobs import utcnow
from kernel.journal import Journal
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.status import Status
from kernel.store import models

AGENT = "agent-1"

FLAKY = """
name: flaky
jobs:
  - name: flaky
    retry: {max_attempts: 3}
    steps: [{name: try, run: "exit 1"}, {name: after, run: "true"}]
  - name: slow
    steps: [{run: "sleep 1"}]
"""

CHAIN = """
name: chain
stages:
  - name: build
    jobs: [{name: compile, steps: [{run: make}]}, {name: lint, steps: [{run: lint}]}]
  - name: test
    jobs: [{name: unit, steps: [{run: test}]}]
  - name: ship
    jobs: [{name: deploy, depends_on: [unit], steps: [{run: deploy}]}]
"""


class Engine:
    def __init__(self, database) -> None:
        metrics = KernelMetrics()
        self.journal = Journal(database, EventBus())
        self.engine = RunEngine(self.journal, AgentHub(), 10.0, metrics)
        self.reports = AgentReports(self.journal, self.engine, 10.0, metrics)
        self.catalog = PipelineCatalog(self.journal)

    def trigger(self, spec: str) -> str:
        name = self.catalog.create(spec, "p.yaml").name
        run_id = self.engine.trigger(name, {})
        self.engine.reconcile()
        return run_id

    def attempts(self, run_id: str, name: str) -> list[models.JobRun]:
        with self.journal.db.session() as session:
            query = (
                select(models.JobRun)
                .where(models.JobRun.run_id == run_id, models.JobRun.name == name)
                .order_by(models.JobRun.attempt)
            )
            return list(session.scalars(query))

    def latest(self, run_id: str, name: str) -> models.JobRun:
        return self.attempts(run_id, name)[-1]

    def run(self, run_id: str) -> models.PipelineRun:
        with self.journal.db.session() as session:
            return session.get(models.PipelineRun, run_id)

    def steps(self, job_run_id: str) -> list[models.StepRun]:
        with self.journal.db.session() as session:
            query = select(models.StepRun).where(models.StepRun.job_run_id == job_run_id)
            return list(session.scalars(query.order_by(models.StepRun.index)))

    def events(self, run_id: str, kind: str) -> list[models.Event]:
        with self.journal.db.session() as session:
            query = select(models.Event).where(models.Event.run_id == run_id, models.Event.kind == kind)
            return list(session.scalars(query.order_by(models.Event.id)))

    def start(self, run_id: str, name: str) -> str:
        """Hand the job's latest attempt to the fake agent, which reports it RUNNING."""
        job = self.latest(run_id, name)
        assert job.status == "QUEUED", (name, job.status)
        with self.journal.transaction() as tx:
            tx.session.get(models.JobRun, job.id).agent_id = AGENT
        self.reports.report_job(AGENT, JobResult(job.id, Status.RUNNING))
        return job.id

    def finish(self, job_id: str, status: Status, message: str = "") -> None:
        self.reports.report_job(AGENT, JobResult(job_id, status, message=message))
        self.engine.reconcile()


@pytest.fixture
def k(database) -> Engine:
    return Engine(database)


def test_a_failing_job_gets_new_attempts_while_another_job_runs_then_the_last_one_decides(k):
    run_id = k.trigger(FLAKY)
    slow = k.start(run_id, "slow")
    # The run has no PENDING job left and one still running: the engine's cheap check must not hide
    # that the failed job may be retried.
    for attempt in (1, 2):
        k.finish(k.start(run_id, "flaky"), Status.FAILED, f"step 'try' failed (attempt {attempt})")
        rows = k.attempts(run_id, "flaky")
        assert [row.attempt for row in rows] == list(range(1, attempt + 2))
        assert rows[-2].status == "FAILED" and rows[-2].superseded_by == rows[-1].id
        assert rows[-2].message == f"step 'try' failed (attempt {attempt})"
        assert rows[-1].status == "QUEUED" and rows[-1].superseded_by is None
        assert k.run(run_id).status == "RUNNING"
    retrying = k.events(run_id, "job.retrying")
    assert [e.message for e in retrying] == [
        "attempt 2 of 3 after: step 'try' failed (attempt 1)",
        "attempt 3 of 3 after: step 'try' failed (attempt 2)",
    ]
    first, second, third = k.attempts(run_id, "flaky")
    assert retrying[0].job_run_id == second.id and retrying[0].payload["previous_job_run_id"] == first.id
    old_steps, new_steps = k.steps(first.id), k.steps(third.id)
    assert [s.name for s in new_steps] == [s.name for s in old_steps] == ["try", "after"]
    assert {s.id for s in new_steps}.isdisjoint(s.id for s in old_steps)
    assert [s.status for s in new_steps] == ["PENDING", "PENDING"]
    assert [s.status for s in old_steps] == ["SKIPPED", "SKIPPED"]  # never reported: the job ended first
    k.finish(k.start(run_id, "flaky"), Status.SUCCESS)
    k.finish(slow, Status.SUCCESS)
    run = k.run(run_id)
    assert run.status == "SUCCESS" and run.finished_at is not None
    assert [row.status for row in k.attempts(run_id, "flaky")] == ["FAILED", "FAILED", "SUCCESS"]


def test_the_last_attempt_failing_fails_the_run_with_its_message(k):
    run_id = k.trigger(FLAKY)
    k.finish(k.start(run_id, "slow"), Status.SUCCESS)
    for attempt in (1, 2, 3):
        k.finish(k.start(run_id, "flaky"), Status.TIMEOUT, f"job timed out (attempt {attempt})")
    assert len(k.attempts(run_id, "flaky")) == 3
    run = k.run(run_id)
    assert run.status == "FAILED" and run.message == "job 'flaky' timeout: job timed out (attempt 3)"


def test_a_delay_keeps_the_new_attempt_pending_until_it_has_passed(k):
    run_id = k.trigger(FLAKY.replace("{max_attempts: 3}", "{max_attempts: 2, delay: 1h}"))
    k.finish(k.start(run_id, "flaky"), Status.FAILED, "boom")
    second = k.latest(run_id, "flaky")
    assert second.attempt == 2 and second.status == "PENDING" and second.not_before is not None
    assert k.events(run_id, "job.retrying")[0].message == "attempt 2 of 2 in 1h after: boom"
    assert k.engine._deadlines[run_id] == second.not_before


def test_a_job_the_kernel_stopped_is_not_retried(k):
    run_id = k.trigger(FLAKY)
    k.engine.cancel_run(run_id)
    jobs = k.attempts(run_id, "flaky")
    assert len(jobs) == 1 and jobs[0].status == "CANCELLED" and jobs[0].cancel_status == "CANCELLED"
    assert k.run(run_id).status == "CANCELLED"


def test_rerun_makes_new_attempts_of_the_job_and_its_dependents_and_reopens_the_run(k):
    run_id = k.trigger(CHAIN)
    k.finish(k.start(run_id, "lint"), Status.SUCCESS)
    k.finish(k.start(run_id, "compile"), Status.FAILED, "make: error")
    assert k.run(run_id).status == "FAILED"
    assert k.latest(run_id, "unit").status == "SKIPPED" and k.latest(run_id, "deploy").status == "SKIPPED"
    with pytest.raises(FailedPrecondition, match="ended SUCCESS; only a FAILED, TIMEOUT or CANCELLED"):
        k.engine.rerun_job(run_id, "lint", "tester")
    with pytest.raises(FailedPrecondition, match="ended SKIPPED"):
        k.engine.rerun_job(run_id, "unit", "tester")
    with pytest.raises(NotFound, match="has no job 'nope'"):
        k.engine.rerun_job(run_id, "nope", "tester")

    new_id = k.engine.rerun_job(run_id, "compile", "tester")
    run = k.run(run_id)
    assert run.status == "RUNNING" and run.finished_at is None and run.message == ""
    assert k.latest(run_id, "compile").id == new_id
    assert [len(k.attempts(run_id, name)) for name in ("compile", "lint", "unit", "deploy")] == [2, 1, 2, 2]
    assert [e.message for e in k.events(run_id, "job.rerun")] == [
        "attempt 2: rerun by tester",
        "attempt 2: rerun of 'compile' by tester",
        "attempt 2: rerun of 'compile' by tester",
    ]
    assert k.events(run_id, "run.status")[-1].message == "job 'compile' rerun by tester"
    with pytest.raises(FailedPrecondition, match="still PENDING"):
        k.engine.rerun_job(run_id, "compile", "tester")

    k.engine.reconcile()
    k.finish(k.start(run_id, "compile"), Status.SUCCESS)
    k.finish(k.start(run_id, "unit"), Status.SUCCESS)
    k.finish(k.start(run_id, "deploy"), Status.SUCCESS)
    run = k.run(run_id)
    assert run.status == "SUCCESS" and run.finished_at is not None
    assert [j.status for j in k.attempts(run_id, "compile")] == ["FAILED", "SUCCESS"]


def test_a_started_job_whose_agent_lost_its_lease_is_retried(k):
    run_id = k.trigger(FLAKY)
    with k.journal.transaction() as tx:
        tx.session.add(models.Agent(id=AGENT, name="a1", registered_at=utcnow()))
    first = k.start(run_id, "flaky")
    with k.journal.transaction() as tx:
        tx.session.get(models.JobRun, first).lease_expires_at = utcnow() - timedelta(seconds=1)
    k.engine.wake(k.engine.dispatcher.expire_leases(utcnow()))
    k.engine.reconcile()
    lost, second = k.attempts(run_id, "flaky")
    assert lost.status == "FAILED" and lost.message.startswith("lease expired: agent 'a1'")
    assert second.attempt == 2 and second.status == "QUEUED"
    assert k.events(run_id, "job.retrying")[0].message.startswith("attempt 2 of 3 after: lease expired")


def test_a_job_whose_when_cannot_be_evaluated_fails_once_and_is_not_retried(k):
    run_id = k.trigger(
        "name: broken-when\njobs:\n  - name: j\n    when: \"variables.NOPE == 'x'\"\n"
        "    retry: {max_attempts: 3}\n    steps: [{run: 'true'}]\n"
        "  - {name: other, steps: [{run: 'true'}]}\n"  # keeps the run going while retries could happen
    )
    for _ in range(3):
        k.engine.reconcile()
    [attempt] = k.attempts(run_id, "j")
    assert attempt.status == "FAILED" and "could not be evaluated" in attempt.message
    k.finish(k.start(run_id, "other"), Status.SUCCESS)
    assert len(k.attempts(run_id, "j")) == 1
    assert k.run(run_id).status == "FAILED"
