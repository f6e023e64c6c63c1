"""One wasi-command invocation inside a worker process: WASI context from the grants, limits on the store,
`_start`, then the outcome mapped to an error that names the permission or limit involved.

Runs in the worker only (it may be killed at any moment); the caller-facing API is `runner.SandboxRunner`.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wasmtime

from agent.sandbox.cache import ModuleCache
from agent.sandbox.denials import WORKSPACE, describe_denial
from agent.sandbox.errors import ModuleRejected
from agent.sandbox.policy import Limits, format_bytes, format_seconds

__all__ = ["GuestHost", "Invocation"]

WASI = "wasi_snapshot_preview1"
LOG_LINE_MAX = 64 * 1024
MEMORY_NEAR_LIMIT = 0.9  # a failed guest whose memory reached 90% of the limit was refused a grow


@dataclass(frozen=True)
class Invocation:
    """What the runner sends to a worker for one call (already filtered by the grants)."""

    module: Path
    request: dict[str, Any]
    workspace: Path | None
    workspace_access: str | None
    env: list[tuple[str, str]]
    limits: Limits


@dataclass
class _Watch:
    """What happened during one call, filled in by the host callbacks."""

    stdout: bytearray = field(default_factory=bytearray)
    stdout_exceeded: bool = False
    stderr_bytes: int = 0
    stderr_exceeded: bool = False
    pending: bytearray = field(default_factory=bytearray)
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=5))
    deadline_hit: bool = False


class GuestHost:
    """The worker's engine, linker and module cache; `invoke` runs one call at a time."""

    def __init__(self, engine: wasmtime.Engine, cache: ModuleCache, scratch: Path) -> None:
        self._engine = engine
        self.cache = cache
        self._stdin = scratch / "request.json"
        self._linker = wasmtime.Linker(engine)
        self._linker.define_wasi()

    def invoke(self, job: Invocation, on_log: Callable[[str], None]) -> dict[str, Any]:
        """Run one call; returns the worker's `done` payload (ok, result, error, exit_code, cache)."""
        try:
            module, tier = self.cache.load(job.module)
            _check_imports(module)
        except ModuleRejected as exc:
            return _failed(str(exc))
        watch = _Watch()
        access = job.workspace_access if job.workspace is not None else None
        limits = job.limits
        store = wasmtime.Store(self._engine)
        store.set_fuel(limits.fuel)
        store.set_limits(memory_size=limits.memory_bytes)
        store.set_epoch_deadline(1)
        store.set_wasi(self._wasi_config(job, watch, on_log))

        def deadline() -> None:
            watch.deadline_hit = True
            self._engine.increment_epoch()

        timer = threading.Timer(limits.deadline_seconds, deadline)
        timer.daemon = True
        exit_code: int | None = None
        failure: str | None = None
        instance: wasmtime.Instance | None = None
        timer.start()
        try:
            instance = self._linker.instantiate(store, module)
            start = instance.exports(store).get("_start")
            if not isinstance(start, wasmtime.Func):
                return _failed("module has no _start export: not a wasi-command module", tier)
            start(store)
            exit_code = 0
        except wasmtime.ExitTrap as exc:
            exit_code = exc.code
        except wasmtime.Trap as exc:
            failure = _trap_message(exc, limits, watch)
        except wasmtime.WasmtimeError as exc:
            failure = _instantiate_message(str(exc), limits)
        finally:
            timer.cancel()
        self._flush_log(watch, on_log)
        error = _first(
            _output_message(watch, limits),
            failure if failure and failure.startswith(("out of fuel", "deadline", "stack")) else None,
            describe_denial(watch.tail, access) if failure or exit_code else None,
            _memory_message(instance, store, limits) if failure or exit_code else None,
            failure,
            _exit_message(exit_code, watch),
        )
        if error is not None:
            return {"ok": False, "result": None, "error": error, "exit_code": exit_code, "cache": tier}
        result, error = _parse_result(bytes(watch.stdout))
        return {"ok": error is None, "result": result, "error": error, "exit_code": 0, "cache": tier}

    def _wasi_config(
        self, job: Invocation, watch: _Watch, on_log: Callable[[str], None]
    ) -> wasmtime.WasiConfig:
        limits = job.limits
        self._stdin.write_text(json.dumps(job.request))
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["plugin"]
        wasi.env = [list(pair) for pair in job.env]
        wasi.stdin_file = str(self._stdin)
        if job.workspace is not None:
            wasi.preopen_dir(str(job.workspace), WORKSPACE, job.workspace_access == "rw")

        def stdout(data: bytes) -> None:
            if watch.stdout_exceeded:
                return
            if len(watch.stdout) + len(data) > limits.stdout_bytes:
                watch.stdout_exceeded = True
                self._engine.increment_epoch()  # stop the guest at its next check
                return
            watch.stdout += data

        def stderr(data: bytes) -> None:
            if watch.stderr_exceeded:
                return
            watch.stderr_bytes += len(data)
            if watch.stderr_bytes > limits.stderr_bytes:
                watch.stderr_exceeded = True
                self._engine.increment_epoch()
                return
            watch.pending += data
            while True:
                cut = watch.pending.find(b"\n")
                if cut < 0:
                    if len(watch.pending) > LOG_LINE_MAX:
                        cut = LOG_LINE_MAX
                    else:
                        break
                line = watch.pending[:cut].decode("utf-8", "replace").rstrip("\r")
                del watch.pending[: cut + 1]
                watch.tail.append(line)
                on_log(line)

        wasi.stdout_custom = stdout
        wasi.stderr_custom = stderr
        return wasi

    def _flush_log(self, watch: _Watch, on_log: Callable[[str], None]) -> None:
        if watch.pending and not watch.stderr_exceeded:
            line = watch.pending.decode("utf-8", "replace")
            watch.tail.append(line)
            on_log(line)
        watch.pending.clear()


