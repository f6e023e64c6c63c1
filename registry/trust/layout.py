"""Names and files of the signed metadata, shared by the admin, online, publisher and client sides.

Metadata layout (consistent snapshots, as `tuf.ngclient.Updater` fetches them):

    N.root.json            every root version, kept forever (clients walk the chain 1 → 2 → … → newest)
    N.targets.json         top-level targets (offline targets key): publisher delegations + revocation list
    N.<namespace>.json     one delegated targets role per publisher namespace (the publisher's key)
    N.snapshot.json        versions of targets.json and every <namespace>.json (online snapshot key)
    timestamp.json         version of the snapshot, short expiry (online timestamp key)

Target paths (TUF path patterns never match across '/', so a namespace role's `paths` is `["<ns>/*"]`):

    <ns>/<name>@<version>  a release; length + sha256 of the package, `custom.manifest` its manifest
    <ns>/<name>            the plugin's version index; `custom.versions` lists its releases
    revocations.json       in targets.json: `custom.revocations` (revoked releases) and `custom.revoked_keys`
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tuf.api.metadata import Metadata, TargetFile
from tuf.api.serialization import DeserializationError

from plugin_sdk.refs import PLUGIN_NAME
from registry.errors import TrustDirError

__all__ = [
    "EXPIRY",
    "REVOCATIONS_PATH",
    "TOP_LEVEL_ROLES",
    "atomic_write",
    "canonical_bytes",
    "content_target",
    "index_path",
    "load_metadata",
    "parse_release_path",
    "release_path",
    "utc_now",
    "validate_namespace",
    "versioned_files",
]

TOP_LEVEL_ROLES = ("root", "targets", "snapshot", "timestamp")
REVOCATIONS_PATH = "revocations.json"
NAMESPACE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
# TUF role names, the revocation list's target, and `blobs` (GET /api/v1/plugins/blobs/{sha256} would
# shadow GET /api/v1/plugins/{ns}/{name} for a namespace of that name).
RESERVED_NAMESPACES = frozenset(TOP_LEVEL_ROLES) | {"revocations", "blobs"}

# How long each role's signature stays valid. The online roles are re-signed by the kernel.
EXPIRY = {
    "root": timedelta(days=365),
    "targets": timedelta(days=365),
    "delegated": timedelta(days=365),
    "snapshot": timedelta(days=7),
    "timestamp": timedelta(days=1),
}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def validate_namespace(namespace: str) -> str:
    """`namespace` if it can be a publisher namespace (and a role name); ValueError otherwise."""
    if not NAMESPACE.fullmatch(namespace):
        raise ValueError(f"invalid namespace {namespace!r}: lowercase letters, digits and '-' (e.g. 'acme')")
    if namespace in RESERVED_NAMESPACES:
        raise ValueError(f"namespace {namespace!r} is reserved (it names a TUF role or a registry route)")
    return namespace


def release_path(name: str, version: str) -> str:
    """The target path of a release, `ns/name@version`."""
    return f"{name}@{version}"


def index_path(name: str) -> str:
    """The target path of a plugin's version index, `ns/name`."""
    return name


def parse_release_path(path: str) -> tuple[str, str] | None:
    """(name, version) of a release path, or None when `path` is not one."""
    name, at, version = path.partition("@")
    if not at or not version or not PLUGIN_NAME.fullmatch(name):
        return None
    return name, version


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def content_target(path: str, custom: dict[str, Any]) -> TargetFile:
    """A target whose content is its own `custom` document (canonical JSON), e.g. an index or a list."""
    data = canonical_bytes(custom)
    return TargetFile(len(data), {"sha256": hashlib.sha256(data).hexdigest()}, path, {"custom": custom})


def atomic_write(path: Path, data: bytes) -> None:
    """Write `path` through a temporary file in the same folder and a rename: readers see old or new."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_metadata(path: Path) -> Metadata:
    try:
        return Metadata.from_bytes(path.read_bytes())
    except FileNotFoundError:
        raise TrustDirError(f"{path}: no such metadata file") from None
    except DeserializationError as exc:
        raise TrustDirError(f"{path}: not TUF metadata ({exc})") from None


def versioned_files(folder: Path, role: str) -> dict[int, Path]:
    """{version: path} of the `N.<role>.json` files in `folder`."""
    found = {}
    for path in folder.glob(f"*.{role}.json"):
        head = path.name[: -len(f".{role}.json")]
        if head.isdigit():
            found[int(head)] = path
    return found
