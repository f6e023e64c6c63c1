"""Receiving an `UploadArtifact` client stream: its metadata message, then the archive's chunks, spooled."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

from kernel.errors import InvalidInput
from proto.arcade.agent.v1 import agent_pb2

MAX_ARTIFACT_BYTES = 4 * 1024**3
SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024


@dataclass
class ReceivedUpload:
    """An upload read to its end; `archive` is positioned at its start and removed on exit."""

    job_run_id: str
    name: str
    file_count: int
    archive: IO[bytes]
    size: int

    def __enter__(self) -> ReceivedUpload:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.archive.close()


async def receive_upload(requests: AsyncIterator[agent_pb2.UploadArtifactRequest]) -> ReceivedUpload:
    """Read the whole stream; InvalidInput when it does not start with metadata or grows too large."""
    metadata: agent_pb2.UploadArtifactMetadata | None = None
    spool: Any = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)
    size = 0
    try:
        async for request in requests:
            kind = request.WhichOneof("message")
            if kind == "metadata":
                if metadata is not None:
                    raise InvalidInput("UploadArtifact: metadata may only be sent once, in the first message")
                metadata = request.metadata
                if not metadata.job_run_id or not metadata.name:
                    raise InvalidInput("UploadArtifact: metadata needs job_run_id and name")
            elif kind == "chunk":
                if metadata is None:
                    raise InvalidInput("UploadArtifact: the first message must carry the metadata")
                size += len(request.chunk)
                if size > MAX_ARTIFACT_BYTES:
                    raise InvalidInput(
                        f"UploadArtifact: the archive is larger than {MAX_ARTIFACT_BYTES} bytes"
                    )
                spool.write(request.chunk)
        if metadata is None:
            raise InvalidInput("UploadArtifact: the stream carried no metadata")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return ReceivedUpload(metadata.job_run_id, metadata.name, metadata.file_count, spool, size)
