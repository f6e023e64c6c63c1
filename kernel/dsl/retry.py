"""The job key `retry: {max_attempts: N, delay: DURATION}`: how often a job that failed is tried again."""

from __future__ import annotations

from typing import Any

from kernel.dsl.durations import parse_duration
from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.model import RetrySpec
from kernel.dsl.yamlpos import Path

RETRY_KEYS = ("max_attempts", "delay")
MAX_ATTEMPTS_LIMIT = 10


def read_retry(fields: FieldReader, path: Path, value: Any) -> RetrySpec:
    """The retry policy at `path`; the default (one attempt, no retry) after reporting a problem."""
    retry = fields.mapping(path, value, "a retry policy", RETRY_KEYS, required=("max_attempts",))
    if retry is None:
        return RetrySpec()
    max_attempts = 1
    if "max_attempts" in retry:
        max_attempts = _max_attempts(fields, (*path, "max_attempts"), retry["max_attempts"])
    delay = _delay(fields, (*path, "delay"), retry["delay"]) if "delay" in retry else 0.0
    return RetrySpec(max_attempts=max_attempts, delay=delay)


def _max_attempts(fields: FieldReader, path: Path, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ATTEMPTS_LIMIT:
        fields.error(
            path,
            f"expected a whole number of attempts from 1 to {MAX_ATTEMPTS_LIMIT} "
            f"(1 means no retry), got {describe(value)}",
        )
        return 1
    return value


def _delay(fields: FieldReader, path: Path, value: Any) -> float:
    """The wait before the next attempt: a duration, or 0 for none."""
    if not isinstance(value, bool) and isinstance(value, int | float) and value == 0:
        return 0.0
    try:
        return parse_duration(value)
    except ValueError as exc:
        fields.error(path, f"{exc} (or 0 for no delay)")
        return 0.0
