"""The validated pipeline model that `parse_pipeline` produces: plain frozen data, no YAML left in it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Operator = Literal["In", "NotIn", "Exists", "NotExists", "Gt", "Lt"]
RunMode = Literal["parallel", "serial"]
TriggerType = Literal["cron", "event"]
NotifyWhen = Literal["on_success", "on_failure", "on_cancel"]  # runs ending SUCCESS, FAILED, CANCELLED

DEFAULT_TIMEOUT_SECONDS = 24 * 3600.0
DEFAULT_STAGE_NAME = "default"
DEFAULT_EXPIRE_DAYS = 30
MAX_EXPIRE_DAYS = 3650


@dataclass(frozen=True)
class SelectorRequirement:
    key: str
    operator: Operator
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selector:
    match_labels: dict[str, str] = field(default_factory=dict)
    match_expressions: tuple[SelectorRequirement, ...] = ()


@dataclass(frozen=True)
class StepSpec:
    """A shell step (`run`), or a plugin step (`uses`, with `action` and `args`; `run` is then "")."""

    name: str
    run: str
    env: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    continue_on_error: bool = False
    when: str | None = None  # a CEL condition (kernel.conditions)
    uses: str | None = None  # ns/name[@range] (plugin_sdk.refs)
    action: str | None = None  # None: the plugin's only action
    args: dict[str, Any] = field(default_factory=dict)  # JSON-compatible; strings may hold expressions


@dataclass(frozen=True)
class ArtifactRule:
    """Files a job uploads after its steps: `path` is a glob relative to the workspace (`**` allowed)."""

    name: str
    path: str
    expire_days: int = DEFAULT_EXPIRE_DAYS


@dataclass(frozen=True)
class RetrySpec:
    """How often a job that failed by itself is tried again, and after what wait (seconds)."""

    max_attempts: int = 1
    delay: float = 0.0


@dataclass(frozen=True)
class JobSpec:
    name: str
    stage: str
    steps: tuple[StepSpec, ...]
    depends_on: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    agent_selector: Selector = field(default_factory=Selector)
    continue_on_error: bool = False
    concurrency: str | None = None
    artifacts: tuple[ArtifactRule, ...] = ()
    download_artifacts: tuple[str, ...] = ()  # names, unpacked into the workspace before the first step
    when: str | None = None  # a CEL condition (kernel.conditions)
    matrix: dict[str, str] = field(default_factory=dict)  # axis -> value, set by the matrix expansion
    retry: RetrySpec = RetrySpec()


@dataclass(frozen=True)
class StageSpec:
    name: str
    jobs: tuple[JobSpec, ...]
    run_mode: RunMode = "parallel"
    env: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    # A manual gate: the stage's jobs wait until someone approves it.
    approval_required: bool = False


@dataclass(frozen=True)
class TriggerSpec:
    """What starts a pipeline besides a manual trigger: a cron schedule or a matching webhook event."""

    type: TriggerType
    expression: str | None = None  # cron: 5 fields, or 6 with seconds last
    event_type: str | None = None  # event: e.g. "push", compared with the webhook's event header
    branch: str | None = "*"  # event: fnmatch glob on the pushed branch; None for cron


@dataclass(frozen=True)
class NotifySpec:
    """One `notify` entry: a kernel notification channel, its action and params (expressions unresolved)."""

    plugin: str  # e.g. "notify/webhook"
    action: str = "send"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    stages: tuple[StageSpec, ...]
    variables: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    triggers: tuple[TriggerSpec, ...] = ()
    # NotifyWhen -> the entries to notify when a run ends that way
    notify: dict[str, tuple[NotifySpec, ...]] = field(default_factory=dict)

    @property
    def jobs(self) -> tuple[JobSpec, ...]:
        return tuple(job for stage in self.stages for job in stage.jobs)


def parse_number(text: str) -> float | None:
    """The number Gt/Lt compare (finite int or float text), or None; the DSL validates with it too."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
