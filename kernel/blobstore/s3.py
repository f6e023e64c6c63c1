"""Blobs in an S3 bucket (or any S3-compatible endpoint) through boto3, under a key prefix."""

from __future__ import annotations

import tempfile
from typing import Any, BinaryIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from kernel.blobstore.base import Blob, BlobNotFound, BlobStoreError, blob_key, check_digest, copy_hashing

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
_MISSING = ("404", "NoSuchKey", "NotFound")


class S3BlobStore:
    """`BlobStore` over `s3://bucket/prefix`. Credentials and region come from the usual AWS settings."""

    def __init__(
        self, bucket: str, prefix: str = "", endpoint_url: str | None = None, client: Any = None
    ) -> None:
        if not bucket:
            raise BlobStoreError("an S3 blob store needs a bucket name (s3://BUCKET/PREFIX)")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url or None
        self._client = client or boto3.client("s3", endpoint_url=self.endpoint_url)

    def __repr__(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"S3BlobStore('s3://{self.bucket}/{self.prefix}'{where})"

    def _key(self, digest: str) -> str:
        key = blob_key(digest)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _failed(self, action: str, digest: str, error: Exception) -> BlobStoreError:
        return BlobStoreError(f"S3 {action} of blob {digest} in bucket '{self.bucket}' failed: {error}")

    def put(self, source: BinaryIO) -> Blob:
        # The key is the digest, known only after reading everything: spool first, then upload.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES) as spool:
            digest, size = copy_hashing(source, spool)  # type: ignore[arg-type]
            if not self.exists(digest):
                spool.seek(0)
                try:
                    self._client.upload_fileobj(spool, self.bucket, self._key(digest))
                except (BotoCoreError, ClientError) as error:
                    raise self._failed("upload", digest, error) from error
        return Blob(digest, size, blob_key(digest))

    def open(self, digest: str) -> BinaryIO:
        check_digest(digest)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(digest))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise BlobNotFound(f"blob {digest} not found in bucket '{self.bucket}'") from None
            raise self._failed("download", digest, error) from error
        except BotoCoreError as error:
            raise self._failed("download", digest, error) from error
        return response["Body"]  # a streaming body: read(n) pulls from the connection

    def exists(self, digest: str) -> bool:
        check_digest(digest)
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(digest))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise self._failed("lookup", digest, error) from error
        except BotoCoreError as error:
            raise self._failed("lookup", digest, error) from error
        return True

    def delete(self, digest: str) -> None:
        check_digest(digest)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._key(digest))
        except (BotoCoreError, ClientError) as error:
            raise self._failed("delete", digest, error) from error
