"""The pipeline DSL: `arcade.yaml` parsed and validated into the frozen model in `kernel.dsl.model`."""

from kernel.dsl.durations import format_duration, parse_duration
from kernel.dsl.errors import DslError, SpecError, SpecValidationError
from kernel.dsl.model import (
    DEFAULT_STAGE_NAME,
    DEFAULT_TIMEOUT_SECONDS,
    ArtifactRule,
    JobSpec,
    NotifySpec,
    PipelineSpec,
    RetrySpec,
    Selector,
    SelectorRequirement,
    StageSpec,
    StepSpec,
    TriggerSpec,
)
from kernel.dsl.parse import load_pipeline, parse_pipeline, validate_pipeline

__all__ = [
    "DEFAULT_STAGE_NAME",
    "DEFAULT_TIMEOUT_SECONDS",
    "ArtifactRule",
    "DslError",
    "JobSpec",
    "NotifySpec",
    "PipelineSpec",
    "RetrySpec",
    "Selector",
    "SelectorRequirement",
    "SpecError",
    "SpecValidationError",
    "StageSpec",
    "StepSpec",
    "TriggerSpec",
    "format_duration",
    "load_pipeline",
    "parse_duration",
    "parse_pipeline",
    "validate_pipeline",
]
