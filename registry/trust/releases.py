"""What a publisher namespace's delegated role may contain, checked by the publisher before signing and by
the online repository before accepting (`check_role_update`).

A namespace role holds, for each plugin `ns/name`, its releases `ns/name@version` (length, sha256, and the
manifest in `custom.manifest`) and its version index `ns/name` (`custom.versions`, every release listed).
Releases are immutable: a version keeps its digest forever, and is never removed (revoke it instead).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any

import semantic_version
from tuf.api.metadata import TargetFile, Targets

from registry.errors import PublishRefused
from registry.trust.layout import content_target, index_path, parse_release_path

__all__ = ["build_index", "check_role_update", "release_target"]

SHA256 = re.compile(r"[0-9a-f]{64}")


def release_target(path: str, length: int, sha256: str, manifest: dict[str, Any]) -> TargetFile:
    """The target of one release: the package's length and sha256, the manifest in `custom.manifest`."""
    return TargetFile(length, {"sha256": sha256}, path, {"custom": {"manifest": manifest}})


def build_index(name: str, versions: list[str]) -> TargetFile:
    """The version index target of plugin `name`."""
    ordered = sorted(set(versions), key=semantic_version.Version)
    return content_target(index_path(name), {"versions": ordered})


def _check_release(namespace: str, path: str, target: TargetFile) -> tuple[str, str]:
    parsed = parse_release_path(path)
    if parsed is None or not semantic_version.validate(parsed[1]):
        raise PublishRefused(f"{namespace}: target {path!r} is neither NS/NAME@VERSION nor a version index")
    name, version = parsed
    sha256 = target.hashes.get("sha256")
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise PublishRefused(f"{namespace}: target {path!r} has no sha256 hash")
    if not isinstance(target.length, int) or target.length <= 0:
        raise PublishRefused(f"{namespace}: target {path!r} has no length")
    custom = target.custom
    manifest = custom.get("manifest") if isinstance(custom, dict) else None
    if not isinstance(manifest, dict):
        raise PublishRefused(f"{namespace}: target {path!r} has no custom.manifest object")
    if manifest.get("name") != name or manifest.get("version") != version:
        raise PublishRefused(
            f"{namespace}: target {path!r} carries the manifest of "
            f"{manifest.get('name')!r}@{manifest.get('version')!r}"
        )
    return name, version


def check_role_update(namespace: str, current: Targets | None, new: Targets, now: datetime) -> None:
    """Raise PublishRefused unless `new` may follow `current` as the role of `namespace`."""
    if new.delegations is not None:
        raise PublishRefused(f"{namespace}: a namespace role may not delegate further")
    current_version = current.version if current is not None else 0
    if new.version <= current_version:
        raise PublishRefused(
            f"{namespace}: role version {new.version} is not newer than the published {current_version}"
        )
    if new.is_expired(now):
        raise PublishRefused(f"{namespace}: the role expired at {new.expires.isoformat()}")
    releases: dict[str, list[str]] = defaultdict(list)
    indexes = {}
    for path, target in new.targets.items():
        if not path.startswith(f"{namespace}/"):
            raise PublishRefused(f"{namespace}: target {path!r} is outside the namespace {namespace}/")
        if "@" in path:
            name, version = _check_release(namespace, path, target)
            releases[name].append(version)
        else:
            indexes[path] = target
    for name, versions in releases.items():
        expected = build_index(name, versions)
        if indexes.pop(index_path(name), None) != expected:
            raise PublishRefused(
                f"{namespace}: the version index {name!r} does not list exactly its releases"
            )
    if indexes:
        raise PublishRefused(f"{namespace}: version index without releases: {', '.join(sorted(indexes))}")
    for path, old in (current.targets if current is not None else {}).items():
        replacement = new.targets.get(path)
        if replacement is None and "@" in path:
            raise PublishRefused(f"{namespace}: release {path!r} would be removed; revoke it instead")
        if (
            "@" in path
            and replacement is not None
            and (replacement.hashes, replacement.length)
            != (
                old.hashes,
                old.length,
            )
        ):
            raise PublishRefused(
                f"{namespace}: release {path!r} exists with sha256 {old.hashes.get('sha256')}; "
                "a published version never changes (publish a new version)"
            )
