"""Builds a `PipelineSpec` from a positioned YAML document, reporting every problem it finds on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from kernel.dsl.agent_selector import read_selector
from kernel.dsl.artifacts import ArtifactChecker
from kernel.dsl.conditions import matrix_axes, read_when
from kernel.dsl.durations import format_duration
from kernel.dsl.errors import Reporter
from kernel.dsl.expressions import check_expressions
from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.graph import Dependency, JobNode, check_dependencies
from kernel.dsl.matrix import expand_dependencies, expand_depends_on, expand_job, read_matrix
from kernel.dsl.model import (
    DEFAULT_STAGE_NAME,
    DEFAULT_TIMEOUT_SECONDS,
    JobSpec,
    PipelineSpec,
    RetrySpec,
    RunMode,
    Selector,
    StageSpec,
    StepSpec,
)
from kernel.dsl.notify import read_notify
from kernel.dsl.plugin_steps import read_action, read_args, read_uses
from kernel.dsl.retry import read_retry
from kernel.dsl.triggers import read_triggers
from kernel.dsl.yamlpos import Document, Path

NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
RUN_MODES: tuple[RunMode, ...] = ("parallel", "serial")

PIPELINE_KEYS = ("name", "variables", "env", "timeout", "triggers", "stages", "jobs", "notify")
STAGE_KEYS = ("name", "run_mode", "env", "timeout", "jobs", "approval")
APPROVAL_KEYS = ("required",)
JOB_KEYS = (
    "name",
    "steps",
    "depends_on",
    "env",
    "timeout",
    "agent_selector",
    "continue_on_error",
    "matrix",
    "concurrency",
    "artifacts",
    "download_artifacts",
    "when",
    "retry",
)
STEP_KEYS = ("name", "run", "uses", "action", "args", "env", "timeout", "continue_on_error", "when")


def build_pipeline(doc: Document, report: Reporter) -> PipelineSpec | None:
    """The pipeline in `doc`, or None when `report` holds errors (it then holds every error found)."""
    spec = _PipelineBuilder(FieldReader(doc, report)).build()
    return None if report else spec


@dataclass(frozen=True)
class _Limit:
    """The nearest enclosing timeout: nested timeouts may not be longer."""

    seconds: float
    owner: str  # "the pipeline's default", "the stage's", ...


@dataclass(frozen=True)
class _StageContext:
    name: str
    index: int
    serial: bool
    limit: _Limit


class _PipelineBuilder:
    def __init__(self, fields: FieldReader) -> None:
        self.fields = fields
        self.stage_names: dict[str, int] = {}  # name -> line of first definition
        self.job_names: dict[str, int] = {}
        self.job_nodes: list[JobNode] = []
        self.positions: dict[int, int] = {}  # stage index -> jobs (after matrix expansion) placed so far
        self.expansions: dict[str, tuple[str, ...]] = {}  # matrix job name -> the names it expands to
        self.artifacts = ArtifactChecker(fields)

    def build(self) -> PipelineSpec | None:
        data = self.fields.doc.data
        if data is None:
            message = "the file is empty; expected a mapping with 'name' and 'stages' or 'jobs'"
            self.fields.report.add(1, 1, message)
            return None
        if not isinstance(data, dict):
            self.fields.report.add(
                1, 1, f"expected a mapping (the pipeline) at the top level, got {describe(data)}"
            )
            return None
        root: dict = data
        self.fields.mapping((), root, "the pipeline", PIPELINE_KEYS, required=("name",))
        name = self.fields.name(("name",), root["name"], "pipeline", NAME) if "name" in root else None
        variables = self.fields.env(("variables",), root["variables"]) if "variables" in root else {}
        env = self.fields.env(("env",), root["env"]) if "env" in root else {}
        limit = _Limit(DEFAULT_TIMEOUT_SECONDS, "the pipeline's default")
        timeout = self._timeout((), root, "pipeline", None)
        if timeout is not None:
            limit = _Limit(timeout, "the pipeline's")
        triggers = read_triggers(self.fields, ("triggers",), root["triggers"]) if "triggers" in root else ()
        stages = self._stages(root, limit)
        notify = {}
        if "notify" in root:
            declared = set(root["variables"]) if isinstance(root.get("variables"), dict) else set()
            notify = read_notify(self.fields, ("notify",), root["notify"], declared)
        self._check_dependencies()
        self.artifacts.check_producers(self.job_nodes, self.expansions)
        check_expressions(self.fields, root)
        if name is None or stages is None:
            return None
        stages = tuple(
            replace(stage, jobs=tuple(self._expand_depends_on(job) for job in stage.jobs)) for stage in stages
        )
        return PipelineSpec(
            name=name,
            stages=stages,
            variables=variables,
            env=env,
            timeout=timeout or DEFAULT_TIMEOUT_SECONDS,
            triggers=triggers,
            notify=notify,
        )

    def _stages(self, root: dict, limit: _Limit) -> tuple[StageSpec, ...] | None:
        if "stages" in root and "jobs" in root:
            message = "use either 'stages' or 'jobs' at the top level, not both"
            self.fields.error(("jobs",), message, at_key=True)
            return None
        if "stages" in root:
            items = self.fields.items(("stages",), root["stages"], "stage")
            stages = [self._stage(("stages", index), item, index, limit) for index, item in enumerate(items)]
            return tuple(stage for stage in stages if stage is not None)
        if "jobs" in root:
            context = _StageContext(DEFAULT_STAGE_NAME, 0, serial=False, limit=limit)
            return (StageSpec(name=DEFAULT_STAGE_NAME, jobs=self._jobs(("jobs",), root["jobs"], context)),)
        self.fields.error((), "missing required key 'stages' or 'jobs'")
        return None

    def _stage(self, path: Path, value: Any, index: int, limit: _Limit) -> StageSpec | None:
        stage = self.fields.mapping(path, value, "a stage", STAGE_KEYS, required=("name", "jobs"))
        if stage is None:
            return None
        name = self._unique_name(path, stage, "stage", self.stage_names)
        run_mode = "parallel"
        if "run_mode" in stage:
            run_mode = self.fields.choice((*path, "run_mode"), stage["run_mode"], RUN_MODES) or "parallel"
        env = self.fields.env((*path, "env"), stage["env"]) if "env" in stage else {}
        timeout = self._timeout(path, stage, "stage", limit)
        if timeout is not None:
            limit = _Limit(timeout, "the stage's")
        context = _StageContext(name or "", index, serial=run_mode == "serial", limit=limit)
        jobs = self._jobs((*path, "jobs"), stage["jobs"], context) if "jobs" in stage else ()
        if name is None:
            return None
        approval_required = False
        if "approval" in stage:
            gate_path = (*path, "approval")
            gate = self.fields.mapping(gate_path, stage["approval"], "an approval gate", APPROVAL_KEYS)
            if gate is not None and "required" in gate:
                approval_required = self.fields.boolean((*gate_path, "required"), gate["required"])
        return StageSpec(
            name=name,
            jobs=jobs,
            run_mode=run_mode,
            env=env,
            timeout=timeout,
            approval_required=approval_required,
        )

    def _jobs(self, path: Path, value: Any, stage: _StageContext) -> tuple[JobSpec, ...]:
        items = self.fields.items(path, value, "job")
        return tuple(
            job for index, item in enumerate(items) for job in self._job((*path, index), item, stage)
        )

    def _job(self, path: Path, value: Any, stage: _StageContext) -> tuple[JobSpec, ...]:
        """The job at `path`: one JobSpec, or one per combination of its matrix; () when it is unusable."""
        job = self.fields.mapping(path, value, "a job", JOB_KEYS, required=("name", "steps"))
        if job is None:
            return ()
        name = self._unique_name(path, job, "job", self.job_names)
        depends_on = self._depends_on((*path, "depends_on"), job["depends_on"]) if "depends_on" in job else ()
        env = self.fields.env((*path, "env"), job["env"]) if "env" in job else {}
        timeout = self._timeout(path, job, "job", stage.limit)
        limit = _Limit(timeout, "the job's") if timeout is not None else stage.limit
        selector = Selector()
        if "agent_selector" in job:
            selector = read_selector(self.fields, (*path, "agent_selector"), job["agent_selector"])
        continue_on_error = False
        if "continue_on_error" in job:
            continue_on_error = self.fields.boolean((*path, "continue_on_error"), job["continue_on_error"])
        concurrency = None
        if "concurrency" in job:
            concurrency = self.fields.name(
                (*path, "concurrency"), job["concurrency"], "concurrency key", NAME
            )
        axes = matrix_axes(job.get("matrix"))
        retry = read_retry(self.fields, (*path, "retry"), job["retry"]) if "retry" in job else RetrySpec()
        steps = self._steps((*path, "steps"), job["steps"], limit, axes) if "steps" in job else ()
        matrix = read_matrix(self.fields, (*path, "matrix"), job["matrix"]) if "matrix" in job else None
        artifacts = ()
        if "artifacts" in job:
            artifacts = self.artifacts.read_rules(
                (*path, "artifacts"), job["artifacts"], name, matrix="matrix" in job
            )
        downloads = ()
        if "download_artifacts" in job:
            downloads = self.artifacts.read_downloads(
                (*path, "download_artifacts"), job["download_artifacts"], name
            )
        when = read_when(self.fields, (*path, "when"), job["when"], axes) if "when" in job else None
        if name is None:
            return ()
        spec = JobSpec(
            name=name,
            stage=stage.name,
            steps=steps,
            depends_on=depends_on,
            env=env,
            timeout=timeout,
            agent_selector=selector,
            continue_on_error=continue_on_error,
            concurrency=concurrency,
            artifacts=artifacts,
            download_artifacts=downloads,
            when=when,
            retry=retry,
        )
        jobs = expand_job(self.fields, path, spec, matrix) if matrix is not None else None
        if jobs is None:
            jobs = (spec,)
        else:
            self.expansions[name] = tuple(expanded.name for expanded in jobs)
        dependencies = tuple(Dependency(dep, (*path, "depends_on", i)) for i, dep in enumerate(depends_on))
        for expanded in jobs:
            position = self.positions.get(stage.index, 0)
            self.positions[stage.index] = position + 1
            node = JobNode(expanded.name, stage.name, stage.index, position, stage.serial, dependencies)
            self.job_nodes.append(node)
        return jobs

    def _check_dependencies(self) -> None:
        """Check `depends_on` across the pipeline, a dependency on a matrix job meaning all its expansions."""
        reported: set[Path] = set()

        def once(path: Path, message: str) -> None:  # expansions share their entries: one error per entry
            if path not in reported:
                reported.add(path)
                self.fields.error(path, message)

        nodes = expand_dependencies(self.job_nodes, self.expansions, once)
        check_dependencies(nodes, once, also_suggest=self.expansions)

    def _expand_depends_on(self, job: JobSpec) -> JobSpec:
        if not any(name in self.expansions for name in job.depends_on):
            return job
        return replace(job, depends_on=expand_depends_on(job.depends_on, self.expansions))

    def _depends_on(self, path: Path, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            hint = f" (write [{value}])" if isinstance(value, str) else ""
            self.fields.error(path, f"expected a list of job names, got {describe(value)}{hint}")
            return ()
        names: list[str] = []
        for index, item in enumerate(value):
            name = self.fields.string((*path, index), item)
            if name is None:
                continue
            if name in names:
                self.fields.error((*path, index), f"'{name}' is listed more than once in depends_on")
                continue
            names.append(name)
        return tuple(names)

    def _steps(self, path: Path, value: Any, limit: _Limit, axes: list[str] | None) -> tuple[StepSpec, ...]:
        items = self.fields.items(path, value, "step")
        names: dict[str, int] = {}
        steps = [
            self._step((*path, index), item, index, names, limit, axes) for index, item in enumerate(items)
        ]
        return tuple(step for step in steps if step is not None)

    def _step(
        self,
        path: Path,
        value: Any,
        index: int,
        names: dict[str, int],
        limit: _Limit,
        axes: list[str] | None,
    ) -> StepSpec | None:
        step = self.fields.mapping(path, value, "a step", STEP_KEYS)
        if step is None:
            return None
        if "name" in step:
            name = self._unique_name(path, step, "step", names)
        else:
            name = f"step-{index + 1}"
            self._claim(path, name, "step", names, default=True)
        plugin = self._plugin(path, step)
        run = self.fields.string((*path, "run"), step["run"]) if "run" in step else None
        env = self.fields.env((*path, "env"), step["env"]) if "env" in step else {}
        timeout = self._timeout(path, step, "step", limit)
        continue_on_error = False
        if "continue_on_error" in step:
            continue_on_error = self.fields.boolean((*path, "continue_on_error"), step["continue_on_error"])
        when = read_when(self.fields, (*path, "when"), step["when"], axes) if "when" in step else None
        if name is None or (run is None and plugin is None):
            return None
        uses, action, args = plugin if plugin is not None else (None, None, {})
        return StepSpec(
            name=name,
            run=run or "",
            env=env,
            timeout=timeout,
            continue_on_error=continue_on_error,
            when=when,
            uses=uses,
            action=action,
            args=args,
        )

    def _plugin(self, path: Path, step: dict) -> tuple[str, str | None, dict[str, Any]] | None:
        """A plugin step's (uses, action, args); None for a shell step. Checks that `run` xor `uses`."""
        if "run" in step and "uses" in step:
            self.fields.error_in(
                path, "uses", "a step has either 'run' (a shell command) or 'uses' (a plugin)"
            )
            return None
        if "uses" not in step:
            if "run" not in step:
                self.fields.error(path, "missing required key 'run' (a shell command) or 'uses' (a plugin)")
            for key in ("action", "args"):
                if key in step:
                    self.fields.error_in(
                        path, key, f"'{key}' belongs to plugin steps: add 'uses: ns/name@version'"
                    )
            return None
        uses = read_uses(self.fields, (*path, "uses"), step["uses"])
        action = read_action(self.fields, (*path, "action"), step["action"]) if "action" in step else None
        args = read_args(self.fields, (*path, "args"), step["args"]) if "args" in step else {}
        return None if uses is None else (uses, action, args)

    def _unique_name(self, path: Path, mapping: dict, kind: str, seen: dict[str, int]) -> str | None:
        """The `name` of a stage, job or step; reports a bad or already used name."""
        if "name" not in mapping:
            return None
        pattern = None if kind == "step" else NAME
        name = self.fields.name((*path, "name"), mapping["name"], kind, pattern)
        if name is not None:
            self._claim((*path, "name"), name, kind, seen, default=False)
        return name

    def _claim(self, path: Path, name: str, kind: str, seen: dict[str, int], *, default: bool) -> None:
        if name in seen:
            implicit = " (the default name of this step)" if default else ""
            first = seen[name]
            self.fields.error(
                path, f"duplicate {kind} name '{name}'{implicit}; first defined at line {first}"
            )
        else:
            seen[name] = self.fields.doc.value_at(path)[0]

    def _timeout(self, path: Path, mapping: dict, level: str, limit: _Limit | None) -> float | None:
        if "timeout" not in mapping:
            return None
        where = (*path, "timeout")
        seconds = self.fields.duration(where, mapping["timeout"])
        if seconds is None:
            return None
        if limit is not None and seconds > limit.seconds:
            self.fields.error(
                where,
                f"{level} timeout {format_duration(seconds)} is longer than {limit.owner} "
                f"{format_duration(limit.seconds)}; nested timeouts can only shorten",
            )
        return seconds
