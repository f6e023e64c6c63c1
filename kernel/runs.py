"""Turning a pipeline spec into a stored run: the run, its stages, jobs and steps, all PENDING."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from kernel.dsl.model import PipelineSpec
from kernel.journal import Tx
from kernel.selectors import selector_to_dict
from kernel.store import models


def _new_id() -> str:
    return str(uuid.uuid4())


def find_by_request_id(tx: Tx, pipeline_id: str, request_id: str) -> models.PipelineRun | None:
    return tx.session.scalars(
        select(models.PipelineRun).where(
            models.PipelineRun.pipeline_id == pipeline_id, models.PipelineRun.request_id == request_id
        )
    ).first()


def create_run(
    tx: Tx,
    pipeline: models.Pipeline,
    spec: PipelineSpec,
    variables: Mapping[str, str],
    request_id: str | None = None,
    trigger: Mapping[str, Any] | None = None,
) -> models.PipelineRun:
    now = datetime.now(UTC)
    number = pipeline.next_run_number
    pipeline.next_run_number = number + 1
    merged_variables = {**spec.variables, **variables}
    run = models.PipelineRun(
        id=_new_id(),
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        number=number,
        status="PENDING",
        spec_yaml=pipeline.spec_yaml,
        variables=merged_variables,
        trigger=dict(trigger or {"type": "manual"}),
        request_id=request_id or None,
        timeout_seconds=spec.timeout,
        created_at=now,
    )
    tx.session.add(run)
    job_index = 0
    for stage_index, stage in enumerate(spec.stages):
        tx.session.add(
            models.StageRun(
                id=_new_id(),
                run_id=run.id,
                index=stage_index,
                name=stage.name,
                run_mode=stage.run_mode,
                timeout_seconds=stage.timeout,
                approval_required=stage.approval_required,
            )
        )
        for job in stage.jobs:
            job_row = models.JobRun(
                id=_new_id(),
                run_id=run.id,
                stage_index=stage_index,
                stage=stage.name,
                index=job_index,
                name=job.name,
                status="PENDING",
                depends_on=list(job.depends_on),
                agent_selector=selector_to_dict(job.agent_selector),
                env={**merged_variables, **spec.env, **stage.env, **job.env},
                timeout_seconds=job.timeout,
                continue_on_error=job.continue_on_error,
                concurrency=job.concurrency,
            )
            job_index += 1
            tx.session.add(job_row)
            for step_index, step in enumerate(job.steps):
                tx.session.add(
                    models.StepRun(
                        id=_new_id(),
                        job_run_id=job_row.id,
                        run_id=run.id,
                        index=step_index,
                        name=step.name,
                        run=step.run,
                        env=dict(step.env),
                        timeout_seconds=step.timeout,
                        continue_on_error=step.continue_on_error,
                        status="PENDING",
                    )
                )
    tx.emit(
        "run.created", run_id=run.id, status="PENDING", payload={"pipeline": pipeline.name, "number": number}
    )
    return run
