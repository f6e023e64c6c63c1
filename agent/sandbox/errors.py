"""The sandbox's exception tree; every error the sandbox raises on purpose derives from `SandboxError`.

SandboxError
├── ModuleRejected      the file is not a runnable module or component (not wasm, wrong kind, bad import)
├── CacheError          the compiled-code cache folder is unsafe to use (not private to this user)
├── WorkerError         a sandbox worker process could not be started or spoke out of turn
└── FetchFailed         (`http_host`, in workers) an `http-fetch` refused or failed: the guest's err result

Guest failures (denied permissions, exceeded limits, non-zero exit, an err result, bad result JSON) are not
raised: they come back as a failed `SandboxResult` whose `error` names the permission or limit, so one step
fails and the runner keeps serving.
"""

from __future__ import annotations

__all__ = ["CacheError", "ModuleRejected", "SandboxError", "WorkerError"]


class SandboxError(Exception):
    """Root of every error the sandbox raises on purpose."""


class ModuleRejected(SandboxError):
    """The file cannot run with its abi: not WebAssembly, the wrong kind (module or component), truncated,
    or importing what the host lacks."""


class CacheError(SandboxError):
    """The compiled-module cache folder is not private to this user, so its artifacts cannot be trusted."""


class WorkerError(SandboxError):
    """A sandbox worker process could not be started or broke the worker protocol."""
