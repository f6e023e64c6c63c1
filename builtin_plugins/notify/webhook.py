"""`notify/webhook`: POSTs the run summary as JSON to `params.url`, with a timeout and retries.

Connection errors, timeouts, 429 and 5xx answers are retried with exponential backoff; any other answer
outside 2xx is final. Nothing is raised: every failure comes back as a `NotifyResult` naming the cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from plugin_sdk import NotifyRequest, NotifyResult, RunSummary, hookimpl

CHANNEL = "notify/webhook"
ACTIONS = ("send",)
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 0.5
USER_AGENT = "arcade-notify/1"


def params_problem(params: Mapping[str, Any]) -> str | None:
    """What is wrong with the params of a webhook entry, or None."""
    url = params.get("url")
    if not isinstance(url, str) or not url.strip():
        return "params.url: missing; expected an http:// or https:// URL"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"params.url: {url!r} is not an http:// or https:// URL"
    headers = params.get("headers", {})
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        return "params.headers: expected a mapping of header names to strings"
    timeout = params.get("timeout", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        return f"params.timeout: expected a positive number of seconds, got {timeout!r}"
    return None


def display_url(url: str) -> str:
    """The URL without user info, query or fragment: messages may be shown to anyone who reads events."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class WebhookChannel:
    def __init__(
        self,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep
        self._transport = transport

    @hookimpl(trylast=True)
    def arcade_notify(self, request: NotifyRequest, summary: RunSummary) -> NotifyResult | None:
        if request.plugin != CHANNEL:
            return None
        if request.action not in ACTIONS:
            return NotifyResult(False, f"{CHANNEL}: unknown action '{request.action}' (expected 'send')")
        problem = params_problem(request.params)
        if problem is not None:
            return NotifyResult(False, f"{CHANNEL}: {problem}")
        try:
            return self._send(request.params, summary.to_dict())
        except Exception as exc:  # the kernel must never see a channel's own failure as an exception
            return NotifyResult(False, f"{CHANNEL}: {type(exc).__name__}: {exc}")

    def _send(self, params: Mapping[str, Any], body: dict[str, Any]) -> NotifyResult:
        url = params["url"]
        headers = {"User-Agent": USER_AGENT, **params.get("headers", {})}
        timeout = float(params.get("timeout", DEFAULT_TIMEOUT_SECONDS))
        where = f"POST {display_url(url)}"
        last = ""
        with httpx.Client(timeout=timeout, transport=self._transport) as client:
            for attempt in range(1, self.attempts + 1):
                if attempt > 1:
                    self._sleep(self.backoff * 2 ** (attempt - 2))
                try:
                    response = client.post(url, json=body, headers=headers)
                except httpx.TimeoutException:
                    last = f"no answer within {timeout:g}s"
                    continue
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                    continue
                tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                if response.is_success:
                    return NotifyResult(True, f"{where}: HTTP {response.status_code} after {tries}")
                last = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                if response.status_code != 429 and response.status_code < 500:
                    return NotifyResult(False, f"{where}: {last} (not retried)")
        return NotifyResult(False, f"{where}: {last} after {self.attempts} attempts")
