"""Artifacts: archives that jobs upload after their steps, stored in the blob store and listed per run.

The rows say what exists (run, job, name, digest, expiry); the bytes live in the blob store, named by their
SHA-256, so two identical archives share one blob. `sweep` deletes expired rows, and a blob once no row
refers to it any more. One lock orders "store blob, insert row" against "check references, delete blob".
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from sqlalchemy import delete, select

from kernel.blobstore import BlobStore
from kernel.blobstore.base import CHUNK_BYTES
from kernel.dsl.model import DEFAULT_EXPIRE_DAYS
from kernel.errors import FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from kernel.jobs import ACTIVE_JOB
from kernel.journal import Journal
from kernel.locks import lock_blobs
from kernel.store import models

log = logging.getLogger("arcade.kernel.artifacts")

SWEEP_BATCH = 20  # expired artifacts deleted per transaction
SWEEP_INTERVAL_SECONDS = 300.0


@dataclass(frozen=True)
class ArtifactView:
    """An artifact row with the name of the job that uploaded it."""

    row: models.Artifact
    job_name: str


class ArtifactStore:
    """Records uploads, finds artifacts for listings and downloads, and deletes expired ones."""

    def __init__(self, journal: Journal, blobs: BlobStore) -> None:
        self.journal = journal
        self.blobs = blobs
        self._lock = threading.Lock()
        self._sweeper: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    # -- uploads and downloads by agents (blocking: call them in a worker thread)

    def upload(
        self, agent_id: str, job_run_id: str, name: str, file_count: int, archive: BinaryIO
    ) -> ArtifactView:
        """Store `archive` as the job's artifact `name`; the job must be running on `agent_id`."""
        job = self._agents_job(agent_id, job_run_id)
        if job.status not in ACTIVE_JOB:
            raise FailedPrecondition(f"job run '{job_run_id}' is {job.status}; it can no longer upload")
        rule = next((r for r in job.artifacts or () if r.get("name") == name), None)
        if rule is None:
            declared = ", ".join(r.get("name", "") for r in job.artifacts or ()) or "none"
            raise InvalidInput(f"job '{job.name}' declares no artifact '{name}' (declared: {declared})")
        if file_count < 0:
            raise InvalidInput(f"artifact '{name}': file_count must not be negative, got {file_count}")
        now = datetime.now(UTC)
        with self._lock, self.journal.transaction() as tx:
            lock_blobs(tx.session, exclusive=False)
            blob = self.blobs.put(archive)
            step_run_id = tx.session.scalars(
                select(models.StepRun.id)
                .where(models.StepRun.job_run_id == job_run_id, models.StepRun.started_at.is_not(None))
                .order_by(models.StepRun.index.desc())
                .limit(1)
            ).first()
            row = models.Artifact(
                id=str(uuid.uuid4()),
                run_id=job.run_id,
                job_run_id=job.id,
                step_run_id=step_run_id,
                name=name,
                size=blob.size,
                digest=blob.digest,
                blob_key=blob.key,
                file_count=file_count,
                created_at=now,
                expires_at=now + timedelta(days=int(rule.get("expire_days") or DEFAULT_EXPIRE_DAYS)),
            )
            tx.session.add(row)
            tx.emit(
                "artifact.uploaded",
                run_id=job.run_id,
                job_run_id=job.id,
                step_run_id=step_run_id,
                agent_id=agent_id,
                message=f"artifact '{name}' uploaded: {file_count} files, {blob.size} bytes",
                payload={"name": name, "size": blob.size, "sha256": blob.digest, "files": file_count},
            )
        log.info("artifact %s of job %s stored as %s (%d bytes)", name, job_run_id, blob.digest, blob.size)
        return ArtifactView(row, job.name)

    def for_agent(self, agent_id: str, job_run_id: str, name: str) -> ArtifactView:
        """The newest artifact `name` in the run of the agent's job `job_run_id`."""
        job = self._agents_job(agent_id, job_run_id)
        return self.newest(job.run_id, name)

    def _agents_job(self, agent_id: str, job_run_id: str) -> models.JobRun:
        with self.journal.db.session() as session:
            job = session.get(models.JobRun, job_run_id)
        if job is None:
            raise NotFound(f"job run '{job_run_id}' not found")
        if job.agent_id != agent_id:
            raise PermissionDenied(f"job run '{job_run_id}' is not assigned to this agent")
        return job

    # -- reads

    def newest(self, run_id: str, name: str) -> ArtifactView:
        with self.journal.db.session() as session:
            found = session.execute(
                select(models.Artifact, models.JobRun.name)
                .join(models.JobRun, models.JobRun.id == models.Artifact.job_run_id)
                .where(models.Artifact.run_id == run_id, models.Artifact.name == name)
                .order_by(models.Artifact.created_at.desc(), models.Artifact.id.desc())
                .limit(1)
            ).first()
        if found is None:
            raise NotFound(f"run '{run_id}' has no artifact named '{name}'")
        return ArtifactView(found[0], found[1])

    def list(self, run_id: str = "", job_run_id: str = "", step_run_id: str = "") -> list[ArtifactView]:
        """Artifacts of a run, a job run or a step run (exactly one given), oldest first."""
        given = [value for value in (run_id, job_run_id, step_run_id) if value]
        if len(given) != 1:
            raise InvalidInput("list artifacts: give exactly one of pipeline_run_id, job_run_id, step_run_id")
        A = models.Artifact
        condition = (
            A.run_id == run_id
            if run_id
            else A.job_run_id == job_run_id
            if job_run_id
            else A.step_run_id == step_run_id
        )
        with self.journal.db.session() as session:
            rows = session.execute(
                select(A, models.JobRun.name)
                .join(models.JobRun, models.JobRun.id == A.job_run_id)
                .where(condition)
                .order_by(A.created_at, A.id)
            ).all()
        return [ArtifactView(row, job_name) for row, job_name in rows]

    def open(self, artifact: models.Artifact) -> BinaryIO:
        """The archive's bytes (close the stream); BlobNotFound if the blob is gone."""
        return self.blobs.open(artifact.digest)

    async def stream(self, artifact: models.Artifact) -> AsyncIterator[bytes]:
        """The archive's bytes in chunks, read off the event loop; a missing blob raises here, not later."""
        source = await asyncio.to_thread(self.open, artifact)
        return _chunks(source)

    # -- expiry

    def sweep(self, now: datetime | None = None) -> int:
        """Delete every expired artifact, and each blob no remaining artifact refers to; returns the count."""
        now = now or datetime.now(UTC)
        total = 0
        while True:
            deleted = self._sweep_batch(now)
            total += deleted
            if deleted < SWEEP_BATCH:
                break
        if total:
            log.info("deleted %d expired artifacts", total)
        return total

    def _sweep_batch(self, now: datetime) -> int:
        # Blobs are deleted before the commit, under the lock uploads share: should the commit fail, the rows
        # left behind are expired ones anyway. Batches keep the write transaction (SQLite: the database's one
        # writer) short however many artifacts expired at once.
        A = models.Artifact
        with self._lock, self.journal.transaction() as tx:
            lock_blobs(tx.session, exclusive=True)
            expired: Sequence[tuple[str, str]] = tx.session.execute(
                select(A.id, A.digest).where(A.expires_at <= now).order_by(A.expires_at).limit(SWEEP_BATCH)
            ).all()
            if not expired:
                return 0
            tx.session.execute(delete(A).where(A.id.in_([row_id for row_id, _ in expired])))
            digests = sorted({digest for _, digest in expired})
            still_used = set(
                tx.session.scalars(select(A.digest).where(A.digest.in_(digests)).group_by(A.digest)).all()
            )
            for digest in digests:
                if digest not in still_used:
                    self.blobs.delete(digest)
        return len(expired)

    async def start(self, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        """Sweep now and then every `interval` seconds until `stop`."""
        self._stop = asyncio.Event()
        self._sweeper = asyncio.create_task(self._sweep_loop(interval), name="arcade-artifact-sweep")

    async def stop(self) -> None:
        self._stop.set()
        if self._sweeper is not None:
            await self._sweeper
            self._sweeper = None

    async def _sweep_loop(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.to_thread(self.sweep)
            except Exception:  # the next sweep tries again; a broken store must not stop the kernel
                log.exception("artifact sweep failed")
            try:
                await asyncio.wait_for(self._stop.wait(), interval)
            except TimeoutError:
                pass


async def _chunks(source: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(source.read, CHUNK_BYTES):
            yield chunk
    finally:
        await asyncio.to_thread(source.close)
