"""The attacks of issue 5 on the signed plugin registry, each refused with a clear error, with nothing of the
attacker's bytes executed and nothing else disturbed. This module holds the attacks against a real kernel
(an in-process `EmbeddedKernel`, its blobs in a local folder or in S3 served by moto's ThreadedMotoServer);
the agent-side attacks are in tests/agent/plugins/test_registry_attacks.py (abbreviated `agent_attacks`).

Coverage map (attack -> tests; `::` names a test function):

Tampered blob, agent memory tier
    agent_attacks::test_a_tampered_cache_tier_is_evicted_and_the_good_blob_runs[memory]
    agent_attacks::test_every_tier_and_the_kernel_tampered_is_refused_and_nothing_is_kept
    tests/registry/test_cache.py::test_tampered_bytes_in_memory_are_evicted_and_loaded_from_disk
Tampered blob, agent disk tier
    agent_attacks::test_a_tampered_cache_tier_is_evicted_and_the_good_blob_runs[disk]
    tests/agent/plugins/test_registry_source.py::test_a_tampered_disk_cache_entry_is_evicted_and_downloaded_again
    tests/registry/test_cache.py::test_a_tampered_file_on_disk_is_evicted_and_fetched_again
Tampered blob, the agent's unpacked copy (<workdir>/plugins/<sha256>/): entry re-hashed on every load
    agent_attacks::test_a_tampered_unpacked_plugin_is_not_run
Tampered blob at the source (the kernel's download)
    tests/agent/plugins/test_registry_source.py::test_a_tampered_download_is_refused_and_nothing_is_kept
    tests/kernel/test_grpc_registry.py::test_agents_read_signed_metadata_and_published_packages (DATA_LOSS)
    tests/registry/test_cache.py::test_a_tampered_source_raises_and_caches_nothing
Tampered blob in S3
    test_a_blob_tampered_in_s3_is_refused_to_agents_and_the_kernel_keeps_serving
    test_the_kernels_cache_tiers_and_s3_tampered_never_serve_tampered_bytes (kernel memory + disk tiers too)
    tests/registry/test_blobs.py::test_a_tampered_blob_is_refused_naming_its_digest[s3-*]
    tests/registry/test_blobs.py::test_a_tampered_blob_in_the_store_reaches_no_cache_tier[s3]
Wrong publisher key for a namespace
    tests/registry/test_trust_attacks.py::test_wrong_publisher_key
    tests/registry/test_trust_attacks.py::test_other_publishers_key_for_a_namespace
    tests/kernel/test_http_registry.py::test_wrong_publisher_key_and_unsigned_role_are_refused
Unsigned upload
    tests/registry/test_trust_attacks.py::test_unsigned_upload (a role update without signatures)
    tests/kernel/test_http_registry.py::test_wrong_publisher_key_and_unsigned_role_are_refused
    test_an_uploaded_but_unsigned_package_is_never_served_to_agents (a package nobody signed)
Expired timestamp (freeze)
    tests/registry/test_trust_attacks.py::test_expired_timestamp_freeze
    agent_attacks::test_a_frozen_repository_stops_a_cached_plugin_until_fresh_metadata_is_signed
Older snapshot/targets replayed (rollback)
    tests/registry/test_trust_attacks.py::test_rollback_of_timestamp_and_snapshot
    tests/registry/test_trust_attacks.py::test_older_role_version_replayed_to_the_repository
    agent_attacks::test_replayed_or_mixed_metadata_cannot_hide_a_revocation_from_an_agent
Metadata mixed from two versions
    tests/registry/test_trust_attacks.py::test_older_targets_served_for_the_newer_version
    tests/registry/test_trust_attacks.py::test_snapshot_from_another_version
    agent_attacks::test_replayed_or_mixed_metadata_cannot_hide_a_revocation_from_an_agent
A revoked version already cached on the agent
    tests/agent/plugins/test_registry_source.py::test_a_revoked_release_is_refused_even_when_cached
    tests/registry/test_trust_cycle.py::test_revoked_version_is_refused_and_ranges_skip_it
    tests/e2e/test_registry_agent.py::test_an_agent_runs_a_published_plugin_until_it_is_revoked
A package larger than allowed
    tests/kernel/test_http_registry.py::test_upload_refuses_digest_mismatch_oversize_and_unsafe_zips (413)
    tests/registry/test_blobs.py::test_a_package_larger_than_allowed_is_refused_and_nothing_is_stored
    agent_attacks::test_a_signed_target_larger_than_the_agent_cache_is_refused_before_downloading
A zip bomb
    test_a_hostile_upload_is_refused_and_nothing_is_stored[zip bomb]
    agent_attacks::test_a_signed_hostile_package_is_refused_before_anything_is_extracted[zip bomb]
    tests/plugin_sdk/test_plugin_package.py::test_zip_bomb_ratio
Path traversal in a package
    test_a_hostile_upload_is_refused_and_nothing_is_stored[traversal-*]
    agent_attacks::test_a_signed_hostile_package_is_refused_before_anything_is_extracted[path traversal]
    tests/kernel/test_http_registry.py::test_upload_refuses_digest_mismatch_oversize_and_unsafe_zips
    tests/plugin_sdk/test_plugin_package.py::test_dot_dot_entry, test_absolute_path_entry, test_symlink_entry
Manifest with unknown permission names (the schema has additionalProperties: false at every level)
    test_a_hostile_upload_is_refused_and_nothing_is_stored[unknown permission*]
    test_a_signed_manifest_with_unknown_permissions_is_refused_at_publish
    agent_attacks::test_a_signed_hostile_package_is_refused_before_anything_is_extracted[unknown permission]
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernel"))  # the registry kernel's helpers

from marketplace_setup import HELLO_MANIFEST, NAME, NAMESPACE, Publisher, trust_body
from test_http_registry import problem, publish, signed_role, upload

from agent.errors import PeerRejected, PluginUnavailable
from agent.grpc_peer import GrpcPeer
from agent.peer import AgentInfo
from agent.plugins.registry_source import RegistrySource
from agent.plugins.resolver import PluginResolver
from kernel.blobstore import blob_key
from kernel.cli.embedded import EmbeddedKernel
from kernel.config import Settings
from registry.errors import TargetNotFound
from registry.trust import HttpFetcher, TrustClient, kernel_metadata_url


class RegistryKernel:
    """A started EmbeddedKernel with the registry on and the trust uploaded; `api` talks to it as admin."""

    def __init__(self, setup: Publisher, **settings: Any) -> None:
        data = setup.tmp / "data"
        data.mkdir()
        self.setup = setup
        defaults = {
            "database_url": f"sqlite:///{data / 'arcade.db'}",
            "storage_url": f"file://{data / 'blobs'}",
            "admin_token": secrets.token_urlsafe(32),
            "grpc_addr": "127.0.0.1:0",
            "http_addr": "127.0.0.1:0",
            "trust_online_keys": str(setup.trust / "online"),
            "registry_dir": str(data / "registry"),
        }
        self.embedded = EmbeddedKernel(replace(Settings.load(), **{**defaults, **settings})).start()
        self.kernel = self.embedded.kernel
        self.api = httpx.Client(
            base_url=self.kernel.http_url + "/api/v1",
            headers={"Authorization": f"Bearer {self.embedded.admin_token}"},
            timeout=30,
        )
        assert self.api.put("/registry/trust", json=trust_body(setup.trust)).status_code == 200

    def publish(self, version: str, readme: str = "hello") -> tuple[str, bytes]:
        package = self.setup.package(version, readme=readme)
        response = publish(self.api, self.embedded, self.setup, package)
        assert response.status_code == 200, response.text
        data = package.read_bytes()
        return hashlib.sha256(data).hexdigest(), data

    def agent_peer(self) -> GrpcPeer:
        peer = GrpcPeer(self.kernel.grpc_target)
        token = self.embedded.registration_token()
        peer.register(AgentInfo(token, f"agent-{uuid.uuid4().hex[:6]}", {}, 1, "test", "localhost"))
        return peer

    def close(self) -> None:
        self.api.close()
        self.embedded.stop()


@pytest.fixture
def s3_kernel(tmp_path: Path, s3_endpoint: str) -> Iterator[tuple[RegistryKernel, str]]:
    """A registry kernel whose blob store is an S3 bucket on the moto server; yields it and the bucket."""
    bucket = f"arcade-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    kernel = RegistryKernel(Publisher(tmp_path), storage_url=f"s3://{bucket}/ci", s3_endpoint_url=s3_endpoint)
    try:
        yield kernel, bucket
    finally:
        kernel.close()


@pytest.fixture(scope="module")
def file_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryKernel]:
    """One registry kernel (local blob store) for the upload refusals, which change nothing."""
    kernel = RegistryKernel(Publisher(tmp_path_factory.mktemp("kernel")))
    kernel.publish("0.1.0")
    try:
        yield kernel
    finally:
        kernel.close()


def tamper_in_bucket(endpoint: str, bucket: str, digest: str, data: bytes) -> None:
    """Overwrite the package object behind the kernel's back, with the same length."""
    client = boto3.client("s3", endpoint_url=endpoint)
    key = f"ci/plugins/{blob_key(digest)}"
    assert client.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data)
    client.put_object(Bucket=bucket, Key=key, Body=bytes(len(data)))


