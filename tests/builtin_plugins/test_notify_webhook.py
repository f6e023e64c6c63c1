"""`notify/webhook` against a real loopback HTTP server: delivery, retries, timeout, never raising."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from builtin_plugins.notify.webhook import WebhookChannel, display_url, params_problem
from plugin_sdk import JobSummary, NotifyRequest, NotifyResult, RunSummary

SUMMARY = RunSummary(
    pipeline="ci",
    run_id="run-1",
    number=3,
    status="FAILED",
    message="job 'test' failed (exit code 2)",
    trigger={"type": "manual"},
    created_at=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC),
    started_at=datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC),
    finished_at=datetime(2024, 5, 1, 12, 0, 5, 500000, tzinfo=UTC),
    jobs=(JobSummary(name="test", stage="default", status="FAILED", message="exit code 2"),),
)


class Hooks:
    """A loopback HTTP server answering POSTs with scripted statuses ("hang" waits until released)."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.received: list[tuple[dict, dict]] = []
        self.release = threading.Event()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hooks.received.append((body, dict(self.headers)))
                answer = hooks.script.pop(0) if hooks.script else 204
                if answer == "hang":
                    hooks.release.wait(30)
                    return
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks():
    server = Hooks()
    yield server
    server.close()


@pytest.fixture
def channel():
    waits: list[float] = []
    webhook = WebhookChannel(attempts=3, backoff=0.01, sleep=waits.append)
    webhook.waits = waits
    return webhook


def send(channel: WebhookChannel, **params) -> NotifyResult | None:
    return channel.arcade_notify(NotifyRequest("notify/webhook", "send", params, "on_failure"), SUMMARY)


def test_posts_the_summary_as_json_with_the_given_headers(hooks, channel):
    result = send(channel, url=hooks.url, headers={"X-Token": "abc"})
    assert result == NotifyResult(True, f"POST {hooks.url}: HTTP 204 after 1 attempt")
    body, headers = hooks.received[0]
    assert body == {
        "pipeline": "ci",
        "run_id": "run-1",
        "number": 3,
        "ref": "ci#3",
        "status": "FAILED",
        "message": "job 'test' failed (exit code 2)",
        "trigger": {"type": "manual"},
        "created_at": "2024-05-01T12:00:00+00:00",
        "started_at": "2024-05-01T12:00:01+00:00",
        "finished_at": "2024-05-01T12:00:05.500000+00:00",
        "duration_seconds": 4.5,
        "jobs": [
            {"name": "test", "stage": "default", "status": "FAILED", "message": "exit code 2", "attempt": 1}
        ],
    }
    assert headers["X-Token"] == "abc"
    assert headers["Content-Type"] == "application/json"
    assert channel.waits == []


def test_a_5xx_answer_is_retried_with_growing_backoff(hooks, channel):
    hooks.script = [500, 503]
    result = send(channel, url=hooks.url)
    assert result == NotifyResult(True, f"POST {hooks.url}: HTTP 204 after 3 attempts")
    assert len(hooks.received) == 3
    assert channel.waits == [0.01, 0.02]


def test_it_gives_up_after_the_last_attempt_and_says_why(hooks, channel):
    hooks.script = [502, 502, 502, 204]
    result = send(channel, url=hooks.url + "?token=hidden")
    assert result == NotifyResult(False, f"POST {hooks.url}: HTTP 502 Bad Gateway after 3 attempts")
    assert len(hooks.received) == 3


def test_a_4xx_answer_is_final(hooks, channel):
    hooks.script = [404]
    assert send(channel, url=hooks.url) == NotifyResult(
        False, f"POST {hooks.url}: HTTP 404 Not Found (not retried)"
    )
    assert len(hooks.received) == 1


def test_a_server_that_does_not_answer_in_time_is_retried_then_reported(hooks, channel):
    hooks.script = ["hang", 200]
    result = send(channel, url=hooks.url, timeout=0.2)
    assert result == NotifyResult(True, f"POST {hooks.url}: HTTP 200 after 2 attempts")
    hooks.script = ["hang", "hang", "hang"]
    result = send(channel, url=hooks.url, timeout=0.2)
    assert result == NotifyResult(False, f"POST {hooks.url}: no answer within 0.2s after 3 attempts")


def test_a_refused_connection_is_reported_not_raised(channel):
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = send(channel, url=f"http://127.0.0.1:{port}/x")
    assert result is not None and not result.ok
    assert (
        result.message.startswith(f"POST http://127.0.0.1:{port}/x: ConnectError")
        and "after 3 attempts" in result.message
    )


def test_bad_params_and_actions_are_failures_and_other_channels_are_ignored(channel):
    assert send(channel) == NotifyResult(
        False, "notify/webhook: params.url: missing; expected an http:// or https:// URL"
    )
    assert send(channel, url="file:///etc/passwd").message == (
        "notify/webhook: params.url: 'file:///etc/passwd' is not an http:// or https:// URL"
    )
    assert not send(channel, url="http://h", timeout=-1).ok
    assert not send(channel, url="http://h", headers={"A": 1}).ok
    wrong_action = channel.arcade_notify(
        NotifyRequest("notify/webhook", "post", {"url": "http://h"}), SUMMARY
    )
    assert wrong_action == NotifyResult(False, "notify/webhook: unknown action 'post' (expected 'send')")
    assert channel.arcade_notify(NotifyRequest("acme/slack", "send", {}), SUMMARY) is None


def test_an_unexpected_error_inside_the_channel_never_raises(hooks):
    def broken_sleep(seconds: float) -> None:
        raise RuntimeError("clock broke")

    hooks.script = [500]
    channel = WebhookChannel(attempts=2, backoff=0.01, sleep=broken_sleep)
    assert send(channel, url=hooks.url) == NotifyResult(False, "notify/webhook: RuntimeError: clock broke")


def test_params_problem_and_display_url():
    assert params_problem({"url": "https://h.example/x", "headers": {"A": "b"}, "timeout": 3}) is None
    assert display_url("https://user:pw@h.example:8443/a/b?token=t#f") == "https://h.example:8443/a/b"
