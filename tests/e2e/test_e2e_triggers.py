"""Pipeline triggers against real processes: signed webhooks, and cron schedules across a kernel restart."""

import hashlib
import hmac
import json

import httpx
import pytest
from harness import ADMIN_TOKEN, Cluster

from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook-secret"
HOOKED = """
name: hooked
triggers:
  - {type: event, event_type: push, branch: "release/*"}
jobs:
  - name: build
    steps: [{run: "echo built"}]
"""
TICKER = """
name: ticker
triggers:
  - {type: cron, expression: "* * * * * *"}
jobs:
  - name: tick
    steps: [{run: "true"}]
"""


def deliver(
    cluster: Cluster,
    pipeline: str,
    payload: dict,
    *,
    secret: str | None = SECRET,
    event: str = "push",
    delivery: str | None = None,
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event}
    if secret is not None:
        headers["X-Hub-Signature-256"] = (
            "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        )
    if delivery is not None:
        headers["X-GitHub-Delivery"] = delivery
    # No admin token: a delivery is authenticated by its signature alone.
    return httpx.post(
        f"{cluster.http_url}/api/v1/webhooks/{pipeline}", content=body, headers=headers, timeout=30
    )


def runs_of(cluster: Cluster, pipeline: str) -> list[dict]:
    return cluster.http("GET", f"/api/v1/pipelines/{pipeline}/runs?limit=1000")["runs"]


def wait_runs_created(cluster: Cluster, count: int, after_id: int = 0, timeout: float = 30) -> list:
    """Follow StreamEvents until `count` runs were created (after event `after_id`; 0: from now)."""
    stub = stream_pb2_grpc.StreamServiceStub(cluster.channel())
    events = stub.StreamEvents(
        stream_pb2.StreamEventsRequest(after_id=after_id, kinds=["run.created"]),
        metadata=cluster.metadata(),
        timeout=timeout,
    )
    created = []
    for response in events:
        created.append(response.event)
        if len(created) >= count:
            events.cancel()
            break
    return created


def test_signed_webhook_triggers_a_run_once_per_delivery(cluster):
    created = cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": HOOKED, "webhook_secret": SECRET})
    assert created["webhook"] is True
    assert SECRET not in json.dumps(cluster.http("GET", "/api/v1/pipelines/hooked"))
    assert SECRET not in json.dumps(cluster.http("GET", "/api/v1/pipelines"))

    response = deliver(cluster, "hooked", {"ref": "refs/heads/release/1.0"}, delivery="d-1")
    assert response.status_code == 202, response.text
    run = response.json()
    assert run["trigger"] == {"type": "event", "event": "push", "branch": "release/1.0", "delivery": "d-1"}
    assert run["request_id"] == "webhook:d-1"
    assert cluster.wait_run(run["id"])["status"] == "SUCCESS"
    assert [line["text"] for line in cluster.log_lines(run["id"])] == ["built"]

    again = deliver(cluster, "hooked", {"ref": "refs/heads/release/1.0"}, delivery="d-1")
    assert again.status_code == 202 and again.json()["id"] == run["id"]
    assert [r["id"] for r in runs_of(cluster, "hooked")] == [run["id"]]


def test_bad_signatures_and_unmatched_events_start_nothing(bare_cluster):
    cluster = bare_cluster
    cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": HOOKED, "webhook_secret": SECRET})
    unsigned = HOOKED.replace("name: hooked", "name: unsigned")
    assert cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": unsigned})["webhook"] is False
    push = {"ref": "refs/heads/release/2.0"}

    refusals = [
        deliver(cluster, "hooked", push, secret="wrong"),
        deliver(cluster, "hooked", push, secret=None),
        deliver(cluster, "unsigned", push, secret=""),  # no secret stored: refused the same way
    ]
    for response in refusals:
        assert response.status_code == 401, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert len({r.json()["detail"] for r in refusals}) == 1  # never says which

    other_branch = deliver(cluster, "hooked", {"ref": "refs/heads/main"})
    assert other_branch.status_code == 200
    assert other_branch.json()["triggered"] is False and "'main'" in other_branch.json()["reason"]
    assert deliver(cluster, "hooked", push, event="ping").json()["triggered"] is False

    assert deliver(cluster, "missing", push).status_code == 404
    body = b"{not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    not_json = httpx.post(
        f"{cluster.http_url}/api/v1/webhooks/hooked",
        content=body,
        headers={"X-Hub-Signature-256": signature, "X-GitHub-Event": "push"},
    )
    assert not_json.status_code == 422 and not_json.headers["content-type"] == "application/problem+json"

    assert runs_of(cluster, "hooked") == runs_of(cluster, "unsigned") == []
    matched = deliver(cluster, "hooked", push)  # the same request, correctly signed, goes through
    assert matched.status_code == 202 and matched.json()["request_id"] is None
    # The admin API still needs its token under the same prefix.
    assert httpx.get(f"{cluster.http_url}/api/v1/pipelines").status_code == 401
    assert cluster.http("GET", "/api/v1/pipelines", token=ADMIN_TOKEN)["pipelines"]


def test_cron_fires_every_instant_once_across_a_kernel_restart(bare_cluster):
    cluster = bare_cluster
    cluster.start_agent("ticker-agent", {}, capacity=4)
    pipeline = cluster.http("POST", "/api/v1/pipelines", {"spec_yaml": TICKER})
    before = wait_runs_created(cluster, 2)

    cluster.kernel.kill()
    cluster.reset_channel()
    cluster.start_kernel()  # same database and ports; the agent reconnects
    after = wait_runs_created(cluster, 2, after_id=before[-1].id)
    # Stop the schedule, so the list below is complete.
    cluster.http("PUT", "/api/v1/pipelines/ticker", {"spec_yaml": STOPPED})

    runs = runs_of(cluster, "ticker")
    assert len(runs) >= len(before) + len(after)
    assert {run["trigger"]["type"] for run in runs} == {"cron"}
    instants = [run["trigger"]["scheduled_for"] for run in runs]
    assert len(set(instants)) == len(instants), instants  # no instant made two runs
    assert sorted(run["request_id"] for run in runs) == sorted(
        f"cron:{pipeline['id']}:{instant}" for instant in instants
    )
    # Runs are numbered in the order their instants came.
    by_number = sorted(runs, key=lambda run: run["number"])
    assert [run["trigger"]["scheduled_for"] for run in by_number] == sorted(instants)
    assert cluster.wait_run(by_number[-1]["id"])["status"] == "SUCCESS"


STOPPED = """
name: ticker
jobs:
  - name: tick
    steps: [{run: "true"}]
"""
