"""A package file an admin (or the plugins folder) wants installed: published already, or signed.

A package is installable only when a publisher signed its sha256: it is a recorded release, a release of its
namespace's current signed role (recorded before, removed by an uninstall), or it comes with the
`{"namespace", "role"}` document `arcade plugin sign` writes, which is published first. An unsigned package
is refused with PermissionDenied and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput, PermissionDenied
from kernel.plugin_registry import PluginRegistry

__all__ = ["file_sha256", "publish_package", "signed_document"]


def publish_package(
    registry: PluginRegistry,
    path: Path,
    sha256: str,
    namespace: str,
    signed: dict[str, Any] | None,
    actor: str,
) -> None:
    """Record the signed package at `path` in the catalog, storing it first; PermissionDenied if unsigned."""
    role = registry.signed_role_with(namespace, sha256)
    if role is None and signed is not None:
        namespace, role = signed_document(signed)
    if role is not None:
        registry.store_package(path, sha256)
        try:
            registry.publish(namespace, role, actor)
        finally:
            if not registry.recorded(sha256):  # refused: keep no package nobody published
                registry.blobs.delete(sha256)
    if not registry.recorded(sha256):
        raise PermissionDenied(
            f"unsigned package: no publisher has signed sha256 {sha256} "
            "(arcade plugin publish / arcade plugin sign)",
            sha256=sha256,
        )


def signed_document(signed: Any) -> tuple[str, dict[str, Any]]:
    """The namespace and role of an `arcade plugin sign` document; InvalidInput naming a bad field."""
    if not isinstance(signed, dict):
        raise InvalidInput("signed: expected a JSON object {namespace, role}")
    namespace, role = signed.get("namespace"), signed.get("role")
    if not isinstance(namespace, str) or not namespace:
        raise InvalidInput("signed.namespace: expected the publisher namespace (a string)")
    if not isinstance(role, dict):
        raise InvalidInput("signed.role: expected the signed namespace role (a JSON object)")
    return namespace, role


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
