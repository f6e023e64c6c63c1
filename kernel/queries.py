"""Read-side lookups of runs, jobs and steps shared by the gRPC and HTTP APIs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select

from kernel.errors import InvalidInput, NotFound
from kernel.pipelines import find_pipeline
from kernel.store import Database, models


class RunTree(NamedTuple):
    run: models.PipelineRun
    jobs: list[tuple[models.JobRun, list[models.StepRun]]]
    stages: list[models.StageRun]


MIN_PREFIX = 6


class RunQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def resolve_run_id(self, ref: str) -> str:
        """A run id from a full id, a unique id prefix, or PIPELINE#NUMBER."""
        with self.db.session() as session:
            if "#" in ref:
                name, _, number = ref.rpartition("#")
                if not number.isdigit():
                    raise InvalidInput(f"run '{ref}': expected PIPELINE#NUMBER, e.g. hello#3")
                pipeline = find_pipeline(session, name)
                run_id = session.scalars(
                    select(models.PipelineRun.id).where(
                        models.PipelineRun.pipeline_id == pipeline.id,
                        models.PipelineRun.number == int(number),
                    )
                ).first()
                if run_id is None:
                    raise NotFound(f"run '{ref}' not found")
                return run_id
            if session.get(models.PipelineRun, ref) is not None:
                return ref
            if len(ref) >= MIN_PREFIX:
                ids = session.scalars(
                    select(models.PipelineRun.id).where(models.PipelineRun.id.startswith(ref)).limit(2)
                ).all()
                if len(ids) == 1:
                    return ids[0]
                if len(ids) > 1:
                    raise InvalidInput(f"run id prefix '{ref}' is ambiguous")
        raise NotFound(f"run '{ref}' not found")

    def run_tree(self, ref: str) -> RunTree:
        run_id = self.resolve_run_id(ref)
        with self.db.session() as session:
            run = session.get(models.PipelineRun, run_id)
            assert run is not None
            jobs = session.scalars(
                select(models.JobRun)
                .where(models.JobRun.run_id == run_id)
                .order_by(models.JobRun.index, models.JobRun.attempt)
            ).all()
            steps = session.scalars(
                select(models.StepRun).where(models.StepRun.run_id == run_id).order_by(models.StepRun.index)
            ).all()
            stages = session.scalars(
                select(models.StageRun)
                .where(models.StageRun.run_id == run_id)
                .order_by(models.StageRun.index)
            ).all()
        by_job: dict[str, list[models.StepRun]] = {}
        for step in steps:
            by_job.setdefault(step.job_run_id, []).append(step)
        return RunTree(run, [(job, by_job.get(job.id, [])) for job in jobs], list(stages))

    def list_runs(self, pipeline: str = "", limit: int = 50) -> list[models.PipelineRun]:
        with self.db.session() as session:
            query = (
                select(models.PipelineRun).order_by(models.PipelineRun.created_at.desc()).limit(max(1, limit))
            )
            if pipeline:
                query = query.where(models.PipelineRun.pipeline_id == find_pipeline(session, pipeline).id)
            return list(session.scalars(query))

    def job(self, job_run_id: str) -> tuple[models.JobRun, list[models.StepRun]]:
        with self.db.session() as session:
            job = session.get(models.JobRun, job_run_id)
            if job is None:
                raise NotFound(f"job run '{job_run_id}' not found")
            steps = session.scalars(
                select(models.StepRun)
                .where(models.StepRun.job_run_id == job_run_id)
                .order_by(models.StepRun.index)
            ).all()
        return job, list(steps)

    def step(self, step_run_id: str) -> models.StepRun:
        with self.db.session() as session:
            step = session.get(models.StepRun, step_run_id)
        if step is None:
            raise NotFound(f"step run '{step_run_id}' not found")
        return step

    def steps(self, run_id: str = "", job_run_id: str = "") -> Sequence[models.StepRun]:
        if not run_id and not job_run_id:
            raise InvalidInput("list step runs: give pipeline_run_id or job_run_id")
        with self.db.session() as session:
            query = select(models.StepRun).order_by(models.StepRun.job_run_id, models.StepRun.index)
            conditions = []
            if run_id:
                conditions.append(models.StepRun.run_id == self.resolve_run_id(run_id))
            if job_run_id:
                conditions.append(models.StepRun.job_run_id == job_run_id)
            return list(session.scalars(query.where(*conditions)))

    def job_names(self, run_id: str) -> dict[str, tuple[str, str, int]]:
        """step_run_id -> (job name, step name, job attempt) for labelling log lines."""
        with self.db.session() as session:
            rows = session.execute(
                select(models.StepRun.id, models.JobRun.name, models.StepRun.name, models.JobRun.attempt)
                .join(models.JobRun, models.JobRun.id == models.StepRun.job_run_id)
                .where(models.StepRun.run_id == run_id)
            ).all()
        return {step_id: (job, step, attempt) for step_id, job, step, attempt in rows}
