"""Messages agents report (step and job results) are stored and emitted with secret values masked."""

from __future__ import annotations

from sqlalchemy import select

from kernel.agent_reports import AgentReports, JobResult, StepResult
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.hub import AgentHub
from kernel.journal import Journal
from kernel.masking import SecretMasks
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.status import Status
from kernel.store import models

SECRET = "hunter2-very-secret"


def test_reported_messages_never_store_a_secret_value(database):
    metrics = KernelMetrics()
    journal = Journal(database, EventBus())
    engine = RunEngine(journal, AgentHub(), 10.0, metrics)
    masks = SecretMasks(database, secrets=None)  # values are remembered at dispatch; none loaded here
    reports = AgentReports(journal, engine, 10.0, metrics, masks)
    spec = "name: m\njobs:\n  - {name: j, steps: [{name: s, run: 'true'}]}\n"
    PipelineCatalog(journal).create(spec, "m.yaml")
    run_id = engine.trigger("m", {})
    engine.reconcile()
    with journal.transaction() as tx:
        job = tx.session.scalars(select(models.JobRun).where(models.JobRun.run_id == run_id)).one()
        step = tx.session.scalars(select(models.StepRun).where(models.StepRun.job_run_id == job.id)).one()
        job.agent_id = "agent-1"
        job_id, step_id = job.id, step.id
    masks.remember(job_id, [SECRET])
    reports.report_job("agent-1", JobResult(job_id, Status.RUNNING))
    reports.report_step(
        "agent-1", StepResult(step_id, Status.FAILED, exit_code=1, message=f"could not start {SECRET}")
    )
    reports.report_job("agent-1", JobResult(job_id, Status.FAILED, message=f"step failed: {SECRET}"))

    with database.session() as session:
        stored = [
            session.get(models.StepRun, step_id).message,
            session.get(models.JobRun, job_id).message,
            *session.scalars(select(models.Event.message).where(models.Event.run_id == run_id)),
        ]
    assert "could not start ***" in stored and "step failed: ***" in stored
    assert not any(SECRET in message for message in stored)
