"""`when` on jobs and steps: a CEL expression, checked when the pipeline is validated.

A bad expression fails validation, never the run: syntax errors, names other than `variables`, `env`,
`matrix` and `trigger`, unknown functions, unknown `trigger` fields, and `matrix.X` outside a matrix job
or naming an axis the job does not have. Evaluation lives in `kernel.conditions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kernel.conditions import ConditionSyntaxError, analyse
from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.matrix import RESERVED_KEYS
from kernel.dsl.yamlpos import Path


def matrix_axes(matrix: Any) -> list[str] | None:
    """The axis names of a job's `matrix` as written (None without a matrix), for checking `matrix.X`."""
    if not isinstance(matrix, dict):
        return None
    return [axis for axis in matrix if axis not in RESERVED_KEYS]


def read_when(fields: FieldReader, path: Path, value: Any, axes: Sequence[str] | None) -> str | None:
    """The `when` expression at `path`, after reporting every problem with it (None if it is unusable)."""
    if not isinstance(value, str):
        spelled = fields.doc.source.get(path, describe(value))
        hint = f' (quote it: "{spelled}")' if isinstance(value, bool | int | float) else ""
        fields.error(path, f"expected a CEL expression (a string), got {describe(value)}{hint}")
        return None
    if not value.strip():
        example = "variables.BRANCH == 'main'"
        fields.error(path, f'must not be empty; expected a CEL expression such as "{example}"')
        return None
    try:
        analysis = analyse(value)
    except ConditionSyntaxError as error:
        fields.error(path, str(error))
        return None
    problems = list(analysis.problems)
    for axis in analysis.matrix_axes:
        if axes is None:
            problems.append(f"'matrix.{axis}': 'matrix' is only available in a job with a matrix")
        elif axis not in axes:
            problems.append(f"'matrix.{axis}': unknown matrix axis '{axis}' (axes: {', '.join(axes)})")
    for problem in problems:
        fields.error(path, problem)
    return None if problems else value
