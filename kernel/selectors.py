"""Agent selectors: Kubernetes-style label matching, a JSON-safe form for storage, and a one-line description.

Pure functions over `kernel.dsl.model.Selector`; no YAML here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from kernel.dsl.model import Operator, Selector, SelectorRequirement, parse_number

OPERATORS: tuple[str, ...] = get_args(Operator)


def matches(selector: Selector, labels: Mapping[str, str]) -> bool:
    """Whether an agent with `labels` satisfies all of `selector` (an empty selector matches any agent)."""
    if any(labels.get(key) != value for key, value in selector.match_labels.items()):
        return False
    return all(_requirement_matches(requirement, labels) for requirement in selector.match_expressions)


def _requirement_matches(requirement: SelectorRequirement, labels: Mapping[str, str]) -> bool:
    present = requirement.key in labels
    value = labels.get(requirement.key)
    match requirement.operator:
        case "In":
            return present and value in requirement.values
        case "NotIn":
            return not present or value not in requirement.values
        case "Exists":
            return present
        case "NotExists":
            return not present
        case "Gt" | "Lt":
            found = parse_number(value) if value is not None else None
            wanted = parse_number(requirement.values[0]) if requirement.values else None
            if found is None or wanted is None:
                return False
            return found > wanted if requirement.operator == "Gt" else found < wanted
    raise ValueError(f"unknown selector operator {requirement.operator!r}")


def selector_to_dict(selector: Selector) -> dict[str, Any]:
    """A JSON-safe dict for storing `selector`; `selector_from_dict` reads it back."""
    return {
        "match_labels": dict(selector.match_labels),
        "match_expressions": [
            {"key": req.key, "operator": req.operator, "values": list(req.values)}
            for req in selector.match_expressions
        ],
    }


def selector_from_dict(data: Mapping[str, Any]) -> Selector:
    """The selector stored by `selector_to_dict`; raises ValueError for an unknown operator."""
    requirements = []
    for item in data.get("match_expressions", ()):
        operator = item["operator"]
        if operator not in OPERATORS:
            expected = ", ".join(OPERATORS)
            raise ValueError(f"unknown selector operator {operator!r} (expected one of: {expected})")
        values = tuple(str(value) for value in item.get("values", ()))
        requirements.append(SelectorRequirement(key=str(item["key"]), operator=operator, values=values))
    labels = {str(key): str(value) for key, value in data.get("match_labels", {}).items()}
    return Selector(match_labels=labels, match_expressions=tuple(requirements))


_SYMBOLS = {"Gt": ">", "Lt": "<"}


def describe(selector: Selector) -> str:
    """One line for messages: "os=linux, cpu-cores>8, arch in (amd64,arm64)"; "any agent" when empty."""
    parts = [f"{key}={value}" for key, value in selector.match_labels.items()]
    for requirement in selector.match_expressions:
        key, operator, values = requirement.key, requirement.operator, requirement.values
        if operator in ("In", "NotIn"):
            parts.append(f"{key} {'in' if operator == 'In' else 'notin'} ({','.join(values)})")
        elif operator == "Exists":
            parts.append(key)
        elif operator == "NotExists":
            parts.append(f"!{key}")
        else:
            parts.append(f"{key}{_SYMBOLS[operator]}{values[0] if values else '?'}")
    return ", ".join(parts) if parts else "any agent"
