"""Reads a job's `agent_selector` (Kubernetes-style label selector) into a `Selector`."""

from __future__ import annotations

import re
from typing import Any, get_args

from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.model import Operator, Selector, SelectorRequirement, parse_number
from kernel.dsl.yamlpos import Path

LABEL_KEY = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?")
OPERATORS: tuple[str, ...] = get_args(Operator)

_SELECTOR_KEYS = ("match_labels", "match_expressions")
_REQUIREMENT_KEYS = ("key", "operator", "values")


def read_selector(fields: FieldReader, path: Path, value: Any) -> Selector:
    selector = fields.mapping(path, value, "an agent selector", _SELECTOR_KEYS)
    if selector is None:
        return Selector()
    labels: dict[str, str] = {}
    if "match_labels" in selector:
        labels = fields.string_map(
            (*path, "match_labels"), selector["match_labels"], _label_key_problem, "labels"
        )
    requirements: list[SelectorRequirement] = []
    if "match_expressions" in selector:
        items_path = (*path, "match_expressions")
        items = fields.items(items_path, selector["match_expressions"], "expression", non_empty=False)
        for index, item in enumerate(items):
            requirement = _read_requirement(fields, (*items_path, index), item)
            if requirement is not None:
                requirements.append(requirement)
    return Selector(match_labels=labels, match_expressions=tuple(requirements))


def _read_requirement(fields: FieldReader, path: Path, value: Any) -> SelectorRequirement | None:
    item = fields.mapping(
        path,
        value,
        "an expression with key, operator and values",
        _REQUIREMENT_KEYS,
        required=("key", "operator"),
    )
    if item is None:
        return None
    key = None
    if "key" in item:
        key = fields.string((*path, "key"), item["key"])
        problem = _label_key_problem(key) if key is not None else None
        if problem:
            fields.error((*path, "key"), problem)
            key = None
    operator = None
    if "operator" in item:
        operator = fields.choice((*path, "operator"), item["operator"], OPERATORS)
    values = _read_values(fields, (*path, "values"), item)
    if (
        values is None
        or operator is None
        or not _values_fit(fields, path, operator, values, "values" in item)
    ):
        return None
    return SelectorRequirement(key=key, operator=operator, values=values) if key is not None else None


def _read_values(fields: FieldReader, path: Path, item: dict) -> tuple[str, ...] | None:
    if "values" not in item:
        return ()
    raw = item["values"]
    if not isinstance(raw, list):
        fields.error(path, f"expected a list of values, got {describe(raw)}")
        return None
    texts = [fields.scalar_text((*path, index), value) for index, value in enumerate(raw)]
    return tuple(text for text in texts if text is not None) if None not in texts else None


def _values_fit(
    fields: FieldReader, path: Path, operator: str, values: tuple[str, ...], written: bool
) -> bool:
    where = (*path, "values")
    if operator in ("In", "NotIn") and not values:
        fields.error(where if written else path, f"operator {operator} needs at least one value")
        return False
    if operator in ("Exists", "NotExists") and values:
        fields.error(where, f"operator {operator} takes no values, got {len(values)}")
        return False
    if operator in ("Gt", "Lt"):
        if len(values) != 1:
            fields.error(where, f"operator {operator} needs exactly one value, got {len(values)}")
            return False
        if parse_number(values[0]) is None:
            fields.error((*where, 0), f"operator {operator} needs a number, got {values[0]!r}")
            return False
    return True


def _label_key_problem(key: str) -> str | None:
    if LABEL_KEY.fullmatch(key):
        return None
    return (
        f"invalid label key {key!r}: use letters, digits, '.', '_', '-' and '/', "
        "starting and ending with a letter or digit"
    )
