"""Durations as written in `arcade.yaml`: "90s", "15m", "1h30m", "500ms", "2d" or a number of seconds."""

from __future__ import annotations

import math
import re

_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_SHAPE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+")
_ORDER = ("d", "h", "m", "s", "ms")


def _expected(value: object) -> ValueError:
    shown = str(value).lower() if isinstance(value, bool) or value is None else repr(value)
    return ValueError(f"expected a duration such as 90s, 15m, 1h or a number of seconds, got {shown}")


def parse_duration(value: object) -> float:
    """Return `value` in seconds; raise ValueError naming what was expected and what was found.

    Numbers are seconds. Strings are one or more `<number><unit>` parts with units d, h, m, s and ms, largest
    first and each at most once ("1h30m", "1.5h", "500ms").
    """
    if isinstance(value, bool):
        raise _expected(value)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _SHAPE.fullmatch(text):
            raise _expected(value)
        parts = _PART.findall(text)
        ranks = [_ORDER.index(unit) for _, unit in parts]
        if ranks != sorted(set(ranks)):
            raise ValueError(
                f"duration {value!r} repeats a unit or lists units out of order (e.g. write 1h30m)"
            )
        seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    else:
        raise _expected(value)
    if not math.isfinite(seconds):
        raise _expected(value)
    if seconds <= 0:
        raise ValueError(f"a duration must be longer than zero, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Format seconds the way `parse_duration` reads them: 90 -> "1m30s", 3600 -> "1h", 0.5 -> "500ms"."""
    millis = round(seconds * 1000)
    if millis <= 0:
        return "0s"
    parts = []
    for unit in _ORDER:
        size = round(_UNITS[unit] * 1000)
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
