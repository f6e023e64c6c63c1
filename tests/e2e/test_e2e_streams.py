"""Stream APIs fed by the event bus, live log following, health checking and reflection."""

import json
import os
import subprocess

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from harness import ADMIN_TOKEN, arcade_command, job

from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc
from proto.arcade.types.v1 import types_pb2

pytestmark = pytest.mark.e2e

GATED = """
name: gated
jobs:
  - name: j
    steps:
      - name: s
        run: |
          echo first
          while [ ! -e {gate} ]; do sleep 0.05; done
          echo second
"""


def test_log_follow_is_live_over_http_and_cli(cluster, tmp_path):
    gate = tmp_path / "gate"
    run_id = cluster.run_pipeline(GATED.format(gate=gate))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")},
        "ARCADE_SERVER": cluster.http_url,
        "ARCADE_TOKEN": ADMIN_TOKEN,
    }
    cli = subprocess.Popen(
        arcade_command("logs", run_id, "--follow"), stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        with httpx.stream(
            "GET",
            f"{cluster.http_url}/api/v1/runs/{run_id}/logs",
            params={"follow": "true"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=60,
        ) as response:
            lines = response.iter_lines()
            first = json.loads(next(lines))
            assert first["text"] == "first"
            # The step is still blocked on the gate: the line arrived while it ran, not at the end.
            assert job(cluster.http("GET", f"/api/v1/runs/{run_id}"), "j")["status"] == "RUNNING"
            assert cli.stdout.readline() == "[j/s] first\n"
            gate.write_text("open")
            rest = [json.loads(line) for line in lines if line]
        assert [item.get("text") for item in rest[:-1]] == ["second"]
        assert rest[-1] == {"type": "end", "status": "SUCCESS", "message": "", "final": True}
        assert cli.stdout.readline() == "[j/s] second\n"
        assert cli.wait(timeout=30) == 0
    finally:
        cli.kill()


def test_step_log_from_a_line_and_status_streams(cluster, tmp_path):
    gate = tmp_path / "gate"
    run_id = cluster.run_pipeline(GATED.format(gate=gate))
    streams = stream_pb2_grpc.StreamServiceStub(cluster.channel())
    md = cluster.metadata()
    run = cluster.wait_job_status(run_id, "j", ("RUNNING",))
    job_id, step_id = job(run, "j")["id"], job(run, "j")["steps"][0]["id"]

    job_updates = streams.StreamJobStatus(
        stream_pb2.StreamJobStatusRequest(job_run_id=job_id), metadata=md, timeout=30
    )
    step_updates = streams.StreamStepRunStatus(
        stream_pb2.StreamStepRunStatusRequest(step_run_id=step_id), metadata=md, timeout=30
    )
    events = streams.StreamEvents(
        stream_pb2.StreamEventsRequest(after_id=1, kinds=["job."], pipeline_run_id=run_id),
        metadata=md,
        timeout=30,
    )
    from_second = streams.StreamStepRunLog(
        stream_pb2.StreamStepRunLogRequest(step_run_id=step_id, from_seq=2, follow=True),
        metadata=md,
        timeout=30,
    )
    first_job = next(job_updates)
    assert first_job.job_run.status == types_pb2.JOB_RUN_STATUS_RUNNING
    gate.write_text("open")
    assert [line.text for response in from_second for line in response.lines] == ["second"]
    statuses = [update.job_run.status for update in job_updates]
    assert statuses[-1] == types_pb2.JOB_RUN_STATUS_SUCCESS
    assert [u.step_run.status for u in step_updates][-1] == types_pb2.STEP_RUN_STATUS_SUCCESS
    kinds = []
    for response in events:
        kinds.append((response.event.kind, response.event.status))
        if response.event.kind == "job.status" and response.event.status == "SUCCESS":
            events.cancel()
            break
    assert ("job.status", "QUEUED") in kinds and ("job.status", "RUNNING") in kinds
    assert all(kind.startswith("job.") for kind, _ in kinds)

    steps = steprun_pb2_grpc.StepRunServiceStub(cluster.channel())
    stored = steps.GetStepRunLog(steprun_pb2.GetStepRunLogRequest(step_run_id=step_id), metadata=md)
    assert [line.text for line in stored.lines] == ["first", "second"] and stored.complete
    listed = steps.ListStepRuns(steprun_pb2.ListStepRunsRequest(pipeline_run_id=run_id), metadata=md)
    assert [s.name for s in listed.step_runs] == ["s"]


def test_cancel_step_run_stops_its_job(cluster, tmp_path):
    run_id = cluster.run_pipeline(GATED.format(gate=tmp_path / "never"))
    run = cluster.wait_job_status(run_id, "j", ("RUNNING",))
    steps = steprun_pb2_grpc.StepRunServiceStub(cluster.channel())
    steps.CancelStepRun(
        steprun_pb2.CancelStepRunRequest(step_run_id=job(run, "j")["steps"][0]["id"]),
        metadata=cluster.metadata(),
    )
    run = cluster.wait_run(run_id)
    assert job(run, "j")["status"] == "CANCELLED"
    assert job(run, "j")["message"] == "step 's' cancelled by user"


def test_health_and_reflection(cluster):
    health = health_pb2_grpc.HealthStub(cluster.channel())
    for service in ("", "arcade.pipeline.v1.PipelineService", "arcade.agent.v1.AgentService"):
        status = health.Check(health_pb2.HealthCheckRequest(service=service)).status
        assert status == health_pb2.HealthCheckResponse.SERVING
    reflection = reflection_pb2_grpc.ServerReflectionStub(cluster.channel())
    responses = reflection.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    names = {service.name for response in responses for service in response.list_services_response.service}
    assert {
        "arcade.agent.v1.AgentService",
        "arcade.gateway.v1.GatewayService",
        "arcade.stream.v1.StreamService",
        "arcade.pipeline.v1.PipelineService",
        "arcade.steprun.v1.StepRunService",
    } <= names
    with pytest.raises(grpc.RpcError) as missing:
        health.Check(health_pb2.HealthCheckRequest(service="nope"))
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND
