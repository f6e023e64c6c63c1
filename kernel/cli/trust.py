"""`arcade key generate` and `arcade trust init/add-publisher/rotate/revoke`: the offline side of plugin
trust (DESIGN §6). These commands only touch local files: keys and the admin's TRUST folder.

`registry` (and tuf) are imported inside the commands, so other commands do not pay for loading them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kernel.cli.client import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.output import print_json

__all__ = [
    "cmd_key_generate",
    "cmd_trust_add_publisher",
    "cmd_trust_init",
    "cmd_trust_push",
    "cmd_trust_revoke",
    "cmd_trust_rotate",
]


@contextmanager
def _registry_errors() -> Iterator[None]:
    """Bad input (a wrong key file, an invalid name) exits 2; a failed operation exits 1."""
    from tuf.api.exceptions import RepositoryError

    from registry.errors import KeyFileError, RegistryError

    try:
        yield
    except (KeyFileError, ValueError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    except RegistryError as exc:
        raise CliError(str(exc), EXIT_FAILED) from exc
    except RepositoryError as exc:
        raise CliError(f"metadata verification failed: {exc}", EXIT_FAILED) from exc


def _report(args: argparse.Namespace, document: dict[str, Any], text: str) -> int:
    if args.json:
        print_json(document)
    else:
        print(text)
    return EXIT_OK


def _targets_version(trust_dir: Path) -> int:
    from registry.trust import TrustDir

    return TrustDir(trust_dir).targets().signed.version


def _push(args: argparse.Namespace, trust_dir: Path) -> dict[str, Any]:
    """Upload every root version and the newest targets of TRUST (PUT /api/v1/registry/trust)."""
    import json

    from registry.trust import TrustDir
    from registry.trust.layout import versioned_files

    trust = TrustDir(trust_dir)
    with _registry_errors():
        trust.require()
        targets_path = trust.latest("targets")[0]
    roots = versioned_files(trust.metadata_dir, "root")
    body = {
        "roots": [json.loads(roots[version].read_text()) for version in sorted(roots)],
        "targets": json.loads(targets_path.read_text()),
    }
    api = ApiClient(args.server, args.token)
    try:
        return api.request("PUT", "/registry/trust", body)
    finally:
        api.close()


def cmd_key_generate(args: argparse.Namespace) -> int:
    from registry.keys import generate_key

    with _registry_errors():
        info = generate_key(Path(args.out))
    document = {
        "keyid": info.keyid,
        "private_key": str(info.private_path),
        "public_key": str(info.public_path),
    }
    return _report(
        args,
        document,
        f"wrote {info.private_path} (keep it secret) and {info.public_path}\nkeyid {info.keyid}",
    )


def cmd_trust_init(args: argparse.Namespace) -> int:
    from registry.trust import init

    trust_dir = Path(args.dir)
    with _registry_errors():
        made = init(trust_dir, threshold=args.threshold, root_keys=args.root_keys)
    document = {
        "dir": str(trust_dir),
        "root": str(made.root_json),
        "root_keyids": list(made.root_keyids),
        "threshold": made.threshold,
        "targets_keyid": made.targets_keyid,
        "online_keys": str(made.online_dir),
    }
    text = (
        f"created {trust_dir}: root v1 ({made.threshold} of {len(made.root_keyids)} root keys), targets, "
        f"snapshot, timestamp\ngive agents {made.root_json}; hand {made.online_dir} to the kernel; keep "
        f"{trust_dir / 'keys'} offline"
    )
    if args.server_given:
        document["server"] = _push(args, trust_dir)
        text += f"\nuploaded root and targets to {args.server}"
    return _report(args, document, text)


def cmd_trust_push(args: argparse.Namespace) -> int:
    result = _push(args, Path(args.dir))
    changed = ", ".join(result["changed"]) or "nothing new"
    text = f"{args.server}: {changed} (root v{result['root_version']}, targets v{result['targets_version']})"
    return _report(args, result, text)


def cmd_trust_add_publisher(args: argparse.Namespace) -> int:
    from registry.keys import load_public_key
    from registry.trust import add_publisher

    with _registry_errors():
        key = load_public_key(Path(args.key))
        version = add_publisher(Path(args.dir), args.namespace, key)
    document = {"namespace": args.namespace, "keyid": key.keyid, "targets_version": version}
    return _report(args, document, f"{args.namespace}/* is signed by key {key.keyid} (targets v{version})")


def cmd_trust_rotate(args: argparse.Namespace) -> int:
    from registry.trust import rotate

    with _registry_errors():
        version = rotate(Path(args.dir))
    root = Path(args.dir) / "root.json"
    return _report(
        args,
        {"root_version": version, "root": str(root)},
        f"root v{version} signed by the old and the new root keys; new agents get {root}",
    )


def cmd_trust_revoke(args: argparse.Namespace) -> int:
    from registry.keys import load_public_key
    from registry.trust import revoke_key, revoke_release

    if bool(args.release) == bool(args.key):
        raise CliError("give either NS/NAME@VERSION or --key PUB", EXIT_USAGE)
    trust_dir = Path(args.dir)
    with _registry_errors():
        if args.key:
            key = load_public_key(Path(args.key))
            namespaces = revoke_key(trust_dir, key, reason=args.reason)
            version = _targets_version(trust_dir)
            document = {"keyid": key.keyid, "namespaces": namespaces, "targets_version": version}
            text = f"key {key.keyid} revoked; give {', '.join(namespaces)} a new key with add-publisher"
        else:
            action = "warn" if args.warn else "block"
            version = revoke_release(trust_dir, args.release, args.reason, action, args.sha256)
            document = {"release": args.release, "action": action, "targets_version": version}
            text = f"{args.release} revoked ({action}) in targets v{version}"
    return _report(args, document, text)
