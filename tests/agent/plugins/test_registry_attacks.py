"""Attacks on an agent that runs plugins from the signed registry (issue 5), each through a real TUF registry
(`SignedRegistry`: TRUST folder + OnlineRepository) served to the agent's `PluginSteps` by the FakePeer.

Every test shows three things: the attack is refused with an error naming what failed, nothing of the
attacker's bytes ran (the step's log holds no plugin line, no extracted files remain), and nothing else was
disturbed (the good blob still runs, another plugin still runs, the agent serves the next job).
The coverage map of all the issue's attacks is in tests/registry/test_attacks.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sandbox_wat as wat
from agent_testkit import Harness, job, step
from plugin_kit import manifest
from test_registry_source import SignedRegistry

from agent.peer import Status
from agent.plugins.steps import PluginSteps
from kernel.blobstore import blob_key
from registry.keys import load_signer
from registry.trust import release_path, sign_release
from registry.trust.layout import utc_now

ECHO = "tests/echo"
OTHER = "tests/other"

# A stand-in for attacker code: logs a marker line, then answers like the echo guest so nothing else fails.
TAMPERED = """
(module
  %(prelude)s
  (data (i32.const 1024) "{\\"echo\\":{}}")
  (data (i32.const 1200) "TAMPERED CODE RAN\\n")
  (func (export "_start")
    (call $write (i32.const 2) (i32.const 1200) (i32.const 18))
    (call $write (i32.const 1) (i32.const 1024) (i32.const 11))))
