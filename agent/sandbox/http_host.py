"""The host's `http-fetch` import: HTTP on a component's behalf, only to the origins it was granted.

Every URL, and every redirect target (redirects are followed here, one hop at a time, never by httpx), must
belong to an origin in `allowed_hosts` (scheme, host and port; default ports filled in). One invocation may
send at most `MAX_REQUESTS` requests; each gets a timeout no longer than what is left of the deadline, and a
response body larger than `MAX_RESPONSE_BYTES` fails the call. The client is private to one invocation
(no cookies or connections shared between plugins) and ignores the agent's environment (proxies, .netrc).
Header values are never logged or put in an error message: they may carry tokens.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx

from agent.sandbox.errors import SandboxError
from agent.sandbox.origin import Origin, origin_of_url, parse_origin
from agent.sandbox.policy import MIB, format_bytes

__all__ = ["MAX_REDIRECTS", "MAX_REQUESTS", "MAX_RESPONSE_BYTES", "METHODS", "FetchFailed", "HttpFetcher"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
MAX_REDIRECTS = 5
MAX_REQUESTS = 100
MAX_RESPONSE_BYTES = 10 * MIB
# Set by httpx from the content, or meaningless for a request the host makes on the plugin's behalf.
_HOST_SET_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 9110 token
_HEADER_VALUE_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # control characters other than tab


class FetchFailed(SandboxError):
    """The request was refused or did not complete; the message becomes the import's `err` result."""


class HttpFetcher:
    """`http-fetch` for one invocation. `deadline_at` is on the `time.monotonic()` clock."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        deadline_at: float,
        transport: httpx.BaseTransport | None = None,
        max_requests: int = MAX_REQUESTS,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        granted = sorted(allowed_hosts)
        self._allowed = frozenset(parse_origin(origin) for origin in granted)
        self._granted = ", ".join(granted) or "none"
        self._deadline_at = deadline_at
        self._transport = transport
        self._max_requests = max_requests
        self._max_response_bytes = max_response_bytes
        self._client: httpx.Client | None = None
        self.requests = 0
        self.denial: str | None = None  # the first refusal for lack of permission, for the step's error
        self.deadline_reached = (
            False  # a request ran out of time: its timeout is what was left of the deadline
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(self, method: str, url: str, headers_json: str, body: str) -> str:
        """The JSON text of {"status", "headers", "body"}; raises `FetchFailed` with the reason."""
        method = method.upper()
        if method not in METHODS:
            raise FetchFailed(f"HTTP method {method!r} is not allowed (only {', '.join(METHODS)})")
        headers = _parse_headers(headers_json)
        self._check(url, redirected_from=None)
        client = self._client_for_call()
        try:
            request = client.build_request(method, url, headers=headers, content=body.encode() or None)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise FetchFailed(f"cannot fetch {_shown(url)}: {exc}") from None
        for hop in range(MAX_REDIRECTS + 1):
            response = self._send(request)
            try:
                target = response.next_request
                if target is None:
                    return self._answer(response)
                if hop == MAX_REDIRECTS:
                    raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS}) from {_shown(url)}")
                self._check(str(target.url), redirected_from=str(request.url))
                request = target
            finally:
                response.close()
        raise AssertionError("unreachable: the loop returns or raises")

    def _client_for_call(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(follow_redirects=False, trust_env=False, transport=self._transport)
        return self._client

    def _check(self, url: str, redirected_from: str | None) -> Origin:
        try:
            origin = origin_of_url(url)
        except ValueError as exc:
            raise FetchFailed(f"cannot fetch {_shown(url)}: {exc}") from None
        if origin in self._allowed:
            return origin
        via = f"redirected from {origin_of_url(redirected_from)}; " if redirected_from else ""
        message = (
            f"denied: the plugin has no network permission for {origin} ({via}allowed_hosts: {self._granted})"
        )
        if self.denial is None:
            self.denial = message
        raise FetchFailed(message)

    def _send(self, request: httpx.Request) -> httpx.Response:
        if self.requests >= self._max_requests:
            raise FetchFailed(f"request limit of {self._max_requests} HTTP requests per invocation reached")
        remaining = self._deadline_at - time.monotonic()
        if remaining <= 0:
            self.deadline_reached = True
            raise FetchFailed(f"no time left for {request.method} {_shown(str(request.url))} (deadline)")
        self.requests += 1
        request.extensions["timeout"] = httpx.Timeout(remaining).as_dict()
        assert self._client is not None
        try:
            return self._client.send(request, stream=True)
        except httpx.TimeoutException:
            self.deadline_reached = True
            shown = _shown(str(request.url))
            raise FetchFailed(
                f"{request.method} {shown} timed out: the invocation's deadline was reached"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{request.method} {_shown(str(request.url))} failed: {exc}") from None

    def _answer(self, response: httpx.Response) -> str:
        content = bytearray()
        try:
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > self._max_response_bytes:
                    raise FetchFailed(
                        f"the response from {_shown(str(response.request.url))} exceeds "
                        f"{format_bytes(self._max_response_bytes)}"
                    )
        except httpx.TimeoutException:
            self.deadline_reached = True
            where = _shown(str(response.request.url))
            raise FetchFailed(
                f"reading the response from {where} timed out: the deadline was reached"
            ) from None
        except httpx.HTTPError as exc:
            where = _shown(str(response.request.url))
            raise FetchFailed(f"reading the response from {where} failed: {exc}") from None
        headers: dict[str, str] = {}
        for name, value in response.headers.multi_items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        text = bytes(content).decode(response.encoding or "utf-8", errors="replace")
        return json.dumps({"status": response.status_code, "headers": headers, "body": text})


def _parse_headers(headers_json: str) -> dict[str, str]:
    """The plugin's request headers, checked here so that no HTTP library error can quote a value."""
    try:
        headers = json.loads(headers_json) if headers_json.strip() else {}
    except json.JSONDecodeError:
        headers = None
    if not isinstance(headers, dict) or not all(
        isinstance(name, str) and isinstance(value, str) for name, value in headers.items()
    ):
        raise FetchFailed("headers must be a JSON object of header names to string values")
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise FetchFailed(f"invalid HTTP header name {name[:64]!r}")
        if _HEADER_VALUE_FORBIDDEN.search(value):
            raise FetchFailed(f"the value of header {name} contains control characters")
    return {name: value for name, value in headers.items() if name.lower() not in _HOST_SET_HEADERS}


def _shown(url: str) -> str:
    """The URL without credentials, query or fragment (they may carry tokens)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "<invalid URL>"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}{parts.path}"
