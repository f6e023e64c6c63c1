"""`SandboxRunner`: runs wasi-command modules and components in a pool of warm worker processes with a hard
deadline.

Each invocation borrows one idle worker (or starts one), sends it the call and reads log lines and the
outcome. The wall-clock deadline starts when the worker reports the plugin loaded (a first compile may take
many seconds; `load_timeout` bounds that part). If the outcome has not arrived by the deadline (plus a short
grace for the worker's own epoch interruption to report), the worker is killed: that holds even when the
guest is blocked in WASI sleep or a host call. A killed or dead worker is replaced by a fresh one at once.
"""

from __future__ import annotations

import enum
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.sandbox.cache import private_folder
from agent.sandbox.channel import read_message, write_message
from agent.sandbox.errors import WorkerError
from agent.sandbox.invocation import Abi, Invocation
from agent.sandbox.policy import Limits, Permissions, format_seconds
from agent.sandbox.result import CacheTier, SandboxResult
from agent.sandbox.stop import StopSignal

__all__ = ["RunnerStats", "SandboxRunner"]

STARTUP_TIMEOUT = 30.0
LOAD_TIMEOUT = 300.0  # seconds for a worker to load a plugin (a cold component compile takes 10-20 s)
KILL_GRACE = 0.25  # seconds after the deadline for the in-worker epoch interrupt to report before the kill


class _Stopped(enum.Enum):
    """Why a call ended without a `done` message."""

    DIED = "the worker exited"
    DEADLINE = "killed at the deadline"
    LOAD_TIMEOUT = "killed while loading the plugin"
    STOPPED = "killed on request (StopSignal)"


@dataclass
class RunnerStats:
    invocations: int = 0
    compilations: int = 0
    disk_hits: int = 0
    memory_hits: int = 0
    workers_started: int = 0
    workers_killed: int = 0


