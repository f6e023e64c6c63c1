"""The kernel's side of the trust metadata: accepts signed updates, re-signs snapshot and timestamp.

The metadata lives in one folder for now (layout in `registry.trust.layout`); every file is written with a
temporary file and a rename, delegated roles and snapshots first, `timestamp.json` last, so a client reading
at any moment sees a consistent repository. One `OnlineRepository` per folder: updates are serialised by an
instance lock, not across processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, Targets, Timestamp
from tuf.api.serialization import DeserializationError

from registry.errors import PublishRefused, TrustDirError
from registry.trust.layout import EXPIRY, atomic_write, load_metadata, utc_now, versioned_files
from registry.trust.releases import check_role_update
from registry.trust.trust_dir import OnlineKeys

__all__ = ["OnlineRepository"]

TIMESTAMP = "timestamp.json"


def _parse(data: bytes, role: str, what: str) -> Metadata:
    try:
        md = Metadata.from_bytes(data)
    except DeserializationError as exc:
        raise PublishRefused(f"{what}: not TUF metadata ({exc})") from None
    if md.signed.type != role:
        raise PublishRefused(f"{what}: {md.signed.type} metadata where {role} metadata was expected")
    return md


def _meta(md: Metadata) -> tuple[bytes, MetaFile]:
    data = md.to_bytes()
    return data, MetaFile.from_data(md.signed.version, data, ["sha256"])


class OnlineRepository:
    """Signed metadata in `metadata_dir`, with the kernel's snapshot and timestamp keys."""

    def __init__(
        self, metadata_dir: Path, online_keys: OnlineKeys, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.metadata_dir = Path(metadata_dir)
        self.metadata_dir.mkdir(parents=True, exist_ok=True)
        self.keys = online_keys
        self.clock = clock
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ reading

    def root(self) -> Metadata[Root] | None:
        files = versioned_files(self.metadata_dir, Root.type)
        return load_metadata(files[max(files)]) if files else None

    def timestamp(self) -> Metadata[Timestamp] | None:
        path = self.metadata_dir / TIMESTAMP
        return load_metadata(path) if path.exists() else None

    def snapshot(self) -> Metadata[Snapshot] | None:
        timestamp = self.timestamp()
        if timestamp is None:
            return None
        return load_metadata(self.metadata_dir / f"{timestamp.signed.snapshot_meta.version}.snapshot.json")

    def _role_bytes(self, role: str) -> bytes | None:
        snapshot = self.snapshot()
        meta = snapshot.signed.meta.get(f"{role}.json") if snapshot else None
        if meta is None:
            return None
        return (self.metadata_dir / f"{meta.version}.{role}.json").read_bytes()

    def targets(self) -> Metadata[Targets] | None:
        data = self._role_bytes(Targets.type)
        return Metadata.from_bytes(data) if data is not None else None

    def role_metadata(self, namespace: str) -> bytes | None:
        """The published role of `namespace` (what its publisher signs the next release onto), or None."""
        return self._role_bytes(namespace)

    # ------------------------------------------------------------------------------------------ offline

    def sync(self, trust_metadata_dir: Path) -> list[str]:
        """Take the newer root versions and targets from an admin's TRUST/metadata; returns what changed."""
        source = Path(trust_metadata_dir)
        changed = []
        root = self.root()
        current = root.signed.version if root else 0
        for version, path in sorted(versioned_files(source, Root.type).items()):
            if version > current:
                self.accept_root(path.read_bytes())
                changed.append(path.name)
        targets_files = versioned_files(source, Targets.type)
        if not targets_files:
            raise TrustDirError(f"{source}: no targets metadata (N.targets.json)")
        targets = self.targets()
        newest = max(targets_files)
        if targets is None or newest > targets.signed.version:
            self.accept_targets(targets_files[newest].read_bytes())
            changed.append(targets_files[newest].name)
        return changed

    def accept_root(self, data: bytes) -> int:
        """Install the next root version: signed by the current root's threshold and its own."""
        md = _parse(data, Root.type, "root")
        with self._lock:
            current = self.root()
            expected = current.signed.version + 1 if current else 1
            if md.signed.version != expected:
                raise PublishRefused(f"root: version {md.signed.version}, expected {expected}")
            try:
                (current or md).verify_delegate(Root.type, md)
                md.verify_delegate(Root.type, md)
            except UnsignedMetadataError as exc:
                raise PublishRefused(f"root v{md.signed.version}: {exc}") from None
            for role, signer in ((Snapshot.type, self.keys.snapshot), (Timestamp.type, self.keys.timestamp)):
                if signer.public_key.keyid not in md.signed.roles[role].keyids:
                    raise PublishRefused(
                        f"root v{md.signed.version}: the kernel's {role} key is not its {role} key"
                    )
            atomic_write(self.metadata_dir / f"{md.signed.version}.root.json", data)
            return md.signed.version

    def accept_targets(self, data: bytes) -> int:
        """Install newer top-level targets signed by the root's targets key; re-sign snapshot/timestamp."""
        md = _parse(data, Targets.type, "targets")
        with self._lock:
            root = self.root()
            if root is None:
                raise PublishRefused("targets: the repository has no root yet")
            try:
                root.verify_delegate(Targets.type, md)
            except UnsignedMetadataError as exc:
                raise PublishRefused(f"targets v{md.signed.version}: {exc}") from None
            current = self.targets()
            if current is not None and md.signed.version <= current.signed.version:
                raise PublishRefused(
                    f"targets: version {md.signed.version} is not newer than {current.signed.version}"
                )
            if md.signed.is_expired(self.clock()):
                raise PublishRefused(
                    f"targets v{md.signed.version}: expired at {md.signed.expires.isoformat()}"
                )
            self._publish({Targets.type: md})
            return md.signed.version

    # ---------------------------------------------------------------------------------------- publisher

    def accept_delegated_update(self, namespace: str, signed_role_json: bytes) -> int:
        """Install a publisher's new role for `namespace` after checking it; returns the new snapshot version.

        Refused (PublishRefused, nothing changed) unless it is signed by the namespace's key per targets,
        is newer, stays inside `namespace/`, gives every release a length, sha256 and manifest, and changes
        no published release.
        """
        md = _parse(signed_role_json, Targets.type, namespace)
        with self._lock:
            targets = self.targets()
            roles = targets.signed.delegations.roles if targets and targets.signed.delegations else None
            if not roles or namespace not in roles:
                raise PublishRefused(f"{namespace}: no publisher is registered for this namespace")
            try:
                targets.verify_delegate(namespace, md)
            except UnsignedMetadataError:
                raise PublishRefused(
                    f"{namespace}: the update is not signed by the namespace's publisher key "
                    f"({', '.join(roles[namespace].keyids) or 'none: the key was revoked'})"
                ) from None
            current_data = self._role_bytes(namespace)
            current = Metadata.from_bytes(current_data).signed if current_data else None
            check_role_update(namespace, current, md.signed, self.clock())
            return self._publish({namespace: md})

    # ------------------------------------------------------------------------------------------- online

    def refresh_timestamp(self, margin: timedelta = timedelta(hours=6)) -> bool:
        """Re-sign timestamp (and snapshot) when they expire within `margin`; True if anything was signed."""
        with self._lock:
            timestamp = self.timestamp()
            if timestamp is not None and timestamp.signed.expires > self.clock() + margin:
                return False
            snapshot = self.snapshot()
            if snapshot is None or snapshot.signed.expires <= self.clock() + margin:
                self._publish({})
            else:
                self._write_timestamp(_meta(snapshot)[1], timestamp)
            return True

    def _publish(self, roles: dict[str, Metadata]) -> int:
        """Write `roles` as versioned files, then a new snapshot and timestamp (returns its version)."""
        now = self.clock()
        snapshot = self.snapshot()
        meta = dict(snapshot.signed.meta) if snapshot else {}
        for name, md in roles.items():
            data, meta[f"{name}.json"] = _meta(md)
            atomic_write(self.metadata_dir / f"{md.signed.version}.{name}.json", data)
        version = snapshot.signed.version + 1 if snapshot else 1
        new = Metadata(Snapshot(version=version, expires=now + EXPIRY["snapshot"], meta=meta))
        new.sign(self.keys.snapshot)
        data, snapshot_meta = _meta(new)
        atomic_write(self.metadata_dir / f"{version}.snapshot.json", data)
        self._write_timestamp(snapshot_meta, self.timestamp())
        return version

    def _write_timestamp(self, snapshot_meta: MetaFile, previous: Metadata[Timestamp] | None) -> None:
        version = previous.signed.version + 1 if previous else 1
        expires = self.clock() + EXPIRY["timestamp"]
        md = Metadata(Timestamp(version=version, expires=expires, snapshot_meta=snapshot_meta))
        md.sign(self.keys.timestamp)
        atomic_write(self.metadata_dir / TIMESTAMP, md.to_bytes())
