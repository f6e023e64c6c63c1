"""The sandbox's exception tree; every error the sandbox raises on purpose derives from `SandboxError`.

SandboxError
├── ModuleRejected      the file is not a runnable wasi-command module (not wasm, bad import, bad header)
├── CacheError          the compiled-module cache folder is unsafe to use (not private to this user)
└── WorkerError         a sandbox worker process could not be started or spoke out of turn

Guest failures (denied permissions, exceeded limits, non-zero exit, bad result JSON) are not raised: they come
back as a failed `SandboxResult` whose `error` names the permission or limit, so one step fails and the
runner keeps serving.
"""

from __future__ import annotations

__all__ = ["CacheError", "ModuleRejected", "SandboxError", "WorkerError"]


class SandboxError(Exception):
    """Root of every error the sandbox raises on purpose."""


class ModuleRejected(SandboxError):
    """The module cannot run as a wasi-command: not WebAssembly, truncated, or importing what we lack."""


class CacheError(SandboxError):
    """The compiled-module cache folder is not private to this user, so its artifacts cannot be trusted."""


class WorkerError(SandboxError):
    """A sandbox worker process could not be started or broke the worker protocol."""
