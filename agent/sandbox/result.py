"""The outcome of one sandboxed invocation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CacheTier", "SandboxResult"]

# Where the compiled module came from: the worker's memory LRU, the private disk cache, or a fresh compile.
CacheTier = Literal["memory", "disk", "compiled"]


@dataclass(frozen=True)
class SandboxResult:
    """ok: exit code 0 and a JSON object on stdout (in `result`). Otherwise `error` says why, naming the
    permission or limit involved. `exit_code` is the guest's WASI exit code when it exited (None when it
    trapped, was killed or never started). `duration` is wall seconds as seen by the caller."""

    ok: bool
    result: dict[str, Any] | None
    error: str | None
    exit_code: int | None
    duration: float
    cache: CacheTier | None = None
