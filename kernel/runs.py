"""Turning a pipeline spec into a stored run: the run, its stages, jobs and steps, all PENDING."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from kernel.dsl.expressions import nested_strings, secret_names, substitute, substitute_nested
from kernel.dsl.matrix import env_name
from kernel.dsl.model import JobSpec, PipelineSpec
from kernel.errors import InvalidInput
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
    merged_variables = dict(variables)
    for key, value in spec.variables.items():  # `--var` overrides win; declared values may use expressions
        if key not in variables:
            expander = _Expander({**spec.variables, **variables}, None, {}, f"variables.{key}")
            merged_variables[key] = expander.text(value)
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
            where = f"job '{job.name}'"
            env: dict[str, str] = dict(merged_variables)
            for level in (spec.env, stage.env, job.env):
                env = {**env, **_Expander(merged_variables, job, env, where).env(level)}
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
                env=env,
                timeout_seconds=job.timeout,
                continue_on_error=job.continue_on_error,
                concurrency=job.concurrency,
                artifacts=[
                    {"name": rule.name, "path": rule.path, "expire_days": rule.expire_days}
                    for rule in job.artifacts
                ],
                download_artifacts=list(job.download_artifacts),
                when=job.when,
                matrix=dict(job.matrix),
                max_attempts=job.retry.max_attempts,
                retry_delay_seconds=job.retry.delay,
            )
            job_index += 1
            tx.session.add(job_row)
            for step_index, step in enumerate(job.steps):
                step_where = f"{where}, step '{step.name}'"
                step_env = _Expander(merged_variables, job, env, step_where).env(step.env)
                expander = _Expander(merged_variables, job, {**env, **step_env}, step_where)
                tx.session.add(
                    models.StepRun(
                        id=_new_id(),
                        job_run_id=job_row.id,
                        run_id=run.id,
                        index=step_index,
                        name=step.name,
                        run=expander.text(step.run),
                        env=step_env,
                        timeout_seconds=step.timeout,
                        continue_on_error=step.continue_on_error,
                        when=step.when,
                        uses=step.uses,
                        action=step.action,
                        args=expander.nested(step.args) if step.uses else None,
                        status="PENDING",
                    )
                )
    tx.emit(
        "run.created", run_id=run.id, status="PENDING", payload={"pipeline": pipeline.name, "number": number}
    )
    return run


def referenced_secrets(spec: PipelineSpec, variables: Mapping[str, str]) -> set[str]:
    """Names of the secrets a run of `spec` with these variable overrides refers to."""
    texts = [*spec.variables.values(), *variables.values(), *spec.env.values()]
    for stage in spec.stages:
        texts += stage.env.values()
        for job in stage.jobs:
            texts += job.env.values()
            for step in job.steps:
                texts += [step.run, *step.env.values(), *nested_strings(step.args)]
    return {name for text in texts if "${{" in text for name in secret_names(text)}


class _Expander:
    """Substitutes `variables`, `env` and `matrix` expressions; `secrets` ones wait for dispatch."""

    def __init__(
        self, variables: Mapping[str, str], job: JobSpec | None, env: Mapping[str, str], where: str
    ) -> None:
        self.variables = variables
        self.job = job
        self.environment = env
        self.where = where

    def env(self, values: Mapping[str, str]) -> dict[str, str]:
        return {key: self.text(value) for key, value in values.items()}

    def text(self, text: str) -> str:
        return substitute(text, self._resolve)

    def nested(self, value: dict[str, Any]) -> dict[str, Any]:
        return substitute_nested(value, self._resolve)

    def _resolve(self, namespace: str, name: str) -> str | None:
        if namespace == "variables":
            return self.variables.get(name, "")
        if namespace == "matrix" and self.job is not None:
            return self.job.env.get(env_name(name))
        if namespace == "env":
            if name not in self.environment:
                raise InvalidInput(
                    f"{self.where}: ${{{{ env.{name} }}}}: '{name}' is not set in the pipeline's variables "
                    "or env (pipeline -> stage -> job -> step)"
                )
            return self.environment[name]
        return None
