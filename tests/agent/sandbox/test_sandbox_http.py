"""Host-mediated HTTP: origins, `HttpFetcher` (with httpx's MockTransport and with real loopback servers), and
`http.fetch` from the test component through the `http-fetch` import. Loopback addresses only."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent.sandbox import Limits, Permissions, SandboxResult, SandboxRunner
from agent.sandbox.http_host import FetchFailed, HttpFetcher
from agent.sandbox.origin import Origin, origin_of_url, parse_origin

TOKEN = "secret-token-value"


class LoopbackServer:
    """A real HTTP server on 127.0.0.1 that records every request it gets.

    /hello answers JSON, /echo answers the request body (with its content type), /redirect?to=URL redirects
    there, /big answers `big` bytes."""

    def __init__(self, big: int = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.big = big
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                owner.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                if self.path.startswith("/redirect?to="):
                    self.send_response(302)
                    self.send_header("location", self.path.removeprefix("/redirect?to="))
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                content_type = "application/json"
                if self.path == "/big":
                    payload = b"x" * owner.big
                elif self.path == "/echo":
                    payload = body.encode()
                    content_type = self.headers.get("content-type") or "text/plain"
                else:
                    payload = json.dumps({"hello": "from loopback", "path": self.path}).encode()
                self.send_response(200)
                self.send_header("content-type", content_type)
                self.send_header("x-served-by", "loopback")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.origin}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    served = LoopbackServer(big=2048)
    yield served
    served.close()


@pytest.fixture
def other_server() -> Iterator[LoopbackServer]:
    """A second server the plugin is not allowed to reach: it must never see a request."""
    served = LoopbackServer()
    yield served
    served.close()


def fetcher(*allowed: str, seconds: float = 10, **options: Any) -> HttpFetcher:
    return HttpFetcher(allowed, deadline_at=time.monotonic() + seconds, **options)


# --- origins ---------------------------------------------------------------------------------------------


def test_origins_fill_in_default_ports_and_ignore_case():
    assert origin_of_url("HTTP://Example.COM/x?y=1") == Origin("http", "example.com", 80)
    assert origin_of_url("https://example.com") == parse_origin("https://example.com:443")
    assert str(origin_of_url("http://[::1]:8080/")) == "http://[::1]:8080"
    assert origin_of_url("http://127.0.0.1:8123/a") != origin_of_url("https://127.0.0.1:8123/a")


@pytest.mark.parametrize(
    "text", ["ftp://example.com", "https://example.com/path", "https://user:pw@example.com", "example.com"]
)
def test_allowed_hosts_must_be_http_origins(text):
    with pytest.raises(ValueError, match="allowed_hosts entry"):
        Permissions(allowed_hosts=frozenset({text}))


# --- HttpFetcher with a mock transport -------------------------------------------------------------------


class Recorder:
    """An httpx MockTransport handler answering from a table of URL -> (status, headers, body)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.routes = routes
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        status, headers, body = self.routes.get(str(request.url), (404, {}, b"not found"))
        return httpx.Response(status, headers=headers, content=body)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def test_an_allowed_origin_answers_status_headers_and_body():
    recorder = Recorder({"https://127.0.0.1:8443/v1/x": (201, {"x-a": "1"}, b'{"ok": true}')})
    http = fetcher("https://127.0.0.1:8443", transport=recorder.transport())
    answer = json.loads(http.fetch("post", "https://127.0.0.1:8443/v1/x", '{"x-token": "t"}', "payload"))
    assert answer["status"] == 201 and answer["body"] == '{"ok": true}' and answer["headers"]["x-a"] == "1"
    (sent,) = recorder.seen
    assert sent.method == "POST" and sent.content == b"payload" and sent.headers["x-token"] == "t"
    assert http.requests == 1 and http.denial is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8124/x",
        "https://127.0.0.1:8123/x",
        "http://localhost:8123/x",
        "http://127.0.0.2:8123/",
    ],
)
def test_other_origins_are_denied_without_a_request(url):
    recorder = Recorder({})
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport())
    with pytest.raises(FetchFailed) as denied:
        http.fetch("GET", url, "{}", "")
    origin = origin_of_url(url)
    assert str(denied.value) == (
        f"denied: the plugin has no network permission for {origin} (allowed_hosts: http://127.0.0.1:8123)"
    )
    assert http.denial == str(denied.value)
    assert recorder.seen == []


def test_no_allowed_hosts_means_no_network():
    with pytest.raises(
        FetchFailed, match=r"no network permission for http://127.0.0.1:80 \(allowed_hosts: none\)"
    ):
        fetcher().fetch("GET", "http://127.0.0.1/", "{}", "")


def test_default_ports_match_explicit_ones():
    recorder = Recorder({"http://127.0.0.1/x": (200, {}, b"ok")})
    http = fetcher("http://127.0.0.1:80", transport=recorder.transport())
    assert json.loads(http.fetch("GET", "http://127.0.0.1/x", "{}", ""))["body"] == "ok"


