"""`open_blob_store`: the store that `ARCADE_STORAGE_URL` names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kernel.blobstore.base import BlobStore
from kernel.blobstore.local import LocalBlobStore
from kernel.blobstore.s3 import S3BlobStore
from kernel.config import Settings
from kernel.errors import InvalidInput


def open_blob_store(settings: Settings) -> BlobStore:
    """`file://DIR` (relative DIRs are relative to the working directory) or `s3://BUCKET/PREFIX`."""
    url = settings.storage_url
    parts = urlsplit(url)
    if parts.scheme == "file":
        folder = parts.netloc + parts.path  # file://.arcade/blobs keeps its relative path
        if not folder:
            raise InvalidInput(
                f"setting 'storage_url' ({url!r}): file:// needs a folder, e.g. file://.arcade/blobs"
            )
        return LocalBlobStore(Path(folder))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise InvalidInput(f"setting 'storage_url' ({url!r}): expected s3://BUCKET/PREFIX")
        return S3BlobStore(parts.netloc, parts.path, settings.s3_endpoint_url or None)
    raise InvalidInput(f"setting 'storage_url' ({url!r}): expected file://DIR or s3://BUCKET/PREFIX")
