"""The outcome of one sandboxed invocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CacheTier", "SandboxResult"]

# Where the compiled module came from: the worker's memory LRU, the private disk cache, or a fresh compile.
CacheTier = Literal["memory", "disk", "compiled"]


@dataclass(frozen=True)
class SandboxResult:
    """ok: a JSON object in `result` (a wasi-command's stdout after exit code 0, a component's ok value).
    Otherwise `error` says why, naming the permission or limit involved. `exit_code` is a wasi-command's
    WASI exit code when it exited (None when it trapped, was killed or never started, and for components).
    `duration` is wall seconds as seen by the caller, loading included. `cache` is where the compiled code
    came from (None when it never loaded)."""

    ok: bool
    result: dict[str, Any] | None
    error: str | None
    exit_code: int | None
    duration: float
    cache: CacheTier | None = None
