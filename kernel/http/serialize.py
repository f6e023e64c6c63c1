"""JSON shapes of the HTTP API (the same fields as the protobuf messages, in snake_case)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kernel.agents import AgentView
from kernel.queries import RunTree
from kernel.store import models


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def pipeline_json(row: models.Pipeline, with_spec: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "webhook": row.webhook_secret is not None,  # whether webhooks are accepted; the secret never leaves
    }
    if with_spec:
        body["spec_yaml"] = row.spec_yaml
    return body


def step_json(step: models.StepRun) -> dict[str, Any]:
    return {
        "id": step.id,
        "index": step.index,
        "name": step.name,
        "status": step.status,
        "exit_code": step.exit_code,
        "message": step.message,
        "started_at": iso(step.started_at),
        "finished_at": iso(step.finished_at),
        "log_line_count": step.log_line_count if step.log_line_count is not None else step.log_seq,
        "continue_on_error": step.continue_on_error,
        "uses": step.uses,
        "action": step.action,
        "result": step.result,
    }


def job_json(job: models.JobRun, steps: list[models.StepRun]) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "stage": job.stage,
        "status": job.status,
        "message": job.message,
        "exit_code": job.exit_code,
        "attempt": job.attempt,
        "superseded": job.superseded_by is not None,
        "superseded_by": job.superseded_by,
        "not_before": iso(job.not_before),
        "agent_id": job.agent_id,
        "depends_on": list(job.depends_on or []),
        "agent_selector": job.agent_selector,
        "queued_at": iso(job.queued_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "steps": [step_json(step) for step in steps],
    }


def stage_json(stage: models.StageRun) -> dict[str, Any]:
    return {
        "name": stage.name,
        "index": stage.index,
        "run_mode": stage.run_mode,
        "started_at": iso(stage.started_at),
        "approval": {
            "required": stage.approval_required,
            "status": stage.approval_status,
            "by": stage.approval_by,
            "at": iso(stage.approval_at),
            "comment": stage.approval_comment,
        },
    }


def run_json(run: models.PipelineRun, tree: RunTree | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": run.id,
        "pipeline_id": run.pipeline_id,
        "pipeline": run.pipeline_name,
        "number": run.number,
        "status": run.status,
        "message": run.message,
        "variables": run.variables,
        "trigger": run.trigger,
        "request_id": run.request_id,
        "created_at": iso(run.created_at),
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
    }
    if tree is not None:
        body["jobs"] = [job_json(job, steps) for job, steps in tree.jobs]
        body["stages"] = [stage_json(stage) for stage in tree.stages]
    return body


def agent_json(view: AgentView) -> dict[str, Any]:
    a = view.row
    return {
        "id": a.id,
        "name": a.name,
        "labels": a.labels,
        "capacity": a.capacity,
        "status": view.status.value,
        "running_jobs": view.running_jobs,
        "version": a.version,
        "hostname": a.hostname,
        "registered_at": iso(a.registered_at),
        "last_heartbeat_at": iso(a.last_heartbeat_at),
        "plugins": list(a.plugins or []),
    }


def token_json(row: models.Token) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "description": row.description,
        "agent_id": row.agent_id,
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "revoked_at": iso(row.revoked_at),
    }