def test_redirects_are_followed_one_checked_hop_at_a_time():
    recorder = Recorder(
        {
            "http://127.0.0.1:8123/a": (302, {"location": "/b"}, b""),
            "http://127.0.0.1:8123/b": (307, {"location": "http://127.0.0.1:8123/c"}, b""),
            "http://127.0.0.1:8123/c": (200, {}, b"arrived"),
        }
    )
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport())
    assert json.loads(http.fetch("GET", "http://127.0.0.1:8123/a", "{}", ""))["body"] == "arrived"
    assert [str(request.url) for request in recorder.seen] == [
        "http://127.0.0.1:8123/a",
        "http://127.0.0.1:8123/b",
        "http://127.0.0.1:8123/c",
    ]


def test_a_redirect_to_another_origin_is_denied():
    recorder = Recorder({"http://127.0.0.1:8123/a": (301, {"location": "http://127.0.0.1:9999/steal"}, b"")})
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport())
    with pytest.raises(FetchFailed) as denied:
        http.fetch("GET", "http://127.0.0.1:8123/a", "{}", "")
    assert str(denied.value) == (
        "denied: the plugin has no network permission for http://127.0.0.1:9999 "
        "(redirected from http://127.0.0.1:8123; allowed_hosts: http://127.0.0.1:8123)"
    )
    assert len(recorder.seen) == 1


def test_redirect_loops_stop():
    recorder = Recorder({"http://127.0.0.1:8123/loop": (302, {"location": "/loop"}, b"")})
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport())
    with pytest.raises(FetchFailed, match=r"too many redirects \(more than 5\)"):
        http.fetch("GET", "http://127.0.0.1:8123/loop", "{}", "")
    assert len(recorder.seen) == 6


def test_requests_per_invocation_are_counted():
    recorder = Recorder({"http://127.0.0.1:8123/": (200, {}, b"")})
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport(), max_requests=3)
    for _ in range(3):
        http.fetch("GET", "http://127.0.0.1:8123/", "{}", "")
    with pytest.raises(FetchFailed, match="request limit of 3 HTTP requests per invocation reached"):
        http.fetch("GET", "http://127.0.0.1:8123/", "{}", "")


def test_response_bodies_are_bounded():
    recorder = Recorder({"http://127.0.0.1:8123/big": (200, {}, b"x" * 2000)})
    http = fetcher("http://127.0.0.1:8123", transport=recorder.transport(), max_response_bytes=1000)
    with pytest.raises(FetchFailed, match=r"the response from http://127.0.0.1:8123/big exceeds 1000 bytes"):
        http.fetch("GET", "http://127.0.0.1:8123/big", "{}", "")


def test_only_listed_methods_are_allowed():
    with pytest.raises(FetchFailed, match="HTTP method 'TRACE' is not allowed"):
        fetcher("http://127.0.0.1:8123").fetch("TRACE", "http://127.0.0.1:8123/", "{}", "")


@pytest.mark.parametrize("headers", ["[1]", '{"a": 1}', "not json"])
def test_headers_must_be_a_json_object_of_strings(headers):
    with pytest.raises(FetchFailed, match="headers must be a JSON object"):
        fetcher("http://127.0.0.1:8123").fetch("GET", "http://127.0.0.1:8123/", headers, "")


def test_bad_headers_are_refused_without_quoting_their_value():
    http = fetcher("http://127.0.0.1:8123", transport=Recorder({}).transport())
    with pytest.raises(FetchFailed) as refused:
        http.fetch("GET", "http://127.0.0.1:8123/", json.dumps({"authorization": f"{TOKEN}\r\nx: y"}), "")
    assert str(refused.value) == "the value of header authorization contains control characters"
    with pytest.raises(FetchFailed, match="invalid HTTP header name"):
        http.fetch("GET", "http://127.0.0.1:8123/", json.dumps({"bad name": "v"}), "")


def test_no_time_left_means_no_request():
    recorder = Recorder({})
    http = fetcher("http://127.0.0.1:8123", seconds=-1, transport=recorder.transport())
    with pytest.raises(FetchFailed, match="no time left"):
        http.fetch("GET", "http://127.0.0.1:8123/", "{}", "")
    assert recorder.seen == []


def test_a_request_timeout_is_the_invocation_deadline():
    def stall(request: httpx.Request) -> httpx.Response:
        assert request.extensions["timeout"]["read"] <= 10  # what is left of the deadline, at most
        raise httpx.ReadTimeout("timed out", request=request)

    http = fetcher("http://127.0.0.1:8123", transport=httpx.MockTransport(stall))
    with pytest.raises(FetchFailed, match="timed out: the invocation's deadline was reached"):
        http.fetch("GET", "http://127.0.0.1:8123/slow", "{}", "")
    assert http.deadline_reached


