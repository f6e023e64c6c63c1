"""One wasi-command invocation inside a worker process: WASI context from the grants, limits on the store,
`_start`, then the outcome mapped to an error that names the permission or limit involved.

The request JSON is the guest's stdin, its stdout (at most `stdout_bytes`) is the result, its stderr lines
are the step log. Runs in the worker only (it may be killed at any moment).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import wasmtime

from agent.sandbox.cache import ModuleCache
from agent.sandbox.denials import WORKSPACE, describe_denial
from agent.sandbox.errors import ModuleRejected
from agent.sandbox.guest_log import StepLog, StreamLines
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
    trap_kind_of_code,
)
from agent.sandbox.policy import Limits, format_bytes

__all__ = ["WasiCommandHost"]

WASI = "wasi_snapshot_preview1"
MEMORY_NEAR_LIMIT = 0.9  # a failed guest whose memory reached 90% of the limit was refused a grow


class _Stdout:
    """The guest's stdout, kept whole up to the limit: it is the result."""

    def __init__(self, limit: int, on_exceeded: Callable[[], None]) -> None:
        self._limit = limit
        self._on_exceeded = on_exceeded
        self.data = bytearray()
        self.exceeded: str | None = None

    def write(self, chunk: bytes) -> None:
        if self.exceeded is not None:
            return
        if len(self.data) + len(chunk) > self._limit:
            self.exceeded = f"stdout exceeded {format_bytes(self._limit)}"
            self._on_exceeded()
            return
        self.data += chunk


class WasiCommandHost:
    """The worker's core-module linker (WASI preview1 only); `invoke` runs one call at a time."""

    def __init__(self, engine: wasmtime.Engine, cache: ModuleCache, scratch: Path) -> None:
        self._engine = engine
        self._cache = cache
        self._stdin = scratch / "request.json"
        self._linker = wasmtime.Linker(engine)
        self._linker.define_wasi()

    def invoke(
        self, job: Invocation, on_log: Callable[[str], None], on_started: Callable[[str], None]
    ) -> Done:
        """Run one call; `on_started(tier)` once the module is loaded, when the deadline starts."""
        try:
            module, tier = self._cache.load(job.path)
            _check_imports(module)
        except ModuleRejected as exc:
            return failed(str(exc))
        on_started(tier)
        limits = job.limits
        stop = self._engine.increment_epoch  # the guest traps at its next epoch check
        log = StepLog(on_log, limits.log_lines)
        stderr = StreamLines("stderr", limits.stderr_bytes, log, stop)
        stdout = _Stdout(limits.stdout_bytes, stop)
        store = wasmtime.Store(self._engine)
        store.set_fuel(limits.fuel)
        store.set_limits(memory_size=limits.memory_bytes)
        store.set_epoch_deadline(1)
        store.set_wasi(self._wasi_config(job, stdout, stderr))
        deadline_hit = threading.Event()

        def deadline() -> None:
            deadline_hit.set()
            stop()

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
                return failed("module has no _start export: not a wasi-command module", tier)
            start(store)
            exit_code = 0
        except wasmtime.ExitTrap as exc:
            exit_code = exc.code
        except wasmtime.Trap as exc:
            kind = trap_kind_of_code(exc.trap_code)
            failure = describe_trap(kind, _trap_detail(exc), limits, deadline_hit.is_set())
        except wasmtime.WasmtimeError as exc:
            failure = instantiate_message(str(exc), limits)
        finally:
            timer.cancel()
        stderr.flush()
        went_wrong = bool(failure or exit_code)
        access = job.workspace_access if job.workspace is not None else None
        error = first(
            stdout.exceeded,
            log.exceeded,
            failure if is_limit_message(failure) else None,
            describe_denial(log.tail, access) if went_wrong else None,
            _memory_message(instance, store, limits) if went_wrong else None,
            failure,
            _exit_message(exit_code, log),
        )
        if error is not None:
            return failed(error, tier, exit_code)
        result, error = parse_result(bytes(stdout.data), "stdout")
        if result is None:
            return failed(error or "no result", tier, 0)
        return succeeded(result, tier)

    def _wasi_config(self, job: Invocation, stdout: _Stdout, stderr: StreamLines) -> wasmtime.WasiConfig:
        self._stdin.write_text(json.dumps(job.request))
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["plugin"]
        wasi.env = [list(pair) for pair in job.env]
        wasi.stdin_file = str(self._stdin)
        if job.workspace is not None:
            wasi.preopen_dir(str(job.workspace), WORKSPACE, job.workspace_access == "rw")
        wasi.stdout_custom = stdout.write
        wasi.stderr_custom = stderr.write
        return wasi


def _check_imports(module: wasmtime.Module) -> None:
    for item in module.imports:
        if item.module != WASI:
            raise ModuleRejected(f"module imports {item.module}.{item.name} which the host does not provide")


def _trap_detail(trap: wasmtime.Trap) -> str:
    code = trap.trap_code
    name = code.name.lower().replace("_", " ") if code is not None else "trap"
    first_line = trap.message.strip().splitlines()[0] if trap.message.strip() else name
    return f"{name} ({first_line})"


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


def _exit_message(exit_code: int | None, log: StepLog) -> str | None:
    if not exit_code:
        return None
    last = log.tail[-1] if log.tail else ""
    return f"plugin exited with code {exit_code}" + (f": {last}" if last else "")
