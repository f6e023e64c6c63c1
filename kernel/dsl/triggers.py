"""Reads the pipeline's `triggers` list: cron schedules and webhook events, into `TriggerSpec`s."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

from croniter import CroniterBadDateError, CroniterError, croniter

from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.model import TriggerSpec, TriggerType
from kernel.dsl.yamlpos import Path

TRIGGER_TYPES: tuple[str, ...] = get_args(TriggerType)
TRIGGER_KEYS: dict[str, tuple[str, ...]] = {
    "cron": ("type", "expression"),
    "event": ("type", "event_type", "branch"),
}
# Standard cron fields; a sixth field holds seconds (croniter's `second_at_beginning=False` convention).
CRON_FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week", "second")


def cron_problem(expression: str) -> str | None:
    """What is wrong with a cron expression, or None: 5 fields, or 6 with seconds last, that fire sometime."""
    count = len(expression.split())
    if count not in (5, 6):
        return (
            f"cron expression {expression!r} has {count} field{'s' if count != 1 else ''}; "
            f"expected 5 ({' '.join(CRON_FIELDS[:5])}) or 6 (the same, then seconds)"
        )
    if not croniter.is_valid(expression, second_at_beginning=False):
        return f"invalid cron expression {expression!r}: {_croniter_reason(expression)}"
    try:
        croniter(expression, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        return f"cron expression {expression!r} never fires"
    return None


def _croniter_reason(expression: str) -> str:
    """Names the first field croniter refuses on its own (the others replaced by '*')."""
    parts = expression.split()
    for index, part in enumerate(parts):
        alone = " ".join(part if i == index else "*" for i in range(len(parts)))
        if not croniter.is_valid(alone, second_at_beginning=False):
            return f"the {CRON_FIELDS[index]} field {part!r} is malformed or out of range"
    try:
        croniter(expression)
    except CroniterError as exc:  # "[<expression>] is not acceptable, ..."; keep what follows the brackets
        return str(exc).split("] ", 1)[-1]
    return "not a valid schedule"


def read_triggers(fields: FieldReader, path: Path, value: Any) -> tuple[TriggerSpec, ...]:
    items = fields.items(path, value, "trigger", non_empty=False)
    triggers: list[TriggerSpec] = []
    first_cron: int | None = None  # line of the first cron trigger
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("type") == "cron":
            if first_cron is not None:
                fields.error(
                    (*path, index),
                    f"a second cron trigger; one schedule per pipeline (the first is at line {first_cron})",
                )
                continue
            first_cron = fields.doc.value_at((*path, index))[0]
        trigger = _read_trigger(fields, (*path, index), item)
        if trigger is not None:
            triggers.append(trigger)
    return tuple(triggers)


def _read_trigger(fields: FieldReader, path: Path, value: Any) -> TriggerSpec | None:
    if not isinstance(value, dict):
        fields.error(path, f"expected a mapping (a trigger with a type), got {describe(value)}")
        return None
    if "type" not in value:
        fields.error(path, f"missing required key 'type' ({' or '.join(TRIGGER_TYPES)})")
        return None
    kind = value["type"]
    if kind not in TRIGGER_TYPES:
        fields.error((*path, "type"), f"unknown trigger type {describe(kind)}; expected 'cron' or 'event'")
        return None
    if kind == "cron":
        fields.mapping(path, value, "a cron trigger", TRIGGER_KEYS["cron"], required=("expression",))
        expression = _cron_expression(fields, (*path, "expression"), value)
        return TriggerSpec(type="cron", expression=expression, branch=None) if expression else None
    fields.mapping(path, value, "an event trigger", TRIGGER_KEYS["event"], required=("event_type",))
    event_type = fields.string((*path, "event_type"), value["event_type"]) if "event_type" in value else None
    branch = fields.string((*path, "branch"), value["branch"]) if "branch" in value else "*"
    if event_type is None or branch is None:
        return None
    return TriggerSpec(type="event", event_type=event_type.strip(), branch=branch.strip())


def _cron_expression(fields: FieldReader, path: Path, trigger: dict) -> str | None:
    if "expression" not in trigger:
        return None
    expression = fields.string(path, trigger["expression"])
    if expression is None:
        return None
    expression = " ".join(expression.split())
    problem = cron_problem(expression)
    if problem:
        fields.error(path, problem)
        return None
    return expression
