"""Secrets: values encrypted at rest (Fernet), global or scoped to one pipeline, given to jobs at dispatch.

The key is `ARCADE_SECRET_KEY`. When it is unset and the database is a SQLite file, the kernel generates one
on first start and keeps it in `secret.key` (mode 0600) next to the database; with any other database an
unset key means secrets cannot be set or used.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kernel.config import Settings
from kernel.dsl.fields import ENV_NAME
from kernel.errors import FailedPrecondition, InvalidInput, KernelError, NotFound
from kernel.pipelines import find_pipeline
from kernel.store import Database, models

KEY_FILE = "secret.key"
MAX_SECRET_BYTES = 64 * 1024


def resolve_secret_key(settings: Settings) -> str | None:
    """The configured key; else, for a SQLite file, the key in `secret.key` beside it (created once)."""
    if settings.secret_key:
        return settings.secret_key
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        return Fernet.generate_key().decode()  # the data lives no longer than the process
    path = Path(url.database).resolve().parent / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode() + "\n")
    key = path.read_text().strip()
    try:
        Fernet(key.encode())
    except ValueError:
        raise InvalidInput(f"{path}: not a Fernet key (delete it only if no secret is stored yet)") from None
    return key


class SecretStore:
    def __init__(self, db: Database, key: str | None) -> None:
        self.db = db
        self._fernet = Fernet(key.encode()) if key else None

    def _cipher(self) -> Fernet:
        if self._fernet is None:
            raise FailedPrecondition(
                "secrets are disabled: set ARCADE_SECRET_KEY (a Fernet key); only a SQLite database gets "
                "a generated key file"
            )
        return self._fernet

    def set(self, name: str, value: str, pipeline: str | None = None) -> models.Secret:
        """Create or replace the secret `name` (global, or of the pipeline with that name or id)."""
        if not ENV_NAME.fullmatch(name):
            raise InvalidInput(
                f"secret name '{name}': use letters, digits and '_', not starting with a digit"
            )
        if len(value.encode()) > MAX_SECRET_BYTES:
            raise InvalidInput(f"secret '{name}': the value is longer than {MAX_SECRET_BYTES} bytes")
        ciphertext = self._cipher().encrypt(value.encode()).decode()
        now = datetime.now(UTC)
        with self.db.session() as session, session.begin():
            pipeline_id = find_pipeline(session, pipeline).id if pipeline else None
            row = _find(session, name, pipeline_id)
            if row is None:
                row = models.Secret(id=str(uuid.uuid4()), name=name, pipeline_id=pipeline_id, created_at=now)
                session.add(row)
            row.ciphertext, row.updated_at = ciphertext, now
        return row

    def list(self, pipeline: str | None = None) -> list[tuple[models.Secret, str | None]]:
        """(secret, pipeline name) of the global secrets, or of one pipeline's; values are not read."""
        with self.db.session() as session:
            query = select(models.Secret, models.Pipeline.name).outerjoin(models.Secret.pipeline)
            if pipeline:
                query = query.where(models.Secret.pipeline_id == find_pipeline(session, pipeline).id)
            else:
                query = query.where(models.Secret.pipeline_id.is_(None))
            return [(row, name) for row, name in session.execute(query.order_by(models.Secret.name))]

    def delete(self, name: str, pipeline: str | None = None) -> None:
        with self.db.session() as session, session.begin():
            pipeline_id = find_pipeline(session, pipeline).id if pipeline else None
            row = _find(session, name, pipeline_id)
            if row is None:
                raise NotFound(f"secret '{name}' not found{_scope(pipeline)}")
            session.delete(row)

    def values(self, session: Session, pipeline_id: str, names: Iterable[str]) -> dict[str, str]:
        """The clear values of `names` that are set: the pipeline's own first, then the global ones."""
        wanted = set(names)
        if not wanted:
            return {}
        rows = session.scalars(
            select(models.Secret).where(
                models.Secret.name.in_(wanted),
                (models.Secret.pipeline_id == pipeline_id) | models.Secret.pipeline_id.is_(None),
            )
        ).all()
        found: dict[str, str] = {}
        for row in sorted(rows, key=lambda row: row.pipeline_id is not None):  # scoped ones win
            found[row.name] = self._decrypt(row)
        return found

    def _decrypt(self, row: models.Secret) -> str:
        try:
            return self._cipher().decrypt(row.ciphertext.encode()).decode()
        except InvalidToken:
            raise KernelError(
                f"cannot decrypt secret '{row.name}': ARCADE_SECRET_KEY is not the key it was stored with"
            ) from None


def missing_secret_message(name: str, pipeline_name: str) -> str:
    return f"secret '{name}' is not set for pipeline '{pipeline_name}' or globally"


def _find(session: Session, name: str, pipeline_id: str | None) -> models.Secret | None:
    scope = models.Secret.pipeline_id == pipeline_id if pipeline_id else models.Secret.pipeline_id.is_(None)
    return session.scalars(select(models.Secret).where(models.Secret.name == name, scope)).first()


def _scope(pipeline: str | None) -> str:
    return f" for pipeline '{pipeline}'" if pipeline else " (global)"
