"""Cancellation, timeouts at every level, lost agents, a restarted kernel, and refused tokens."""

import os
import signal
import time

import grpc
import httpx
import pytest
from harness import ADMIN_TOKEN, HEARTBEAT_TIMEOUT, job, wait_log_line, wait_process_exit

from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc
from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc

pytestmark = pytest.mark.e2e


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancel_kills_the_running_step_and_its_process_group(cluster):
    spec = """
name: cancel-me
jobs:
  - name: long
    steps:
      - name: sleeper
        run: |
          sleep 1000 &
          echo "child $!"
          wait
  - name: waiting
    depends_on: [long]
    steps: [{run: "echo never"}]
"""
    run_id = cluster.run_pipeline(spec)
    child = int(wait_log_line(cluster, run_id, r"^child (\d+)$").group(1))
    assert pid_alive(child)
    cluster.http("POST", f"/api/v1/runs/{run_id}/cancel")
    run = cluster.wait_run(run_id, timeout=30)
    assert run["status"] == "CANCELLED"
    assert job(run, "long")["status"] == "CANCELLED"
    assert job(run, "long")["steps"][0]["status"] == "CANCELLED"
    assert job(run, "waiting")["status"] == "CANCELLED"
    assert wait_process_exit(child, 10), "the step's background child survived the cancel"


@pytest.mark.parametrize(
    ("level", "spec", "message"),
    [
        (
            "step",
            """
name: t-step
jobs:
  - name: j
    steps: [{name: s, run: "sleep 30", timeout: 1s}]
""",
            "step 's' timed out after 1s (step timeout)",
        ),
        (
            "job",
            """
name: t-job
jobs:
  - name: j
    timeout: 1s
    steps: [{name: s, run: "sleep 30"}]
""",
            "job 'j' timed out after 1s (job timeout)",
        ),
        (
            "stage",
            """
name: t-stage
stages:
  - name: build
    timeout: 2s
    jobs:
      - {name: j, steps: [{name: s, run: "sleep 30"}]}
""",
            "stage 'build' timed out after 2s (stage timeout)",
        ),
        (
            "pipeline",
            """
name: t-pipeline
timeout: 2s
jobs:
  - {name: j, steps: [{name: s, run: "sleep 30"}]}
""",
            "pipeline 't-pipeline' timed out after 2s (pipeline timeout)",
        ),
    ],
)
def test_timeout_at_each_level(cluster, level, spec, message):
    started = time.monotonic()
    run = cluster.wait_run(cluster.run_pipeline(spec), timeout=30)
    assert time.monotonic() - started < 20
    assert run["status"] == "FAILED"
    j = job(run, "j")
    assert j["status"] == "TIMEOUT", j
    assert message in j["message"]
    assert j["steps"][0]["status"] == "TIMEOUT"
    assert message in run["message"]


def test_agent_killed_mid_job_fails_the_job_with_a_lease_reason(bare_cluster):
    bare_cluster.start_agent("doomed", {"pool": "doomed"})
    spec = """
name: lost-agent
jobs:
  - name: j
    agent_selector: {match_labels: {pool: doomed}}
    steps: [{run: "echo up $$; sleep 1000"}]
"""
    run_id = bare_cluster.run_pipeline(spec)
    # The step runs in its own session: killing its agent orphans it, so the test kills it at the end.
    step_group = int(wait_log_line(bare_cluster, run_id, r"^up (\d+)$").group(1))
    try:
        bare_cluster.agents["doomed"].kill()
        killed_at = time.monotonic()
        run = bare_cluster.wait_run(run_id, timeout=30)
        assert time.monotonic() - killed_at < 2 * HEARTBEAT_TIMEOUT
        assert run["status"] == "FAILED"
        assert job(run, "j")["status"] == "FAILED"
        assert "lease expired: agent 'doomed' sent no heartbeat" in job(run, "j")["message"]
    finally:
        os.killpg(step_group, signal.SIGKILL)


