"""Translation between stored rows / domain values and the protobuf messages of the contract."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from kernel.agents import AgentView
from kernel.artifacts import ArtifactView
from kernel.logstore import Line
from kernel.status import AgentState, RunStatus, Status
from kernel.store import models
from proto.arcade.pipeline.v1 import pipeline_pb2
from proto.arcade.types.v1 import types_pb2

_STREAM_TO_PB = {
    "stdout": types_pb2.LOG_STREAM_STDOUT,
    "stderr": types_pb2.LOG_STREAM_STDERR,
    "system": types_pb2.LOG_STREAM_SYSTEM,
}
_STREAM_FROM_PB = {value: key for key, value in _STREAM_TO_PB.items()}
_OPERATORS = {
    "In": "IN",
    "NotIn": "NOT_IN",
    "Exists": "EXISTS",
    "NotExists": "NOT_EXISTS",
    "Gt": "GT",
    "Lt": "LT",
}


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(UTC))
    return ts


def from_unix_ms(value: int) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, UTC) if value > 0 else None


def step_status_pb(status: str) -> int:
    return types_pb2.StepRunStatus.Value(f"STEP_RUN_STATUS_{status}")


def job_status_pb(status: str) -> int:
    return types_pb2.JobRunStatus.Value(f"JOB_RUN_STATUS_{status}")


def run_status_pb(status: str) -> int:
    return types_pb2.PipelineRunStatus.Value(f"PIPELINE_RUN_STATUS_{status}")


def agent_status_pb(status: AgentState) -> int:
    return types_pb2.AgentStatus.Value(f"AGENT_STATUS_{status.value}")


def step_status_from_pb(value: int) -> Status:
    return Status(types_pb2.StepRunStatus.Name(value).removeprefix("STEP_RUN_STATUS_"))


def job_status_from_pb(value: int) -> Status:
    return Status(types_pb2.JobRunStatus.Name(value).removeprefix("JOB_RUN_STATUS_"))


def lines_from_pb(lines: Sequence[types_pb2.LogLine]) -> list[Line]:
    """Lines from the wire (in batches: the log path converts many thousands of lines a second)."""
    stream_of = _STREAM_FROM_PB.get
    return [Line(line.seq, stream_of(line.stream, "stdout"), line.time_unix_ms, line.text) for line in lines]


def lines_pb(lines: Sequence[Line]) -> list[types_pb2.LogLine]:
    stream_of = _STREAM_TO_PB.get
    unspecified = types_pb2.LOG_STREAM_UNSPECIFIED
    make = types_pb2.LogLine
    return [
        make(seq=seq, stream=stream_of(stream, unspecified), text=text, time_unix_ms=time_ms)
        for seq, stream, time_ms, text in lines
    ]


def selector_pb(selector: dict[str, object]) -> types_pb2.LabelSelector:
    expressions = [
        types_pb2.LabelSelectorRequirement(
            key=str(e["key"]),
            operator=types_pb2.SelectorOperator.Value("SELECTOR_OPERATOR_" + _OPERATORS[str(e["operator"])]),
            values=[str(v) for v in e.get("values", [])],  # type: ignore[union-attr]
        )
        for e in selector.get("match_expressions", [])  # type: ignore[union-attr]
    ]
    return types_pb2.LabelSelector(
        match_labels=selector.get("match_labels", {}), match_expressions=expressions
    )


def step_pb(step: models.StepRun) -> types_pb2.StepRun:
    return types_pb2.StepRun(
        id=step.id,
        job_run_id=step.job_run_id,
        pipeline_run_id=step.run_id,
        index=step.index,
        name=step.name,
        status=step_status_pb(step.status),
        exit_code=step.exit_code or 0,
        message=step.message,
        start_time=timestamp(step.started_at),
        finish_time=timestamp(step.finished_at),
        log_line_count=step.log_line_count if step.log_line_count is not None else step.log_seq,
        continue_on_error=step.continue_on_error,
        uses=step.uses or "",
        action=step.action or "",
        result_json=json.dumps(step.result) if step.result is not None else "",
    )


def job_pb(job: models.JobRun, steps: Sequence[models.StepRun] = ()) -> types_pb2.JobRun:
    return types_pb2.JobRun(
        id=job.id,
        pipeline_run_id=job.run_id,
        name=job.name,
        stage=job.stage,
        status=job_status_pb(job.status),
        agent_id=job.agent_id or "",
        attempt=job.attempt,
        exit_code=job.exit_code or 0,
        message=job.message,
        depends_on=list(job.depends_on or []),
        agent_selector=selector_pb(job.agent_selector or {}),
        queue_time=timestamp(job.queued_at),
        start_time=timestamp(job.started_at),
        finish_time=timestamp(job.finished_at),
        steps=[step_pb(s) for s in steps],
        superseded=job.superseded_by is not None,
    )


def stage_pb(stage: models.StageRun) -> types_pb2.StageRun:
    return types_pb2.StageRun(
        name=stage.name,
        index=stage.index,
        run_mode=stage.run_mode,
        start_time=timestamp(stage.started_at),
        approval_required=stage.approval_required,
        approval_status=stage.approval_status or "",
        approval_by=stage.approval_by or "",
        approval_time=timestamp(stage.approval_at),
        approval_comment=stage.approval_comment,
    )


def run_pb(
    run: models.PipelineRun,
    jobs: Sequence[tuple[models.JobRun, Sequence[models.StepRun]]] = (),
    stages: Sequence[models.StageRun] = (),
) -> types_pb2.PipelineRun:
    return types_pb2.PipelineRun(
        id=run.id,
        pipeline_id=run.pipeline_id,
        pipeline_name=run.pipeline_name,
        number=run.number,
        status=run_status_pb(RunStatus(run.status).value),
        message=run.message,
        variables={k: str(v) for k, v in (run.variables or {}).items()},
        trigger_type=str((run.trigger or {}).get("type", "")),
        create_time=timestamp(run.created_at),
        start_time=timestamp(run.started_at),
        finish_time=timestamp(run.finished_at),
        jobs=[job_pb(job, steps) for job, steps in jobs],
        stages=[stage_pb(stage) for stage in stages],
    )


def pipeline_pb(row: models.Pipeline) -> pipeline_pb2.Pipeline:
    return pipeline_pb2.Pipeline(
        id=row.id,
        name=row.name,
        spec_yaml=row.spec_yaml,
        create_time=timestamp(row.created_at),
        update_time=timestamp(row.updated_at),
    )


def agent_pb(view: AgentView) -> types_pb2.Agent:
    a = view.row
    return types_pb2.Agent(
        id=a.id,
        name=a.name,
        labels=a.labels or {},
        capacity=a.capacity,
        status=agent_status_pb(view.status),
        running_jobs=view.running_jobs,
        last_heartbeat_time=timestamp(a.last_heartbeat_at),
        register_time=timestamp(a.registered_at),
        version=a.version,
        hostname=a.hostname,
    )


def event_pb(event: models.Event) -> types_pb2.Event:
    return types_pb2.Event(
        id=event.id or 0,
        kind=event.kind,
        pipeline_run_id=event.run_id or "",
        job_run_id=event.job_run_id or "",
        step_run_id=event.step_run_id or "",
        agent_id=event.agent_id or "",
        status=event.status,
        message=event.message,
        payload_json=json.dumps(event.payload or {}, sort_keys=True),
        time=timestamp(event.created_at),
    )


def artifact_pb(view: ArtifactView) -> types_pb2.Artifact:
    a = view.row
    return types_pb2.Artifact(
        id=a.id,
        pipeline_run_id=a.run_id,
        job_run_id=a.job_run_id,
        step_run_id=a.step_run_id or "",
        job_name=view.job_name,
        name=a.name,
        size=a.size,
        sha256=a.digest,
        file_count=a.file_count,
        create_time=timestamp(a.created_at),
        expire_time=timestamp(a.expires_at),
    )
