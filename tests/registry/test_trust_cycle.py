"""The whole trust cycle offline: init → add-publisher → sign a release → online accepts → agent verifies;
root rotation followed by an old agent; revocation of a release and of a publisher key."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from registry.errors import PublishRefused, RevokedError, TrustError
from registry.keys import generate_key, load_public_key, load_signer
from registry.trust import (
    DirectoryFetcher,
    OnlineRepository,
    TrustClient,
    add_publisher,
    init,
    load_online_keys,
    release_path,
    revoke_key,
    revoke_release,
    rotate,
    sign_release,
)
from registry.trust.layout import utc_now


class Registry:
    """An admin's TRUST folder, a kernel's OnlineRepository and publisher keys, all under one tmp folder."""

    def __init__(self, tmp: Path, clock=utc_now) -> None:
        self.tmp = tmp
        self.trust = tmp / "TRUST"
        init(self.trust, threshold=2, root_keys=3)
        self.repo = OnlineRepository(tmp / "online", load_online_keys(self.trust / "online"), clock=clock)
        self.agents = 0

    def publisher(self, namespace: str, key_name: str | None = None) -> Path:
        key = self.tmp / f"{key_name or namespace}.key"
        generate_key(key)
        add_publisher(self.trust, namespace, load_public_key(key.with_name(key.name + ".pub")))
        self.repo.sync(self.trust / "metadata")
        return key

    def release(self, key: Path, name: str, version: str, data: bytes | None = None) -> bytes:
        """The signed role update for `name@version` (not uploaded)."""
        namespace = name.split("/")[0]
        data = data if data is not None else f"{name}@{version}".encode()
        manifest = {"name": name, "version": version, "type": "ci"}
        return sign_release(
            self.repo.role_metadata(namespace),
            namespace,
            load_signer(key),
            release_path(name, version),
            len(data),
            hashlib.sha256(data).hexdigest(),
            manifest,
        )

    def publish(self, key: Path, name: str, version: str, data: bytes | None = None) -> int:
        return self.repo.accept_delegated_update(name.split("/")[0], self.release(key, name, version, data))

    def agent(self, root: Path | None = None, fetcher: DirectoryFetcher | None = None) -> TrustClient:
        self.agents += 1
        return TrustClient(
            root or self.trust / "root.json",
            self.tmp / f"agent-{self.agents}",
            fetcher or DirectoryFetcher(self.repo.metadata_dir),
        )

    def files(self) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted(self.repo.metadata_dir.iterdir())}


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path)


def test_whole_cycle_publish_and_verify(registry: Registry) -> None:
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0", b"package one")
    registry.publish(key, "acme/lint", "1.2.0", b"package two")
    registry.publish(key, "acme/fmt", "0.1.0")

    found = registry.agent().find("acme/lint", "^1")
    assert (found.name, found.version, found.length) == ("acme/lint", "1.2.0", len(b"package two"))
    assert found.sha256 == hashlib.sha256(b"package two").hexdigest()
    assert found.manifest == {"name": "acme/lint", "version": "1.2.0", "type": "ci"}
    assert found.warning is None
    assert registry.agent().find("acme/lint", "1.0.0").sha256 == hashlib.sha256(b"package one").hexdigest()
    names = set(registry.files())
    assert {"1.root.json", "2.targets.json", "3.acme.json", "timestamp.json"} <= names
    assert "4.snapshot.json" in names  # one snapshot per accepted update after the first targets


def test_timestamp_expires_within_a_day_and_is_refreshed(tmp_path: Path) -> None:
    now = [utc_now()]
    registry = Registry(tmp_path, clock=lambda: now[0])
    registry.publisher("acme")
    timestamp = registry.repo.timestamp().signed
    assert timestamp.expires - now[0] <= timedelta(days=1)
    assert registry.repo.refresh_timestamp() is False
    now[0] += timedelta(hours=20)
    assert registry.repo.refresh_timestamp() is True
    assert registry.repo.timestamp().signed.version == timestamp.version + 1
    now[0] += timedelta(days=7)  # the snapshot is near expiry too: both re-signed
    before = registry.repo.snapshot().signed.version
    assert registry.repo.refresh_timestamp() is True
    assert registry.repo.snapshot().signed.version == before + 1


def test_rotation_old_agent_follows_the_chain(registry: Registry) -> None:
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    old_root = registry.tmp / "root-v1.json"
    old_root.write_bytes((registry.trust / "root.json").read_bytes())
    assert rotate(registry.trust) == 2
    assert rotate(registry.trust) == 3
    assert len(list((registry.trust / "keys" / "retired").glob("root-v1-*.key"))) == 3
    assert registry.repo.sync(registry.trust / "metadata") == ["2.root.json", "3.root.json"]
    client = registry.agent(root=old_root)
    assert client.find("acme/lint").version == "1.0.0"
    history = sorted(p.name for p in (client.metadata_dir / "root_history").iterdir())
    assert history == ["1.root.json", "2.root.json", "3.root.json"]


def test_revoked_version_is_refused_and_ranges_skip_it(registry: Registry) -> None:
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    registry.publish(key, "acme/lint", "1.1.0")
    cached = registry.agent().find("acme/lint", "1.1.0")
    revoke_release(registry.trust, "acme/lint@1.1.0", reason="leaks tokens")
    registry.repo.sync(registry.trust / "metadata")
    client = registry.agent()
    with pytest.raises(RevokedError, match="leaks tokens"):
        client.find("acme/lint", "1.1.0")
    assert client.find("acme/lint", "^1").version == "1.0.0"
    with pytest.raises(RevokedError, match="acme/lint@1.1.0"):  # the check before running a cached plugin
        client.check_revocation(cached.name, cached.version, cached.sha256)


def test_warn_revocation_is_reported(registry: Registry) -> None:
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    revoke_release(registry.trust, "acme/lint@1.0.0", reason="deprecated", action="warn")
    registry.repo.sync(registry.trust / "metadata")
    assert "deprecated" in registry.agent().find("acme/lint").warning


def test_revoked_publisher_key(registry: Registry) -> None:
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    assert revoke_key(registry.trust, load_public_key(key.with_name("acme.key.pub")), "stolen") == ["acme"]
    registry.repo.sync(registry.trust / "metadata")
    with pytest.raises(TrustError, match="not signed by the required keys"):
        registry.agent().find("acme/lint")
    with pytest.raises(PublishRefused, match="revoked"):
        registry.publish(key, "acme/lint", "1.0.1")
    with pytest.raises(ValueError, match="was revoked"):
        add_publisher(registry.trust, "acme", load_public_key(key.with_name("acme.key.pub")))
    new_key = registry.publisher("acme", key_name="acme-2")  # a new key re-signs the namespace
    registry.publish(new_key, "acme/lint", "1.0.1")
    assert registry.agent().find("acme/lint", "1.0.0").version == "1.0.0"


def test_expiry_of_publisher_role_is_checked(registry: Registry) -> None:
    key = registry.publisher("acme")
    past = datetime.now().astimezone() - timedelta(days=400)
    stale = sign_release(
        None,
        "acme",
        load_signer(key),
        "acme/x@1.0.0",
        1,
        "a" * 64,
        {"name": "acme/x", "version": "1.0.0"},
        now=past,
    )
    with pytest.raises(PublishRefused, match="expired"):
        registry.repo.accept_delegated_update("acme", stale)


def test_lookups_in_a_role_are_remembered_while_the_verified_metadata_names_its_version(
    registry: Registry,
) -> None:
    """A publisher's role is verified once per version, not on every refresh (a namespace of 1,000
    plugins costs ~200 ms to verify); a new release, a revoked key or the role's expiry make the client
    look again."""
    key = registry.publisher("acme")
    registry.publish(key, "acme/lint", "1.0.0")
    now = [utc_now()]
    client = TrustClient(
        registry.trust / "root.json",
        registry.tmp / "agent",
        DirectoryFetcher(registry.repo.metadata_dir),
        clock=lambda: now[0],
    )
    assert client.find("acme/lint").version == "1.0.0"
    role_files = [p for p in (registry.tmp / "agent").iterdir() if p.name.endswith("acme.json")]
    assert role_files
    for path in role_files:  # the agent's verified copy is gone: only the remembered lookup can answer
        path.unlink()
    client.refresh()
    assert client.find("acme/lint").version == "1.0.0"
    assert not [p for p in (registry.tmp / "agent").iterdir() if p.name.endswith("acme.json")]  # not loaded

    now[0] += timedelta(days=3650)  # past the role's expiry: looked up (and verified) again
    client.refresh()
    assert client.find("acme/lint").version == "1.0.0"
    assert [p for p in (registry.tmp / "agent").iterdir() if p.name.endswith("acme.json")]

    registry.publish(key, "acme/lint", "1.1.0")  # a new role version in the snapshot
    client.refresh()
    assert client.find("acme/lint").version == "1.1.0"

    revoke_key(registry.trust, load_public_key(key.with_name("acme.key.pub")), "stolen")
    registry.repo.sync(registry.trust / "metadata")  # a new targets version
    client.refresh()
    with pytest.raises(TrustError, match="not signed by the required keys"):
        client.find("acme/lint")