def _check_imports(module: wasmtime.Module) -> None:
    for item in module.imports:
        if item.module != WASI:
            raise ModuleRejected(f"module imports {item.module}.{item.name} which the host does not provide")


def _first(*messages: str | None) -> str | None:
    return next((m for m in messages if m), None)


def _failed(error: str, tier: str | None = None) -> dict[str, Any]:
    return {"ok": False, "result": None, "error": error, "exit_code": None, "cache": tier}


def _output_message(watch: _Watch, limits: Limits) -> str | None:
    if watch.stdout_exceeded:
        return f"stdout exceeded {format_bytes(limits.stdout_bytes)}"
    if watch.stderr_exceeded:
        return f"stderr exceeded {format_bytes(limits.stderr_bytes)}"
    return None


def _trap_message(trap: wasmtime.Trap, limits: Limits, watch: _Watch) -> str:
    code = trap.trap_code
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        return f"out of fuel (limit of {limits.fuel:,} units)"
    if code == wasmtime.TrapCode.INTERRUPT and watch.deadline_hit:
        return f"deadline of {format_seconds(limits.deadline_seconds)} exceeded (interrupted)"
    if code == wasmtime.TrapCode.STACK_OVERFLOW:
        return "stack overflow (the wasm stack limit was reached)"
    name = code.name.lower().replace("_", " ") if code is not None else "trap"
    first = trap.message.strip().splitlines()[0] if trap.message.strip() else name
    return f"plugin trapped: {name} ({first})"


def _instantiate_message(message: str, limits: Limits) -> str:
    found = re.search(r"unknown import: `([^`]+)::([^`]+)`", message)
    if found:
        return f"module imports {found[1]}.{found[2]} which the host does not provide"
    if "memory" in message and ("limit" in message or "exceed" in message):
        return f"memory limit of {format_bytes(limits.memory_bytes)} exceeded (at instantiation)"
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return f"plugin failed: {first}"


def _memory_message(instance: wasmtime.Instance | None, store: wasmtime.Store, limits: Limits) -> str | None:
    """A failed guest whose memory sits at the limit most likely failed to grow it."""
    if instance is None:
        return None
    memory = instance.exports(store).get("memory")
    if (
        isinstance(memory, wasmtime.Memory)
        and memory.data_len(store) >= MEMORY_NEAR_LIMIT * limits.memory_bytes
    ):
        return f"memory limit of {format_bytes(limits.memory_bytes)} exceeded"
    return None


def _exit_message(exit_code: int | None, watch: _Watch) -> str | None:
    if not exit_code:
        return None
    last = watch.tail[-1] if watch.tail else ""
    return f"plugin exited with code {exit_code}" + (f": {last}" if last else "")


def _parse_result(stdout: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        value = json.loads(stdout)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        shown = stdout[:80].decode("utf-8", "replace")
        return None, f"the plugin's stdout is not valid JSON ({exc}): {shown!r}"
    if not isinstance(value, dict):
        return None, f"the plugin's result must be a JSON object, got {type(value).__name__}"
    return value, None
