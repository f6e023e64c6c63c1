"""Stored pipelines: create, update, look up, delete. Specs are validated before anything is stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kernel.dsl import PipelineSpec, SpecError, parse_pipeline, validate_pipeline
from kernel.dsl.errors import SpecValidationError
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.journal import Journal, Tx
from kernel.sealing import SEALED_PREFIX, CredentialSeal
from kernel.store import models
from kernel.triggers import sync_schedule

DEFAULT_FILE_NAME = "arcade.yaml"
MAX_WEBHOOK_SECRET_LENGTH = 255


def spec_errors_detail(errors: list[SpecError]) -> list[dict[str, object]]:
    return [{"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in errors]


def parse_or_raise(spec_yaml: str, file_name: str) -> PipelineSpec:
    try:
        return parse_pipeline(spec_yaml, file_name or DEFAULT_FILE_NAME)
    except SpecValidationError as exc:
        summary = "; ".join(str(e) for e in exc.errors[:3])
        raise InvalidInput(
            f"invalid pipeline spec: {summary}", errors=spec_errors_detail(exc.errors)
        ) from exc


def find_pipeline(session: Session, ref: str) -> models.Pipeline:
    row = session.scalars(
        select(models.Pipeline).where(or_(models.Pipeline.id == ref, models.Pipeline.name == ref))
    ).first()
    if row is None:
        raise NotFound(f"pipeline '{ref}' not found")
    return row


class PipelineCatalog:
    def __init__(
        self,
        journal: Journal,
        on_schedule_change: Callable[[], None] | None = None,
        seal: CredentialSeal | None = None,
    ) -> None:
        self.journal = journal
        # Webhook secrets are stored encrypted with the kernel's secret key.
        self.seal = seal or CredentialSeal(None)
        # Called after a commit that changed a cron schedule (the kernel wakes its CronScheduler).
        self.on_schedule_change = on_schedule_change

    def _sync_schedule(self, tx: Tx, pipeline_id: str, spec: PipelineSpec, now: datetime) -> None:
        if sync_schedule(tx.session, pipeline_id, spec, now) and self.on_schedule_change is not None:
            tx.call_after_commit(self.on_schedule_change)

    def validate(self, spec_yaml: str, file_name: str = DEFAULT_FILE_NAME) -> list[SpecError]:
        return validate_pipeline(spec_yaml, file_name or DEFAULT_FILE_NAME)

    def create(
        self,
        spec_yaml: str,
        file_name: str = DEFAULT_FILE_NAME,
        upsert: bool = False,
        webhook_secret: str | None = None,
    ) -> models.Pipeline:
        """Store a new pipeline (upsert: or replace the spec of the one with that name).

        `webhook_secret` signs its webhooks; None keeps the stored one, "" removes it.
        """
        _check_secret(webhook_secret)
        spec = parse_or_raise(spec_yaml, file_name)
        now = datetime.now(UTC)
        with self.journal.transaction() as tx:
            existing = tx.session.scalars(
                select(models.Pipeline).where(models.Pipeline.name == spec.name)
            ).first()
            if existing is not None:
                if not upsert:
                    raise Conflict(f"pipeline '{spec.name}' already exists")
                changed = existing.spec_yaml != spec_yaml or self._secret_changes(existing, webhook_secret)
                if changed:
                    existing.spec_yaml, existing.updated_at = spec_yaml, now
                    self._set_secret(existing, webhook_secret)
                    self._sync_schedule(tx, existing.id, spec, now)
                    tx.emit("pipeline.updated", payload={"pipeline": existing.id, "name": existing.name})
                return existing
            row = models.Pipeline(
                id=str(uuid.uuid4()),
                name=spec.name,
                spec_yaml=spec_yaml,
                created_at=now,
                updated_at=now,
                next_run_number=1,
                webhook_secret=self._sealed(webhook_secret),
            )
            tx.session.add(row)
            self._sync_schedule(tx, row.id, spec, now)
            tx.emit("pipeline.created", payload={"pipeline": row.id, "name": row.name})
            return row

    def update(
        self,
        ref: str,
        spec_yaml: str,
        file_name: str = DEFAULT_FILE_NAME,
        webhook_secret: str | None = None,
    ) -> models.Pipeline:
        """Replace a pipeline's spec; `webhook_secret` as in `create`."""
        _check_secret(webhook_secret)
        spec = parse_or_raise(spec_yaml, file_name)
        with self.journal.transaction() as tx:
            row = find_pipeline(tx.session, ref)
            if spec.name != row.name:
                clash = tx.session.scalars(
                    select(models.Pipeline).where(models.Pipeline.name == spec.name)
                ).first()
                if clash is not None:
                    raise Conflict(f"pipeline '{spec.name}' already exists")
            now = datetime.now(UTC)
            row.name, row.spec_yaml, row.updated_at = spec.name, spec_yaml, now
            self._set_secret(row, webhook_secret)
            self._sync_schedule(tx, row.id, spec, now)
            tx.emit("pipeline.updated", payload={"pipeline": row.id, "name": row.name})
            return row

    def webhook_secret(self, row: models.Pipeline) -> str | None:
        """The pipeline's webhook secret in clear, or None when webhooks are refused."""
        if row.webhook_secret is None:
            return None
        return self.seal.unseal(row.webhook_secret, f"the webhook secret of pipeline '{row.name}'")

    def seal_legacy_webhook_secrets(self) -> int:
        """Encrypt webhook secrets an older kernel stored in clear (when a key is set); returns the count."""
        if not self.seal.available:
            return 0
        P = models.Pipeline
        with self.journal.transaction() as tx:
            rows = tx.session.scalars(
                select(P).where(P.webhook_secret.is_not(None), P.webhook_secret.not_like(f"{SEALED_PREFIX}%"))
            ).all()
            for row in rows:
                row.webhook_secret = self.seal.seal(row.webhook_secret or "", "a webhook secret")
        return len(rows)

    def _sealed(self, webhook_secret: str | None) -> str | None:
        return self.seal.seal(webhook_secret, "a webhook secret") if webhook_secret else None

    def _secret_changes(self, row: models.Pipeline, webhook_secret: str | None) -> bool:
        return webhook_secret is not None and (webhook_secret or None) != self.webhook_secret(row)

    def _set_secret(self, row: models.Pipeline, webhook_secret: str | None) -> None:
        if webhook_secret is not None:
            row.webhook_secret = self._sealed(webhook_secret)

    def get(self, ref: str) -> models.Pipeline:
        with self.journal.db.session() as session:
            return find_pipeline(session, ref)

    def list(self) -> list[models.Pipeline]:
        with self.journal.db.session() as session:
            return list(session.scalars(select(models.Pipeline).order_by(models.Pipeline.name)))

    def delete(self, ref: str) -> None:
        with self.journal.transaction() as tx:
            row = find_pipeline(tx.session, ref)
            active = tx.session.scalars(
                select(models.PipelineRun.id).where(
                    models.PipelineRun.pipeline_id == row.id,
                    models.PipelineRun.status.in_(("PENDING", "RUNNING")),
                )
            ).first()
            if active is not None:
                raise Conflict(f"pipeline '{row.name}' has an active run ({active}); cancel it first")
            tx.session.delete(row)  # its schedule row goes with it (ON DELETE CASCADE)
            tx.emit("pipeline.deleted", payload={"pipeline": row.id, "name": row.name})


def _check_secret(webhook_secret: str | None) -> None:
    if webhook_secret is not None and len(webhook_secret) > MAX_WEBHOOK_SECRET_LENGTH:
        raise InvalidInput(f"webhook secret: at most {MAX_WEBHOOK_SECRET_LENGTH} characters")

