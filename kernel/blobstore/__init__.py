"""Content-addressed blob storage: a local folder or an S3 bucket, behind one `BlobStore` protocol.

Blobs are immutable and named by the SHA-256 of their bytes (`sha256/ab/cd/<digest>` under the store's
root or prefix), so a blob written twice is stored once. Artifacts use it now; the plugin registry will too.
"""

from kernel.blobstore.base import (
    Blob,
    BlobNotFound,
    BlobStore,
    BlobStoreError,
    blob_key,
    check_digest,
)
from kernel.blobstore.factory import open_blob_store
from kernel.blobstore.local import LocalBlobStore
from kernel.blobstore.s3 import S3BlobStore

__all__ = [
    "Blob",
    "BlobNotFound",
    "BlobStore",
    "BlobStoreError",
    "LocalBlobStore",
    "S3BlobStore",
    "blob_key",
    "check_digest",
    "open_blob_store",
]
