"""`when` conditions end to end: jobs decided by the kernel, steps by the agent, real processes throughout."""

import json
import os
import subprocess

import pytest
from harness import ADMIN_TOKEN, arcade_command, job

from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e

SPEC = """
name: conditions
stages:
  - name: build
    jobs:
      - name: compile
        steps:
          - {name: ok, run: "echo compiled"}
          - {name: break, run: "echo breaking; exit 3"}
          - {name: plain, run: "echo plain-after-failure"}
          - {name: on-failure, run: "echo step-failure-handler", when: "failure()"}
          - {name: always, run: "echo step-always", when: "always()"}
          - {name: only-green, run: "echo only-green", when: "success() && variables.BRANCH == 'main'"}
      - name: deploy
        when: "variables.BRANCH == 'main'"
        steps: [{run: "echo deploying $BRANCH"}]
      - name: docs
        when: variables.BRANCH == "docs"
        steps: [{run: "echo docs"}]
      - name: test
        matrix: {x: [a, b]}
        when: "matrix.x == 'b' && trigger.type == 'api'"
        steps: [{run: 'echo "testing $MATRIX_X"'}]
  - name: after
    jobs:
      - name: cleanup
        depends_on: [compile]
        when: "failure()"
        steps: [{run: "echo cleaning up"}]
      - name: publish
        depends_on: [deploy]
        steps: [{run: "echo published"}]
      - name: announce
        steps: [{run: "echo announced"}]
"""

BAD_SPEC = """name: bad
jobs:
  - name: deploy
    when: "variables.BRANCH == 'main' && branch()"
    steps: [{run: echo, when: "matrix.x == 'a'"}]
"""


def cli(cluster, *args):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")},
        "ARCADE_SERVER": cluster.http_url,
        "ARCADE_TOKEN": ADMIN_TOKEN,
    }
    return subprocess.run(arcade_command(*args), capture_output=True, text=True, env=env, timeout=60)


def events_of(cluster, run_id):
    """The run's job, step and run events over gRPC, up to the run's final status."""
    stub = stream_pb2_grpc.StreamServiceStub(cluster.channel())
    stream = stub.StreamEvents(
        # after_id 0 would mean live events only; the ones asserted on are never the first event.
        stream_pb2.StreamEventsRequest(after_id=1, kinds=["job.", "step.", "run."], pipeline_run_id=run_id),
        metadata=cluster.metadata(),
        timeout=30,
    )
    found = []
    for response in stream:
        found.append(response.event)
        if response.event.kind == "run.status" and response.event.status in ("SUCCESS", "FAILED"):
            stream.cancel()
            break
    return found


def test_bad_conditions_fail_validation_not_the_run(cluster, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_SPEC)
    result = cli(cluster, "validate", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{path}:4:11: jobs[0].when: unknown function 'branch()' (expected success(), failure(), always() "
        "or a CEL standard function such as size() or has())",
        f"{path}:5:31: jobs[0].steps[0].when: 'matrix.x': 'matrix' is only available in a job with a matrix",
    ]
    created = cli(cluster, "pipeline", "create", str(path))
    assert created.returncode == 2 and "4:11" in created.stderr


def test_job_and_step_conditions_decide_what_runs(cluster, tmp_path):
    path = tmp_path / "arcade.yaml"
    path.write_text(SPEC)
    created = cli(cluster, "pipeline", "create", str(path), "--upsert")
    assert created.returncode == 0, created.stderr
    triggered = cli(cluster, "pipeline", "trigger", "conditions", "--var", "BRANCH=main", "--json")
    assert triggered.returncode == 0, triggered.stderr
    run_id = json.loads(triggered.stdout)["id"]
    run = cluster.wait_run(run_id, timeout=90)

    assert run["status"] == "FAILED"
    assert run["message"] == "job 'compile' failed: step 'break' failed: exit code 3"
    statuses = {j["name"]: (j["status"], j["message"]) for j in run["jobs"]}
    assert statuses == {
        "compile": ("FAILED", "step 'break' failed: exit code 3"),
        "deploy": ("SUCCESS", ""),
        "docs": ("SKIPPED", "skipped: when 'variables.BRANCH == \"docs\"' is false"),
        "test[x=a]": ("SKIPPED", "skipped: when 'matrix.x == 'b' && trigger.type == 'api'' is false"),
        "test[x=b]": ("SUCCESS", ""),
        "cleanup": ("SUCCESS", ""),
        "publish": ("SUCCESS", ""),
        # Without depends_on it waits for the whole first stage, and a job skipped by its `when` did not
        # succeed either (the first such job is named as soon as it is final).
        "announce": ("SKIPPED", "skipped: 'docs' did not succeed (SKIPPED)"),
    }
    steps = {s["name"]: (s["status"], s["message"]) for s in job(run, "compile")["steps"]}
    assert steps == {
        "ok": ("SUCCESS", ""),
        "break": ("FAILED", "exit code 3"),
        "plain": ("SKIPPED", "step 'break' failed: exit code 3"),
        "on-failure": ("SUCCESS", ""),
        "always": ("SUCCESS", ""),
        "only-green": ("SKIPPED", "skipped: when 'success() && variables.BRANCH == 'main'' is false"),
    }

    by_job = {}
    for line in cluster.log_lines(run_id):
        by_job.setdefault(line["job"], []).append(line["text"])
    assert by_job == {
        "compile": ["compiled", "breaking", "step-failure-handler", "step-always"],
        "deploy": ["deploying main"],
        "test[x=b]": ["testing b"],
        "cleanup": ["cleaning up"],
        "publish": ["published"],
    }

    events = events_of(cluster, run_id)
    skipped = {(e.kind, e.status, e.message) for e in events if e.status == "SKIPPED"}
    assert ("job.status", "SKIPPED", "skipped: when 'variables.BRANCH == \"docs\"' is false") in skipped
    only_green = "skipped: when 'success() && variables.BRANCH == 'main'' is false"
    assert ("step.status", "SKIPPED", only_green) in skipped

    shown = cli(cluster, "show", run_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert job(json.loads(shown.stdout), "docs")["message"] == statuses["docs"][1]
