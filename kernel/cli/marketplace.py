"""`arcade plugin list/info/install/update/config/enable/disable/uninstall`: the kernel's plugin marketplace
over its HTTP API (DESIGN §3), as an admin.

Exit codes: 0 done; 1 the kernel refused or failed the operation (an unknown plugin, a conflict, permissions
that need approval, an unsigned package); 2 bad usage or input (a malformed NS/NAME, --set-json that is not
a JSON object, a config the plugin's schema rejects, a bad token).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import httpx

from kernel.cli.client import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.options import json_object
from kernel.cli.output import print_json, print_table
from kernel.cli.publish import signed_path
from kernel.cli.signing import Package, load_package
from plugin_sdk.refs import PLUGIN_NAME

__all__ = [
    "MarketplaceClient",
    "cmd_plugin_config",
    "cmd_plugin_disable",
    "cmd_plugin_enable",
    "cmd_plugin_info_remote",
    "cmd_plugin_install",
    "cmd_plugin_list",
    "cmd_plugin_uninstall",
    "cmd_plugin_update",
    "parse_name",
]

# Statuses that mean bad input from the user; anything else the kernel answers is a failed operation.
_USAGE_STATUSES = frozenset({400, 401, 422})
_NAME_HINT = "lowercase letters, digits and '-', e.g. 'acme/lint'"


class MarketplaceClient(ApiClient):
    """An ApiClient whose errors follow the plugin commands' exit codes: a 404 (no such plugin), 403
    (an unsigned package) or 409 is an operation that failed (1), a 400/401/422 bad input (2)."""

    def _check(self, response: httpx.Response) -> None:
        try:
            super()._check(response)
        except CliError as exc:
            exc.exit_code = EXIT_USAGE if response.status_code in _USAGE_STATUSES else EXIT_FAILED
            raise


def _client(args: argparse.Namespace) -> MarketplaceClient:
    return MarketplaceClient(args.server, args.token)


def parse_name(text: str, argument: str = "NS/NAME") -> str:
    """`text` if it is a plugin name `ns/name`; exit 2 naming the argument otherwise."""
    if not PLUGIN_NAME.fullmatch(text):
        raise CliError(f"{argument}: {text!r} is not a plugin name ns/name ({_NAME_HINT})", EXIT_USAGE)
    return text


def parse_release(text: str) -> tuple[str, str | None]:
    """`ns/name` or `ns/name@version` as (name, version or None)."""
    from plugin_sdk.manifest import is_semver

    name, at, version = text.partition("@")
    parse_name(name, "NS/NAME[@VERSION]")
    if at and not is_semver(version):
        raise CliError(
            f"NS/NAME[@VERSION]: {version!r} in {text!r} is not a version (expected e.g. 1.2.0)", EXIT_USAGE
        )
    return name, version or None


def _path(name: str) -> str:
    return f"/plugins/{name}"


# ------------------------------------------------------------------------------------------- list, info


def cmd_plugin_list(args: argparse.Namespace) -> int:
    params = {key: value for key, value in (("type", args.type), ("status", args.status), ("q", args.query))}
    api = _client(args)
    try:
        plugins = api.request("GET", "/plugins", params={k: v for k, v in params.items() if v})["plugins"]
    finally:
        api.close()
    if args.json:
        print_json({"plugins": plugins})
        return EXIT_OK
    print_table(
        ("NAME", "TYPE", "LATEST", "INSTALLED", "STATUS", "DOWNLOADS", "DESCRIPTION"),
        [
            (
                p["name"],
                p.get("type"),
                p.get("latest_version"),
                p.get("installed_version") or "-",
                p.get("status"),
                p.get("downloads", 0),
                p.get("description"),
            )
            for p in plugins
        ],
    )
    return EXIT_OK


def cmd_plugin_info_remote(args: argparse.Namespace) -> int:
    name = parse_name(args.target, "DIR_OR_PACKAGE_OR_NS/NAME")
    api = _client(args)
    try:
        plugin = api.request("GET", _path(name))
    finally:
        api.close()
    if args.json:
        print_json(plugin)
    else:
        _print_plugin(plugin)
    return EXIT_OK


def _print_plugin(plugin: dict[str, Any]) -> None:
    print(plugin["name"])
    if plugin.get("description"):
        print(f"  {plugin['description']}")
    rows = [
        ("type", plugin.get("type")),
        ("status", plugin.get("status")),
        ("latest", plugin.get("latest_version")),
        ("installed", plugin.get("installed_version") or "-"),
        ("enabled", "yes" if plugin.get("enabled") else "no"),
        ("downloads", plugin.get("downloads", 0)),
    ]
    for label, value in rows:
        print(f"  {label:<10} {value}")
    print(f"permissions\n  {json.dumps(plugin.get('permissions') or {}, sort_keys=True)}")
    if plugin.get("installed_version"):
        approved = plugin.get("approved_permissions") or {}
        print(f"approved\n  {json.dumps(approved, sort_keys=True)}")
        print(f"config\n  {json.dumps(plugin.get('config') or {}, sort_keys=True)}")
    print("versions")
    print_table(
        ("VERSION", "SHA256", "SIZE", "PUBLISHED BY", "PUBLISHED AT", "DOWNLOADS"),
        [
            (
                v["version"],
                v["sha256"],
                v.get("size"),
                v.get("published_by"),
                v.get("published_at"),
                v.get("downloads", 0),
            )
            for v in plugin.get("versions", [])
        ],
    )


# ---------------------------------------------------------------------------------------------- install


def _installed(plugin: dict[str, Any], as_json: bool, verb: str) -> int:
    if as_json:
        print_json({"plugin": plugin})
    else:
        state = "enabled" if plugin.get("enabled") else "disabled"
        print(f"{verb} {plugin['name']}@{plugin.get('installed_version')} ({state})")
    return EXIT_OK


def _published(api: MarketplaceClient, package: Package) -> bool:
    """Whether the kernel already has a published version with the package's digest (an error here means
    no: publishing then fails with the kernel's own message)."""
    try:
        plugin = api.request("GET", _path(package.name))
    except CliError:
        return False
    return any(v.get("sha256") == package.sha256 for v in plugin.get("versions", []))


