"""Masking secret values: every value a job received becomes *** in the log lines the kernel stores.

The values are remembered per job when it is dispatched; after a kernel restart they are read again from the
secret store, found through the `${{ secrets.X }}` references kept in the stored job and steps.
Values shorter than 3 characters are not masked (they would hide too much unrelated text).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from kernel.dsl.expressions import nested_strings, secret_names
from kernel.errors import KernelError
from kernel.secrets import SecretStore
from kernel.store import Database, models

MASK = "***"
MIN_MASKED_LENGTH = 3
CACHE_SIZE = 10_000


def mask(text: str, values: Iterable[str]) -> str:
    """`text` with every occurrence of each value replaced by *** (pass values longest first)."""
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


def masked_values(values: Iterable[str]) -> tuple[str, ...]:
    """What to mask for these secret values: each value and each of its lines, if long enough."""
    parts = {part for value in values for part in (value, *value.splitlines())}
    return tuple(sorted((part for part in parts if len(part) >= MIN_MASKED_LENGTH), key=len, reverse=True))


class SecretMasks:
    """Per job run: the secret values to mask in its logs (empty for the usual job without secrets)."""

    def __init__(self, db: Database, secrets: SecretStore) -> None:
        self.db = db
        self.secrets = secrets
        self._by_job: dict[str, tuple[str, ...]] = {}

    def remember(self, job_run_id: str, values: Iterable[str]) -> None:
        if len(self._by_job) >= CACHE_SIZE:
            self._by_job.pop(next(iter(self._by_job)))
        self._by_job[job_run_id] = masked_values(values)

    def for_job(self, job_run_id: str) -> tuple[str, ...]:
        values = self._by_job.get(job_run_id)
        if values is None:
            values = self._load(job_run_id)
            self.remember(job_run_id, values)
            values = self._by_job[job_run_id]
        return values

    def _load(self, job_run_id: str) -> tuple[str, ...]:
        with self.db.session() as session:
            job = session.get(models.JobRun, job_run_id)
            if job is None:
                return ()
            run = session.get(models.PipelineRun, job.run_id)
            steps = session.execute(
                select(models.StepRun.run, models.StepRun.env, models.StepRun.args).where(
                    models.StepRun.job_run_id == job_run_id
                )
            ).all()
            texts = [*map(str, (job.env or {}).values())]
            for step in steps:
                texts += [step.run, *map(str, (step.env or {}).values()), *nested_strings(step.args)]
            names = {name for text in texts if "${{" in text for name in secret_names(text)}
            if not names or run is None:
                return ()
            try:
                return tuple(self.secrets.values(session, run.pipeline_id, names).values())
            except KernelError:
                return ()  # a value that cannot be decrypted was never given to the job either
