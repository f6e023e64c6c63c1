"""Pipeline notifications end to end: real kernel and agent processes, a loopback webhook receiver."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from harness import ADMIN_TOKEN

from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

pytestmark = pytest.mark.e2e


class Receiver:
    """A loopback HTTP server that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[tuple[dict, str]] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver._arrived:
                    receiver.bodies.append((body, self.headers.get("X-Team", "")))
                    receiver._arrived.notify_all()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ci"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for_body(self, timeout: float) -> tuple[dict, str]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not self.bodies:
                remaining = deadline - time.monotonic()
                assert remaining > 0, "the webhook never arrived"
                self._arrived.wait(remaining)
            return self.bodies[0]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def notified(cluster, run_id: str, count: int) -> list[tuple[dict, str, str]]:
    """(payload, status, message) of the run's first `count` run.notified events, in index order."""
    stub = stream_pb2_grpc.StreamServiceStub(cluster.channel())
    stream = stub.StreamEvents(
        stream_pb2.StreamEventsRequest(after_id=1, kinds=["run.notified"], pipeline_run_id=run_id),
        metadata=(("authorization", f"bearer {ADMIN_TOKEN}"),),
        timeout=60,
    )
    events = []
    for response in stream:
        events.append(
            (json.loads(response.event.payload_json), response.event.status, response.event.message)
        )
        if len(events) == count:
            stream.cancel()
            return sorted(events, key=lambda event: event[0]["index"])
    raise AssertionError(f"only {len(events)} run.notified events: {events}")


def test_failed_and_successful_runs_notify_and_a_dead_webhook_never_fails_a_run(bare_cluster, receiver):
    cluster = bare_cluster
    cluster.start_agent("solo")
    failing = f"""
name: broken
variables: {{TEAM: platform}}
jobs:
  - name: test
    steps: [{{run: 'echo testing && exit 3'}}]
notify:
  on_success: [{{plugin: notify/stdout}}]
  on_failure:
    - plugin: notify/webhook
      action: send
      params: {{url: "{receiver.url}", headers: {{X-Team: "${{{{ variables.TEAM }}}}"}}, timeout: 5s}}
"""
    run = cluster.wait_run(cluster.run_pipeline(failing), timeout=60)
    assert run["status"] == "FAILED", run
    body, team = receiver.wait_for_body(30)
    assert team == "platform"
    assert (body["pipeline"], body["number"], body["status"], body["run_id"]) == (
        "broken",
        1,
        "FAILED",
        run["id"],
    )
    assert body["message"] == run["message"] and "job 'test'" in body["message"]
    assert [(job["name"], job["status"]) for job in body["jobs"]] == [("test", "FAILED")]
    assert body["duration_seconds"] >= 0 and body["finished_at"]
    [(payload, status, message)] = notified(cluster, run["id"], 1)
    assert (payload["plugin"], payload["when"], status) == ("notify/webhook", "on_failure", "OK")
    assert message == f"POST {receiver.url}: HTTP 200 after 1 attempt"

    port = dead_port()
    passing = f"""
name: fine
jobs: [{{name: build, steps: [{{run: 'echo built'}}]}}]
notify:
  on_failure: [{{plugin: notify/stdout}}]
  on_success:
    - {{plugin: notify/stdout}}
    - {{plugin: notify/webhook, params: {{url: "http://127.0.0.1:{port}/gone", timeout: 1s}}}}
"""
    run = cluster.wait_run(cluster.run_pipeline(passing), timeout=60)
    assert run["status"] == "SUCCESS", run
    cluster.kernel.output.wait_for(re.compile(r"^\[notify\] fine#1 SUCCESS$"), 30)
    (stdout_payload, stdout_status, _), (hook_payload, hook_status, hook_message) = notified(
        cluster, run["id"], 2
    )
    assert (stdout_payload["plugin"], stdout_status) == ("notify/stdout", "OK")
    assert (hook_payload["plugin"], hook_payload["when"], hook_status) == (
        "notify/webhook",
        "on_success",
        "FAILED",
    )
    assert hook_message.startswith(f"POST http://127.0.0.1:{port}/gone: ConnectError")
    assert hook_message.endswith("after 3 attempts")
    after = cluster.http("GET", f"/api/v1/runs/{run['id']}")
    assert (after["status"], after["message"]) == ("SUCCESS", run["message"])
    assert "[notify] broken#1" not in cluster.kernel.output.text()  # on_success entries ignore failed runs
    assert len(receiver.bodies) == 1
