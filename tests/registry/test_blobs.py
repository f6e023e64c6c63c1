"""PluginBlobs over both kernel blob stores (a local folder, S3 through a real moto server): size limit,
immutability, and tampered blobs refused on the way out, also when they feed a TieredCache."""

from __future__ import annotations

import hashlib
import io
import os
import uuid

import boto3
import pytest

from kernel.blobstore import BlobNotFound, LocalBlobStore, S3BlobStore, blob_key
from kernel.config import Settings
from registry.blobs import PluginBlobs
from registry.cache import TieredCache
from registry.errors import IntegrityError, PackageTooLarge

LIMIT = 4096
PACKAGE = os.urandom(3000)
DIGEST = hashlib.sha256(PACKAGE).hexdigest()


def stored_files(store) -> list[str]:
    """Every object or file in the store (the local store's empty staging folder aside)."""
    if isinstance(store, LocalBlobStore):
        return [str(path) for path in store.root.rglob("*") if path.is_file()]
    listing = boto3.client("s3", endpoint_url=store.endpoint_url).list_objects_v2(Bucket=store.bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def tamper(store, digest: str, data: bytes) -> None:
    """Overwrite a stored blob behind the store's back: on disk, or in the bucket through boto3."""
    if isinstance(store, LocalBlobStore):
        (store.root / blob_key(digest)).write_bytes(data)
    else:
        client = boto3.client("s3", endpoint_url=store.endpoint_url)
        client.put_object(Bucket=store.bucket, Key=f"{store.prefix}/{blob_key(digest)}", Body=data)


@pytest.fixture(params=["local", "s3"])
def blobs(request, tmp_path) -> PluginBlobs:
    if request.param == "local":
        return PluginBlobs(LocalBlobStore(tmp_path / "blobs"), max_package_bytes=LIMIT)
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"arcade-{uuid.uuid4().hex[:12]}"  # moto keeps buckets for the whole process: one per test
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return PluginBlobs(S3BlobStore(bucket, "registry/plugins", endpoint), max_package_bytes=LIMIT)


def test_put_hashes_and_read_verified_returns_the_bytes(blobs):
    blob = blobs.put(io.BytesIO(PACKAGE))
    assert (blob.digest, blob.size) == (DIGEST, len(PACKAGE))
    assert blobs.exists(DIGEST)
    assert blobs.read_verified(DIGEST, len(PACKAGE)) == PACKAGE
    with blobs.open_verified(DIGEST, len(PACKAGE)) as stream:
        assert stream.read(100) + stream.read() == PACKAGE


def test_writing_the_same_package_twice_is_a_no_op(blobs):
    assert blobs.put(io.BytesIO(PACKAGE)) == blobs.put(io.BytesIO(PACKAGE), expected_digest=DIGEST)
    assert blobs.read_verified(DIGEST, len(PACKAGE)) == PACKAGE


def test_a_package_larger_than_allowed_is_refused_and_nothing_is_stored(blobs):
    too_large = os.urandom(LIMIT + 1)
    with pytest.raises(PackageTooLarge, match=f"limit of {LIMIT} bytes") as raised:
        blobs.put(io.BytesIO(too_large))
    assert raised.value.limit == LIMIT
    assert stored_files(blobs.store) == []
    with pytest.raises(PackageTooLarge, match="over the limit"):
        blobs.open_verified(DIGEST, LIMIT + 1)


def test_an_upload_that_does_not_match_its_expected_digest_is_not_stored(blobs):
    other = "0" * 64
    with pytest.raises(IntegrityError, match=other):
        blobs.put(io.BytesIO(PACKAGE), expected_digest=other)
    assert stored_files(blobs.store) == []


@pytest.mark.parametrize(
    "tampered",
    [bytes(len(PACKAGE)), PACKAGE[:-1], PACKAGE + b"!"],
    ids=["same-length", "shorter", "longer"],
)
def test_a_tampered_blob_is_refused_naming_its_digest(blobs, tampered):
    blobs.put(io.BytesIO(PACKAGE))
    tamper(blobs.store, DIGEST, tampered)
    with pytest.raises(IntegrityError, match=DIGEST) as raised:
        blobs.read_verified(DIGEST, len(PACKAGE))
    assert raised.value.digest == DIGEST


def test_a_wrong_expected_length_is_refused(blobs):
    blobs.put(io.BytesIO(PACKAGE))
    for length in (len(PACKAGE) - 1, len(PACKAGE) + 1):
        with pytest.raises(IntegrityError, match=f"expected {length} bytes"):
            blobs.read_verified(DIGEST, length)


def test_a_tampered_blob_in_the_store_reaches_no_cache_tier(blobs, tmp_path):
    blobs.put(io.BytesIO(PACKAGE))
    tamper(blobs.store, DIGEST, bytes(len(PACKAGE)))
    cache = TieredCache(tmp_path / "cache", blobs.open_verified, source_name=repr(blobs.store))
    with pytest.raises(IntegrityError, match=DIGEST):
        cache.get(DIGEST, len(PACKAGE))
    assert (cache.stats.memory_entries, cache.stats.disk_entries) == (0, 0)
    assert [path for path in (tmp_path / "cache").rglob("*") if path.is_file()] == []

    blobs.delete(DIGEST)  # uninstall, then publish again: the cache now serves the real bytes
    blobs.put(io.BytesIO(PACKAGE))
    assert cache.get(DIGEST, len(PACKAGE)) == PACKAGE


def test_delete_removes_the_package(blobs):
    blobs.put(io.BytesIO(PACKAGE))
    blobs.delete(DIGEST)
    assert not blobs.exists(DIGEST)
    with pytest.raises(BlobNotFound):
        blobs.read_verified(DIGEST, len(PACKAGE))
    blobs.delete(DIGEST)


def test_from_settings_keeps_plugins_apart_from_artifacts(tmp_path):
    local = PluginBlobs.from_settings(Settings(storage_url=f"file://{tmp_path}/blobs/"), max_package_bytes=10)
    assert isinstance(local.store, LocalBlobStore) and local.store.root == tmp_path / "blobs" / "plugins"
    assert local.max_package_bytes == 10
    s3 = PluginBlobs.from_settings(
        Settings(storage_url="s3://bucket/ci", s3_endpoint_url="http://127.0.0.1:1")
    ).store
    assert isinstance(s3, S3BlobStore)
    assert (s3.bucket, s3.prefix, s3.endpoint_url) == ("bucket", "ci/plugins", "http://127.0.0.1:1")
    with pytest.raises(ValueError, match="positive"):
        PluginBlobs(local.store, max_package_bytes=0)
