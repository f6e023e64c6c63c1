"""Step conditions on the agent (`when:`): whether a step runs, and its final report when it does not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.logship import now_ms
from agent.peer import Status, StepAssignment, StepReport
from kernel.conditions import ConditionError, evaluate, failed_message, skipped_message

__all__ = ["any_would_run", "skip_report"]


def skip_report(step: StepAssignment, context: Mapping[str, Any], *, upstream_ok: bool) -> StepReport | None:
    """None when the step should run; else its final report: SKIPPED, or FAILED if its `when` broke.

    A step without `when` runs unless an earlier step failed (the caller never asks then).
    """
    if not step.when:
        return None
    try:
        if evaluate(step.when, context, upstream_ok=upstream_ok):
            return None
        status, message, exit_code = Status.SKIPPED, skipped_message(step.when), 0
    except ConditionError as error:
        status, message, exit_code = Status.FAILED, failed_message(step.when, error), 1
    at = now_ms()
    return StepReport(step.step_run_id, status, exit_code, message, at, at, 0)


def any_would_run(steps: Sequence[StepAssignment], context: Mapping[str, Any], upstream_ok: bool) -> bool:
    """Whether any of `steps` would run after the current one (artifacts upload in the last that runs)."""
    for step in steps:
        if not step.when:
            if upstream_ok:
                return True
            continue
        try:
            if evaluate(step.when, context, upstream_ok=upstream_ok):
                return True
        except ConditionError:
            continue  # it fails without running
    return False
