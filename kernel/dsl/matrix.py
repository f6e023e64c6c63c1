"""`matrix` on jobs: one job written once, expanded into one plain job per combination of axis values.

    matrix:
      python: ["3.11", "3.12"]            # axes, in declaration order (the first one varies slowest)
      os: [linux, macos]
      exclude: [{python: "3.11", os: macos}]   # drops every combination matching all keys of an entry
      include: [{python: "3.13", os: linux}]   # extra combinations, naming every axis

Each combination becomes the job `NAME[python=3.11,os=linux]` with `MATRIX_PYTHON=3.11` and `MATRIX_OS=linux`
added to its env. `depends_on: [NAME]` means every expansion of NAME.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kernel.dsl.fields import MAX_NAME_LENGTH, FieldReader, describe
from kernel.dsl.graph import Dependency, JobNode
from kernel.dsl.model import JobSpec
from kernel.dsl.yamlpos import Path

AXIS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
RESERVED_KEYS = ("exclude", "include")
MAX_JOBS = 256
MAX_PRODUCT = 65_536  # combinations enumerated before exclusions; beyond this the matrix is refused outright

Combination = tuple[str, ...]  # one value per axis, in axis order


@dataclass(frozen=True)
class Matrix:
    axes: tuple[str, ...]
    combinations: tuple[Combination, ...]  # in expansion order

    def job_name(self, base: str, combination: Combination) -> str:
        """`base[axis1=value1,axis2=value2]`, axes in declaration order, values as written."""
        pairs = ",".join(f"{axis}={value}" for axis, value in zip(self.axes, combination, strict=True))
        return f"{base}[{pairs}]"

    def env(self, combination: Combination) -> dict[str, str]:
        return {env_name(axis): value for axis, value in zip(self.axes, combination, strict=True)}


def env_name(axis: str) -> str:
    """The variable an axis sets: `python-version` -> `MATRIX_PYTHON_VERSION`."""
    return "MATRIX_" + re.sub(r"[^A-Za-z0-9]", "_", axis).upper()


def read_matrix(fields: FieldReader, path: Path, value: Any) -> Matrix | None:
    """The matrix at `path`, or None after reporting every problem with it."""
    return _MatrixReader(fields, path).read(value)


def expand_job(fields: FieldReader, path: Path, job: JobSpec, matrix: Matrix) -> tuple[JobSpec, ...] | None:
    """One copy of `job` (written at `path`) per combination, named and with the MATRIX_* env set.

    None after reporting names that are too long or equal; a clash with the job's env is only reported.
    """
    where = (*path, "matrix")
    for key in job.env:
        for axis in matrix.axes:
            if env_name(axis) == key:
                message = f"{key} is set by the matrix (axis '{axis}'); remove it from the job's env"
                fields.error_in((*path, "env"), key, message)
    jobs: dict[str, JobSpec] = {}
    for combination in matrix.combinations:
        name = matrix.job_name(job.name, combination)
        if len(name) > MAX_NAME_LENGTH:
            message = (
                f"the matrix job name {name[:60]!r}... is {len(name)} characters long; "
                f"the limit is {MAX_NAME_LENGTH} (use shorter axis names or values)"
            )
            fields.error(where, message, at_key=True)
            return None
        if name in jobs:
            message = f"two combinations are both named {name!r}; avoid ',' and '=' in matrix values"
            fields.error(where, message, at_key=True)
            return None
        values = dict(zip(matrix.axes, combination, strict=True))
        jobs[name] = replace(job, name=name, env={**job.env, **matrix.env(combination)}, matrix=values)
    return tuple(jobs.values())


def expand_dependencies(
    jobs: Iterable[JobNode], expansions: Mapping[str, Sequence[str]], error: Callable[[Path, str], None]
) -> list[JobNode]:
    """`jobs` with each dependency on a matrix job replaced by its expansions; reports self-dependencies."""
    result: list[JobNode] = []
    for job in jobs:
        dependencies: list[Dependency] = []
        for dependency in job.depends_on:
            targets = expansions.get(dependency.name, (dependency.name,))
            if job.name in targets and dependency.name != job.name:
                error(dependency.path, f"job '{dependency.name}' depends on itself")
                continue
            for target in targets:
                if all(target != known.name for known in dependencies):
                    dependencies.append(Dependency(target, dependency.path))
        result.append(replace(job, depends_on=tuple(dependencies)))
    return result


def expand_depends_on(names: Iterable[str], expansions: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """`depends_on` names with each matrix job replaced by its expansions, in order, without repeats."""
    expanded = (target for name in names for target in expansions.get(name, (name,)))
    return tuple(dict.fromkeys(expanded))


class _MatrixReader:
    def __init__(self, fields: FieldReader, path: Path) -> None:
        self.fields = fields
        self.path = path
        self.failed = False

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.failed = True
        self.fields.error(path, message, at_key=at_key)

    def error_in(self, path: Path, key: str, message: str) -> None:
        self.failed = True
        self.fields.error_in(path, key, message)

    def read(self, value: Any) -> Matrix | None:
        if not isinstance(value, dict):
            self.error(
                self.path, f"expected a mapping of matrix axes to lists of values, got {describe(value)}"
            )
            return None
        axes = self._axes(value)
        if not axes:
            if not self.failed:
                self.error(
                    self.path, "the matrix has no axes; expected at least one axis with a list of values"
                )
            return None
        excludes = self._entries(value, "exclude", axes)
        includes = self._entries(value, "include", axes)
        if self.failed:
            return None
        values = [known for known in axes.values() if known is not None]
        return self._expand(tuple(axes), values, excludes, includes)

    def _axes(self, matrix: dict) -> dict[str, list[str] | None]:
        """Axis name -> its values (None when they are invalid), for every key that is not reserved."""
        axes: dict[str, list[str] | None] = {}
        variables: dict[str, str] = {}  # MATRIX_* name -> the axis setting it
        for axis, item in matrix.items():
            if axis in RESERVED_KEYS:
                continue
            axes[axis] = None
            if not AXIS_NAME.fullmatch(axis):
                message = (
                    f"invalid matrix axis name {axis!r}: use letters, digits, '_' and '-', "
                    "starting with a letter or '_'"
                )
                self.error_in(self.path, axis, message)
                continue
            variable = env_name(axis)
            if variable in variables:
                message = f"matrix axes '{variables[variable]}' and '{axis}' both set {variable}; rename one"
                self.error_in(self.path, axis, message)
                continue
            variables[variable] = axis
            axes[axis] = self._values((*self.path, axis), axis, item)
        return axes

    def _values(self, path: Path, axis: str, item: Any) -> list[str] | None:
        if not isinstance(item, list) or not item:
            found = "an empty list" if isinstance(item, list) else describe(item)
            self.error(path, f"matrix axis '{axis}' needs a non-empty list of values, got {found}")
            return None
        values: list[str] = []
        ok = True
        for index, element in enumerate(item):
            text = self._scalar((*path, index), element)
            if text is None:
                ok = False
            elif text in values:
                first = values.index(text)
                self.error(
                    (*path, index), f"duplicate value '{text}' in matrix axis '{axis}' (see [{first}])"
                )
                ok = False
            else:
                values.append(text)
        return values if ok else None

    def _scalar(self, path: Path, value: Any) -> str | None:
        text = self.fields.scalar_text(path, value)
        if text is None:
            self.failed = True
        return text

    def _entries(self, matrix: dict, kind: str, axes: dict[str, list[str] | None]) -> list[dict[str, str]]:
        """The `exclude` or `include` entries, as axis -> value (only meaningful when nothing failed)."""
        if kind not in matrix:
            return []
        path = (*self.path, kind)
        value = matrix[kind]
        if not isinstance(value, list):
            self.error(path, f"expected a list of mappings (axis: value), got {describe(value)}")
            return []
        entries: list[dict[str, str]] = []
        for index, item in enumerate(value):
            entry = self._entry((*path, index), kind, item, axes)
            if entry is not None:
                entries.append(entry)
        return entries

    def _entry(
        self, path: Path, kind: str, item: Any, axes: dict[str, list[str] | None]
    ) -> dict[str, str] | None:
        if not isinstance(item, dict):
            self.error(
                path, f"expected a mapping of matrix axes to values ({kind} entry), got {describe(item)}"
            )
            return None
        entry: dict[str, str] = {}
        for axis, value in item.items():
            if axis not in axes:
                self.error_in(path, axis, f"unknown matrix axis '{axis}' (axes: {', '.join(axes)})")
                continue
            text = self._scalar((*path, axis), value)
            known = axes[axis]
            if text is not None and kind == "exclude" and known is not None and text not in known:
                listed = ", ".join(known)
                self.error(
                    (*path, axis), f"'{text}' is not a value of matrix axis '{axis}' (values: {listed})"
                )
            elif text is not None:
                entry[axis] = text
        if kind == "exclude" and not item:
            self.error(path, "an exclude entry must name at least one matrix axis")
        missing = [axis for axis in axes if axis not in item]
        if kind == "include" and missing:
            names = ", ".join(f"'{axis}'" for axis in missing)
            self.error(path, f"an include entry must set every matrix axis; missing {names}")
        return entry

    def _expand(
        self,
        axes: tuple[str, ...],
        values: list[list[str]],
        excludes: list[dict[str, str]],
        includes: list[dict[str, str]],
    ) -> Matrix | None:
        product = math.prod(len(known) for known in values)
        if product > MAX_PRODUCT:
            self._too_many(f"{product} jobs before exclusions")
            return None
        rules = [[(axes.index(axis), value) for axis, value in entry.items()] for entry in excludes]
        combinations = [
            combination
            for combination in itertools.product(*values)
            if not any(all(combination[i] == value for i, value in rule) for rule in rules)
        ]
        for entry in includes:
            combination = tuple(entry[axis] for axis in axes)
            if combination not in combinations:
                combinations.append(combination)
        if not combinations:
            self.error(self.path, "matrix expands to no job: every combination is excluded", at_key=True)
            return None
        if len(combinations) > MAX_JOBS:
            self._too_many(f"{len(combinations)} jobs")
            return None
        return Matrix(axes, tuple(combinations))

    def _too_many(self, count: str) -> None:
        self.error(self.path, f"matrix expands to {count}; at most {MAX_JOBS}", at_key=True)
