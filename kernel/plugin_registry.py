"""The kernel's plugin registry (DESIGN §6): trust updates from the admin, package uploads, publishing.

`PluginRegistry` joins the signed metadata (`registry.trust.OnlineRepository`, the source of truth agents
verify), the packages (`registry.blobs.PluginBlobs`) and the store's catalog (`plugins`, `plugin_versions`,
`registry_audit`). Every method here does blocking file, blob and database I/O: call it off the event loop.
A publish is checked in full (publisher signature, digests, lengths and manifests against the stored
packages) before the metadata changes; only then are the catalog rows, the audit record and the event written.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import Metadata, TargetFile, Targets

from kernel.config import Settings
from kernel.errors import Conflict, FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from kernel.journal import Journal, Tx
from kernel.store import models
from plugin_sdk.errors import ManifestError, PackageError
from plugin_sdk.manifest import Manifest
from plugin_sdk.package import unpack
from registry.blobs import PluginBlobs
from registry.errors import IntegrityError, KeyFileError
from registry.trust.layout import parse_release_path, validate_namespace
from registry.trust.online import OnlineRepository
from registry.trust.trust_dir import load_online_keys

__all__ = ["METADATA_FILE", "PluginRegistry", "PublishedRelease", "check_package"]

# What GET /api/v1/registry/metadata/{file} may name: N.<role>.json or timestamp.json, nothing else.
METADATA_FILE = re.compile(r"(?:[0-9]+\.[a-z0-9]([a-z0-9-]*[a-z0-9])?|timestamp)\.json")
SHA256 = re.compile(r"[0-9a-f]{64}")
NOT_SET_UP = (
    "the plugin registry is not set up: set ARCADE_TRUST_ONLINE_KEYS to the folder holding the online "
    "snapshot and timestamp keys (TRUST/online from `arcade trust init`)"
)


@dataclass(frozen=True)
class PublishedRelease:
    name: str
    version: str
    sha256: str
    size: int


def check_package(path: Path, max_bytes: int) -> Manifest:
    """The manifest of the package at `path`, after unpacking it safely into a scratch folder.

    Raises InvalidInput naming the offending zip entry (traversal, links, zip bombs) or manifest field.
    """
    with tempfile.TemporaryDirectory(prefix="arcade-package-") as scratch:
        try:
            return unpack(path, Path(scratch) / "package", max_bytes=max_bytes)
        except PackageError as exc:
            raise InvalidInput(f"invalid plugin package: {exc}", entry=exc.entry) from None
        except ManifestError as exc:
            raise InvalidInput(f"invalid plugin package: {exc}", problems=list(exc.problems)) from None


def _release_ref(path: str, target: TargetFile) -> tuple[str, str, str] | None:
    """(name, version, sha256) of a release target `ns/name@version`; None when it is not one."""
    parsed = parse_release_path(path)
    sha256 = target.hashes.get("sha256")
    if parsed is None or not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        return None
    return parsed[0], parsed[1], sha256


def _signed_version(document: Any, where: str) -> int:
    signed = document.get("signed") if isinstance(document, dict) else None
    version = signed.get("version") if isinstance(signed, dict) else None
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput(f"{where}: not TUF metadata (no signed.version)")
    return version


class PluginRegistry:
    """One kernel's registry: `repo` (signed metadata), `blobs` (packages) and the catalog in the store."""

    def __init__(self, journal: Journal, keys_dir: Path, metadata_dir: Path, blobs: PluginBlobs) -> None:
        self.journal = journal
        self.keys_dir = keys_dir
        self.metadata_dir = metadata_dir
        self.blobs = blobs
        self._repo: OnlineRepository | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, journal: Journal) -> PluginRegistry | None:
        """The registry of ARCADE_TRUST_ONLINE_KEYS and ARCADE_REGISTRY_DIR, or None when it is off."""
        if not settings.trust_online_keys:
            return None
        keys_dir, metadata_dir = Path(settings.trust_online_keys), Path(settings.registry_dir)
        return cls(
            journal, keys_dir, metadata_dir, PluginBlobs.from_settings(settings, settings.max_plugin_bytes)
        )

    @property
    def repo(self) -> OnlineRepository:
        """The online metadata, its keys loaded on first use (so `arcade trust init --server` can make them on
        the kernel's host); FailedPrecondition while they are missing or unreadable."""
        with self._lock:
            if self._repo is None:
                try:
                    keys = load_online_keys(self.keys_dir)
                except KeyFileError as exc:
                    raise FailedPrecondition(f"the plugin registry is not set up: {exc}") from None
                self._repo = OnlineRepository(self.metadata_dir, keys)
            return self._repo

    # ------------------------------------------------------------------------------------------- trust

    def update_trust(self, roots: list[Any], targets: Any, actor: str) -> dict[str, Any]:
        """Install the admin's newer root versions (each verified by the chain) and newer targets."""
        changed: list[str] = []
        current_root = self.repo.root()
        root_version = current_root.signed.version if current_root else 0
        numbered = [(_signed_version(doc, f"roots[{i}]"), doc) for i, doc in enumerate(roots)]
        for version, document in sorted(numbered, key=lambda item: item[0]):
            if version > root_version:
                root_version = self.repo.accept_root(json.dumps(document).encode())
                changed.append(f"{version}.root.json")
        if root_version == 0:
            raise InvalidInput("request body: field 'root' is required for the first upload")
        current_targets = self.repo.targets()
        targets_version = current_targets.signed.version if current_targets else 0
        if targets is not None:
            version = _signed_version(targets, "targets")
            if version > targets_version:
                targets_version = self.repo.accept_targets(json.dumps(targets).encode())
                changed.append(f"{version}.targets.json")
        if targets_version == 0:
            raise InvalidInput("request body: field 'targets' is required for the first upload")
        result = {"changed": changed, "root_version": root_version, "targets_version": targets_version}
        if changed:
            with self.journal.transaction() as tx:
                self._audit(tx, actor, "registry.trust_updated", "trust", result)
                tx.emit("registry.trust_updated", message=", ".join(changed), payload=result)
        return result

    def refresh_timestamp(self) -> bool:
        """Re-sign timestamp (and snapshot) when they expire soon; nothing before the first trust upload."""
        try:
            repo = self.repo
        except FailedPrecondition:
            return False
        return repo.refresh_timestamp() if repo.timestamp() is not None else False

    def metadata_path(self, name: str) -> Path:
        """The online metadata file `name` (N.<role>.json or timestamp.json); NotFound otherwise."""
        path = self.repo.metadata_dir / name
        if not METADATA_FILE.fullmatch(name) or not path.is_file():
            raise NotFound(f"no registry metadata file {name!r}")
        return path

    # ------------------------------------------------------------------------------------------- blobs

    def store_package(self, path: Path, sha256: str) -> dict[str, Any]:
        """Validate the uploaded package at `path` and store it as blob `sha256` (idempotent)."""
        if not SHA256.fullmatch(sha256):
            raise InvalidInput(f"{sha256!r} is not a lowercase SHA-256 hex digest")
        manifest = check_package(path, self.blobs.max_package_bytes)
        with path.open("rb") as source:
            blob = self.blobs.put(source, expected_digest=sha256)
        return {"sha256": blob.digest, "size": blob.size, "name": manifest.name, "version": manifest.version}

    # ----------------------------------------------------------------------------------------- publish

    def publish(self, namespace: str, role: Any, actor: str) -> list[PublishedRelease]:
        """Accept a publisher's signed role update for `namespace`; returns the releases it added."""
        try:
            validate_namespace(namespace)
        except ValueError as exc:
            raise InvalidInput(f"request body: field 'namespace': {exc}") from None
        try:
            md = Metadata.from_dict(json.loads(json.dumps(role)))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"request body: field 'role' is not TUF metadata ({exc})") from None
        if not isinstance(md.signed, Targets):
            raise InvalidInput(f"request body: field 'role' is {md.signed.type} metadata, not targets")
        self._check_signature(namespace, md)
        current = self.repo.role_metadata(namespace)
        published = Metadata.from_bytes(current).signed.targets if current else {}
        for path, target in md.signed.targets.items():
            old = published.get(path)
            if "@" in path and old is not None and (old.hashes, old.length) != (target.hashes, target.length):
                raise Conflict(
                    f"{path} exists with sha256 {old.hashes.get('sha256')}; a published version never changes"
                )
        new = {
            path: t
            for path, t in md.signed.targets.items()
            if "@" in path and (path not in published or self._restorable(path, t))
        }
        releases = [self._check_release(path, target) for path, target in sorted(new.items())]
        current_role = Metadata.from_bytes(current).signed if current else None
        if current_role is None or current_role.to_dict() != md.signed.to_dict():
            self.repo.accept_delegated_update(namespace, md.to_bytes())
        with self.journal.transaction() as tx:
            for release, manifest in releases:
                self._record(tx, release, manifest, actor)
        return [release for release, _ in releases]

    def _restorable(self, path: str, target: TargetFile) -> bool:
        """A release already signed into the role whose catalog rows an uninstall removed, and whose package
        was uploaded again: publishing it again records it again."""
        release = _release_ref(path, target)
        if release is None:
            return False
        name, version, sha256 = release
        return self._recorded_sha256(name, version) is None and self.blobs.exists(sha256)

    def _recorded_sha256(self, name: str, version: str) -> str | None:
        """The digest the catalog holds for `name@version`, or None when it has no such version."""
        with self.journal.db.session() as session:
            return session.scalar(
                select(models.PluginVersion.sha256)
                .join(models.Plugin)
                .where(models.Plugin.name == name, models.PluginVersion.version == version)
            )

    def recorded(self, sha256: str) -> bool:
        """Whether a version in the catalog has this package digest."""
        with self.journal.db.session() as session:
            found = session.scalar(
                select(models.PluginVersion.id).where(models.PluginVersion.sha256 == sha256).limit(1)
            )
        return found is not None

    def signed_role_with(self, namespace: str, sha256: str) -> dict[str, Any] | None:
        """The current signed role of `namespace` (a dict) if one of its releases has `sha256`, else None."""
        data = self.repo.role_metadata(namespace)
        if data is None:
            return None
        role = Metadata.from_bytes(data).signed
        if any(t.hashes.get("sha256") == sha256 for path, t in role.targets.items() if "@" in path):
            return json.loads(data)
        return None

    def _check_signature(self, namespace: str, md: Metadata) -> None:
        targets = self.repo.targets()
        if targets is None:
            raise FailedPrecondition("the registry has no targets metadata yet (run `arcade trust push`)")
        roles = targets.signed.delegations.roles if targets.signed.delegations else None
        if not roles or namespace not in roles:
            raise PermissionDenied(
                f"{namespace}: no publisher is registered for this namespace (`arcade trust add-publisher`)"
            )
        try:
            targets.verify_delegate(namespace, md)
        except UnsignedMetadataError:
            raise PermissionDenied(
                f"{namespace}: the update is not signed by the namespace's publisher key "
                f"({', '.join(roles[namespace].keyids) or 'none: the key was revoked'})"
            ) from None

    def _check_release(self, path: str, target: TargetFile) -> tuple[PublishedRelease, dict[str, Any]]:
        release = _release_ref(path, target)
        if release is None:
            raise InvalidInput(f"release {path!r}: expected NS/NAME@VERSION with a sha256 hash")
        name, version, sha256 = release
        existing = self._recorded_sha256(name, version)
        if existing is not None and existing != sha256:
            raise Conflict(
                f"{name}@{version} exists with sha256 {existing}; a published version never changes"
            )
        if not self.blobs.exists(sha256):
            raise FailedPrecondition(
                f"release {path!r}: upload its package first (PUT /api/v1/plugins/blobs/{sha256})"
            )
        try:
            data = self.blobs.read_verified(sha256, target.length)
        except IntegrityError as exc:
            raise InvalidInput(f"release {path!r}: not the stored package ({exc})") from None
        with tempfile.TemporaryDirectory(prefix="arcade-publish-") as scratch:
            package = Path(scratch) / "package.zip"
            package.write_bytes(data)
            manifest = check_package(package, self.blobs.max_package_bytes).to_dict()
        custom = target.custom.get("manifest") if isinstance(target.custom, dict) else None
        if custom != manifest:
            raise InvalidInput(f"release {path!r}: custom.manifest differs from the package's manifest.json")
        return PublishedRelease(name, version, sha256, len(data)), manifest

    def _record(self, tx: Tx, release: PublishedRelease, manifest: dict[str, Any], actor: str) -> None:
        now = datetime.now(UTC)
        session = tx.session
        plugin = session.scalar(select(models.Plugin).where(models.Plugin.name == release.name))
        if plugin is None:
            plugin = models.Plugin(
                id=str(uuid.uuid4()),
                name=release.name,
                namespace=release.name.split("/", 1)[0],
                type=str(manifest.get("type", "")),
                description=str(manifest.get("description", "")),
                created_at=now,
            )
            session.add(plugin)
        else:
            plugin.type = str(manifest.get("type", plugin.type))
            plugin.description = str(manifest.get("description", plugin.description))
        session.add(
            models.PluginVersion(
                plugin=plugin,
                version=release.version,
                sha256=release.sha256,
                size=release.size,
                manifest=manifest,
                created_at=now,
                published_by=actor,
            )
        )
        details = {"name": release.name, "version": release.version, "sha256": release.sha256}
        self._audit(tx, actor, "plugin.published", f"{release.name}@{release.version}", details)
        tx.emit("plugin.published", message=f"{release.name}@{release.version}", payload=details)

    @staticmethod
    def _audit(tx: Tx, actor: str, action: str, target: str, details: dict[str, Any]) -> None:
        tx.session.add(
            models.RegistryAudit(
                at=datetime.now(UTC), actor=actor, action=action, target=target, details=details
            )
        )
