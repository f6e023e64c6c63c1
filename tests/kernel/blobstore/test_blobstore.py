"""The same cases against both blob stores: a local folder, and S3 through a real moto server."""

from __future__ import annotations

import hashlib
import io
import os

import boto3
import pytest

from kernel.blobstore import (
    BlobNotFound,
    BlobStoreError,
    LocalBlobStore,
    S3BlobStore,
    blob_key,
    open_blob_store,
)
from kernel.config import Settings
from kernel.errors import InvalidInput


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="arcade")
    return S3BlobStore("arcade", "ci/blobs", endpoint)


def test_put_returns_the_digest_and_open_streams_the_bytes(store):
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one chunk
    blob = store.put(io.BytesIO(data))
    digest = hashlib.sha256(data).hexdigest()
    assert (blob.digest, blob.size, blob.key) == (
        digest,
        len(data),
        f"sha256/{digest[:2]}/{digest[2:4]}/{digest}",
    )
    assert store.exists(digest)
    with store.open(digest) as stream:
        first = stream.read(1000)
        assert first == data[:1000]
        assert first + stream.read() == data


def test_the_same_bytes_are_stored_once(store):
    first = store.put(io.BytesIO(b"same"))
    second = store.put(io.BytesIO(b"same"))
    assert first == second
    with store.open(first.digest) as stream:
        assert stream.read() == b"same"


def test_empty_blob(store):
    blob = store.put(io.BytesIO(b""))
    assert blob.size == 0
    with store.open(blob.digest) as stream:
        assert stream.read() == b""


def test_delete_removes_and_tolerates_missing(store):
    blob = store.put(io.BytesIO(b"gone soon"))
    store.delete(blob.digest)
    assert not store.exists(blob.digest)
    with pytest.raises(BlobNotFound):
        store.open(blob.digest)
    store.delete(blob.digest)  # already gone: not an error


@pytest.mark.parametrize("digest", ["../../etc/passwd", "ab/../cd", "A" * 64, "0" * 63, ""])
def test_keys_that_are_not_digests_are_refused(store, digest):
    for operation in (store.open, store.exists, store.delete):
        with pytest.raises(BlobStoreError, match="not a SHA-256 hex digest"):
            operation(digest)


def test_local_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")

    class Broken(io.RawIOBase):
        def readinto(self, buffer):
            raise OSError("disk went away")

    with pytest.raises(BlobStoreError, match="disk went away"):
        store.put(Broken())
    blob = store.put(io.BytesIO(b"ok"))
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []
    assert (tmp_path / "blobs" / blob_key(blob.digest)).read_bytes() == b"ok"


def test_local_refuses_a_blob_path_that_leads_outside_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "blobs"
    (root / "sha256").mkdir(parents=True)
    digest = hashlib.sha256(b"x").hexdigest()
    (root / "sha256" / digest[:2]).symlink_to(outside)
    with pytest.raises(BlobStoreError, match="outside the store"):
        LocalBlobStore(root).put(io.BytesIO(b"x"))
    assert list(outside.iterdir()) == []


def test_s3_errors_name_the_bucket(s3_endpoint):
    store = S3BlobStore("no-such-bucket", "", s3_endpoint)
    with pytest.raises(BlobStoreError, match="no-such-bucket"):
        store.put(io.BytesIO(b"x"))


def test_open_blob_store_from_settings(tmp_path):
    local = open_blob_store(Settings(storage_url=f"file://{tmp_path}/b"))
    assert isinstance(local, LocalBlobStore) and local.root == tmp_path / "b"
    s3 = open_blob_store(
        Settings(storage_url="s3://bucket/some/prefix", s3_endpoint_url="http://127.0.0.1:1")
    )
    assert isinstance(s3, S3BlobStore) and (s3.bucket, s3.prefix) == ("bucket", "some/prefix")
    for bad in ("ftp://x", "s3:///prefix", "file://"):
        with pytest.raises(InvalidInput, match="storage_url"):
            open_blob_store(Settings(storage_url=bad))
