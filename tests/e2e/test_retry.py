"""Retries and reruns against real kernel and agent processes: every attempt stays visible with its logs."""

import json
import os
import subprocess

import grpc
import pytest
from harness import ADMIN_TOKEN, arcade_command

from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc
from proto.arcade.types.v1 import types_pb2

pytestmark = pytest.mark.e2e

RETRIED = """
name: retried
jobs:
  - name: flaky
    retry: {max_attempts: 3, delay: 1s}
    steps:
      - name: try
        run: |
          echo "this is attempt $ARCADE_ATTEMPT"
          test "$ARCADE_ATTEMPT" -ge 2
  - name: after
    depends_on: [flaky]
    steps: [{run: "echo after"}]
"""

GATED_ON_FILE = """
name: {name}
jobs:
  - name: gate
    steps: [{{name: check, run: "echo checking; test -f {marker}"}}]
  - name: after
    depends_on: [gate]
    steps: [{{run: "echo after the gate"}}]
"""


@pytest.fixture
def one_agent(bare_cluster):
    bare_cluster.start_agent("a1", capacity=2)
    return bare_cluster


def attempts(run, name):
    return sorted((j for j in run["jobs"] if j["name"] == name), key=lambda j: j["attempt"])


def cli(cluster, *args):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")},
        "ARCADE_SERVER": cluster.http_url,
        "ARCADE_TOKEN": ADMIN_TOKEN,
    }
    return subprocess.run(arcade_command(*args), capture_output=True, text=True, env=env, timeout=60)


def test_a_failed_attempt_is_retried_and_both_attempts_keep_their_own_logs(one_agent):
    cluster = one_agent
    run_id = cluster.run_pipeline(RETRIED)
    run = cluster.wait_run(run_id)
    assert run["status"] == "SUCCESS", run["message"]
    first, second = attempts(run, "flaky")
    assert (first["attempt"], first["status"], first["superseded"]) == (1, "FAILED", True)
    assert (second["attempt"], second["status"], second["superseded"]) == (2, "SUCCESS", False)
    assert first["superseded_by"] == second["id"]
    assert first["steps"][0]["id"] != second["steps"][0]["id"]
    assert attempts(run, "after")[0]["status"] == "SUCCESS"

    lines = [line for line in cluster.log_lines(run_id) if line["job"] == "flaky"]
    by_step = {line["step_run_id"]: (line["attempt"], line["text"]) for line in lines}
    assert by_step == {
        first["steps"][0]["id"]: (1, "this is attempt 1"),
        second["steps"][0]["id"]: (2, "this is attempt 2"),
    }

    stub = pipeline_pb2_grpc.PipelineServiceStub(cluster.channel())
    grpc_run = stub.GetPipelineRun(
        pipeline_pb2.GetPipelineRunRequest(pipeline_run_id=run_id), metadata=cluster.metadata()
    ).run
    flaky = sorted((j for j in grpc_run.jobs if j.name == "flaky"), key=lambda j: j.attempt)
    assert [(j.attempt, j.superseded) for j in flaky] == [(1, True), (2, False)]
    assert flaky[0].status == types_pb2.JOB_RUN_STATUS_FAILED

    shown = cli(cluster, "logs", run_id)
    assert "[flaky/try] this is attempt 1" in shown.stdout
    assert "[flaky/try, attempt 2] this is attempt 2" in shown.stdout


def test_rerun_of_a_failed_job_through_the_cli_and_grpc(one_agent, tmp_path):
    cluster = one_agent
    marker = tmp_path / "gate-open"
    by_cli = cluster.run_pipeline(GATED_ON_FILE.format(name="by-cli", marker=marker))
    by_grpc = cluster.run_pipeline(GATED_ON_FILE.format(name="by-grpc", marker=marker))
    for run_id in (by_cli, by_grpc):
        run = cluster.wait_run(run_id)
        assert run["status"] == "FAILED"
        assert [j["status"] for j in run["jobs"]] == ["FAILED", "SKIPPED"]
    marker.touch()

    refused = cli(cluster, "rerun", by_cli, "--job", "nope")
    assert refused.returncode == 2 and "has no job 'nope'" in refused.stderr
    result = cli(cluster, "rerun", by_cli, "--job", "gate", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["name"] == "gate" and answer["attempt"] == 2
    assert answer["run"]["status"] == "RUNNING" and answer["run"]["finished_at"] is None
    run = cluster.wait_run(by_cli)
    assert run["status"] == "SUCCESS"
    assert [(j["name"], j["attempt"], j["status"]) for j in run["jobs"]] == [
        ("gate", 1, "FAILED"),
        ("gate", 2, "SUCCESS"),
        ("after", 1, "SKIPPED"),
        ("after", 2, "SUCCESS"),
    ]
    again = cli(cluster, "rerun", by_cli, "--job", "gate")
    assert again.returncode == 1 and "ended SUCCESS" in again.stderr

    stub = steprun_pb2_grpc.StepRunServiceStub(cluster.channel())
    failed_step = attempts(cluster.http("GET", f"/api/v1/runs/{by_grpc}"), "gate")[0]["steps"][0]["id"]
    new = stub.RetryStepRun(
        steprun_pb2.RetryStepRunRequest(step_run_id=failed_step), metadata=cluster.metadata()
    ).job_run
    assert (new.name, new.attempt, new.superseded) == ("gate", 2, False)
    assert new.status == types_pb2.JOB_RUN_STATUS_PENDING and len(new.steps) == 1
    run = cluster.wait_run(by_grpc)
    assert run["status"] == "SUCCESS"
    with pytest.raises(grpc.RpcError) as refused_grpc:
        stub.RetryStepRun(steprun_pb2.RetryStepRunRequest(job_run_id=new.id), metadata=cluster.metadata())
    assert refused_grpc.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "ended SUCCESS" in refused_grpc.value.details()