def test_errors_never_show_header_values_or_query_strings():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    http = fetcher("http://127.0.0.1:8123", transport=httpx.MockTransport(refuse))
    headers = json.dumps({"authorization": f"Bearer {TOKEN}"})
    for url in (f"http://127.0.0.1:8123/x?token={TOKEN}", f"http://127.0.0.1:9/x?token={TOKEN}"):
        with pytest.raises(FetchFailed) as failed:
            http.fetch("GET", url, headers, "")
        assert TOKEN not in str(failed.value)


# --- HttpFetcher against real loopback servers ----------------------------------------------------------


def test_a_real_server_is_reached_and_the_agent_environment_is_ignored(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # trust_env=False: no proxy from the environment
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    http = fetcher(server.origin)
    answer = json.loads(http.fetch("GET", server.url("/hello"), "{}", ""))
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == {"hello": "from loopback", "path": "/hello"}
    http.close()


def test_a_real_redirect_to_a_server_not_allowed_never_reaches_it(server, other_server):
    http = fetcher(server.origin)
    with pytest.raises(FetchFailed, match="denied: the plugin has no network permission for"):
        http.fetch("GET", server.url(f"/redirect?to={other_server.url('/steal')}"), "{}", "")
    http.close()
    assert len(server.requests) == 1
    assert other_server.requests == []


# --- http.fetch from the component ---------------------------------------------------------------------


def fetch(
    runner: SandboxRunner,
    component: Path,
    args: dict[str, Any],
    allowed: frozenset[str] = frozenset(),
    limits: Limits = Limits(deadline_seconds=10),
    action: str = "fetch",
) -> SandboxResult:
    request = {"action": action, "args": args, "config": {}, "context": {}}
    permissions = Permissions(allowed_hosts=allowed)
    return runner.run_component(component, request, None, permissions, limits, {}, lambda line: None)


def test_a_plugin_reaches_an_allowed_loopback_server(component_runner, test_component, server):
    args = {"url": server.url("/hello"), "headers": {"x-token": TOKEN}}
    result = fetch(component_runner, test_component, args, frozenset({server.origin}))
    assert result.ok, result.error
    assert result.result is not None and result.result["status"] == 200
    assert result.result["json"] == {"hello": "from loopback", "path": "/hello"}
    assert result.result["headers"]["x-served-by"] == "loopback"
    assert server.requests[0]["headers"]["x-token"] == TOKEN


def test_a_plugin_posts_a_body(component_runner, test_component, server):
    args = {"url": server.url("/echo"), "method": "POST", "body": "plain text"}
    result = fetch(component_runner, test_component, args, frozenset({server.origin}))
    assert result.ok, result.error
    assert result.result is not None and result.result["body"] == "plain text"
    assert server.requests[0]["method"] == "POST"


def test_a_plugin_posts_json_and_reads_json(component_runner, test_component, server):
    args = {"url": server.url("/echo"), "method": "POST", "json": {"n": 1, "name": "arcade"}}
    result = fetch(component_runner, test_component, args, frozenset({server.origin}))
    assert result.ok, result.error
    assert result.result is not None and result.result["json"] == {"n": 1, "name": "arcade"}
    assert result.result["ok"] is True
    assert server.requests[0]["headers"]["content-type"] == "application/json"


def test_a_plugin_cannot_reach_a_host_not_allowed(component_runner, test_component, server, other_server):
    result = fetch(
        component_runner, test_component, {"url": other_server.url("/steal")}, frozenset({server.origin})
    )
    assert not result.ok
    assert result.error == (
        f"denied: the plugin has no network permission for {other_server.origin} "
        f"(allowed_hosts: {server.origin})"
    )
    assert other_server.requests == []
    assert fetch(
        component_runner, test_component, {"url": server.url("/hello")}, frozenset({server.origin})
    ).ok


def test_a_plugin_is_not_redirected_to_a_host_not_allowed(
    component_runner, test_component, server, other_server
):
    url = server.url(f"/redirect?to={other_server.url('/steal')}")
    result = fetch(component_runner, test_component, {"url": url}, frozenset({server.origin}))
    assert not result.ok
    assert (result.error or "").startswith(
        f"denied: the plugin has no network permission for {other_server.origin} "
        f"(redirected from {server.origin}"
    )
    assert other_server.requests == []


def test_a_plugin_may_handle_a_denial_itself(component_runner, test_component):
    result = fetch(component_runner, test_component, {"url": "http://127.0.0.1:9/"}, action="fetch-error")
    assert result.ok
    assert result.result == {
        "error": "denied: the plugin has no network permission for http://127.0.0.1:9 (allowed_hosts: none)"
    }


def test_the_deadline_holds_while_the_plugin_waits_on_http(component_runner, test_component):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:  # accepts (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        origin = f"http://127.0.0.1:{silent.getsockname()[1]}"
        began = time.monotonic()
        result = fetch(
            component_runner,
            test_component,
            {"url": f"{origin}/"},
            frozenset({origin}),
            Limits(deadline_seconds=1),
        )
        assert (result.error or "").startswith("deadline of 1s exceeded"), result.error
        assert time.monotonic() - began < 2.5
    assert fetch(component_runner, test_component, {}, action="noop").ok
