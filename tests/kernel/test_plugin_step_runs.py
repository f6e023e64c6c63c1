"""Plugin steps in the kernel: stored with their args, sent to agents with secrets revealed, their results
stored masked and shown by the HTTP and gRPC views."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from kernel.agent_reports import AgentReports, JobResult, StepResult
from kernel.engine import RunEngine
from kernel.errors import InvalidInput
from kernel.events import EventBus
from kernel.http.serialize import step_json
from kernel.hub import AgentHub
from kernel.journal import Journal
from kernel.masking import SecretMasks
from kernel.metrics import KernelMetrics
from kernel.pipelines import PipelineCatalog
from kernel.secrets import SecretStore
from kernel.services.agent import MAX_RESULT_BYTES, assignment_pb, plugin_result
from kernel.services.convert import step_pb
from kernel.status import Status
from kernel.store import models

SECRET = "hunter2-very-secret"
SPEC = """
name: p
variables: {TARGET: staging}
jobs:
  - name: j
    steps:
      - name: scan
        uses: security/scan@^1
        action: scan
        args: {target: "${{ variables.TARGET }}", token: "${{ secrets.TOKEN }}", levels: [high, 2]}
"""


@pytest.fixture
def kernel_parts(database):
    metrics = KernelMetrics()
    journal = Journal(database, EventBus())
    engine = RunEngine(journal, AgentHub(), 10.0, metrics)
    secrets = SecretStore(database, Fernet.generate_key().decode())
    secrets.set("TOKEN", SECRET)
    masks = SecretMasks(database, secrets)
    reports = AgentReports(journal, engine, 10.0, metrics, masks)
    PipelineCatalog(journal).create(SPEC, "p.yaml")
    run_id = engine.trigger("p", {})
    engine.reconcile()
    with journal.transaction() as tx:
        job = tx.session.scalars(select(models.JobRun).where(models.JobRun.run_id == run_id)).one()
        step = tx.session.scalars(select(models.StepRun).where(models.StepRun.job_run_id == job.id)).one()
        job.agent_id = "agent-1"
        ids = job.id, step.id
    return database, secrets, masks, reports, ids


def test_a_plugin_step_is_stored_with_variables_substituted_and_secrets_kept_as_references(kernel_parts):
    database, _, _, _, (_, step_id) = kernel_parts
    with database.session() as session:
        step = session.get(models.StepRun, step_id)
        assert (step.uses, step.action, step.run) == ("security/scan@^1", "scan", "")
        assert step.args == {"target": "staging", "token": "${{ secrets.TOKEN }}", "levels": ["high", 2]}


def test_the_assignment_carries_the_plugin_step_with_the_secret_revealed(kernel_parts):
    database, secrets, masks, _, (job_id, _) = kernel_parts
    assignment = assignment_pb(database, job_id, secrets, masks)
    sent = assignment.steps[0]
    assert (sent.uses, sent.action, sent.run) == ("security/scan@^1", "scan", "")
    assert json.loads(sent.args_json) == {"target": "staging", "token": SECRET, "levels": ["high", 2]}


def test_the_result_is_stored_masked_and_shown_by_http_and_grpc(kernel_parts):
    database, secrets, masks, reports, (job_id, step_id) = kernel_parts
    assignment_pb(database, job_id, secrets, masks)  # remembers the job's secret values, as dispatch does
    reports.report_job("agent-1", JobResult(job_id, Status.RUNNING))
    result = {"findings": 0, "echo": f"used {SECRET}", f"key-{SECRET}": [SECRET, 1]}
    reports.report_step("agent-1", StepResult(step_id, Status.SUCCESS, exit_code=0, result=result))
    with database.session() as session:
        step = session.get(models.StepRun, step_id)
        shown = step_json(step)
        wire = step_pb(step)
    expected = {"findings": 0, "echo": "used ***", "key-***": ["***", 1]}
    assert shown["result"] == expected
    assert (shown["uses"], shown["action"]) == ("security/scan@^1", "scan")
    assert json.loads(wire.result_json) == expected and wire.uses == "security/scan@^1"


def test_shell_steps_show_no_plugin_fields(database):
    journal = Journal(database, EventBus())
    engine = RunEngine(journal, AgentHub(), 10.0, KernelMetrics())
    PipelineCatalog(journal).create("name: s\njobs: [{name: j, steps: [{run: 'true'}]}]\n", "s.yaml")
    run_id = engine.trigger("s", {})
    with database.session() as session:
        step = session.scalars(select(models.StepRun).where(models.StepRun.run_id == run_id)).one()
        assert step_json(step)["uses"] is None and step_json(step)["result"] is None
        assert step_pb(step).result_json == ""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "result_json is not valid JSON"),
        ("[1, 2]", "result_json must be a JSON object, got list"),
        ('{"x": "' + "a" * MAX_RESULT_BYTES + '"}', f"the limit is {MAX_RESULT_BYTES}"),
    ],
)
def test_a_reported_result_must_be_a_bounded_json_object(text, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        plugin_result(text)
    assert plugin_result("") is None
    assert plugin_result('{"ok": true}') == {"ok": True}
