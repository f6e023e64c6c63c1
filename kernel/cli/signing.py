"""Signing a plugin release for the kernel's registry: shared by `arcade plugin sign` and `publish`.

The publisher's key signs the next version of its namespace's delegated role, with the release added on top
of the role the kernel serves. That role must carry the publisher's own signature (so a kernel cannot slip
other targets under it). Before signing, the key is checked against the namespace's delegation in the
kernel's top-level targets, so a wrong key fails here with a clear message rather than at upload.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kernel.cli.client import EXIT_USAGE, ApiClient, CliError

__all__ = [
    "Package",
    "SignedRelease",
    "current_role",
    "default_package_path",
    "load_package",
    "publish_release",
    "sign_package",
]

METADATA = "/registry/metadata/"


@dataclass(frozen=True)
class Package:
    """A checked plugin package: where it is, its bytes and its manifest."""

    path: Path
    data: bytes
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def namespace(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class SignedRelease:
    """A package and the signed role update that publishes it (`{"namespace", "role"}` on the wire)."""

    package: Package
    role: dict[str, Any]

    def document(self) -> dict[str, Any]:
        """What `arcade plugin sign` writes to PACKAGE.signed.json and POST /plugins/publish takes."""
        return {"namespace": self.package.namespace, "role": self.role}


def default_package_path(folder: Path) -> Path:
    """Where `arcade plugin pack` writes a plugin folder's package: FOLDER/NS-NAME-VERSION.zip."""
    from plugin_sdk.errors import ManifestError
    from plugin_sdk.manifest import MANIFEST_NAME, load_manifest

    try:
        manifest = load_manifest(folder / MANIFEST_NAME)
    except ManifestError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return folder / f"{manifest.name.replace('/', '-')}-{manifest.version}.zip"


def load_package(target: Path, pack_to: Path, scratch: Path) -> Package:
    """The package at `target`, or a plugin folder `target` packed into `pack_to` first; checked (unpacked
    safely, manifest validated) like the kernel checks it. Bad input exits 2."""
    from plugin_sdk.errors import PluginError
    from plugin_sdk.package import pack, unpack

    try:
        if target.is_dir():
            target = pack(target, pack_to).path
        elif not target.is_file():
            raise CliError(f"{target}: no such plugin folder or package", EXIT_USAGE)
        manifest = unpack(target, scratch / "unpacked")
    except PluginError as exc:
        raise CliError(f"{target}: {exc}", EXIT_USAGE) from exc
    return Package(target, target.read_bytes(), manifest.to_dict())


def _metadata(api: ApiClient, name: str) -> dict[str, Any] | None:
    data = api.get_bytes(METADATA + name)
    return json.loads(data) if data is not None else None


def _snapshot_meta(api: ApiClient) -> dict[str, Any]:
    timestamp = _metadata(api, "timestamp.json")
    if timestamp is None:
        raise CliError("the registry has no signed metadata yet: upload it with `arcade trust push`")
    version = timestamp["signed"]["meta"]["snapshot.json"]["version"]
    snapshot = _metadata(api, f"{version}.snapshot.json")
    return dict((snapshot or {}).get("signed", {}).get("meta", {}))


def _role_bytes(api: ApiClient, meta: dict[str, Any], role: str) -> bytes | None:
    entry = meta.get(f"{role}.json")
    if entry is None:
        return None
    data = api.get_bytes(f"{METADATA}{entry['version']}.{role}.json")
    if data is None:
        raise CliError(f"the registry's snapshot names {role}.json v{entry['version']}, which is missing")
    return data


def current_role(api: ApiClient, namespace: str) -> bytes | None:
    """The namespace's role as the kernel publishes it now (timestamp → snapshot → role), or None."""
    return _role_bytes(api, _snapshot_meta(api), namespace)


def _check_delegated_key(targets: bytes | None, signer: Any, namespace: str, key_file: Path) -> None:
    """Refuse a key that the kernel's top-level targets does not delegate `namespace` to."""
    from tuf.api.metadata import Metadata

    roles = None
    if targets is not None:
        delegations = Metadata.from_bytes(targets).signed.delegations
        roles = delegations.roles if delegations is not None else None
    if not roles or namespace not in roles:
        raise CliError(
            f"{namespace}: no publisher is registered for this namespace in the registry "
            f"(the admin runs `arcade trust add-publisher {namespace} --key PUB` and `arcade trust push`)",
            EXIT_USAGE,
        )
    keyid = signer.public_key.keyid
    allowed = roles[namespace].keyids
    if keyid not in allowed:
        raise CliError(
            f"--key {key_file}: key {keyid} is not the publisher key of namespace {namespace!r} "
            f"(the registry delegates it to {', '.join(sorted(allowed))})",
            EXIT_USAGE,
        )


def _check_own_signature(role: bytes, signer: Any, namespace: str) -> None:
    from securesystemslib.exceptions import UnverifiedSignatureError
    from tuf.api.metadata import Metadata

    md = Metadata.from_bytes(role)
    key = signer.public_key
    signature = md.signatures.get(key.keyid)
    try:
        if signature is None:
            raise UnverifiedSignatureError("no signature")
        key.verify_signature(signature, md.signed_bytes)
    except UnverifiedSignatureError:
        raise CliError(
            f"{namespace}: the role the kernel serves (v{md.signed.version}) is not signed by key "
            f"{key.keyid}; refusing to sign on top of it"
        ) from None


def sign_package(api: ApiClient, package: Package, key_file: Path) -> SignedRelease:
    """Sign the next version of the package's namespace role with the release added, with `key_file`."""
    from registry.errors import RegistryError
    from registry.keys import load_signer
    from registry.trust import release_path, sign_release

    try:
        signer = load_signer(key_file)
    except RegistryError as exc:
        raise CliError(f"--key: {exc}", EXIT_USAGE) from exc
    meta = _snapshot_meta(api)
    _check_delegated_key(_role_bytes(api, meta, "targets"), signer, package.namespace, key_file)
    role = _role_bytes(api, meta, package.namespace)
    if role is not None:
        _check_own_signature(role, signer, package.namespace)
    try:
        signed = sign_release(
            role,
            package.namespace,
            signer,
            release_path(package.name, package.version),
            len(package.data),
            package.sha256,
            package.manifest,
        )
    except (RegistryError, ValueError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return SignedRelease(package, json.loads(signed))


def publish_release(api: ApiClient, release: SignedRelease) -> dict[str, Any]:
    """Upload the package under its sha256, then the signed role; the kernel's answer."""
    package = release.package
    api.send_bytes("PUT", f"/plugins/blobs/{package.sha256}", package.data, "application/zip")
    return api.request("POST", "/plugins/publish", release.document())
