"""Reading request bodies and query parameters with errors that name the field and what was expected."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from kernel.errors import InvalidInput


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"request body: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    if not isinstance(body, dict):
        raise InvalidInput("request body: expected a JSON object")
    return body


def field(body: dict[str, Any], name: str, kind: type, default: Any = None, required: bool = False) -> Any:
    if name not in body or body[name] is None:
        if required:
            raise InvalidInput(f"request body: field '{name}' is required")
        return default
    value = body[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(
            f"request body: field '{name}' must be {kind.__name__}, got {type(value).__name__}"
        )
    return value


def string_map(body: dict[str, Any], name: str) -> dict[str, str]:
    value = field(body, name, dict, default={})
    for key, item in value.items():
        if not isinstance(item, str | int | float | bool):
            raise InvalidInput(f"request body: '{name}.{key}' must be a string")
    return {key: str(item).lower() if isinstance(item, bool) else str(item) for key, item in value.items()}


def int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"query parameter '{name}': expected an integer, got '{raw}'") from None


def bool_param(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise InvalidInput(f"query parameter '{name}': expected true or false, got '{raw}'")
