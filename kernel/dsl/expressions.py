"""`${{ namespace.NAME }}` expressions in `run`, `env` values and `variables` values.

Namespaces: `variables` (declared in the pipeline), `env` (the merged env the step sees), `matrix` (an axis of
the job's matrix) and `secrets` (stored in the kernel, substituted only when a job is dispatched).
`check_expressions` reports malformed and unknown references at validation time; `substitute` replaces them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kernel.dsl.fields import FieldReader
from kernel.dsl.yamlpos import Path

NAMESPACES = ("variables", "env", "matrix", "secrets")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
REFERENCE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\s*")
SECRET_REFERENCE = re.compile(r"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Reference:
    namespace: str
    name: str


def references(text: str) -> Iterator[Reference | str]:
    """Each `${{ }}` in `text` as a Reference, or a problem message when it is malformed."""
    for match in EXPRESSION.finditer(text):
        inner = REFERENCE.fullmatch(match.group(1))
        if inner is None:
            yield (
                f"malformed expression {match.group(0)!r}: expected ${{{{ NAMESPACE.NAME }}}} "
                f"with NAMESPACE one of {', '.join(NAMESPACES)}"
            )
        elif inner.group(1) not in NAMESPACES:
            yield (
                f"unknown namespace '{inner.group(1)}' in {match.group(0)!r} "
                f"(expected one of: {', '.join(NAMESPACES)})"
            )
        else:
            yield Reference(inner.group(1), inner.group(2))
    rest = EXPRESSION.sub("", text)
    if "${{" in rest:
        yield "unterminated expression: '${{' without a closing '}}'"


def secret_names(text: str) -> set[str]:
    """The secrets `text` refers to."""
    return set(SECRET_REFERENCE.findall(text))


def substitute(text: str, resolve: Callable[[str, str], str | None]) -> str:
    """`text` with each well-formed expression replaced by `resolve(namespace, name)`; None keeps it as is."""
    if "${{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        inner = REFERENCE.fullmatch(match.group(1))
        if inner is None:
            return match.group(0)
        value = resolve(inner.group(1), inner.group(2))
        return match.group(0) if value is None else value

    return EXPRESSION.sub(replace, text)


def substitute_nested(value: Any, resolve: Callable[[str, str], str | None]) -> Any:
    """`value` (JSON-like data, e.g. a plugin step's args) with `substitute` applied to every string in it."""
    if isinstance(value, str):
        return substitute(value, resolve)
    if isinstance(value, dict):
        return {key: substitute_nested(item, resolve) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute_nested(item, resolve) for item in value]
    return value


def nested_strings(value: Any) -> Iterator[str]:
    """Every string inside JSON-like data (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from nested_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from nested_strings(item)


def check_expressions(fields: FieldReader, root: dict[str, Any]) -> None:
    """Report every malformed or unknown reference in the pipeline document `root`."""
    variables = root.get("variables")
    declared = set(variables) if isinstance(variables, dict) else set()
    checker = _Checker(fields, declared)
    checker.env(("variables",), variables, None)
    checker.env(("env",), root.get("env"), None)
    if isinstance(root.get("stages"), list):
        for index, stage in enumerate(root["stages"]):
            if isinstance(stage, dict):
                checker.env(("stages", index, "env"), stage.get("env"), None)
                checker.jobs(("stages", index, "jobs"), stage.get("jobs"))
    checker.jobs(("jobs",), root.get("jobs"))


class _Checker:
    def __init__(self, fields: FieldReader, declared: set[str]) -> None:
        self.fields = fields
        self.declared = declared

    def jobs(self, path: Path, jobs: Any) -> None:
        if not isinstance(jobs, list):
            return
        for index, job in enumerate(jobs):
            if not isinstance(job, dict):
                continue
            matrix = job.get("matrix")
            axes = None
            if isinstance(matrix, dict):
                axes = [axis for axis in matrix if axis not in ("include", "exclude")]
            where = (*path, index)
            self.env((*where, "env"), job.get("env"), axes)
            steps = job.get("steps")
            if isinstance(steps, list):
                for number, step in enumerate(steps):
                    if isinstance(step, dict):
                        self.text((*where, "steps", number, "run"), step.get("run"), axes)
                        self.nested((*where, "steps", number, "args"), step.get("args"), axes)
                        self.env((*where, "steps", number, "env"), step.get("env"), axes)

    def env(self, path: Path, mapping: Any, axes: list[str] | None) -> None:
        if isinstance(mapping, dict):
            for key, value in mapping.items():
                self.text((*path, key), value, axes)

    def nested(self, path: Path, value: Any, axes: list[str] | None) -> None:
        """Every string inside a plugin step's `args`, at any depth."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.nested((*path, key), item, axes)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.nested((*path, index), item, axes)
        else:
            self.text(path, value, axes)

    def text(self, path: Path, value: Any, axes: list[str] | None) -> None:
        if not isinstance(value, str) or "${{" not in value:
            return
        for found in references(value):
            problem = found if isinstance(found, str) else self._problem(found, axes)
            if problem is not None:
                self.fields.error(path, problem)

    def _problem(self, reference: Reference, axes: list[str] | None) -> str | None:
        expression = f"${{{{ {reference.namespace}.{reference.name} }}}}"
        if reference.namespace == "variables" and reference.name not in self.declared:
            known = ", ".join(sorted(self.declared)) or "none"
            name = reference.name
            return f"{expression}: variable '{name}' is not declared in 'variables' (declared: {known})"
        if reference.namespace == "matrix" and axes is None:
            return f"{expression}: 'matrix' is only available in a job with a matrix"
        if reference.namespace == "matrix" and axes is not None and reference.name not in axes:
            return f"{expression}: unknown matrix axis '{reference.name}' (axes: {', '.join(axes)})"
        if reference.namespace == "secrets" and "-" in reference.name:
            return f"{expression}: invalid secret name '{reference.name}' (use letters, digits and '_')"
        return None
