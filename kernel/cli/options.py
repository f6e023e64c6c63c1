"""Parsing option values that the command line cannot type itself."""

from __future__ import annotations

import json
from typing import Any

from kernel.cli.errors import EXIT_USAGE, CliError

__all__ = ["json_object"]


def json_object(text: str, option: str) -> dict[str, Any]:
    """The JSON object `text` given as `option` (e.g. --args), or exit 2 naming the option and the problem."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CliError(f"{option}: not valid JSON: {exc}", EXIT_USAGE) from exc
    if not isinstance(value, dict):
        raise CliError(f"{option}: expected a JSON object, got {type(value).__name__}: {text}", EXIT_USAGE)
    return value
