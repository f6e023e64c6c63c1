"""What a plugin may touch (`Permissions`) and how much it may use (`Limits`); deny by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agent.sandbox.origin import parse_origin

__all__ = ["MIB", "Limits", "Permissions", "format_bytes", "format_seconds"]

MIB = 1024 * 1024

WorkspaceAccess = Literal["ro", "rw"]


@dataclass(frozen=True)
class Permissions:
    """The manifest's grants (after admin policy). The default grants nothing.

    `workspace`: None = no file system at all, "ro" = the job workspace at /workspace read-only, "rw" =
    read-write. `env`: the environment keys the plugin may see (only those present on the host are passed).
    `allowed_hosts`: the origins ("https://api.example.com", "http://127.0.0.1:8123") a component may reach
    through the host's `http-fetch` import, compared on scheme, host and port; empty = no network. No plugin
    ever gets sockets of its own.
    """

    workspace: WorkspaceAccess | None = None
    env: frozenset[str] = field(default_factory=frozenset)
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.workspace not in (None, "ro", "rw"):
            raise ValueError(f"workspace permission must be 'ro', 'rw' or None, not {self.workspace!r}")
        object.__setattr__(self, "env", frozenset(self.env))
        object.__setattr__(self, "allowed_hosts", frozenset(self.allowed_hosts))
        for origin in self.allowed_hosts:
            try:
                parse_origin(origin)
            except ValueError as exc:
                raise ValueError(f"allowed_hosts entry {origin!r}: {exc}") from None


@dataclass(frozen=True)
class Limits:
    """Resource limits for one invocation. `deadline_seconds` is wall-clock and holds even while the guest is
    blocked (the worker process is killed); it starts once the module or component is loaded (a first
    compile can take seconds). Fuel and memory are enforced inside wasmtime. `log_lines` caps the log lines
    of one call (stderr, and a component's stdout and `log` calls)."""

    memory_bytes: int = 64 * MIB
    fuel: int = 2_000_000_000
    deadline_seconds: float = 60.0
    stdout_bytes: int = 1 * MIB
    stderr_bytes: int = 1 * MIB
    log_lines: int = 10_000

    def __post_init__(self) -> None:
        for name in ("memory_bytes", "fuel", "stdout_bytes", "stderr_bytes", "log_lines"):
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
