"""Starting runs: a trigger (CLI, HTTP, gRPC, cron, webhook) becomes a stored run of the pipeline."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kernel.dsl.model import PipelineSpec
from kernel.errors import FailedPrecondition, InvalidInput
from kernel.journal import Journal, Tx
from kernel.metrics import KernelMetrics
from kernel.pipelines import find_pipeline, parse_or_raise
from kernel.runs import create_run, find_by_request_id, referenced_secrets
from kernel.secrets import SecretStore, missing_secret_message
from kernel.store import models

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SPEC_CACHE_SIZE = 128


class RunStarter:
    def __init__(self, journal: Journal, metrics: KernelMetrics, secrets: SecretStore | None = None) -> None:
        self.journal = journal
        self.metrics = metrics
        self.secrets = secrets
        self._specs: dict[tuple[str, str], PipelineSpec] = {}

    def start(
        self,
        pipeline_ref: str,
        variables: Mapping[str, str],
        request_id: str | None = None,
        trigger: Mapping[str, Any] | None = None,
    ) -> str:
        """Store a new run (or return the run an earlier request with `request_id` made); returns its id."""
        for key in variables:
            if not ENV_NAME.match(key):
                raise InvalidInput(f"variable '{key}': expected a name like BRANCH or BUILD_ID")
        with self.journal.transaction() as tx:
            pipeline = find_pipeline(tx.session, pipeline_ref)
            if request_id:
                existing = find_by_request_id(tx, pipeline.id, request_id)
                if existing is not None:
                    return existing.id
            # Lock the pipeline row: run numbers are handed out one at a time.
            tx.session.refresh(pipeline, with_for_update=True)
            spec = self._spec(pipeline)
            self._check_secrets(tx, pipeline, spec, variables)
            run_id = create_run(
                tx, pipeline, spec, {k: str(v) for k, v in variables.items()}, request_id, trigger
            ).id
        self.metrics.runs_triggered.inc()
        return run_id

    def _check_secrets(
        self, tx: Tx, pipeline: models.Pipeline, spec: PipelineSpec, variables: Mapping[str, str]
    ) -> None:
        """Refuse the trigger when a secret the run refers to is not set (secrets are read at dispatch)."""
        names = referenced_secrets(spec, variables)
        if not names or self.secrets is None:
            return
        found = self.secrets.values(tx.session, pipeline.id, names)
        missing = sorted(names - set(found))
        if missing:
            raise FailedPrecondition(missing_secret_message(missing[0], pipeline.name))

    def _spec(self, pipeline: models.Pipeline) -> PipelineSpec:
        """The parsed spec of a stored pipeline (parsing a large spec costs more than dispatching its run)."""
        key = (pipeline.id, pipeline.spec_yaml)
        spec = self._specs.get(key)
        if spec is None:
            if len(self._specs) >= SPEC_CACHE_SIZE:
                self._specs.pop(next(iter(self._specs)))
            spec = self._specs[key] = parse_or_raise(pipeline.spec_yaml, f"{pipeline.name}.yaml")
        return spec

