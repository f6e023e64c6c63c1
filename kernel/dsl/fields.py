"""Typed reads from a positioned YAML document; each problem becomes a SpecError at the offending node.

Each read returns a usable fallback after reporting, so one pass finds as many problems as possible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from kernel.dsl.durations import parse_duration
from kernel.dsl.errors import Reporter
from kernel.dsl.yamlpos import Document, Path, format_path

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_NAME_LENGTH = 200


def describe(value: object) -> str:
    """How a found value is named in messages: "a list", "null", "'abc'", "42", "true"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else str(value)


class FieldReader:
    """Reads values out of `doc` by path, reporting type and shape errors to `report`."""

    def __init__(self, doc: Document, report: Reporter) -> None:
        self.doc = doc
        self.report = report

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        """Report `message` at the value (or the key) at `path`, prefixed with the path."""
        line, column = self.doc.key_at(path) if at_key else self.doc.value_at(path)
        where = format_path(path)
        self.report.add(line, column, f"{where}: {message}" if where else message)

    def error_in(self, path: Path, key: str, message: str) -> None:
        """Report at key `key` of the mapping at `path`, prefixed with the mapping's path."""
        line, column = self.doc.key_at((*path, key))
        where = format_path(path)
        self.report.add(line, column, f"{where}: {message}" if where else message)

    def mapping(
        self, path: Path, value: Any, what: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict | None:
        """Check `value` is a mapping with only `allowed` keys and all `required` ones; None if it is not."""
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping ({what}), got {describe(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.error_in(path, key, f"unknown key '{key}' (expected one of: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                self.error(path, f"missing required key '{key}'")
        return value

    def items(self, path: Path, value: Any, singular: str, *, non_empty: bool = True) -> list[Any]:
        """Check `value` is a list (of `singular`s); returns it, or [] after reporting."""
        if not isinstance(value, list):
            self.error(path, f"expected a list of {singular}s, got {describe(value)}")
            return []
        if non_empty and not value:
            self.error(path, f"expected at least one {singular}, got an empty list")
        return value

    def string(self, path: Path, value: Any) -> str | None:
        if not isinstance(value, str):
            spelled = self.doc.source.get(path, value)
            hint = f' (quote it: "{spelled}")' if isinstance(value, int | float) else ""
            self.error(path, f"expected a string, got {describe(value)}{hint}")
            return None
        if not value.strip():
            self.error(path, "must not be empty")
            return None
        return value

    def name(self, path: Path, value: Any, kind: str, pattern: re.Pattern[str] | None) -> str | None:
        """A `kind` name (pipeline, stage, job or step): a string of at most MAX_NAME_LENGTH characters."""
        text = self.string(path, value)
        if text is None:
            return None
        if len(text) > MAX_NAME_LENGTH:
            self.error(path, f"{kind} name is {len(text)} characters long; the limit is {MAX_NAME_LENGTH}")
            return None
        if pattern is not None and not pattern.fullmatch(text):
            self.error(
                path,
                f"invalid {kind} name {text!r}: use letters, digits, '_', '.' and '-', "
                "starting with a letter, digit or '_'",
            )
            return None
        return text

    def boolean(self, path: Path, value: Any) -> bool:
        if not isinstance(value, bool):
            self.error(path, f"expected true or false, got {describe(value)}")
            return False
        return value

    def choice(self, path: Path, value: Any, choices: Sequence[str]) -> str | None:
        if value not in choices:
            self.error(path, f"expected {_one_of(choices)}, got {describe(value)}")
            return None
        return value

    def scalar_text(self, path: Path, value: Any) -> str | None:
        """A scalar as text: booleans become "true"/"false"; numbers keep their spelling ("3.10" stays)."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None or isinstance(value, dict | list):
            self.error(path, f"expected a string, number or boolean, got {describe(value)}")
            return None
        return self.doc.source.get(path, str(value))

    def string_map(
        self, path: Path, value: Any, check_key: Callable[[str], str | None], what: str
    ) -> dict[str, str]:
        """A mapping of `what` to scalar values; `check_key` returns a problem with a key, or None."""
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping of {what} to values, got {describe(value)}")
            return {}
        result: dict[str, str] = {}
        for key, item in value.items():
            problem = check_key(key)
            if problem:
                self.error_in(path, key, problem)
                continue
            text = self.scalar_text((*path, key), item)
            if text is not None:
                result[key] = text
        return result

    def env(self, path: Path, value: Any) -> dict[str, str]:
        """An `env` or `variables` mapping: keys are environment variable names."""
        return self.string_map(path, value, _env_key_problem, "variable names")

    def duration(self, path: Path, value: Any) -> float | None:
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return None


def _env_key_problem(key: str) -> str | None:
    if ENV_NAME.fullmatch(key):
        return None
    return f"invalid variable name {key!r}: use letters, digits and '_', not starting with a digit"


def _one_of(choices: Sequence[str]) -> str:
    quoted = [f"'{choice}'" for choice in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
