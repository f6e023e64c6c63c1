"""One component invocation inside a worker process: an `arcade:plugin` component (a Python plugin built by
componentize-py) instantiated in a fresh store with the grants and limits, its `run` export called once, and
the outcome mapped to an error that names the permission or limit involved.

Imports the host provides: WASI preview 2 (the workspace preopened at /workspace, granted env keys only,
sockets left denied: wasmtime's default address check refuses every address) and `arcade:plugin/host@1.0.0`:
`log` (step log lines, prefixed with the level unless it is info) and `http-fetch` (`http_host`). The
guest's stdout and stderr are step log lines too. Runs in the worker only (it may be killed at any moment).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import wasmtime
from wasmtime.component import Component, Linker, Variant

from agent.sandbox.cache import ModuleCache
from agent.sandbox.denials import WORKSPACE, describe_denial
from agent.sandbox.errors import ModuleRejected
from agent.sandbox.guest_log import StepLog, StreamLines
from agent.sandbox.http_host import FetchFailed, HttpFetcher
from agent.sandbox.invocation import Invocation
from agent.sandbox.outcome import (
    Done,
    describe_trap,
    failed,
    first,
    instantiate_message,
    is_limit_message,
    parse_result,
    succeeded,
    trap_of_error,
)
from agent.sandbox.policy import Limits, format_bytes, format_seconds

__all__ = ["HOST_INTERFACE", "ComponentHost"]

HOST_INTERFACE = "arcade:plugin/host@1.0.0"
LEVELS = ("debug", "info", "warning", "error")
_OS_ERROR = re.compile(r"\[Errno \d+\]")  # how the guest helpers report an OSError (with its path)


@dataclass
class _Call:
    """The state the host imports need during one call (the worker runs one call at a time)."""

    log: StepLog
    log_lines: StreamLines
    fetcher: HttpFetcher


class ComponentHost:
    """The worker's component linker with the WASI and `arcade:plugin` host imports."""

    def __init__(self, engine: wasmtime.Engine, cache: ModuleCache) -> None:
        self._engine = engine
        self._cache = cache
        self._call: _Call | None = None
        self._linker = Linker(engine)
        self._linker.add_wasip2()
        with self._linker.root() as root, root.add_instance(HOST_INTERFACE) as host:
            host.add_func("log", self._log)
            host.add_func("http-fetch", self._http_fetch)

    def invoke(
        self, job: Invocation, on_log: Callable[[str], None], on_started: Callable[[str], None]
    ) -> Done:
        """Run one call; `on_started(tier)` once the component is loaded, when the deadline starts."""
        try:
            component, tier = self._cache.load_component(job.path)
        except ModuleRejected as exc:
            return failed(str(exc))
        on_started(tier)
        limits = job.limits
        stop = self._engine.increment_epoch  # the guest traps at its next epoch check
        log = StepLog(on_log, limits.log_lines)
        stdout = StreamLines("stdout", limits.stdout_bytes, log, stop)
        stderr = StreamLines("stderr", limits.stderr_bytes, log, stop)
        fetcher = HttpFetcher(job.allowed_hosts, deadline_at=time.monotonic() + limits.deadline_seconds)
        store = wasmtime.Store(self._engine)
        store.set_fuel(limits.fuel)
        store.set_limits(memory_size=limits.memory_bytes)
        store.set_epoch_deadline(1)
        store.set_wasi(_wasi_config(job, stdout, stderr))
        deadline_hit = threading.Event()

        def deadline() -> None:
            deadline_hit.set()
            stop()

        timer = threading.Timer(limits.deadline_seconds, deadline)
        timer.daemon = True
        outcome: object = None
        failure: str | None = None
        self._call = _Call(log, StreamLines("log", limits.stderr_bytes, log, lambda: None), fetcher)
        timer.start()
        try:
            outcome, failure = self._run(store, component, job, limits, deadline_hit)
        finally:
            timer.cancel()
            self._call = None
            fetcher.close()
        stdout.flush()
        stderr.flush()
        return _done(outcome, failure, job, log, fetcher, tier)

    def _run(
        self,
        store: wasmtime.Store,
        component: Component,
        job: Invocation,
        limits: Limits,
        deadline_hit: threading.Event,
    ) -> tuple[object, str | None]:
        """The value `run` returned, or why there is none."""
        try:
            instance = self._linker.instantiate(store, component)
        except wasmtime.WasmtimeError as exc:
            return None, instantiate_message(str(exc), limits)
        run = instance.get_func(store, "run")
        if run is None:
            return None, "the component has no run export: not an arcade:plugin component"
        try:
            return run(store, str(job.request.get("action", "")), json.dumps(_input(job))), None
        except wasmtime.WasmtimeError as exc:
            kind, detail = trap_of_error(str(exc))
            return None, describe_trap(kind, detail, limits, deadline_hit.is_set())
        except (TypeError, ValueError) as exc:
            return None, f"the component's run export does not match the arcade:plugin world ({exc})"

    def _log(self, store: object, level: str, message: str) -> None:
        """The `log` import. Raising stops the guest: its lines are over a cap."""
        call = self._call
        if call is None:
            return
        prefix = "" if level == "info" or level not in LEVELS else f"{level}: "
        text = "".join(f"{prefix}{line}\n" for line in (message.splitlines() or [""]))
        call.log_lines.write(text.encode())
        if call.log.exceeded is not None:
            raise wasmtime.WasmtimeError(call.log.exceeded)

    def _http_fetch(self, store: object, method: str, url: str, headers_json: str, body: str) -> Variant:
        """The `http-fetch` import: ok is the response as JSON text, err why there is none."""
        call = self._call
        if call is None:
            return Variant("err", "http-fetch is only available during an invocation")
        try:
            return Variant("ok", call.fetcher.fetch(method, url, headers_json, body))
        except FetchFailed as exc:
            return Variant("err", str(exc))
        except Exception as exc:  # a host-side bug fails this request, not the worker
            return Variant("err", f"http-fetch failed in the host: {type(exc).__name__}")