def _read_signed(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CliError(f"{path}: cannot read the signed role update: {exc}", EXIT_USAGE) from exc
    if not isinstance(document, dict) or not {"namespace", "role"} <= document.keys():
        raise CliError(
            f'{path}: expected {{"namespace", "role"}} as `arcade plugin sign` writes it', EXIT_USAGE
        )
    return document


def _install_package(api: MarketplaceClient, path: Path, scratch: Path) -> dict[str, Any]:
    """Install a package file; a PACKAGE.signed.json beside it is published first (when the kernel does not
    have that release yet)."""
    package = load_package(path, path, scratch)
    signed = signed_path(path)
    if signed.is_file() and not _published(api, package):
        document = _read_signed(signed)
        api.send_bytes("PUT", f"/plugins/blobs/{package.sha256}", package.data, "application/zip")
        api.request("POST", "/plugins/publish", document)
    return api.send_bytes("POST", "/plugins/install", package.data, "application/zip")["plugin"]


def cmd_plugin_install(args: argparse.Namespace) -> int:
    target = args.target
    api = _client(args)
    try:
        if Path(target).is_file() or target.endswith(".zip"):
            with tempfile.TemporaryDirectory(prefix="arcade-install-") as scratch:
                plugin = _install_package(api, Path(target), Path(scratch))
        else:
            name, version = parse_release(target)
            body: dict[str, Any] = {"name": name}
            if version:
                body["version"] = version
            plugin = api.request("POST", "/plugins/install", body)["plugin"]
    finally:
        api.close()
    return _installed(plugin, args.json, "installed")


# ------------------------------------------------------------------------------------ update and config


def cmd_plugin_update(args: argparse.Namespace) -> int:
    name = parse_name(args.name)
    if args.version:
        from plugin_sdk.manifest import is_semver

        if not is_semver(args.version):
            raise CliError(f"--version: {args.version!r} is not a version (expected e.g. 1.2.0)", EXIT_USAGE)
    api = _client(args)
    try:
        # Without --version: the newest published version, as the kernel lists it.
        version = args.version or api.request("GET", _path(name)).get("latest_version")
        body = {"version": version, "approve_permissions": bool(args.approve_permissions)}
        plugin = api.request("PUT", _path(name), body)
    finally:
        api.close()
    return _installed(plugin.get("plugin", plugin), args.json, "updated")


def cmd_plugin_config(args: argparse.Namespace) -> int:
    name = parse_name(args.name)
    config = json_object(args.set_json, "--set-json")
    api = _client(args)
    try:
        plugin = api.request("PUT", _path(name), {"config": config})
    finally:
        api.close()
    plugin = plugin.get("plugin", plugin)
    if args.json:
        print_json({"plugin": plugin})
    else:
        print(f"configured {name}: {json.dumps(plugin.get('config', config), sort_keys=True)}")
    return EXIT_OK


# ---------------------------------------------------------------------- enable, disable, uninstall


def _switch(args: argparse.Namespace, action: str) -> int:
    name = parse_name(args.name)
    api = _client(args)
    try:
        plugin = api.request("POST", f"{_path(name)}/{action}")
    finally:
        api.close()
    plugin = (plugin or {}).get("plugin", plugin) or {"name": name}
    if args.json:
        print_json({"plugin": plugin})
    else:
        print(f"{action}d {name}")
    return EXIT_OK


def cmd_plugin_enable(args: argparse.Namespace) -> int:
    return _switch(args, "enable")


def cmd_plugin_disable(args: argparse.Namespace) -> int:
    return _switch(args, "disable")


def cmd_plugin_uninstall(args: argparse.Namespace) -> int:
    name = parse_name(args.name)
    api = _client(args)
    try:
        result = api.request("DELETE", _path(name))
    finally:
        api.close()
    if args.json:
        print_json(result)
    else:
        versions = ", ".join(result.get("versions", [])) or "no versions"
        print(f"uninstalled {result.get('uninstalled', name)} ({versions})")
    return EXIT_OK
