"""Plugin packages in the kernel's content-addressed blob store, hashed on the way in and on the way out.

`PluginBlobs` wraps a `kernel.blobstore.BlobStore` (a local folder or S3) rather than being another store:
writes refuse packages over a size limit before anything is stored, and reads re-hash the bytes so a blob
tampered with in the bucket or on disk raises `IntegrityError` instead of reaching a plugin host.
`VerifyingReader` and `verify_bytes` are the checks themselves; the tiered cache uses them too.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from typing import BinaryIO

from kernel.blobstore import Blob, BlobStore, check_digest, open_blob_store
from kernel.config import Settings
from registry.errors import IntegrityError, PackageTooLarge

DEFAULT_MAX_PACKAGE_BYTES = 64 * 1024 * 1024
PLUGIN_BLOBS_FOLDER = "plugins"  # below ARCADE_STORAGE_URL, apart from artifacts: uninstall deletes blobs


def _mismatch(digest: str, where: str, expected_length: int, size: int, actual: str | None) -> IntegrityError:
    got = f"{size} bytes" if actual is None else f"{size} bytes with sha256 {actual}"
    return IntegrityError(
        f"plugin blob {digest} from {where} failed verification: expected {expected_length} bytes "
        f"with that sha256, got {got}",
        digest=digest,
    )


def check_blob_ref(digest: str, length: int) -> None:
    """Refuse a digest that is not a SHA-256 hex digest (BlobStoreError), a length that is not an int ≥ 0."""
    check_digest(digest)
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise ValueError(f"length of blob {digest} must be a non-negative int, not {length!r}")


def verify_bytes(data: bytes, digest: str, length: int, where: str) -> bytes:
    """`data` if it is `length` bytes whose SHA-256 is `digest`; raises IntegrityError otherwise."""
    actual = hashlib.sha256(data).hexdigest()
    if len(data) != length or actual != digest:
        raise _mismatch(digest, where, length, len(data), actual)
    return data


class VerifyingReader(io.RawIOBase):
    """Passes `source`'s bytes through while hashing them.

    Reading past `max_bytes` raises PackageTooLarge, past `expected_length` IntegrityError (so an endless
    stream is cut off early); at the end, before end-of-stream is returned, a length or digest that differs
    from the expected one raises IntegrityError. Act on the bytes only once the end was read without error.
    """

    def __init__(
        self,
        source: BinaryIO,
        *,
        where: str,
        expected_digest: str | None = None,
        expected_length: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        super().__init__()
        self._source = source
        self._sha = hashlib.sha256()
        self.where = where
        self.expected_digest = expected_digest
        self.expected_length = expected_length
        self.max_bytes = max_bytes
        self.size = 0

    @property
    def digest(self) -> str:
        """SHA-256 hex digest of the bytes read so far (of all of them once the end was read)."""
        return self._sha.hexdigest()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._source.read(len(buffer))
        if not chunk:
            self._check_end()
            return 0
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise PackageTooLarge(
                f"plugin package from {self.where} is larger than the limit of {self.max_bytes} bytes",
                limit=self.max_bytes,
            )
        if self.expected_length is not None and self.size > self.expected_length:
            raise _mismatch(self._name, self.where, self.expected_length, self.size, None)
        self._sha.update(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)

    @property
    def _name(self) -> str:
        return self.expected_digest or "(upload)"

    def _check_end(self) -> None:
        length_ok = self.expected_length is None or self.size == self.expected_length
        digest_ok = self.expected_digest is None or self.digest == self.expected_digest
        if not (length_ok and digest_ok):
            expected_length = self.size if self.expected_length is None else self.expected_length
            raise _mismatch(self._name, self.where, expected_length, self.size, self.digest)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()


class PluginBlobs:
    """Immutable plugin packages named by their SHA-256, no larger than `max_package_bytes`."""

    def __init__(self, store: BlobStore, max_package_bytes: int = DEFAULT_MAX_PACKAGE_BYTES) -> None:
        if max_package_bytes <= 0:
            raise ValueError(f"max_package_bytes must be positive, not {max_package_bytes}")
        self.store = store
        self.max_package_bytes = max_package_bytes

    @classmethod
    def from_settings(
        cls, settings: Settings, max_package_bytes: int = DEFAULT_MAX_PACKAGE_BYTES
    ) -> PluginBlobs:
        """The `plugins` folder (or key prefix) under `ARCADE_STORAGE_URL`: `file://DIR` or `s3://BUCKET/P`."""
        url = f"{settings.storage_url.rstrip('/')}/{PLUGIN_BLOBS_FOLDER}"
        return cls(open_blob_store(replace(settings, storage_url=url)), max_package_bytes)

    def __repr__(self) -> str:
        return f"PluginBlobs({self.store!r}, max_package_bytes={self.max_package_bytes})"

    def put(self, source: BinaryIO, expected_digest: str | None = None) -> Blob:
        """Store a package, hashing it on the way; storing the same bytes again is a no-op.

        Raises PackageTooLarge past `max_package_bytes`, and IntegrityError if the bytes do not hash to
        `expected_digest`; in both cases nothing is stored.
        """
        if expected_digest is not None:
            check_digest(expected_digest)
        checked = VerifyingReader(
            source, where="upload", expected_digest=expected_digest, max_bytes=self.max_package_bytes
        )
        return self.store.put(checked)  # type: ignore[arg-type]

    def open_verified(self, digest: str, length: int) -> BinaryIO:
        """A stream of the package that raises IntegrityError once its bytes differ from `digest`/`length`."""
        check_blob_ref(digest, length)
        if length > self.max_package_bytes:
            raise PackageTooLarge(
                f"plugin blob {digest} is {length} bytes, over the limit of {self.max_package_bytes}",
                limit=self.max_package_bytes,
            )
        reader = VerifyingReader(
            self.store.open(digest), where=repr(self.store), expected_digest=digest, expected_length=length
        )
        return reader  # type: ignore[return-value]

    def read_verified(self, digest: str, length: int) -> bytes:
        """The package's bytes, verified; raises IntegrityError or BlobNotFound."""
        with self.open_verified(digest, length) as stream:
            return stream.read()

    def exists(self, digest: str) -> bool:
        """Whether a package with `digest` is stored (not whether its bytes are still intact)."""
        return self.store.exists(digest)

    def delete(self, digest: str) -> None:
        """Remove the package (uninstall); a package that is not stored is not an error."""
        self.store.delete(digest)
