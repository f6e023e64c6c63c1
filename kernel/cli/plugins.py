"""`arcade plugin new/build/test/pack/info`: the plugin author's tool chain (DESIGN §5).

`info` reads a local plugin folder, manifest or package; given a plugin name NS/NAME that is not a path, it
asks the kernel's marketplace instead (`kernel.cli.marketplace`).

`test` runs an action exactly as an agent would: `agent.plugins.PluginInvoker` on an
`agent.sandbox.SandboxRunner`, with the manifest's permissions and limits and a throwaway workspace.
Compiled modules are cached under `$XDG_CACHE_HOME/arcade/plugin-test`: a component compiles only once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kernel.cli.client import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError
from kernel.cli.options import json_object
from kernel.cli.output import error, print_json
from plugin_sdk.errors import ManifestError, PluginError
from plugin_sdk.manifest import MANIFEST_NAME, Manifest, load_manifest
from plugin_sdk.package import pack, unpack
from plugin_sdk.refs import PLUGIN_NAME
from plugin_sdk.scaffold import ScaffoldError, new_plugin

__all__ = ["cmd_plugin_build", "cmd_plugin_info", "cmd_plugin_new", "cmd_plugin_pack", "cmd_plugin_test"]

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHUNK = 1024 * 1024


@contextmanager
def _plugin_errors() -> Iterator[None]:
    """SDK errors as CLI errors: bad input exits 2, a failed build or package exits 1."""
    try:
        yield
    except (ManifestError, ScaffoldError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    except PluginError as exc:  # BuildError, PackageError
        raise CliError(str(exc), EXIT_FAILED) from exc


def _load(plugin_dir: Path) -> Manifest:
    if not plugin_dir.is_dir():
        raise CliError(f"{plugin_dir}: no such plugin folder", EXIT_USAGE)
    if not (plugin_dir / MANIFEST_NAME).is_file():
        raise CliError(
            f"{plugin_dir}: no {MANIFEST_NAME} (create a plugin with `arcade plugin new`)", EXIT_USAGE
        )
    with _plugin_errors():
        return load_manifest(plugin_dir / MANIFEST_NAME)


def _require_entry(plugin_dir: Path, manifest: Manifest, arg: str) -> None:
    if not (plugin_dir / manifest.entry).is_file():
        raise CliError(
            f"{plugin_dir / manifest.entry} does not exist: run `arcade plugin build {arg}` first", EXIT_USAGE
        )


# ----------------------------------------------------------------------------------------- new, build


def cmd_plugin_new(args: argparse.Namespace) -> int:
    with _plugin_errors():
        made = new_plugin(args.name, args.type, args.lang, Path(args.dir))
    if args.json:
        print_json(
            {
                "name": made.manifest.name,
                "path": str(made.path),
                "language": made.language,
                "files": list(made.files),
            }
        )
        return EXIT_OK
    print(f"created {made.manifest.name} ({made.language}, {made.manifest.type}) in {made.path}/")
    for name in made.files:
        print(f"  {name}")
    print(f"next: arcade plugin build {made.path} && arcade plugin test {made.path}")
    return EXIT_OK


def cmd_plugin_build(args: argparse.Namespace) -> int:
    from plugin_sdk.build import build_plugin  # wasmtime and the build tools, only when building

    root = Path(args.dir)
    manifest = _load(root)
    if manifest.kind == "python" and not args.json:
        print(
            f"building {root / 'plugin.py'} into a component (componentize-py, about 10 s)...",
            file=sys.stderr,
            flush=True,
        )
    with _plugin_errors():
        built = build_plugin(root)
    if args.json:
        print_json(
            {
                "name": manifest.name,
                "version": manifest.version,
                "language": built.language,
                "source": str(built.source),
                "output": str(built.output),
                "size": built.size,
                "seconds": round(built.seconds, 3),
            }
        )
    else:
        print(
            f"built {built.output} from {built.source.name} ({built.language}, {built.size:,} bytes, "
            f"{built.seconds:.1f}s)"
        )
    return EXIT_OK


# ----------------------------------------------------------------------------------------------- test


def cmd_plugin_test(args: argparse.Namespace) -> int:
    from agent.errors import PluginUnavailable
    from agent.plugins import PluginInvoker, load_plugin_dir
    from agent.sandbox import SandboxError, SandboxRunner

    root = Path(args.dir)
    manifest = _load(root)
    action = _pick_action(manifest, args.action_name)
    call_args = json_object(args.args, "--args") if args.args is not None else _example_args(manifest, action)
    env = _parse_env(args.env, manifest)
    source_workspace = Path(args.workspace) if args.workspace else None
    if source_workspace is not None and not source_workspace.is_dir():
        raise CliError(f"--workspace: {source_workspace} is not a folder", EXIT_USAGE)
    _require_entry(root, manifest, args.dir)
    try:
        plugin = load_plugin_dir(root)
    except PluginUnavailable as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    logs: list[str] = []

    def on_log(line: str) -> None:
        logs.append(line)
        if not args.json:
            print(f"[{manifest.name}] {line}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="arcade-plugin-test-") as scratch:
        workspace = Path(scratch) / "workspace"
        if source_workspace is not None:
            shutil.copytree(source_workspace, workspace, symlinks=True)
        else:
            workspace.mkdir()
        try:
            with SandboxRunner(cache_dir=_cache_dir(), prewarm=0) as runner:
                outcome = PluginInvoker(runner).invoke(
                    plugin, action, call_args, _context(action), workspace, env, on_log
                )
        except SandboxError as exc:
            raise CliError(f"the sandbox failed: {exc}", EXIT_FAILED) from exc
    if args.json:
        print_json(
            {
                "name": manifest.name,
                "version": manifest.version,
                "action": action,
                "args": call_args,
                "ok": outcome.ok,
                "result": outcome.result,
                "error": outcome.error,
                "logs": logs,
                "duration": round(outcome.duration, 3),
            }
        )
    elif outcome.ok:
        print(json.dumps(outcome.result, indent=2, sort_keys=True))
        print(f"ok: {manifest.name} {action} succeeded in {outcome.duration:.2f}s", file=sys.stderr)
    else:
        error(f"{manifest.name} {action} failed: {outcome.error}")
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _pick_action(manifest: Manifest, chosen: str | None) -> str:
    names = ", ".join(sorted(manifest.actions))
    if chosen is not None:
        if chosen not in manifest.actions:
            message = f"--action: {chosen!r} is not an action of {manifest.name} (it has: {names})"
            raise CliError(message, EXIT_USAGE)
        return chosen
    if len(manifest.actions) == 1:
        return next(iter(manifest.actions))
    raise CliError(f"--action is required: {manifest.name} has the actions {names}", EXIT_USAGE)


def _example_args(manifest: Manifest, action: str) -> dict[str, Any]:
    """Without --args: the args of the manifest's first example of `action`, else {}."""
    for example in manifest.examples:
        if example.get("action") == action:
            return dict(example.get("args") or {})
    return {}


