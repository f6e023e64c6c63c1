"""Plugins from the signed registry: a real TUF registry (registry.trust) served by the in-memory FakePeer;
resolve, cache hits, revocation (blocking even a cached release, or warning), tampered downloads and
manifests that differ from the signed one are refused with nothing run."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from agent_testkit import FakePeer, Harness, job, step
from plugin_kit import manifest, package, plugin_dir

from agent.errors import PluginUnavailable
from agent.peer import Status
from agent.plugins.registry_source import RegistrySource
from agent.plugins.resolver import PluginResolver
from agent.plugins.steps import PluginSteps
from plugin_sdk import load_manifest
from registry.keys import generate_key, load_public_key, load_signer
from registry.trust import (
    OnlineRepository,
    add_publisher,
    init,
    load_online_keys,
    release_path,
    revoke_release,
    sign_release,
)


class SignedRegistry:
    """An admin's TRUST folder and a kernel's OnlineRepository with publisher `tests`, under `tmp`."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.trust = tmp / "TRUST"
        init(self.trust)
        self.repo = OnlineRepository(tmp / "online", load_online_keys(self.trust / "online"))
        self.key = tmp / "tests.key"
        generate_key(self.key)
        add_publisher(self.trust, "tests", load_public_key(self.key.with_name("tests.key.pub")))
        self.repo.sync(self.trust / "metadata")
        self.packages: dict[str, bytes] = {}

    @property
    def root(self) -> Path:
        return self.trust / "root.json"

    def publish(self, name: str, version: str, signed_manifest: dict | None = None) -> str:
        """Build, pack and publish `name@version` (the echo guest); returns the package's sha256."""
        document = manifest(name=name, version=version)
        source = plugin_dir(self.tmp / "src" / f"{name.replace('/', '-')}-{version}", document)
        data = package(source, self.tmp / f"{name.replace('/', '-')}-{version}.zip").read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        carried = signed_manifest or load_manifest(source / "manifest.json").to_dict()
        update = sign_release(
            self.repo.role_metadata("tests"),
            "tests",
            load_signer(self.key),
            release_path(name, version),
            len(data),
            digest,
            carried,
        )
        self.repo.accept_delegated_update("tests", update)
        self.packages[digest] = data
        return digest

    def revoke(self, release: str, reason: str, action: str = "block") -> None:
        revoke_release(self.trust, release, reason=reason, action=action)
        self.repo.sync(self.trust / "metadata")

    def serve(self, peer: FakePeer) -> None:
        peer.registry_dir = self.repo.metadata_dir
        peer.plugin_blobs.update(self.packages)


@pytest.fixture
def signed(tmp_path: Path) -> SignedRegistry:
    return SignedRegistry(tmp_path / "registry")


def source_for(signed: SignedRegistry, peer: FakePeer, workdir: Path) -> RegistrySource:
    signed.serve(peer)
    return RegistrySource(signed.root, workdir, peer, PluginResolver([], workdir / "plugins"))


def test_resolves_downloads_once_and_hits_the_cache_after(signed: SignedRegistry, tmp_path: Path):
    digest = signed.publish("tests/echo", "1.0.0")
    signed.publish("tests/echo", "1.2.0")
    newest = signed.publish("tests/echo", "1.3.0")
    signed.publish("tests/echo", "2.0.0")
    peer = FakePeer()
    source = source_for(signed, peer, tmp_path / "work")

    found = source.resolve("tests/echo@^1")
    assert found.plugin.ref == "tests/echo@1.3.0" and found.warning is None
    assert found.plugin.root == (tmp_path / "work" / "plugins" / newest).resolve()
    assert found.plugin.origin == f"the signed registry (sha256 {newest[:12]})"
    assert source.resolve("tests/echo@^1").plugin.root == found.plugin.root
    assert peer.plugin_downloads == [newest]  # the second run came from the cache
    assert source.cache.stats.downloads == 1

    assert source.resolve("tests/echo@1.0.0").plugin.ref == "tests/echo@1.0.0"
    assert peer.plugin_downloads == [newest, digest]


def test_a_job_runs_a_registry_plugin_and_reports_its_result(signed: SignedRegistry, harness: Harness):
    signed.publish("tests/echo", "1.0.0")
    signed.serve(harness.peer)
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    final = harness.run(job("j1", step("s1", "", uses="tests/echo@^1", args={"n": 3})))
    assert final.status == Status.SUCCESS, final.message
    assert harness.peer.final_step("s1").result["echo"]["args"] == {"n": 3}
    assert harness.peer.texts("s1")[0].startswith(
        "plugin tests/echo@1.0.0 (wasm, wasi-command) from the signed"
    )


