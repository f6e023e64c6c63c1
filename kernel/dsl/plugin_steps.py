"""Plugin steps: `uses: ns/name@range` with `action` and `args` instead of `run`.

`args` is a mapping whose values may nest (mappings, lists, strings, numbers, booleans, null): it reaches the
plugin as a JSON object. String values may hold `${{ }}` expressions like `run` does. Whether the action
exists and the args fit its schema is checked on the agent, which has the plugin's manifest.
"""

from __future__ import annotations

import math
import re
from typing import Any

from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.yamlpos import Path
from plugin_sdk.refs import parse_plugin_ref

__all__ = ["MAX_ARGS_DEPTH", "read_action", "read_args", "read_uses"]

ACTION = re.compile(r"[a-z][a-z0-9_-]{0,62}")  # the manifest schema's action names
MAX_ARGS_DEPTH = 32


def read_uses(fields: FieldReader, path: Path, value: Any) -> str | None:
    """The plugin reference, normalised (`ns/name` or `ns/name@range`)."""
    text = fields.string(path, value)
    if text is None:
        return None
    try:
        return str(parse_plugin_ref(text))
    except ValueError as exc:
        fields.error(path, str(exc))
        return None


def read_action(fields: FieldReader, path: Path, value: Any) -> str | None:
    text = fields.string(path, value)
    if text is None:
        return None
    if not ACTION.fullmatch(text):
        fields.error(
            path,
            f"invalid action name {text!r}: "
            "use lowercase letters, digits, '_' and '-', starting with a letter",
        )
        return None
    return text


def read_args(fields: FieldReader, path: Path, value: Any) -> dict[str, Any]:
    """The `args` mapping as JSON-compatible data; reports each value JSON cannot carry."""
    if not isinstance(value, dict):
        fields.error(path, f"expected a mapping of argument names to values, got {describe(value)}")
        return {}
    return _json_value(fields, path, value, 0)


def _json_value(fields: FieldReader, path: Path, value: Any, depth: int) -> Any:
    if depth > MAX_ARGS_DEPTH:
        fields.error(path, f"args nest deeper than {MAX_ARGS_DEPTH} levels")
        return None
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                fields.error_in(path, key, f"argument names must be strings, got {describe(key)}")
                continue
            result[key] = _json_value(fields, (*path, key), item, depth + 1)
        return result
    if isinstance(value, list):
        return [_json_value(fields, (*path, index), item, depth + 1) for index, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        fields.error(path, f"expected a finite number, got {value}")
        return None
    if value is None or isinstance(value, str | bool | int | float):
        return value
    fields.error(
        path, f"expected a string, number, boolean, null, list or mapping, got {describe(value)} (quote it)"
    )
    return None
