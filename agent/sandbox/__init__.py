"""Run untrusted step plugins in wasmtime: wasi-command modules with the manifest's permissions and limits.

Public surface: `SandboxRunner.run_wasi_command(...) -> SandboxResult`, the `Permissions` and `Limits` it
takes, and the `SandboxError` tree. Internals: `guest` (one call inside a worker), `worker` (the process),
`cache` (compiled modules: memory LRU + private `.cwasm` folder), `engine` (config and fingerprint).
"""

from __future__ import annotations

from agent.sandbox.errors import CacheError, ModuleRejected, SandboxError, WorkerError
from agent.sandbox.policy import MIB, Limits, Permissions
from agent.sandbox.result import SandboxResult
from agent.sandbox.runner import RunnerStats, SandboxRunner

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
    "WorkerError",
]