def test_kernel_restart_mid_run_loses_nothing(bare_cluster, tmp_path):
    gate = tmp_path / "gate"
    bare_cluster.start_agent("steady", {})
    spec = f"""
name: survive
jobs:
  - name: j
    steps:
      - name: before-and-after
        run: |
          for i in $(seq 1 200); do echo "line $i"; done
          while [ ! -e {gate} ]; do sleep 0.05; done
          for i in $(seq 201 400); do echo "line $i"; done
  - name: next
    depends_on: [j]
    steps: [{{run: "echo next job"}}]
"""
    run_id = bare_cluster.run_pipeline(spec)
    bare_cluster.wait_job_status(run_id, "j", ("RUNNING",))
    bare_cluster.kernel.kill()
    bare_cluster.reset_channel()
    gate.write_text("go")  # the step prints the second half while the kernel is down
    # The restarted kernel honours leases for one heartbeat timeout; a loaded machine may need more than the
    # harness's 2 s for the agent to reconnect, and this test is about losing nothing, not about that limit.
    bare_cluster.kernel_extra_env["ARCADE_HEARTBEAT_TIMEOUT"] = "10"
    bare_cluster.start_kernel()
    run = bare_cluster.wait_run(run_id, timeout=60)
    assert run["status"] == "SUCCESS", run
    texts = [line["text"] for line in bare_cluster.log_lines(run_id) if line["job"] == "j"]
    assert texts == [f"line {i}" for i in range(1, 401)]


def test_bad_tokens_are_refused_and_change_nothing(cluster):
    spec = "name: guarded\njobs: [{name: j, steps: [{run: 'true'}]}]\n"
    stub = pipeline_pb2_grpc.PipelineServiceStub(cluster.channel())
    for metadata in ((), (("authorization", "bearer wrong"),), (("authorization", "basic " + ADMIN_TOKEN),)):
        with pytest.raises(grpc.RpcError) as refused:
            stub.CreatePipeline(pipeline_pb2.CreatePipelineRequest(spec_yaml=spec), metadata=metadata)
        assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert (
        stub.ListPipelines(pipeline_pb2.ListPipelinesRequest(), metadata=cluster.metadata()).pipelines == []
    )

    agents = agent_pb2_grpc.AgentServiceStub(cluster.channel())
    with pytest.raises(grpc.RpcError) as refused:
        agents.Register(agent_pb2.RegisterRequest(registration_token="nope", name="intruder"))
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as refused:
        agents.ReportJobRunStatus(
            agent_pb2.ReportJobRunStatusRequest(job_run_id="x", status=4),
            metadata=(("authorization", "bearer forged"),),
        )
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    # An admin token is not an agent token, and an agent's token is not an admin token.
    with pytest.raises(grpc.RpcError) as refused:
        agents.Heartbeat(agent_pb2.HeartbeatRequest(), metadata=cluster.metadata())
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED

    response = httpx.post(
        cluster.http_url + "/api/v1/pipelines",
        json={"spec_yaml": spec},
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert httpx.get(cluster.http_url + "/api/v1/agents").status_code == 401
    names = [a["name"] for a in cluster.http("GET", "/api/v1/agents")["agents"]]
    assert sorted(names) == ["linux-1", "mac-1"]
    assert cluster.http("GET", "/api/v1/pipelines")["pipelines"] == []


def test_polling_agent_runs_jobs_without_a_stream(bare_cluster):
    bare_cluster.start_agent("poller", {"mode": "poll"}, extra=("--no-stream",))
    spec = """
name: polled
jobs:
  - {name: j, agent_selector: {match_labels: {mode: poll}}, steps: [{run: "echo polled"}]}
"""
    run = bare_cluster.wait_run(bare_cluster.run_pipeline(spec), timeout=60)
    assert run["status"] == "SUCCESS", run
    assert [line["text"] for line in bare_cluster.log_lines(run["id"])] == ["polled"]