def _parse_env(items: list[str], manifest: Manifest) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not _ENV_NAME.fullmatch(key):
            raise CliError(f"--env: expected KEY=VALUE with a variable name as KEY, got {item!r}", EXIT_USAGE)
        if key not in manifest.permissions.env and key not in manifest.permissions.secrets:
            print(f"note: the plugin will not see {key}: permissions.env does not list it", file=sys.stderr)
        env[key] = value
    return env


def _context(action: str) -> dict[str, Any]:
    """What an agent tells a plugin about its step (`plugin_context` itself), with fake ids."""
    from agent.peer import JobAssignment, StepAssignment
    from agent.plugins.steps import plugin_context

    job = JobAssignment(
        job_run_id="00000000-0000-4000-8000-000000000002",
        pipeline_run_id="00000000-0000-4000-8000-000000000001",
        pipeline_name="plugin-test",
        run_number=1,
        job_name="plugin-test",
        stage="test",
        attempt=1,
    )
    step = StepAssignment(step_run_id="00000000-0000-4000-8000-000000000003", index=0, name=action, run="")
    return plugin_context(job, step, "plugin-test")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "arcade" / "plugin-test"


# ----------------------------------------------------------------------------------------- pack, info


def cmd_plugin_pack(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    manifest = _load(root)
    _require_entry(root, manifest, args.dir)
    out = Path(args.out) if args.out else root / f"{manifest.name.replace('/', '-')}-{manifest.version}.zip"
    with _plugin_errors():
        info = pack(root, out)
    if args.json:
        print_json(
            {
                "name": manifest.name,
                "version": manifest.version,
                "path": str(info.path),
                "sha256": info.sha256,
                "size": info.size,
                "entries": list(info.entries),
            }
        )
        return EXIT_OK
    print(f"packed {manifest.ref} into {info.path}")
    print(f"  sha256  {info.sha256}")
    print(f"  size    {info.size:,} bytes")
    print(f"  entries {', '.join(info.entries)}")
    return EXIT_OK


def cmd_plugin_info(args: argparse.Namespace) -> int:
    target = Path(args.target)
    if not target.exists() and PLUGIN_NAME.fullmatch(args.target):
        from kernel.cli.marketplace import cmd_plugin_info_remote

        return cmd_plugin_info_remote(args)
    details: dict[str, Any] = {"path": str(target)}
    if target.is_dir():
        manifest = _load(target)
        details.update(source="folder", entry_built=(target / manifest.entry).is_file())
    elif target.is_file() and target.name == MANIFEST_NAME:
        with _plugin_errors():
            manifest = load_manifest(target)
        details.update(source="manifest")
    elif target.is_file():
        with tempfile.TemporaryDirectory(prefix="arcade-plugin-info-") as scratch:
            try:
                manifest = unpack(target, Path(scratch) / "package")
            except PluginError as exc:
                raise CliError(str(exc), EXIT_USAGE) from exc
            files = sorted(
                p.relative_to(Path(scratch) / "package").as_posix()
                for p in (Path(scratch) / "package").rglob("*")
                if p.is_file()
            )
        details.update(source="package", sha256=_sha256(target), size=target.stat().st_size, files=files)
    else:
        raise CliError(
            f"{target}: no such plugin folder, manifest or package, and not a plugin name ns/name", EXIT_USAGE
        )
    if args.json:
        print_json({**details, "manifest": manifest.to_dict()})
    else:
        _print_info(manifest, details)
    return EXIT_OK


def _print_info(manifest: Manifest, details: Mapping[str, Any]) -> None:
    print(manifest.ref)
    print(f"  {manifest.description}")
    entry = manifest.entry
    if details["source"] == "folder" and not details["entry_built"]:
        entry += f" (not built yet: arcade plugin build {details['path']})"
    rows = [
        ("type", manifest.type),
        ("kind/abi", f"{manifest.kind}/{manifest.abi}"),
        ("entry", entry),
        ("author", manifest.author),
        ("license", manifest.license),
        ("homepage", manifest.homepage),
        ("requires", manifest.requires_arcade),
    ]
    for label, value in rows:
        if value:
            print(f"  {label:<10} {value}")
    if details["source"] == "package":
        print("package")
        print(f"  path       {details['path']}")
        print(f"  sha256     {details['sha256']}")
        print(f"  size       {details['size']:,} bytes")
        print(f"  files      {', '.join(details['files'])}")
    print("actions")
    for action in manifest.actions.values():
        print(f"  {action.name}: {action.description}")
        print(f"    args     {_schema_summary(action.args)}")
        print(f"    returns  {_schema_summary(action.returns)}")
    grants = manifest.permissions
    print("permissions")
    print(f"  workspace  {grants.fs_workspace}")
    print(f"  network    {', '.join(grants.allowed_hosts) or 'none'}")
    print(f"  env        {', '.join(grants.env) or 'none'}")
    print(f"  secrets    {', '.join(grants.secrets) or 'none'}")
    limits = grants.limits
    print("limits")
    print(f"  memory     {f'{limits.memory_mb} MiB' if limits.memory_mb else 'agent default'}")
    print(f"  fuel       {f'{limits.fuel:,}' if limits.fuel else 'agent default'}")
    print(f"  timeout    {f'{limits.timeout_seconds:g}s' if limits.timeout_seconds else 'agent default'}")
    if manifest.default_config:
        print(f"config\n  {json.dumps(manifest.default_config, sort_keys=True)}")


def _schema_summary(schema: Mapping[str, Any]) -> str:
    """`{name: string, count?: integer}` for an object schema with properties; compact JSON otherwise."""
    if not schema:
        return "anything"
    properties = schema.get("properties")
    if schema.get("type") == "object" and isinstance(properties, dict):
        required = set(schema.get("required", ()))
        fields = [
            f"{name}{'' if name in required else '?'}: {_type_name(spec)}"
            for name, spec in properties.items()
        ]
        return "{" + ", ".join(fields) + "}"
    if schema.get("type") == "object" and len(schema) <= 2:
        return "{}" if schema.get("additionalProperties") is False else "object"
    text = json.dumps(schema, sort_keys=True)
    return text if len(text) <= 100 else text[:97] + "..."


def _type_name(spec: Any) -> str:
    if not isinstance(spec, dict):
        return "any"
    if "enum" in spec:
        return "|".join(json.dumps(value) for value in spec["enum"])
    kind = spec.get("type", "any")
    return "|".join(kind) if isinstance(kind, list) else str(kind)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