class _Worker:
    def __init__(self, cache_dir: Path | None) -> None:
        command = [sys.executable, "-m", "agent.sandbox.worker"]
        if cache_dir is not None:
            command += ["--cache-dir", str(cache_dir)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.inbound = self.process.stdin.fileno()
        self.outbound = self.process.stdout.fileno()
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        readable, _, _ = select.select([self.outbound], [], [], STARTUP_TIMEOUT)
        message = read_message(self.outbound) if readable else None
        if message is None or "ready" not in message:
            self.kill()
            raise WorkerError("sandbox worker did not start (see the agent's stderr)")
        self.ready = True

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class SandboxRunner:
    """Runs wasi-command modules and `arcade:plugin` components with a manifest's permissions and limits.
    Thread-safe; one per agent.

    `cache_dir` is the private compiled-code folder (created with mode 0700; None disables the disk
    tier). `prewarm` workers are started at once and kept ready. `load_timeout` bounds loading (compiling)
    a plugin, which happens before its deadline starts.
    """

    def __init__(
        self, cache_dir: Path | None = None, prewarm: int = 1, load_timeout: float = LOAD_TIMEOUT
    ) -> None:
        self._cache_dir = private_folder(cache_dir) if cache_dir is not None else None
        self._prewarm = prewarm
        self._load_timeout = load_timeout
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.stats = RunnerStats()
        for _ in range(prewarm):
            self._idle.append(self._start_worker())

    def __enter__(self) -> SandboxRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm(self) -> None:
        """Wait until the prewarmed workers are ready (an agent calls this at start-up)."""
        with self._lock:
            idle = list(self._idle)
        for worker in idle:
            worker.wait_ready()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def run_wasi_command(
        self,
        module: Path,
        request: dict[str, Any],
        workspace: Path | None,
        permissions: Permissions,
        limits: Limits,
        env: Mapping[str, str],
        on_log: Callable[[str], None],
        stop: StopSignal | None = None,
    ) -> SandboxResult:
        """Run `module` once: request JSON on stdin, a JSON object on stdout, stderr lines to `on_log`.
        Setting `stop` kills the call at once (the job was cancelled)."""
        return self._run("wasi-command", module, request, workspace, permissions, limits, env, on_log, stop)

    def run_component(
        self,
        component: Path,
        request: dict[str, Any],
        workspace: Path | None,
        permissions: Permissions,
        limits: Limits,
        env: Mapping[str, str],
        on_log: Callable[[str], None],
        stop: StopSignal | None = None,
    ) -> SandboxResult:
        """Run an `arcade:plugin` component once: `run(action, input)` with the request's args, config and
        context; its ok value (a JSON object) is the result, its err the error. `log` calls, stdout and
        stderr lines go to `on_log`; HTTP reaches only `permissions.allowed_hosts`."""
        return self._run("component", component, request, workspace, permissions, limits, env, on_log, stop)

    def _run(
        self,
        abi: Abi,
        path: Path,
        request: dict[str, Any],
        workspace: Path | None,
        permissions: Permissions,
        limits: Limits,
        env: Mapping[str, str],
        on_log: Callable[[str], None],
        stop: StopSignal | None,
    ) -> SandboxResult:
        if permissions.workspace is not None and workspace is None:
            raise ValueError("the plugin is granted a workspace but none was given")
        job = Invocation(
            abi=abi,
            path=Path(path).resolve(),
            request=request,
            workspace=Path(workspace).resolve() if permissions.workspace and workspace else None,
            workspace_access=permissions.workspace,
            env=tuple(sorted((key, env[key]) for key in permissions.env if key in env)),
            allowed_hosts=tuple(sorted(permissions.allowed_hosts)) if abi == "component" else (),
            limits=limits,
        )
        worker = self._acquire()
        began = time.monotonic()
        try:
            done, tier = self._exchange(worker, job.to_message(), limits, on_log, stop)
        except BaseException:
            self._discard(worker)
            raise
        duration = time.monotonic() - began
        if isinstance(done, _Stopped):
            status = worker.process.wait()
            self._discard(worker)
            if done is _Stopped.DEADLINE:
                error = f"deadline of {format_seconds(limits.deadline_seconds)} exceeded (killed)"
            elif done is _Stopped.STOPPED:
                error = "stopped: the job was cancelled (killed)"
            elif done is _Stopped.LOAD_TIMEOUT:
                error = f"loading the plugin took longer than {format_seconds(self._load_timeout)} (killed)"
            else:
                error = f"sandbox worker died unexpectedly (exit status {status})"
            return SandboxResult(False, None, error, None, duration, tier)
        self._release(worker)
        self._count(done.get("cache"))
        return SandboxResult(
            ok=bool(done["ok"]),
            result=done.get("result"),
            error=done.get("error"),
            exit_code=done.get("exit_code"),
            duration=duration,
            cache=done.get("cache"),
        )

    def _exchange(
        self,
        worker: _Worker,
        call: dict[str, Any],
        limits: Limits,
        on_log: Callable[[str], None],
        stop: StopSignal | None,
    ) -> tuple[dict[str, Any] | _Stopped, CacheTier | None]:
        """Send the call and read until `done`, with the cache tier once known. Until the worker reports the
        plugin loaded, the load timeout applies; from then on, the deadline (plus `KILL_GRACE`)."""
        try:
            write_message(worker.inbound, call)
        except BrokenPipeError:
            return _Stopped.DIED, None
        tier: CacheTier | None = None
        kill_at = time.monotonic() + self._load_timeout
        reason = _Stopped.LOAD_TIMEOUT
        watched: list[Any] = [worker.outbound] if stop is None else [worker.outbound, stop]
        while True:
            remaining = kill_at - time.monotonic()
            readable = select.select(watched, [], [], max(remaining, 0))[0] if remaining > 0 else []
            if stop is not None and stop.is_set():
                worker.kill()
                return _Stopped.STOPPED, tier
            if not readable:
                worker.kill()
                return reason, tier
            message = read_message(worker.outbound)
            if message is None:
                return _Stopped.DIED, tier
            if "log" in message:
                on_log(str(message["log"]))
            elif "started" in message:
                tier = message["started"]
                kill_at = time.monotonic() + limits.deadline_seconds + KILL_GRACE
                reason = _Stopped.DEADLINE
            elif "done" in message:
                return dict(message["done"]), tier
            else:
                raise WorkerError(f"unexpected worker message: {sorted(message)}")

    def _start_worker(self) -> _Worker:
        self.stats.workers_started += 1
        return _Worker(self._cache_dir)

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise WorkerError("the sandbox runner is closed")
            worker = self._idle.pop() if self._idle else None
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                worker.kill()
            worker = self._start_worker()
        worker.wait_ready()
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self.stats.workers_killed += 1
            if self._closed or len(self._idle) >= self._prewarm:
                return
            self._idle.append(self._start_worker())  # warm replacement, starts in the background

    def _count(self, tier: str | None) -> None:
        with self._lock:
            self.stats.invocations += 1
            if tier == "compiled":
                self.stats.compilations += 1
            elif tier == "disk":
                self.stats.disk_hits += 1
            elif tier == "memory":
                self.stats.memory_hits += 1