def registry_source(kernel: RegistryKernel, peer: GrpcPeer, workdir: Path) -> RegistrySource:
    """An agent's RegistrySource against the real kernel, over gRPC, with fresh cache folders."""
    return RegistrySource(
        kernel.setup.trust / "root.json", workdir, peer, PluginResolver([], workdir / "plugins")
    )


# ---- tampered blob in S3 ----------------------------------------------------------------------------------


def test_a_blob_tampered_in_s3_is_refused_to_agents_and_the_kernel_keeps_serving(
    s3_kernel, s3_endpoint, tmp_path
):
    kernel, bucket = s3_kernel
    bad, bad_data = kernel.publish("0.1.0")
    good, good_data = kernel.publish("0.2.0", readme="another")
    tamper_in_bucket(s3_endpoint, bucket, bad, bad_data)
    peer = kernel.agent_peer()
    try:
        with pytest.raises(PeerRejected) as refused:
            list(peer.download_plugin(bad))
        assert refused.value.code == "DATA_LOSS"
        assert f"plugin blob {bad}" in str(refused.value) and "failed verification" in str(refused.value)

        source = registry_source(kernel, peer, tmp_path / "agent")
        with pytest.raises(
            PluginUnavailable, match=f"cannot run {NAME}@0.1.0 from the signed registry"
        ) as why:
            source.resolve(f"{NAME}@0.1.0")
        assert bad in str(why.value)
        assert not (tmp_path / "agent" / "plugins" / bad).exists()
        assert source.cache.stats.disk_entries == 0

        found = source.resolve(f"{NAME}@0.2.0")  # the other package is still served, verified
        assert found.target.sha256 == good and found.plugin.manifest.version == "0.2.0"
        assert b"".join(peer.download_plugin(good)) == good_data
    finally:
        peer.close()
    listed = kernel.api.get("/plugins").json()["plugins"]  # the kernel still answers
    assert [(item["name"], item["latest_version"]) for item in listed] == [(NAME, "0.2.0")]


