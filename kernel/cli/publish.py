"""`arcade plugin sign` and `arcade plugin publish`: a publisher's release into the kernel's registry.

`sign DIR_OR_PACKAGE --key FILE` packs a plugin folder (as `arcade plugin pack` does), signs the next version
of the namespace's role with the release added (see `kernel.cli.signing`), and writes the signed update,
`{"namespace", "role"}`, to PACKAGE.signed.json: `arcade plugin install PACKAGE.zip` and a package dropped
into the kernel's plugins folder publish it from there. `publish` = pack + sign + upload + publish. The kernel
re-hashes the upload and checks the signed update before accepting it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from kernel.cli.client import EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.output import print_json
from kernel.cli.signing import default_package_path, load_package, publish_release, sign_package

__all__ = ["SIGNED_SUFFIX", "cmd_plugin_publish", "cmd_plugin_sign", "signed_path"]

SIGNED_SUFFIX = ".signed.json"


def signed_path(package: Path) -> Path:
    """Where the signed role update of `package` lives by default: beside it, PACKAGE.signed.json."""
    return package.with_name(package.name + SIGNED_SUFFIX)


def cmd_plugin_sign(args: argparse.Namespace) -> int:
    target = Path(args.target)
    api = ApiClient(args.server, args.token)
    try:
        with tempfile.TemporaryDirectory(prefix="arcade-sign-") as scratch:
            pack_to = default_package_path(target) if target.is_dir() else target
            package = load_package(target, pack_to, Path(scratch))
        release = sign_package(api, package, Path(args.key))
    finally:
        api.close()
    out = Path(args.out) if args.out else signed_path(package.path)
    try:
        out.write_text(json.dumps(release.document(), indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise CliError(f"--out {out}: cannot write: {exc.strerror}", EXIT_USAGE) from exc
    summary = {
        "name": package.name,
        "version": package.version,
        "namespace": package.namespace,
        "package": str(package.path),
        "sha256": package.sha256,
        "size": len(package.data),
        "signed": str(out),
        "role_version": release.role["signed"]["version"],
    }
    if args.json:
        print_json(summary)
    else:
        print(f"signed {package.name}@{package.version}")
        print(f"  package {package.path}")
        print(f"  sha256  {package.sha256}")
        print(f"  signed  {out} ({package.namespace} role v{summary['role_version']})")
    return EXIT_OK


def cmd_plugin_publish(args: argparse.Namespace) -> int:
    api = ApiClient(args.server, args.token)
    try:
        with tempfile.TemporaryDirectory(prefix="arcade-publish-") as scratch:
            package = load_package(Path(args.target), Path(scratch) / "package.zip", Path(scratch))
            release = sign_package(api, package, Path(args.key))
            publish_release(api, release)
    finally:
        api.close()
    if args.json:
        print_json(
            {
                "name": package.name,
                "version": package.version,
                "sha256": package.sha256,
                "size": len(package.data),
            }
        )
    else:
        print(f"published {package.name}@{package.version}")
        print(f"  sha256  {package.sha256}\n  size    {len(package.data):,} bytes")
    return EXIT_OK
