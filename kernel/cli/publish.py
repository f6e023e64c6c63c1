"""`arcade plugin publish DIR_OR_PACKAGE --key FILE`: sign a release with the publisher's key and publish it.

The publisher's key signs the next version of its namespace's delegated role, with the release added on top
of the role the kernel serves. That role must carry the publisher's own signature (so a kernel cannot slip
other targets under it), and the kernel checks the signed update before accepting it. The package is
uploaded first, under its sha256; the kernel re-hashes and re-validates it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from kernel.cli.client import EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.output import print_json

__all__ = ["cmd_plugin_publish"]

METADATA = "/registry/metadata/"


def _metadata(api: ApiClient, name: str) -> dict[str, Any] | None:
    data = api.get_bytes(METADATA + name)
    return json.loads(data) if data is not None else None


def current_role(api: ApiClient, namespace: str) -> bytes | None:
    """The namespace's role as the kernel publishes it now (timestamp → snapshot → role), or None."""
    timestamp = _metadata(api, "timestamp.json")
    if timestamp is None:
        raise CliError("the registry has no signed metadata yet: upload it with `arcade trust push`")
    version = timestamp["signed"]["meta"]["snapshot.json"]["version"]
    snapshot = _metadata(api, f"{version}.snapshot.json")
    meta = (snapshot or {}).get("signed", {}).get("meta", {}).get(f"{namespace}.json")
    if meta is None:
        return None
    data = api.get_bytes(f"{METADATA}{meta['version']}.{namespace}.json")
    if data is None:
        raise CliError(f"the registry's snapshot names {namespace}.json v{meta['version']}, which is missing")
    return data


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


def _package(target: Path, scratch: Path) -> tuple[bytes, dict[str, Any]]:
    """The package's bytes (packing a plugin folder first) and its manifest, checked like the kernel does."""
    from plugin_sdk.errors import PluginError
    from plugin_sdk.package import pack, unpack

    try:
        if target.is_dir():
            target = pack(target, scratch / "package.zip").path
        elif not target.is_file():
            raise CliError(f"{target}: no such plugin folder or package", EXIT_USAGE)
        manifest = unpack(target, scratch / "unpacked")
    except PluginError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return target.read_bytes(), manifest.to_dict()


def cmd_plugin_publish(args: argparse.Namespace) -> int:
    from registry.errors import RegistryError
    from registry.keys import load_signer
    from registry.trust import release_path, sign_release

    with tempfile.TemporaryDirectory(prefix="arcade-publish-") as scratch:
        data, manifest = _package(Path(args.target), Path(scratch))
    name, version = manifest["name"], manifest["version"]
    namespace = name.split("/", 1)[0]
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        signer = load_signer(Path(args.key))
    except RegistryError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    api = ApiClient(args.server, args.token)
    try:
        role = current_role(api, namespace)
        if role is not None:
            _check_own_signature(role, signer, namespace)
        try:
            signed = sign_release(
                role, namespace, signer, release_path(name, version), len(data), sha256, manifest
            )
        except (RegistryError, ValueError) as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
        api.put_bytes(f"/plugins/blobs/{sha256}", data, "application/zip")
        api.request("POST", "/plugins/publish", {"namespace": namespace, "role": json.loads(signed)})
    finally:
        api.close()
    if args.json:
        print_json({"name": name, "version": version, "sha256": sha256, "size": len(data)})
    else:
        print(f"published {name}@{version}\n  sha256  {sha256}\n  size    {len(data):,} bytes")
    return EXIT_OK
