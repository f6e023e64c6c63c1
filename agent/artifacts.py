"""Moving a job's artifacts: unpacking the ones it downloads before its steps, uploading its own after.

Uploads happen after the steps whether the job succeeded or failed (what a failed build left behind is often
what you need to debug it), but not after a cancel or a timeout: the job was told to stop. Each problem
becomes a SYSTEM line in the log of the step that ran last, and the job's message; it never changes the
job's status, except that a download failure fails the job before its first step.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from agent.archive import MAX_UNPACKED_BYTES, collect, pack, unpack
from agent.errors import AgentError, PeerUnavailable
from agent.peer import ArtifactRule, JobAssignment, Peer

__all__ = [
    "ArtifactTransfer",
]

log = logging.getLogger("arcade.agent")

CHUNK_BYTES = 1024 * 1024
UPLOAD_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 1.0

WriteLine = Callable[[str], None]


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _chunks(source: BinaryIO) -> Iterator[bytes]:
    source.seek(0)
    while chunk := source.read(CHUNK_BYTES):
        yield chunk


class ArtifactTransfer:
    """Uploads and downloads through the peer; `scratch` holds archives while they are in transit."""

    def __init__(self, peer: Peer, scratch: Path, max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> None:
        self._peer = peer
        self._scratch = Path(scratch)
        self._max_unpacked = max_unpacked_bytes

    def _temp(self) -> BinaryIO:
        self._scratch.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=self._scratch, prefix="artifact-")

    def download_all(self, job: JobAssignment, workspace: Path, write: WriteLine) -> str | None:
        """Unpack each of the job's `download_artifacts` into `workspace`; the first problem, or None."""
        for name in job.download_artifacts:
            try:
                with self._temp() as archive:
                    size = 0
                    for chunk in self._peer.download_artifact(job.job_run_id, name):
                        size += len(chunk)
                        archive.write(chunk)
                    archive.seek(0)
                    files = unpack(archive, workspace, self._max_unpacked)  # type: ignore[arg-type]
            except (AgentError, OSError) as error:
                problem = f"download of artifact '{name}' failed: {error}"
                write(problem)
                return problem
            write(f"downloaded artifact '{name}': {_files(files)} ({size} bytes)")
        return None

    def upload_all(self, job: JobAssignment, workspace: Path, write: WriteLine) -> list[str]:
        """Pack and upload each of the job's artifact rules; returns the problems (also written)."""
        problems = []
        for rule in job.artifacts:
            problem = self._upload(job, rule, workspace, write)
            if problem is not None:
                write(problem)
                problems.append(problem)
        return problems

    def _upload(
        self, job: JobAssignment, rule: ArtifactRule, workspace: Path, write: WriteLine
    ) -> str | None:
        try:
            found = collect(workspace, rule.path)
        except OSError as error:
            return f"artifact '{rule.name}': cannot list files matching {rule.path!r}: {error}"
        if found.skipped_links:
            write(f"artifact '{rule.name}': skipped {found.skipped_links} symbolic link(s)")
        if not found.files:
            write(f"artifact '{rule.name}': no files match {rule.path!r}; nothing uploaded")
            return None
        try:
            with self._temp() as archive:
                pack(workspace, found.files, archive)
                for attempt in range(1, UPLOAD_ATTEMPTS + 1):
                    try:
                        stored = self._peer.upload_artifact(
                            job.job_run_id, rule.name, len(found.files), _chunks(archive)
                        )
                        break
                    except PeerUnavailable as error:
                        if attempt == UPLOAD_ATTEMPTS:
                            raise
                        log.info("artifact %s: upload attempt %d failed: %s", rule.name, attempt, error)
                        time.sleep(RETRY_DELAY_SECONDS * attempt)
        except (AgentError, OSError) as error:
            return f"upload of artifact '{rule.name}' failed: {error}"
        write(f"uploaded artifact '{rule.name}': {_files(len(found.files))} ({stored.size} bytes)")
        return None
