"""The core loop end to end: a real kernel process and two real agent processes on loopback."""

from datetime import datetime

import pytest
from harness import job

pytestmark = pytest.mark.e2e


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_routing_by_labels_and_dag_order(cluster):
    spec = """
name: route
stages:
  - name: build
    jobs:
      - name: on-linux
        agent_selector: {match_labels: {os: linux}}
        steps: [{run: "echo linux"}]
      - name: on-mac
        agent_selector:
          match_expressions: [{key: cpu-cores, operator: Lt, values: ["8"]}]
        steps: [{run: "echo mac"}]
  - name: ship
    jobs:
      - name: after-linux
        depends_on: [on-linux]
        agent_selector: {match_expressions: [{key: os, operator: In, values: [linux]}]}
        steps: [{run: "echo after"}]
"""
    run = cluster.wait_run(cluster.run_pipeline(spec))
    assert run["status"] == "SUCCESS", run
    agents = {a["id"]: a["name"] for a in cluster.http("GET", "/api/v1/agents")["agents"]}
    assert agents[job(run, "on-linux")["agent_id"]] == "linux-1"
    assert agents[job(run, "on-mac")["agent_id"]] == "mac-1"
    assert agents[job(run, "after-linux")["agent_id"]] == "linux-1"
    assert ts(job(run, "after-linux")["started_at"]) >= ts(job(run, "on-linux")["finished_at"])


def test_parallel_jobs_overlap_and_serial_jobs_do_not(cluster):
    spec = """
name: overlap
stages:
  - name: par
    jobs:
      - {name: p1, steps: [{run: "sleep 1"}]}
      - {name: p2, steps: [{run: "sleep 1"}]}
  - name: ser
    run_mode: serial
    jobs:
      - {name: s1, steps: [{run: "sleep 0.3"}]}
      - {name: s2, steps: [{run: "sleep 0.3"}]}
"""
    run = cluster.wait_run(cluster.run_pipeline(spec))
    assert run["status"] == "SUCCESS", run
    p1, p2, s1, s2 = (job(run, n) for n in ("p1", "p2", "s1", "s2"))
    assert ts(p1["started_at"]) < ts(p2["finished_at"]) and ts(p2["started_at"]) < ts(p1["finished_at"])
    assert ts(s2["started_at"]) >= ts(s1["finished_at"])
    assert ts(s1["started_at"]) >= max(ts(p1["finished_at"]), ts(p2["finished_at"]))


def test_logs_arrive_complete_and_in_order(cluster):
    spec = """
name: logs
jobs:
  - name: talk
    steps:
      - name: count
        run: |
          for i in $(seq 1 3000); do
            echo "out $i"; if [ $((i % 500)) -eq 0 ]; then echo "err $i" >&2; fi
          done
          printf 'no newline at end'
"""
    run = cluster.wait_run(cluster.run_pipeline(spec))
    assert run["status"] == "SUCCESS", run
    lines = cluster.log_lines(run["id"])
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    stdout = [line["text"] for line in lines if line["stream"] == "stdout"]
    assert stdout[:-1] == [f"out {i}" for i in range(1, 3001)]
    assert stdout[-1] == "no newline at end"
    assert [line["text"] for line in lines if line["stream"] == "stderr"] == [
        f"err {i}" for i in range(500, 3001, 500)
    ]
    assert job(run, "talk")["steps"][0]["log_line_count"] == len(lines)


def test_failing_step_with_continue_on_error_and_env(cluster):
    spec = """
name: mixed
variables: {WHO: world}
env: {LEVEL: pipeline}
jobs:
  - name: j
    env: {LEVEL: job}
    steps:
      - {name: soft-fail, run: "exit 3", continue_on_error: true}
      - name: env
        env: {STEP_ONLY: "yes"}
        run: 'echo "$WHO $LEVEL $STEP_ONLY $ARCADE_JOB $ARCADE_STEP ${ARCADE_TOKEN:-no-token}"'
      - {name: hard-fail, run: "exit 4"}
      - {name: never, run: "echo never"}
"""
    run = cluster.wait_run(cluster.run_pipeline(spec, {"WHO": "arcade"}))
    assert run["status"] == "FAILED"
    steps = {s["name"]: s for s in job(run, "j")["steps"]}
    assert steps["soft-fail"]["status"] == "FAILED" and steps["soft-fail"]["exit_code"] == 3
    assert steps["env"]["status"] == "SUCCESS"
    assert steps["hard-fail"]["exit_code"] == 4
    assert steps["never"]["status"] == "SKIPPED"
    assert job(run, "j")["message"] == "step 'hard-fail' failed: exit code 4"
    assert run["message"] == "job 'j' failed: step 'hard-fail' failed: exit code 4"
    texts = [line["text"] for line in cluster.log_lines(run["id"]) if line["step"] == "env"]
    assert texts == ["arcade job yes j env no-token"]


def test_no_matching_agent_keeps_the_job_queued(cluster):
    spec = """
name: nobody
jobs:
  - {name: w, agent_selector: {match_labels: {os: plan9}}, steps: [{run: "true"}]}
"""
    run_id = cluster.run_pipeline(spec)
    run = cluster.wait_job_status(run_id, "w", ("QUEUED",))
    assert job(run, "w")["agent_id"] is None
    cluster.http("POST", f"/api/v1/runs/{run_id}/cancel")
    assert cluster.wait_run(run_id)["status"] == "CANCELLED"


def test_realistic_example_routes_across_two_agents(cluster):
    from pathlib import Path

    spec = (Path(__file__).resolve().parents[2] / "examples" / "realistic" / "arcade.yaml").read_text()
    run = cluster.wait_run(cluster.run_pipeline(spec), timeout=90)
    assert run["status"] == "SUCCESS", run
    agents = {a["id"]: a["name"] for a in cluster.http("GET", "/api/v1/agents")["agents"]}
    assert agents[job(run, "unit-macos")["agent_id"]] == "mac-1"
    assert agents[job(run, "publish")["agent_id"]] == "linux-1"
    assert {agents[job(run, name)["agent_id"]] for name in ("lint", "unit-linux")} == {"linux-1"}
    lint = job(run, "lint")
    assert lint["status"] == "SUCCESS"
    assert [s["status"] for s in lint["steps"]] == ["SUCCESS", "FAILED"]
    assert ts(job(run, "checksum")["started_at"]) >= ts(job(run, "build")["finished_at"])
    assert ts(job(run, "publish")["started_at"]) >= ts(job(run, "checksum")["finished_at"])
    texts = [line["text"] for line in cluster.log_lines(run["id"]) if line["job"] == "publish"]
    assert texts == ["publishing demo 1.2.3 to staging"]
