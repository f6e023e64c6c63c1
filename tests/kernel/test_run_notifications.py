"""RunNotifier in a real kernel: which list applies, expressions and secrets in params, failures as events."""

from __future__ import annotations

import json
import threading

import grpc
import httpx
import pytest

from plugin_sdk import NotifyRequest, NotifyResult, RunSummary, hookimpl
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

SECRET = "hook-secret-value"
SPEC = """
name: notified
variables: {WHO: team}
jobs: [{name: j, steps: [{run: 'echo hi'}]}]
notify:
  on_success: [{plugin: test/recorder, params: {list: success}}]
  on_cancel:
    - plugin: test/recorder
      params: {to: "${{ variables.WHO }}", token: "${{ secrets.HOOK }}", more: ["${{ variables.WHO }}!", 3]}
    - {plugin: test/raiser}
    - {plugin: acme/nobody}
    - {plugin: test/recorder, params: {token: "${{ secrets.MISSING }}"}}
"""


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[NotifyRequest, RunSummary, str]] = []

    @hookimpl
    def arcade_notify(self, request: NotifyRequest, summary: RunSummary) -> NotifyResult | None:
        if request.plugin == "test/raiser":
            raise RuntimeError("boom")
        if request.plugin != "test/recorder":
            return None
        self.calls.append((request, summary, threading.current_thread().name))
        return NotifyResult(True, f"delivered with {request.params['token']}")


@pytest.fixture
def api(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        yield client


def notified_events(embedded, run_id: str, count: int) -> list:
    """The run's first `count` run.notified events: stored ones replayed, then live ones."""
    with grpc.insecure_channel(embedded.kernel.grpc_target) as channel:
        stream = stream_pb2_grpc.StreamServiceStub(channel).StreamEvents(
            stream_pb2.StreamEventsRequest(after_id=1, kinds=["run.notified"], pipeline_run_id=run_id),
            metadata=(("authorization", f"bearer {embedded.admin_token}"),),
            timeout=30,
        )
        events = []
        for response in stream:
            events.append(response.event)
            if len(events) == count:
                stream.cancel()
                return events
    raise AssertionError(f"only {len(events)} run.notified events")


def test_a_cancelled_run_notifies_its_on_cancel_entries_and_records_every_outcome(embedded, api):
    recorder = Recorder()
    embedded.kernel.plugins.register(recorder, name="test-recorder")
    assert api.post("/pipelines", json={"spec_yaml": SPEC}).status_code == 201
    assert api.put("/secrets/HOOK?pipeline=notified", json={"value": SECRET}).status_code in (200, 201)
    run = api.post("/pipelines/notified/trigger", json={"variables": {"WHO": "ops"}}).json()
    assert api.post(f"/runs/{run['id']}/cancel").status_code == 202  # no agent: the job never starts

    events = [
        (json.loads(e.payload_json), e.status, e.message) for e in notified_events(embedded, run["id"], 4)
    ]
    events.sort(key=lambda event: event[0]["index"])
    outcomes = [(payload["plugin"], payload["when"], status, message) for payload, status, message in events]
    assert outcomes == [
        ("test/recorder", "on_cancel", "OK", "delivered with ***"),
        ("test/raiser", "on_cancel", "FAILED", "channel 'test/raiser' raised RuntimeError: boom"),
        (
            "acme/nobody",
            "on_cancel",
            "FAILED",
            "no kernel extension handles channel 'acme/nobody' (install its package and list its entry point "
            "in ARCADE_KERNEL_PLUGINS)",
        ),
        (
            "test/recorder",
            "on_cancel",
            "FAILED",
            "secret 'MISSING' is not set for pipeline 'notified' or globally",
        ),
    ]
    [(request, summary, thread)] = recorder.calls
    assert request == NotifyRequest(
        plugin="test/recorder",
        action="send",
        params={"to": "ops", "token": SECRET, "more": ["ops!", 3]},
        when="on_cancel",
    )
    assert thread == "arcade-notify"  # a worker thread, not the kernel's event loop
    assert (summary.ref, summary.status, summary.run_id) == ("notified#1", "CANCELLED", run["id"])
    assert [(job.name, job.status) for job in summary.jobs] == [("j", "CANCELLED")]
    assert summary.finished_at is not None and summary.trigger == {"type": "api"}
    after = api.get(f"/runs/{run['id']}").json()
    assert after["status"] == "CANCELLED" and after["message"] == "cancelled by user"