def _wasi_config(job: Invocation, stdout: StreamLines, stderr: StreamLines) -> wasmtime.WasiConfig:
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["plugin"]
    wasi.env = [list(pair) for pair in job.env]
    if job.workspace is not None:
        wasi.preopen_dir(str(job.workspace), WORKSPACE, job.workspace_access == "rw")
    wasi.stdout_custom = stdout.write
    wasi.stderr_custom = stderr.write
    return wasi


def _input(job: Invocation) -> dict[str, Any]:
    """`run`'s input: args, config and context, plus the granted env keys (the guest's os.environ was
    frozen when the component was built, so they come in the request)."""
    data: dict[str, Any] = {key: job.request.get(key) or {} for key in ("args", "config", "context")}
    if job.env:
        data["env"] = dict(job.env)
    return data


def _done(
    outcome: object, failure: str | None, job: Invocation, log: StepLog, fetcher: HttpFetcher, tier: str
) -> Done:
    limits = job.limits
    err: str | None = None
    payload: str | None = None
    if isinstance(outcome, Variant) and outcome.tag in ("ok", "err") and isinstance(outcome.payload, str):
        if outcome.tag == "ok":
            payload = outcome.payload
        else:
            err = outcome.payload or "the plugin failed without a message"
    elif failure is None:
        failure = "the component's run export does not match the arcade:plugin world (not a result)"
    went_wrong = failure is not None or err is not None
    access = job.workspace_access if job.workspace is not None else None
    http_deadline = None
    if went_wrong and fetcher.deadline_reached:  # the host's own timeout beat the deadline timer
        http_deadline = f"deadline of {format_seconds(limits.deadline_seconds)} exceeded (waiting for HTTP)"
    error = first(
        log.exceeded,
        failure if is_limit_message(failure) else None,
        http_deadline,
        fetcher.denial if went_wrong else None,
        describe_denial([err], access) if err and _OS_ERROR.search(err) else None,
        _memory_message(err, failure, log.tail, limits),
        failure,
        err,
    )
    if error is not None:
        return failed(error, tier)
    assert payload is not None
    data = payload.encode()
    if len(data) > limits.stdout_bytes:
        return failed(f"result exceeded {format_bytes(limits.stdout_bytes)}", tier)
    result, error = parse_result(data, "result")
    if result is None:
        return failed(error or "no result", tier)
    return succeeded(result, tier, exit_code=None)


def _memory_message(err: str | None, failure: str | None, tail: Iterable[str], limits: Limits) -> str | None:
    """The guest ran out of memory: the helpers report a MemoryError, or CPython aborted after one."""
    ran_out = (err is not None and err.startswith("MemoryError")) or (
        failure is not None and any("MemoryError" in line or "out of memory" in line for line in tail)
    )
    return f"memory limit of {format_bytes(limits.memory_bytes)} exceeded" if ran_out else None
