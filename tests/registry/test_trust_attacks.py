"""Each attack is refused with a clear error, and leaves the repository and other plugins undisturbed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from test_trust_cycle import Registry
from tuf.api.metadata import Metadata

from registry.errors import PublishRefused, TrustError
from registry.keys import generate_key, load_signer
from registry.trust import DirectoryFetcher
from registry.trust.layout import utc_now


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    registry = Registry(tmp_path)
    registry.acme = registry.publisher("acme")
    registry.publish(registry.acme, "acme/lint", "1.0.0", b"good package")
    return registry


def refused(registry: Registry, namespace: str, update: bytes, match: str) -> None:
    before = registry.files()
    with pytest.raises(PublishRefused, match=match):
        registry.repo.accept_delegated_update(namespace, update)
    assert registry.files() == before
    assert registry.agent().find("acme/lint").version == "1.0.0"


def test_wrong_publisher_key(registry: Registry) -> None:
    other = registry.tmp / "mallory.key"
    generate_key(other)
    refused(registry, "acme", registry.release(other, "acme/lint", "2.0.0"), "not signed by the namespace")


def test_other_publishers_key_for_a_namespace(registry: Registry) -> None:
    globex = registry.publisher("globex")
    refused(registry, "acme", registry.release(globex, "acme/lint", "2.0.0"), "not signed")


def test_unsigned_upload(registry: Registry) -> None:
    md = Metadata.from_bytes(registry.release(registry.acme, "acme/lint", "2.0.0"))
    md.signatures.clear()
    refused(registry, "acme", md.to_bytes(), "not signed by the namespace")


def test_not_metadata(registry: Registry) -> None:
    refused(registry, "acme", b'{"hello": 1}', "not TUF metadata")


def test_path_outside_the_namespace(registry: Registry) -> None:
    globex = registry.publisher("globex")
    registry.publish(globex, "globex/scan", "1.0.0")
    update = Metadata.from_bytes(registry.release(registry.acme, "acme/lint", "2.0.0"))
    targets = update.signed.targets
    targets["globex/scan@1.0.0"] = targets.pop("acme/lint@2.0.0")
    update.signatures.clear()
    update.sign(load_signer(registry.acme))
    refused(registry, "acme", update.to_bytes(), "outside the namespace")
    assert registry.agent().find("globex/scan").version == "1.0.0"


def test_existing_version_with_another_digest(registry: Registry) -> None:
    with pytest.raises(PublishRefused, match="never changes"):  # refused before signing, too
        registry.release(registry.acme, "acme/lint", "1.0.0", b"evil package")
    update = Metadata.from_bytes(registry.release(registry.acme, "acme/lint", "1.0.1"))
    update.signed.targets["acme/lint@1.0.0"].hashes["sha256"] = "e" * 64
    update.signatures.clear()
    update.sign(load_signer(registry.acme))
    refused(registry, "acme", update.to_bytes(), "exists with sha256")


def test_older_role_version_replayed_to_the_repository(registry: Registry) -> None:
    old = registry.release(registry.acme, "acme/lint", "1.1.0")
    registry.repo.accept_delegated_update("acme", old)
    with pytest.raises(PublishRefused, match="not newer"):
        registry.repo.accept_delegated_update("acme", old)


def test_expired_timestamp_freeze(tmp_path: Path) -> None:
    registry = Registry(tmp_path, clock=lambda: utc_now() - timedelta(days=2))
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    with pytest.raises(TrustError, match="expired"):
        registry.agent().find("acme/lint")


class ReplayingFetcher(DirectoryFetcher):
    """Serves saved copies for some names: an attacker (or a stale mirror) in the middle."""

    def __init__(self, folder: Path, replaced: dict[str, bytes]) -> None:
        super().__init__(folder)
        self.replaced = replaced

    def _fetch(self, url: str) -> Iterator[bytes]:
        name = url.rsplit("/", 1)[-1]
        if name in self.replaced:
            return iter([self.replaced[name]])
        return super()._fetch(url)


def test_rollback_of_timestamp_and_snapshot(registry: Registry) -> None:
    old = registry.files()
    registry.publish(registry.acme, "acme/lint", "2.0.0")
    client = registry.agent()
    assert client.find("acme/lint").version == "2.0.0"
    stale = ReplayingFetcher(registry.repo.metadata_dir, {"timestamp.json": old["timestamp.json"]})
    again = registry.agent(fetcher=stale)
    again.metadata_dir = client.metadata_dir  # the same agent, its cache already at the newer versions
    with pytest.raises(TrustError, match="rollback"):
        again.refresh()


def test_older_targets_served_for_the_newer_version(registry: Registry) -> None:
    old = registry.files()
    registry.publish(registry.acme, "acme/lint", "2.0.0")
    version = json.loads(registry.repo.snapshot().to_bytes())["signed"]["meta"]["acme.json"]["version"]
    older = next(data for name, data in old.items() if name.endswith(".acme.json"))
    mixed = ReplayingFetcher(registry.repo.metadata_dir, {f"{version}.acme.json": older})
    with pytest.raises(TrustError, match="mixed metadata"):
        registry.agent(fetcher=mixed).find("acme/lint")


def test_snapshot_from_another_version(registry: Registry) -> None:
    registry.publish(registry.acme, "acme/lint", "2.0.0")
    version = registry.repo.snapshot().signed.version
    previous = (registry.repo.metadata_dir / f"{version - 1}.snapshot.json").read_bytes()
    mixed = ReplayingFetcher(registry.repo.metadata_dir, {f"{version}.snapshot.json": previous})
    with pytest.raises(TrustError, match="mixed metadata"):
        registry.agent(fetcher=mixed).refresh()
