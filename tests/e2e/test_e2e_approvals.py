"""Approval gates: the run waits visibly; approve or reject by CLI, HTTP and gRPC; who and when are kept."""

import os
import subprocess

import grpc
import pytest
from harness import ADMIN_TOKEN, arcade_command, job

from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e

SPEC = """
name: gated
stages:
  - name: build
    jobs: [{name: compile, steps: [{run: "echo built"}]}]
  - name: ship
    approval: {required: true}
    jobs: [{name: deploy, steps: [{run: "echo shipped"}]}]
  - name: after
    jobs: [{name: announce, steps: [{run: "echo announced"}]}]
"""


def wait_for_gate(cluster, run_id):
    """Follow the run's events until its gate reports WAITING; returns the run then."""
    stub = stream_pb2_grpc.StreamServiceStub(cluster.channel())
    events = stub.StreamEvents(
        stream_pb2.StreamEventsRequest(after_id=1, pipeline_run_id=run_id),
        metadata=cluster.metadata(),
        timeout=30,
    )
    for response in events:
        if response.event.kind == "stage.approval_waiting":
            events.cancel()
            return cluster.http("GET", f"/api/v1/runs/{run_id}")
    raise AssertionError("the gate never reported WAITING")


def cli(cluster, *args):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")},
        "ARCADE_SERVER": cluster.http_url,
        "ARCADE_TOKEN": ADMIN_TOKEN,
    }
    return subprocess.run(arcade_command(*args), capture_output=True, text=True, env=env, timeout=60)


def test_approval_through_the_cli_lets_the_run_finish(cluster):
    run_id = cluster.run_pipeline(SPEC)
    waiting = wait_for_gate(cluster, run_id)
    assert waiting["status"] == "RUNNING"
    assert waiting["message"] == "waiting for approval of stage 'ship'"
    assert job(waiting, "compile")["status"] == "SUCCESS" and job(waiting, "deploy")["status"] == "PENDING"
    assert waiting["stages"][1]["approval"]["status"] == "WAITING"
    result = cli(cluster, "approve", run_id, "--stage", "ship", "--comment", "looks good")
    assert result.returncode == 0, result.stderr
    run = cluster.wait_run(run_id)
    assert run["status"] == "SUCCESS" and run["message"] == ""
    approval = run["stages"][1]["approval"]
    assert approval["status"] == "APPROVED" and approval["by"] == "admin (configured token)"
    assert approval["at"] and approval["comment"] == "looks good"
    again = cli(cluster, "approve", run_id, "--stage", "ship")
    assert again.returncode == 1 and "already approved" in again.stderr


def test_rejection_over_grpc_cancels_the_rest(cluster):
    run_id = cluster.run_pipeline(SPEC)
    wait_for_gate(cluster, run_id)
    stub = pipeline_pb2_grpc.PipelineServiceStub(cluster.channel())
    stub.RejectStage(
        pipeline_pb2.RejectStageRequest(pipeline_run_id=run_id, stage="ship", comment="not today"),
        metadata=cluster.metadata(),
    )
    run = cluster.wait_run(run_id)
    assert run["status"] == "CANCELLED"
    assert run["message"] == "stage 'ship' rejected by admin (configured token): not today"
    assert job(run, "deploy")["status"] == "CANCELLED" and job(run, "announce")["status"] == "CANCELLED"
    assert run["stages"][1]["approval"]["status"] == "REJECTED"


def test_http_approval_with_a_named_token_and_bad_requests(cluster):
    token = cluster.http("POST", "/api/v1/tokens", {"kind": "admin", "description": "alice"})["token"]
    run_id = cluster.run_pipeline(SPEC)
    wait_for_gate(cluster, run_id)
    stub = pipeline_pb2_grpc.PipelineServiceStub(cluster.channel())
    with pytest.raises(grpc.RpcError) as missing:
        stub.ApproveStage(
            pipeline_pb2.ApproveStageRequest(pipeline_run_id=run_id, stage="nope"),
            metadata=cluster.metadata(),
        )
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as ungated:
        stub.ApproveStage(
            pipeline_pb2.ApproveStageRequest(pipeline_run_id=run_id, stage="build"),
            metadata=cluster.metadata(),
        )
    assert ungated.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    run = cluster.http("POST", f"/api/v1/runs/{run_id}/stages/ship/approve", {}, token=token)
    assert run["stages"][1]["approval"]["by"] == "alice"
    assert cluster.wait_run(run_id)["status"] == "SUCCESS"
