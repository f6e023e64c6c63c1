"""Stored pipelines: create, update, look up, delete. Specs are validated before anything is stored."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kernel.dsl import PipelineSpec, SpecError, parse_pipeline, validate_pipeline
from kernel.dsl.errors import SpecValidationError
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.journal import Journal
from kernel.store import models

DEFAULT_FILE_NAME = "arcade.yaml"


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
    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def validate(self, spec_yaml: str, file_name: str = DEFAULT_FILE_NAME) -> list[SpecError]:
        return validate_pipeline(spec_yaml, file_name or DEFAULT_FILE_NAME)

    def create(
        self, spec_yaml: str, file_name: str = DEFAULT_FILE_NAME, upsert: bool = False
    ) -> models.Pipeline:
        spec = parse_or_raise(spec_yaml, file_name)
        now = datetime.now(UTC)
        with self.journal.transaction() as tx:
            existing = tx.session.scalars(
                select(models.Pipeline).where(models.Pipeline.name == spec.name)
            ).first()
            if existing is not None:
                if not upsert:
                    raise Conflict(f"pipeline '{spec.name}' already exists")
                if existing.spec_yaml != spec_yaml:
                    existing.spec_yaml, existing.updated_at = spec_yaml, now
                    tx.emit("pipeline.updated", payload={"pipeline": existing.id, "name": existing.name})
                return existing
            row = models.Pipeline(
                id=str(uuid.uuid4()),
                name=spec.name,
                spec_yaml=spec_yaml,
                created_at=now,
                updated_at=now,
                next_run_number=1,
            )
            tx.session.add(row)
            tx.emit("pipeline.created", payload={"pipeline": row.id, "name": row.name})
            return row

    def update(self, ref: str, spec_yaml: str, file_name: str = DEFAULT_FILE_NAME) -> models.Pipeline:
        spec = parse_or_raise(spec_yaml, file_name)
        with self.journal.transaction() as tx:
            row = find_pipeline(tx.session, ref)
            if spec.name != row.name:
                clash = tx.session.scalars(
                    select(models.Pipeline).where(models.Pipeline.name == spec.name)
                ).first()
                if clash is not None:
                    raise Conflict(f"pipeline '{spec.name}' already exists")
            row.name, row.spec_yaml, row.updated_at = spec.name, spec_yaml, datetime.now(UTC)
            tx.emit("pipeline.updated", payload={"pipeline": row.id, "name": row.name})
            return row

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
            tx.session.delete(row)
            tx.emit("pipeline.deleted", payload={"pipeline": row.id, "name": row.name})