def test_the_kernels_cache_tiers_and_s3_tampered_never_serve_tampered_bytes(s3_kernel, s3_endpoint):
    """The kernel's own tiers (memory, <registry_dir>/cache) are re-hashed on every load: tampered entries
    are evicted and the package is fetched from S3 again; tampered in S3 as well, the download is refused
    (HTTP 422 naming the digest) and the other package is still served."""
    kernel, bucket = s3_kernel
    bad, bad_data = kernel.publish("0.1.0")
    good, good_data = kernel.publish("0.2.0", readme="another")
    assert kernel.api.get(f"/plugins/blobs/{bad}").content == bad_data  # now in both kernel tiers
    cache = kernel.kernel.marketplace.cache
    disk = cache.folder / blob_key(bad)
    assert disk.read_bytes() == bad_data

    cache._memory[bad] = bytes(len(bad_data))  # memory tampered: served from the disk tier
    assert kernel.api.get(f"/plugins/blobs/{bad}").content == bad_data
    cache._memory[bad] = bytes(len(bad_data))  # memory and disk tampered: served from S3 again
    disk.write_bytes(bytes(len(bad_data)))
    assert kernel.api.get(f"/plugins/blobs/{bad}").content == bad_data
    assert disk.read_bytes() == bad_data
    assert cache.stats.integrity_failures == 3

    tamper_in_bucket(s3_endpoint, bucket, bad, bad_data)  # every tier tampered: refused
    cache._memory[bad] = bytes(len(bad_data))
    disk.write_bytes(bytes(len(bad_data)))
    body = problem(kernel.api.get(f"/plugins/blobs/{bad}"), 422)
    assert f"plugin blob {bad}" in body["detail"] and "failed verification" in body["detail"], body
    assert not disk.exists()
    assert kernel.api.get(f"/plugins/blobs/{good}").content == good_data


# ---- unsigned package --------------------------------------------------------------------------------------


