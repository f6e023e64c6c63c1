"""The `BlobStore` protocol, its errors, and the content-addressed key layout shared by every store."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from kernel.errors import KernelError, NotFound

CHUNK_BYTES = 1024 * 1024
_DIGEST = re.compile(r"[0-9a-f]{64}")


class BlobStoreError(KernelError):
    """The blob store could not be reached or refused an operation."""

    title = "Blob store error"


class BlobNotFound(NotFound):
    """No blob with that digest is stored."""


@dataclass(frozen=True)
class Blob:
    """A stored blob: the SHA-256 hex digest of its bytes, their count, and its key in the store."""

    digest: str
    size: int
    key: str


def check_digest(digest: str) -> str:
    """`digest` if it is a lower-case SHA-256 hex digest; anything else (a path, `..`) is refused."""
    if not isinstance(digest, str) or not _DIGEST.fullmatch(digest):
        raise BlobStoreError(f"not a SHA-256 hex digest: {digest!r}")
    return digest


def blob_key(digest: str) -> str:
    """Where a blob lives relative to the store's root or prefix: `sha256/ab/cd/<digest>`."""
    check_digest(digest)
    return f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"


def copy_hashing(source: BinaryIO, target: BinaryIO) -> tuple[str, int]:
    """Copy `source` to its end into `target`; returns the SHA-256 hex digest and size of what was copied."""
    sha = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_BYTES):
        sha.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def iter_chunks(stream: BinaryIO, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """`stream`'s bytes in chunks of at most `chunk_bytes`; closes it at the end."""
    try:
        while chunk := stream.read(chunk_bytes):
            yield chunk
    finally:
        stream.close()


class BlobStore(Protocol):
    """Immutable blobs named by their SHA-256 digest. Every method is blocking (run it off the event loop)."""

    def put(self, source: BinaryIO) -> Blob:
        """Store the bytes `source` yields until its end; storing the same bytes again is a no-op."""
        ...

    def open(self, digest: str) -> BinaryIO:
        """A stream of the blob's bytes (close it); raises BlobNotFound."""
        ...

    def exists(self, digest: str) -> bool:
        """Whether a blob with `digest` is stored."""
        ...

    def delete(self, digest: str) -> None:
        """Remove the blob; a blob that is not there is not an error."""