"""


@pytest.fixture
def signed(tmp_path: Path) -> SignedRegistry:
    return SignedRegistry(tmp_path / "registry")


@pytest.fixture
def published(signed: SignedRegistry) -> dict[str, str]:
    """`echo` and `other` published; name -> sha256 of its package."""
    return {name: signed.publish(name, "1.0.0") for name in (ECHO, OTHER)}


@pytest.fixture
def agent(signed: SignedRegistry, published: dict[str, str], harness: Harness) -> Harness:
    """The harness's agent with the signed registry on (and no plugin path)."""
    signed.serve(harness.peer)
    harness.plugins = PluginSteps([], harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    return harness


def registry_of(harness: Harness):
    assert harness.plugins is not None and harness.plugins.registry is not None
    return harness.plugins.registry


def run_plugin(harness: Harness, run_id: str, uses: str = f"{ECHO}@^1") -> tuple[Status, str, list[str]]:
    """Run a one-step job using `uses`; its final status, step message and log lines."""
    final = harness.run(job(f"job-{run_id}", step(run_id, "", uses=uses, args={"n": 1})))
    report = harness.peer.final_step(run_id)
    return final.status, report.message, harness.peer.texts(run_id)


def assert_ran(harness: Harness, run_id: str, uses: str = f"{ECHO}@^1") -> None:
    status, message, lines = run_plugin(harness, run_id, uses)
    assert status == Status.SUCCESS, message
    assert not any("TAMPERED" in line for line in lines), lines


def assert_refused(harness: Harness, run_id: str, match: str, uses: str = f"{ECHO}@^1") -> str:
    """The step failed before any plugin code ran: its log is the refusal and nothing else."""
    status, message, lines = run_plugin(harness, run_id, uses)
    assert status == Status.FAILED
    assert match in message, message
    assert message.startswith(f"cannot run {uses} from the signed registry"), message
    assert lines == [message]  # no "plugin ... from" line: nothing was loaded into the sandbox
    return message


def disk_entry(harness: Harness, digest: str) -> Path:
    return registry_of(harness).cache.folder / blob_key(digest)


def unpacked(harness: Harness, digest: str) -> Path:
    return harness.config.workdir / "plugins" / digest


def flip(data: bytes) -> bytes:
    """Same length, different bytes (the last byte changed)."""
    return data[:-1] + bytes([data[-1] ^ 1])


# ---- tampered blob in each agent cache tier --------------------------------------------------------------


@pytest.mark.parametrize("tier", ["memory", "disk"])
def test_a_tampered_cache_tier_is_evicted_and_the_good_blob_runs(signed, published, agent, tier):
    digest = published[ECHO]
    assert_ran(agent, "s1")
    cache = registry_of(agent).cache
    shutil.rmtree(unpacked(agent, digest))  # so the next run unpacks the cached package again
    if tier == "memory":
        # RegistrySource loads through `cache.path` (disk first), which does not fill the memory tier; `get`
        # does. Fill it, tamper with it, and remove the disk entry so the memory tier is what is read next.
        cache.get(digest, len(signed.packages[digest]))
        cache._memory[digest] = flip(cache._memory[digest])  # a fault or a hostile write in the process
        disk_entry(agent, digest).unlink()
    else:
        disk_entry(agent, digest).write_bytes(flip(disk_entry(agent, digest).read_bytes()))
    assert_ran(agent, "s2")
    assert cache.stats.integrity_failures == 1
    assert disk_entry(agent, digest).read_bytes() == signed.packages[digest]  # rewritten with good bytes
    assert agent.peer.plugin_downloads == [digest, digest]  # the good blob came from the kernel again
    assert_ran(agent, "s3", f"{OTHER}@^1")


def test_every_tier_and_the_kernel_tampered_is_refused_and_nothing_is_kept(signed, published, agent):
    digest = published[ECHO]
    assert_ran(agent, "s1")
    cache = registry_of(agent).cache
    shutil.rmtree(unpacked(agent, digest))
    cache.get(digest, len(signed.packages[digest]))  # fill the memory tier too (see above)
    cache._memory[digest] = flip(cache._memory[digest])
    disk_entry(agent, digest).write_bytes(flip(disk_entry(agent, digest).read_bytes()))
    agent.peer.plugin_blobs[digest] = flip(signed.packages[digest])
    assert_refused(agent, "s2", f"plugin blob {digest} from the kernel (DownloadPlugin) failed verification")
    assert not unpacked(agent, digest).exists()
    assert not disk_entry(agent, digest).exists()
    assert cache.stats.integrity_failures == 3  # memory, disk, then the download
    assert_ran(agent, "s3", f"{OTHER}@^1")  # another plugin still runs
    agent.peer.plugin_blobs[digest] = signed.packages[digest]  # the kernel is repaired: echo runs again
    assert_ran(agent, "s4")


def test_a_tampered_unpacked_plugin_is_not_run(signed, published, agent):
    """The unpacked folder is reused across runs; code changed there is noticed (its entry is re-hashed
    against the verified package on every load) and replaced by a fresh unpack of the package."""
    digest = published[ECHO]
    assert_ran(agent, "s1")
    entry = unpacked(agent, digest) / "plugin.wasm"
    good = entry.read_bytes()
    entry.write_bytes(wat.wasm(TAMPERED))
    assert_ran(agent, "s2")
    assert entry.read_bytes() == good
    assert agent.peer.plugin_downloads == [digest]  # healed from the cached, verified package


# ---- metadata attacks seen by an agent that already cached the plugin ------------------------------------


def test_a_frozen_repository_stops_a_cached_plugin_until_fresh_metadata_is_signed(signed, published, agent):
    """Freeze: metadata whose expiry has passed (here: signed by a repository clock two days behind, which
    is what a frozen mirror looks like to an agent) is refused, cached plugin or not; fresh metadata heals."""
    assert_ran(agent, "s1")
    now = utc_now()
    signed.repo.clock = lambda: now - timedelta(days=2)
    signed.publish("tests/third", "1.0.0")  # new snapshot and timestamp, both already expired
    signed.serve(agent.peer)
    assert_refused(agent, "s2", "expired (a frozen or stale repository)")
    assert agent.peer.plugin_downloads == [published[ECHO]]

    signed.repo.clock = utc_now
    assert signed.repo.refresh_timestamp() is True
    assert_ran(agent, "s3")


def replay(signed: SignedRegistry, saved: dict[str, bytes], names: dict[str, str]) -> Path:
    """A copy of the repository where file `new` holds the saved bytes of `old`, for each `new: old`."""
    mirror = signed.tmp / "mirror"
    shutil.rmtree(mirror, ignore_errors=True)
    shutil.copytree(signed.repo.metadata_dir, mirror)
    for new, old in names.items():
        (mirror / new).write_bytes(saved[old])
    return mirror


def test_replayed_or_mixed_metadata_cannot_hide_a_revocation_from_an_agent(signed, published, agent):
    """Rollback and mix-and-match: the echo release is revoked; a mirror hides that by serving, under the new
    names, the older snapshot, then the older targets, then all the older files (timestamp included, once
    the agent trusts a newer one). Each is refused and nothing runs; the real metadata then says revoked."""
    assert_ran(agent, "s1")
    before = {path.name: path.read_bytes() for path in signed.repo.metadata_dir.iterdir()}
    signed.revoke(f"{ECHO}@1.0.0", "CVE-2026-2")
    snapshot = signed.repo.snapshot().signed
    targets_version = snapshot.meta["targets.json"].version
    old_snapshot = max((name for name in before if name.endswith(".snapshot.json")), key=version_of)
    old_targets = max((name for name in before if name.endswith(".targets.json")), key=version_of)
    attacks = [
        ("mixed metadata", {f"{snapshot.version}.snapshot.json": old_snapshot}),
        ("mixed metadata", {f"{targets_version}.targets.json": old_targets}),
        ("rollback", {name: name for name in before}),
    ]
    for number, (why, names) in enumerate(attacks, start=2):
        agent.peer.registry_dir = replay(signed, before, names)
        message = assert_refused(agent, f"s{number}", "signed metadata refused")
        assert why in message, message
    agent.peer.registry_dir = signed.repo.metadata_dir
    assert_refused(agent, "s8", f"{ECHO}@1.0.0 is revoked: CVE-2026-2")
    assert agent.peer.plugin_downloads == [published[ECHO]]
    assert_ran(agent, "s9", f"{OTHER}@^1")  # the agent still serves other plugins


def version_of(name: str) -> int:
    return int(name.split(".", 1)[0])


# ---- hostile packages that a publisher key signed ---------------------------------------------------------


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def publish_bytes(signed: SignedRegistry, document: dict[str, Any], data: bytes) -> str:
    """Sign `data` as the release of `document` (no package check: a malicious or careless publisher)."""
    digest = hashlib.sha256(data).hexdigest()
    update = sign_release(
        signed.repo.role_metadata("tests"),
        "tests",
        load_signer(signed.key),
        release_path(document["name"], document["version"]),
        len(data),
        digest,
        document,
    )
    signed.repo.accept_delegated_update("tests", update)
    signed.packages[digest] = data
    return digest


HOSTILE = {
    "zip bomb": ([("zeros.bin", bytes(8 * 1024**2))], {}, "inflates"),
    "path traversal": ([("../escape.sh", b"#!/bin/sh\necho owned\n")], {}, "leads outside the package"),
    "absolute path": ([("/tmp/escape.sh", b"x")], {}, "is an absolute path"),
    "unknown permission": (
        [],
        {"permissions": {"docker": {"socket": "rw"}, "fs": {"workspace": "ro"}}},
        "permissions: Additional properties are not allowed ('docker' was unexpected)",
    ),
}


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_a_signed_hostile_package_is_refused_before_anything_is_extracted(signed, agent, attack):
    extra, fields, match = HOSTILE[attack]
    document = manifest(name="tests/hostile", version="1.0.0", **fields)
    entries = [("manifest.json", json.dumps(document).encode()), ("plugin.wasm", wat.wasm(TAMPERED)), *extra]
    digest = publish_bytes(signed, document, zip_of(entries))
    signed.serve(agent.peer)
    workdir = agent.config.workdir
    assert_refused(agent, "s1", match, uses="tests/hostile@1.0.0")
    assert not unpacked(agent, digest).exists()
    plugins = workdir / "plugins"
    assert not plugins.exists() or list(plugins.iterdir()) == []  # no extracted file, no staging folder
    assert not (workdir / "escape.sh").exists() and not Path("/tmp/escape.sh").exists()
    assert_ran(agent, "s2")  # the agent still runs the good plugin


def test_a_signed_target_larger_than_the_agent_cache_is_refused_before_downloading(signed, agent):
    registry = registry_of(agent)
    document = manifest(name="tests/huge", version="1.0.0")
    data = zip_of([("manifest.json", json.dumps(document).encode()), ("plugin.wasm", wat.wasm(TAMPERED))])
    publish_bytes(signed, document, data)
    signed.serve(agent.peer)
    registry.cache._disk_lru.max_bytes = len(data) - 1  # an agent whose cache bound is below the package
    assert_refused(agent, "s1", "more than the disk cache holds", uses="tests/huge@1")
    assert agent.peer.plugin_downloads == []
    registry.cache._disk_lru.max_bytes = 1024**3
    assert_ran(agent, "s2")


# ---- the kernel uninstalled a plugin ---------------------------------------------------------------------


def test_evicted_packages_leave_every_cache_and_are_downloaded_again(signed, published, agent):
    """`EvictPlugins` from the kernel (an uninstall): the cached package and its unpacked copy are gone; the
    other plugin's stay; a later run (were the kernel to pin it again) downloads and verifies it afresh."""
    digest = published[ECHO]
    assert_ran(agent, "s1")
    assert_ran(agent, "s2", f"{OTHER}@^1")
    cache = registry_of(agent).cache
    assert (cache.folder / blob_key(digest)).is_file() and unpacked(agent, digest).is_dir()

    assert agent.plugins.evict([digest, "not-a-digest", "f" * 64]) == [digest]
    assert not (cache.folder / blob_key(digest)).exists() and not unpacked(agent, digest).exists()
    other = published[OTHER]
    assert (cache.folder / blob_key(other)).is_file() and unpacked(agent, other).is_dir()
    assert {p.sha256 for p in agent.plugins.installed()} == {published[OTHER]}

    assert_ran(agent, "s3")
    assert agent.peer.plugin_downloads == [digest, published[OTHER], digest]