def test_an_uploaded_but_unsigned_package_is_never_served_to_agents(file_kernel, tmp_path):
    package = file_kernel.setup.package("9.9.9", readme="nobody signed me")
    unsigned, _ = upload(file_kernel.api, package)  # stored, but no publisher signed a release of it
    problem(file_kernel.api.get(f"/plugins/blobs/{unsigned}"), 404)
    peer = file_kernel.agent_peer()
    try:
        with pytest.raises(PeerRejected) as refused:
            list(peer.download_plugin(unsigned))
        assert refused.value.code == "NOT_FOUND"
        source = registry_source(file_kernel, peer, tmp_path / "agent")
        with pytest.raises(PluginUnavailable, match=r"no published version matches \(published: 0\.1\.0\)"):
            source.resolve(f"{NAME}@9.9.9")
        assert source.resolve(f"{NAME}@0.1.0").target.version == "0.1.0"  # the signed one still resolves
    finally:
        peer.close()
    token, _ = file_kernel.kernel.tokens.create("agent")
    base = kernel_metadata_url(file_kernel.kernel.http_url)
    client = TrustClient(
        file_kernel.setup.trust / "root.json", tmp_path / "trust", HttpFetcher(base, token), base
    )
    with pytest.raises(TargetNotFound):
        client.find(NAME, "9.9.9")


# ---- hostile packages uploaded to the kernel ---------------------------------------------------------------


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def hello_entries(manifest: dict[str, Any] | None = None) -> list[tuple[str, bytes]]:
    document = dict(manifest or HELLO_MANIFEST, version="7.0.0")
    return [("manifest.json", json.dumps(document).encode()), ("plugin.wasm", b"\0asm\1\0\0\0")]


UNKNOWN_PERMISSIONS = {
    "unknown permission": (
        {"docker": {"socket": "rw"}},
        "permissions: Additional properties are not allowed ('docker' was unexpected)",
    ),
    "unknown permission in fs": (
        {"fs": {"workspace": "ro", "root": "rw"}},
        "permissions.fs: Additional properties are not allowed ('root' was unexpected)",
    ),
    "unknown limit": (
        {"limits": {"cpu_seconds": 10}},
        "permissions.limits: Additional properties are not allowed ('cpu_seconds' was unexpected)",
    ),
}

HOSTILE_UPLOADS = {
    "zip bomb": (hello_entries() + [("zeros.bin", bytes(8 * 1024**2))], "zeros.bin", "(a zip bomb?)"),
    "traversal-dotdot": (hello_entries() + [("../../escape.sh", b"x")], "../../escape.sh", "leads outside"),
    "traversal-inner": (hello_entries() + [("a/../../escape", b"x")], "a/../../escape", "leads outside"),
    "traversal-absolute": (hello_entries() + [("/etc/cron.d/x", b"x")], "/etc/cron.d/x", "absolute path"),
    "traversal-drive": (hello_entries() + [("C:/x", b"x")], "C:/x", "absolute path"),
    "traversal-backslash": (hello_entries() + [("..\\escape", b"x")], "..\\escape", "not a portable"),
    **{
        name: (hello_entries({**HELLO_MANIFEST, "permissions": permissions}), None, expected)
        for name, (permissions, expected) in UNKNOWN_PERMISSIONS.items()
    },
}


@pytest.mark.parametrize("attack", list(HOSTILE_UPLOADS))
def test_a_hostile_upload_is_refused_and_nothing_is_stored(file_kernel, attack):
    entries, entry, expected = HOSTILE_UPLOADS[attack]
    data = zip_bytes(entries)
    digest = hashlib.sha256(data).hexdigest()
    body = problem(file_kernel.api.put(f"/plugins/blobs/{digest}", content=data), 422)
    assert body["detail"].startswith("invalid plugin package: "), body
    if entry is not None:
        assert body["entry"] == entry and expected in body["detail"], body
    else:
        assert any(expected in item for item in body["problems"]), body
    assert not file_kernel.kernel.registry.blobs.exists(digest)
    scratch = list(Path("/tmp").glob("arcade-package-*/package/escape*"))
    assert scratch == [] and not Path("/tmp/escape.sh").exists()
    shown = file_kernel.api.get(f"/plugins/{NAME}").json()  # the published plugin is untouched
    assert [version["version"] for version in shown["versions"]] == ["0.1.0"]


def test_a_signed_manifest_with_unknown_permissions_is_refused_at_publish(file_kernel):
    """A publisher signs a release whose custom.manifest grants a permission the package does not ask for
    (and the schema does not know): the kernel refuses it (agents grant what the signed manifest says)."""
    setup = file_kernel.setup
    package = setup.package("0.3.0")
    upload(file_kernel.api, package)
    lying = {**HELLO_MANIFEST, "version": "0.3.0", "permissions": {"docker": {"socket": "rw"}}}
    role = signed_role(file_kernel.embedded, setup, package, manifest=lying)
    body = problem(file_kernel.api.post("/plugins/publish", json={"namespace": NAMESPACE, "role": role}), 422)
    assert "custom.manifest differs from the package's manifest.json" in body["detail"]
    shown = file_kernel.api.get(f"/plugins/{NAME}").json()
    assert [version["version"] for version in shown["versions"]] == ["0.1.0"]
