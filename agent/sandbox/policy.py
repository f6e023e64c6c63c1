"""What a plugin may touch (`Permissions`) and how much it may use (`Limits`); deny by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["MIB", "Limits", "Permissions", "format_bytes", "format_seconds"]

MIB = 1024 * 1024

WorkspaceAccess = Literal["ro", "rw"]


@dataclass(frozen=True)
class Permissions:
    """The manifest's grants (after admin policy). The default grants nothing.

    `workspace`: None = no file system at all, "ro" = the job workspace at /workspace read-only, "rw" =
    read-write. `env`: the environment keys the plugin may see (only those present on the host are passed).
    There is no network permission here: wasi-command modules get no sockets at all.
    """

    workspace: WorkspaceAccess | None = None
    env: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.workspace not in (None, "ro", "rw"):
            raise ValueError(f"workspace permission must be 'ro', 'rw' or None, not {self.workspace!r}")
        object.__setattr__(self, "env", frozenset(self.env))


@dataclass(frozen=True)
class Limits:
    """Resource limits for one invocation. `deadline_seconds` is wall-clock and holds even while the guest is
    blocked (the worker process is killed); fuel and memory are enforced inside wasmtime."""

    memory_bytes: int = 64 * MIB
    fuel: int = 2_000_000_000
    deadline_seconds: float = 60.0
    stdout_bytes: int = 1 * MIB
    stderr_bytes: int = 1 * MIB

    def __post_init__(self) -> None:
        for name in ("memory_bytes", "fuel", "stdout_bytes", "stderr_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.deadline_seconds <= 0:
            raise ValueError("deadline_seconds must be positive")


def format_bytes(size: int) -> str:
    """1048576 -> '1 MiB', 1536 -> '1.5 KiB', 100 -> '100 bytes'."""
    for unit, scale in (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def format_seconds(seconds: float) -> str:
    """1.0 -> '1s', 0.25 -> '0.25s'."""
    return f"{seconds:g}s"
