"""The wording of step and job outcomes, in one place so the kernel's users see consistent messages."""

from __future__ import annotations

from agent.process import describe_returncode

__all__ = [
    "format_duration",
    "job_timed_out",
    "step_failed",
    "step_timed_out",
    "stopped",
]

_UNITS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1))


def format_duration(seconds: float) -> str:
    """Human duration in the DSL's own notation: 90 -> "1m30s", 2 -> "2s", 0.5 -> "500ms", 3600 -> "1h"."""
    millis = round(seconds * 1000)
    if millis <= 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def step_timed_out(step_name: str, limit_seconds: float) -> str:
    return f"step '{step_name}' timed out after {format_duration(limit_seconds)} (step timeout)"


def job_timed_out(job_name: str, limit_seconds: float) -> str:
    return f"job '{job_name}' timed out after {format_duration(limit_seconds)} (job timeout)"


def step_failed(step_name: str, returncode: int) -> str:
    return f"step '{step_name}' failed: {describe_returncode(returncode)}"


def stopped(reason: str, status_word: str) -> str:
    """The SYSTEM log line when a cancel request stops a step."""
    return f"{status_word}: {reason}"