def test_a_revoked_release_is_refused_even_when_cached(signed: SignedRegistry, harness: Harness):
    signed.publish("tests/echo", "1.0.0")
    signed.serve(harness.peer)
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    assert harness.run(job("j1", step("s1", "", uses="tests/echo@^1"))).status == Status.SUCCESS

    signed.revoke("tests/echo@1.0.0", "CVE-2026-1 in the echo guest")
    final = harness.run(job("j2", step("s2", "", uses="tests/echo@^1")))
    assert final.status == Status.FAILED
    report = harness.peer.final_step("s2")
    assert "tests/echo@1.0.0 is revoked: CVE-2026-1 in the echo guest" in report.message
    assert report.message.startswith("cannot run tests/echo@^1 from the signed registry")
    assert harness.peer.texts("s2") == [report.message]  # nothing ran: no plugin line, no output
    assert len(harness.peer.plugin_downloads) == 1


def test_a_warn_revocation_runs_with_a_warning_line(signed: SignedRegistry, harness: Harness):
    signed.publish("tests/echo", "1.0.0")
    signed.revoke("tests/echo@1.0.0", "deprecated", action="warn")
    signed.serve(harness.peer)
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    final = harness.run(job("j1", step("s1", "", uses="tests/echo")))
    assert final.status == Status.SUCCESS, final.message
    lines = harness.peer.texts("s1")
    assert lines[0] == (
        "warning: tests/echo@1.0.0 is revoked: deprecated; running it anyway (the revocation only warns)"
    )


def test_a_tampered_download_is_refused_and_nothing_is_kept(signed: SignedRegistry, tmp_path: Path):
    digest = signed.publish("tests/echo", "1.0.0")
    peer = FakePeer()
    source = source_for(signed, peer, tmp_path / "work")
    good = peer.plugin_blobs[digest]
    peer.plugin_blobs[digest] = good[:-1] + bytes([good[-1] ^ 1])
    with pytest.raises(
        PluginUnavailable, match=f"plugin blob {digest} from the kernel .* failed verification"
    ):
        source.resolve("tests/echo@1.0.0")
    assert not (tmp_path / "work" / "plugins" / digest).exists()
    assert source.cache.stats.disk_entries == 0

    peer.plugin_blobs[digest] = good + b"more"  # longer than signed: cut off
    with pytest.raises(PluginUnavailable, match="failed verification"):
        source.resolve("tests/echo@1.0.0")
    peer.plugin_blobs[digest] = good  # the kernel is repaired: the agent goes on
    assert source.resolve("tests/echo@1.0.0").plugin.ref == "tests/echo@1.0.0"


def test_a_tampered_disk_cache_entry_is_evicted_and_downloaded_again(signed: SignedRegistry, tmp_path: Path):
    digest = signed.publish("tests/echo", "1.0.0")
    peer = FakePeer()
    source = source_for(signed, peer, tmp_path / "work")
    source.resolve("tests/echo@1.0.0")
    cached = next((tmp_path / "work" / "plugin-cache").glob(f"sha256/*/*/{digest}"))
    cached.write_bytes(b"tampered")
    source.resolve("tests/echo@1.0.0")
    assert peer.plugin_downloads == [digest, digest]
    assert source.cache.stats.integrity_failures == 1


def test_a_manifest_other_than_the_signed_one_is_refused(signed: SignedRegistry, tmp_path: Path):
    other = {**manifest(name="tests/echo", version="1.0.0"), "description": "not what the package says"}
    digest = signed.publish("tests/echo", "1.0.0", signed_manifest=other)
    peer = FakePeer()
    source = source_for(signed, peer, tmp_path / "work")
    with pytest.raises(PluginUnavailable, match="manifest.json differs from the manifest its signed release"):
        source.resolve("tests/echo@1.0.0")
    assert peer.plugin_downloads == [digest]


def test_an_unreachable_registry_fails_with_the_reason(signed: SignedRegistry, tmp_path: Path):
    peer = FakePeer()
    source = source_for(signed, peer, tmp_path / "work")
    peer.registry_dir = None  # the kernel answers FAILED_PRECONDITION
    with pytest.raises(PluginUnavailable, match="cannot fetch signed metadata.*not set up"):
        source.resolve("tests/echo@1.0.0")


def test_an_unknown_plugin_names_what_is_published(signed: SignedRegistry, tmp_path: Path):
    signed.publish("tests/echo", "1.0.0")
    source = source_for(signed, FakePeer(), tmp_path / "work")
    with pytest.raises(PluginUnavailable, match="no published version matches"):
        source.resolve("tests/echo@^2")
    with pytest.raises(PluginUnavailable, match="tests/missing: no such plugin"):
        source.resolve("tests/missing")
