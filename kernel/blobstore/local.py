"""Blobs in a local folder: written to a temporary file, then renamed into place (atomic on POSIX)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from kernel.blobstore.base import Blob, BlobNotFound, BlobStoreError, blob_key, copy_hashing


class LocalBlobStore:
    """`BlobStore` over the folder `root` (created on first write)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).absolute()

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def _path(self, digest: str) -> Path:
        path = (self.root / blob_key(digest)).resolve()
        if not path.is_relative_to(self.root.resolve()):  # a symlinked subfolder must not lead outside
            raise BlobStoreError(f"blob {digest} resolves outside the store at {self.root}")
        return path

    def put(self, source: BinaryIO) -> Blob:
        staging = self.root / "tmp"
        try:
            staging.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(dir=staging, prefix="upload-")
        except OSError as error:
            raise BlobStoreError(f"cannot write to the blob store at {self.root}: {error}") from error
        try:
            with os.fdopen(handle, "wb") as temp:
                digest, size = copy_hashing(source, temp)
                temp.flush()
                os.fsync(temp.fileno())
            target = self._path(digest)
            if target.exists():
                os.unlink(temp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp_name, target)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise BlobStoreError(f"cannot write to the blob store at {self.root}: {error}") from error
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        return Blob(digest, size, blob_key(digest))

    def open(self, digest: str) -> BinaryIO:
        try:
            return self._path(digest).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(f"blob {digest} not found in {self.root}") from None
        except OSError as error:
            raise BlobStoreError(f"cannot read blob {digest}: {error}") from error

    def exists(self, digest: str) -> bool:
        return self._path(digest).is_file()

    def delete(self, digest: str) -> None:
        try:
            self._path(digest).unlink(missing_ok=True)
        except OSError as error:
            raise BlobStoreError(f"cannot delete blob {digest}: {error}") from error
