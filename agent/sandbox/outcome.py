"""How one call ended, as the worker's `done` payload: the error that names the limit or permission involved,
or the result object. Shared by the wasi-command and component paths."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import wasmtime

from agent.sandbox.policy import Limits, format_bytes, format_seconds

__all__ = [
    "Done",
    "TrapKind",
    "describe_trap",
    "failed",
    "first",
    "instantiate_message",
    "is_limit_message",
    "parse_result",
    "succeeded",
    "trap_kind_of_code",
    "trap_of_error",
]

Done = dict[str, Any]
# The traps that mean a limit was reached; anything else is the guest's own fault.
TrapKind = Literal["fuel", "interrupt", "stack"] | None

_TRAP_TEXT = re.compile(r"wasm trap: (.+)")
_TRAP_KINDS: dict[str, TrapKind] = {
    "all fuel consumed": "fuel",
    "interrupt": "interrupt",
    "call stack exhausted": "stack",
}
_LIMIT_PREFIXES = ("out of fuel", "deadline of", "stack overflow")


def succeeded(result: dict[str, Any], tier: str | None, exit_code: int | None = 0) -> Done:
    return {"ok": True, "result": result, "error": None, "exit_code": exit_code, "cache": tier}


def failed(error: str, tier: str | None = None, exit_code: int | None = None) -> Done:
    return {"ok": False, "result": None, "error": error, "exit_code": exit_code, "cache": tier}


def first(*messages: str | None) -> str | None:
    """The first message that is set: callers list explanations from the most to the least specific."""
    return next((message for message in messages if message), None)


def is_limit_message(message: str | None) -> bool:
    """Whether `message` (from `describe_trap`) says a fuel, deadline or stack limit stopped the guest."""
    return bool(message and message.startswith(_LIMIT_PREFIXES))


def trap_kind_of_code(code: wasmtime.TrapCode | None) -> TrapKind:
    if code == wasmtime.TrapCode.OUT_OF_FUEL:
        return "fuel"
    if code == wasmtime.TrapCode.INTERRUPT:
        return "interrupt"
    if code == wasmtime.TrapCode.STACK_OVERFLOW:
        return "stack"
    return None


def trap_of_error(message: str) -> tuple[TrapKind, str]:
    """A component call's error (wasmtime-py gives no trap code there): its kind and a one-line detail."""
    found = _TRAP_TEXT.search(message)
    if found is None:
        lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
        return None, lines[-1] if lines else "unknown error"
    detail = found[1].strip()
    kind = next((kind for text, kind in _TRAP_KINDS.items() if detail.startswith(text)), None)
    return kind, detail


def describe_trap(kind: TrapKind, detail: str, limits: Limits, deadline_hit: bool) -> str:
    if kind == "fuel":
        return f"out of fuel (limit of {limits.fuel:,} units)"
    if kind == "interrupt" and deadline_hit:
        return f"deadline of {format_seconds(limits.deadline_seconds)} exceeded (interrupted)"
    if kind == "stack":
        return "stack overflow (the wasm stack limit was reached)"
    return f"plugin trapped: {detail}"


def instantiate_message(message: str, limits: Limits) -> str:
    """Why instantiation failed: a missing import, or memory the guest needs from the start."""
    found = re.search(r"unknown import: `([^`]+)::([^`]+)`", message)
    if found:
        return f"module imports {found[1]}.{found[2]} which the host does not provide"
    found = re.search(r"component imports (?:instance|function|resource) `([^`]+)`, but a matching", message)
    if found:
        return f"component imports {found[1]} which the host does not provide (or with another type)"
    if "memory" in message and ("limit" in message or "exceed" in message):
        return f"memory limit of {format_bytes(limits.memory_bytes)} exceeded (at instantiation)"
    kind, detail = trap_of_error(message)
    if kind == "fuel":
        return describe_trap(kind, detail, limits, deadline_hit=False)
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return f"plugin failed: {first_line}"


def parse_result(data: bytes, source: str) -> tuple[dict[str, Any] | None, str | None]:
    """The result object in `data` (the plugin's `source`: "stdout" or "result"), or why it is not one."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        shown = data[:80].decode("utf-8", "replace")
        return None, f"the plugin's {source} is not valid JSON ({exc}): {shown!r}"
    if not isinstance(value, dict):
        return None, f"the plugin's result must be a JSON object, got {type(value).__name__}"
    return value, None
