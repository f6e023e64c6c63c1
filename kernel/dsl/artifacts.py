"""`artifacts` and `download_artifacts` on jobs: files a job uploads, and the ones it needs from earlier jobs.

    artifacts:
      - {name: dist, path: "dist/**", expire_days: 7}   # a glob relative to the workspace
    download_artifacts: [dist]                          # unpacked into the workspace before the first step

Artifact names are unique within a run. A job may only download an artifact that a job it waits for
produces: a (transitive) `depends_on` target, a job of an earlier stage (without `depends_on`), or the job
before it in a serial stage.
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.graph import JobNode
from kernel.dsl.matrix import expand_dependencies
from kernel.dsl.model import DEFAULT_EXPIRE_DAYS, MAX_EXPIRE_DAYS, ArtifactRule
from kernel.dsl.yamlpos import Path

ARTIFACT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
ARTIFACT_KEYS = ("name", "path", "expire_days")


@dataclass(frozen=True)
class _Produced:
    job: str
    path: Path  # of the artifact's `name`
    line: int


@dataclass(frozen=True)
class _Wanted:
    job: str  # as written (a matrix job: every expansion wants it)
    name: str
    path: Path  # of the entry in `download_artifacts`


class ArtifactChecker:
    """Reads the artifact keys of each job, then checks names and producers across the pipeline."""

    def __init__(self, fields: FieldReader) -> None:
        self.fields = fields
        self.produced: dict[str, _Produced] = {}
        self.wanted: list[_Wanted] = []

    def read_rules(
        self, path: Path, value: Any, job: str | None, *, matrix: bool
    ) -> tuple[ArtifactRule, ...]:
        """The job's `artifacts` list at `path`; `job` is its name (None when it has none usable)."""
        items = self.fields.items(path, value, "artifact")
        if matrix and items:
            self.fields.error(
                path,
                "a matrix job cannot upload artifacts: every expansion would upload the same names, and "
                "artifact names must be unique within a run (upload them from a job that depends on it)",
                at_key=True,
            )
        rules = [self._rule((*path, index), item, job) for index, item in enumerate(items)]
        return tuple(rule for rule in rules if rule is not None)

    def _rule(self, path: Path, value: Any, job: str | None) -> ArtifactRule | None:
        rule = self.fields.mapping(path, value, "an artifact", ARTIFACT_KEYS, required=("name", "path"))
        if rule is None:
            return None
        name = None
        if "name" in rule:
            name = self.fields.name((*path, "name"), rule["name"], "artifact", ARTIFACT_NAME)
        if name is not None:
            self._claim((*path, "name"), name, job)
        glob = self._glob((*path, "path"), rule["path"]) if "path" in rule else None
        expire_days = DEFAULT_EXPIRE_DAYS
        if "expire_days" in rule:
            expire_days = (
                self._expire_days((*path, "expire_days"), rule["expire_days"]) or DEFAULT_EXPIRE_DAYS
            )
        if name is None or glob is None:
            return None
        return ArtifactRule(name=name, path=glob, expire_days=expire_days)

    def _claim(self, path: Path, name: str, job: str | None) -> None:
        first = self.produced.get(name)
        if first is not None:
            where = f" (job '{first.job}')" if first.job else ""
            self.fields.error(
                path,
                f"duplicate artifact name '{name}'; first defined at line {first.line}{where}; "
                "artifact names must be unique within a run",
            )
            return
        self.produced[name] = _Produced(job or "", path, self.fields.doc.value_at(path)[0])

    def _glob(self, path: Path, value: Any) -> str | None:
        text = self.fields.string(path, value)
        if text is None:
            return None
        if text.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:[\\/]", text):
            self.fields.error(path, f"artifact path {text!r} must be relative to the workspace, not absolute")
            return None
        if ".." in re.split(r"[\\/]", text):
            self.fields.error(
                path, f"artifact path {text!r} must stay inside the workspace: '..' is not allowed"
            )
            return None
        return text

    def _expire_days(self, path: Path, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EXPIRE_DAYS:
            self.fields.error(
                path, f"expected a whole number of days from 1 to {MAX_EXPIRE_DAYS}, got {describe(value)}"
            )
            return None
        return value

    def read_downloads(self, path: Path, value: Any, job: str | None) -> tuple[str, ...]:
        """The job's `download_artifacts` list of names at `path`."""
        if not isinstance(value, list):
            hint = f" (write [{value}])" if isinstance(value, str) else ""
            self.fields.error(path, f"expected a list of artifact names, got {describe(value)}{hint}")
            return ()
        names: list[str] = []
        for index, item in enumerate(value):
            name = self.fields.name((*path, index), item, "artifact", ARTIFACT_NAME)
            if name is None:
                continue
            if name in names:
                self.fields.error((*path, index), f"'{name}' is listed more than once in download_artifacts")
                continue
            names.append(name)
            if job is not None:
                self.wanted.append(_Wanted(job, name, (*path, index)))
        return tuple(names)

    def check_producers(self, nodes: Sequence[JobNode], expansions: Mapping[str, Sequence[str]]) -> None:
        """Report each download of an artifact that no job produces, or that no earlier job produces."""
        if not self.wanted:
            return
        expanded = expand_dependencies(nodes, expansions, lambda _path, _message: None)
        by_name: dict[str, JobNode] = {}
        for node in expanded:
            by_name.setdefault(node.name, node)
        for want in self.wanted:
            producer = self.produced.get(want.name)
            if producer is None:
                close = difflib.get_close_matches(want.name, list(self.produced), n=3)
                hint = f" (did you mean {' or '.join(repr(name) for name in close)}?)" if close else ""
                known = f"; artifacts produced: {', '.join(sorted(self.produced))}" if self.produced else ""
                self.fields.error(want.path, f"no job produces an artifact named '{want.name}'{hint}{known}")
                continue
            if producer.job == want.job:
                self.fields.error(
                    want.path, f"job '{want.job}' downloads the artifact '{want.name}' that it uploads itself"
                )
                continue
            for job in expansions.get(want.job, (want.job,)):
                node = by_name.get(job)
                if node is not None and producer.job not in _waits_for(node, expanded, by_name):
                    self.fields.error(
                        want.path,
                        f"job '{want.job}' downloads the artifact '{want.name}', but job '{producer.job}' "
                        f"that uploads it does not finish before '{want.job}' starts; add "
                        f"'{producer.job}' to its depends_on or move it to an earlier stage",
                    )
                    break


def _waits_for(job: JobNode, nodes: Sequence[JobNode], by_name: Mapping[str, JobNode]) -> set[str]:
    """The jobs that finish before `job` starts, by the planner's rules, transitively."""

    def direct(node: JobNode) -> list[str]:
        if node.depends_on:
            found = [dependency.name for dependency in node.depends_on]
        else:
            found = [other.name for other in nodes if other.stage_index < node.stage_index]
        if node.serial:
            found += [
                other.name
                for other in nodes
                if other.stage_index == node.stage_index and other.index_in_stage == node.index_in_stage - 1
            ]
        return found

    seen: set[str] = set()
    queue = deque(direct(job))
    while queue:
        name = queue.popleft()
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        queue.extend(direct(by_name[name]))
    return seen
