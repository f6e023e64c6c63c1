"""Run untrusted step plugins in wasmtime with the manifest's permissions and limits: wasi-command modules
and `arcade:plugin` components (Python plugins built by componentize-py).

Public surface: `SandboxRunner.run_wasi_command(...)` and `SandboxRunner.run_component(...)`, both
`-> SandboxResult`, the `Permissions` and `Limits` they take, and the `SandboxError` tree. Internals:
`runner` (worker pool, deadlines), `worker` (the process), `guest` (one call inside a worker, dispatched to
`guest_wasi` or `guest_component`), `guest_log` and `outcome` (log caps and error wording they share),
`http_host` and `origin` (the `http-fetch` import and its allow-list), `denials` (file-system refusals),
`cache` (compiled code: memory LRU + private `.cwasm` folder), `engine` (config and fingerprint), `stop`
(cancelling a call that is under way).
"""

from __future__ import annotations

from agent.sandbox.errors import CacheError, ModuleRejected, SandboxError, WorkerError
from agent.sandbox.policy import MIB, Limits, Permissions
from agent.sandbox.result import SandboxResult
from agent.sandbox.runner import RunnerStats, SandboxRunner
from agent.sandbox.stop import StopSignal

__all__ = [
    "MIB",
    "CacheError",
    "Limits",
    "ModuleRejected",
    "Permissions",
    "RunnerStats",
    "SandboxError",
    "SandboxResult",
    "SandboxRunner",
    "StopSignal",
    "WorkerError",
]
