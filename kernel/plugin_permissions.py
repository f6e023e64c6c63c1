"""What a plugin update would grant beyond what an admin approved (DESIGN §5: new permissions need approval).

`new_permissions(approved, proposed)` compares two manifest `permissions` objects (the SDK's schema:
`fs.workspace`, `network.allowed_hosts`, `env`, `secrets`, `limits.{memory_mb, fuel, timeout}`) and lists
every grant `proposed` adds, one readable line each, e.g. `network.allowed_hosts + https://x.example` or
`limits.memory_mb 64 -> 128`. Narrower permissions need no approval. A limit left out means the agent's
default (`AGENT_DEFAULT_LIMITS`), so setting a limit below it, e.g. `timeout: 5s`, needs no approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["AGENT_DEFAULT_LIMITS", "FS_MODES", "new_permissions"]

FS_MODES = ("none", "ro", "rw")  # ordered: each grants more than the one before
LIMITS = ("memory_mb", "fuel", "timeout")
# What an agent applies when a manifest leaves a limit out (agent.sandbox.policy.Limits and
# agent.plugins.invoke.DEFAULT_PLUGIN_TIMEOUT; tests/kernel/test_plugin_permissions.py keeps them equal).
AGENT_DEFAULT_LIMITS: dict[str, float] = {"memory_mb": 64.0, "fuel": 2_000_000_000.0, "timeout": 600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def new_permissions(approved: Mapping[str, Any] | None, proposed: Mapping[str, Any] | None) -> list[str]:
    """Every grant in `proposed` that `approved` does not cover, in a stable order ([] when none)."""
    old, new = dict(approved or {}), dict(proposed or {})
    return [*_fs(old, new), *_listed(old, new), *_limits(old, new)]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fs(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    before = _dict(old.get("fs")).get("workspace", "none")
    after = _dict(new.get("fs")).get("workspace", "none")
    if _fs_rank(after) > _fs_rank(before):
        yield f"fs.workspace {before} -> {after}"


def _fs_rank(mode: Any) -> int:
    return FS_MODES.index(mode) if mode in FS_MODES else len(FS_MODES)  # unknown: treat as the most


def _listed(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for field, before, after in (
        (
            "network.allowed_hosts",
            _dict(old.get("network")).get("allowed_hosts"),
            _dict(new.get("network")).get("allowed_hosts"),
        ),
        ("env", old.get("env"), new.get("env")),
        ("secrets", old.get("secrets"), new.get("secrets")),
    ):
        granted = {str(item) for item in before or ()}
        for item in after or ():
            if str(item) not in granted:
                yield f"{field} + {item}"


def _limits(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    before, after = _dict(old.get("limits")), _dict(new.get("limits"))
    for name in LIMITS:
        was, becomes = before.get(name), after.get(name)
        if was == becomes:
            continue
        default = AGENT_DEFAULT_LIMITS[name]
        if _number(becomes, default) > _number(was, default):
            yield f"limits.{name} {_shown(was)} -> {_shown(becomes)}"


def _shown(value: Any) -> str:
    return "default" if value is None else str(value)


def _number(value: Any, default: float) -> float:
    """A limit as a number (a timeout such as "1h30m" in seconds); `default` when it is left out."""
    if value is None:
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        parts = _DURATION_PART.findall(value)
        if parts and "".join(n + u for n, u in parts) == value:
            return sum(float(n) * _UNITS[u] for n, u in parts)
    return float("inf")  # unreadable: never assume it is lower
