"""`arcade`: the command line of the kernel, the agent and the client operations (DESIGN §3)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from kernel.cli.errors import CliError
from kernel.cli.output import error
from plugin_sdk.scaffold import LANGUAGES, PLUGIN_TYPES

DEFAULT_SERVER = "http://127.0.0.1:8080"

Handler = Callable[[argparse.Namespace], int]


def _lazy(module: str, name: str) -> Handler:
    """The handler `kernel.cli.<module>.<name>`, imported only when its command runs: every `arcade`
    invocation would otherwise pay for the imports of all commands (grpc, httpx, SQLAlchemy, wasmtime)."""

    def handler(args: argparse.Namespace) -> int:
        command: Handler = getattr(importlib.import_module(f"kernel.cli.{module}"), name)
        return command(args)

    return handler


def _client_options(parser: argparse.ArgumentParser, registry_alias: bool = False) -> None:
    names = ("--server", "--registry") if registry_alias else ("--server",)
    parser.add_argument(
        *names,
        dest="server",
        default=None,
        help=f"kernel HTTP URL (env ARCADE_SERVER, default {DEFAULT_SERVER})",
    )
    parser.add_argument(
        "--token", default=os.environ.get("ARCADE_TOKEN", ""), help="admin token (env ARCADE_TOKEN)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def _plugin_path_option(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(
        "--plugin-path",
        action="append",
        default=[],
        metavar="DIR",
        help=f"{prefix}where `uses:` steps find plugins: a plugin folder, or a folder of plugin folders and "
        "packages (*.zip); repeatable",
    )


def _command(
    sub: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    help: str,
    client: bool = True,
    registry_alias: bool = False,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=help)
    if client:
        _client_options(parser, registry_alias)
    parser.set_defaults(handler=handler)
    return parser


def _marketplace_commands(plugin: argparse._SubParsersAction) -> None:
    """`arcade plugin list/install/update/config/enable/disable/uninstall` (kernel.cli.marketplace)."""
    p = _command(plugin, "list", _lazy("marketplace", "cmd_plugin_list"), "list the marketplace's plugins")
    p.add_argument("--type", metavar="T", help="only plugins of this type (ci, cd, security, ...)")
    p.add_argument(
        "--status",
        choices=("available", "installed", "enabled", "disabled"),
        help="only plugins in this state",
    )
    p.add_argument("--query", metavar="TEXT", help="only plugins whose name or description has TEXT")
    p = _command(
        plugin, "install", _lazy("marketplace", "cmd_plugin_install"), "install a plugin from the marketplace"
    )
    p.add_argument(
        "target",
        metavar="NS/NAME[@VERSION]|PACKAGE.zip",
        help="a published plugin (default: its newest version), or a package (PACKAGE.zip.signed.json "
        "beside it, from `arcade plugin sign`, is published first)",
    )
    p = _command(
        plugin, "update", _lazy("marketplace", "cmd_plugin_update"), "move an installed plugin to a version"
    )
    p.add_argument("name", metavar="NS/NAME")
    p.add_argument("--version", metavar="V", help="the version (default: the newest published)")
    p.add_argument(
        "--approve-permissions",
        action="store_true",
        help="accept the permissions the new version asks for beyond those approved",
    )
    p = _command(
        plugin, "config", _lazy("marketplace", "cmd_plugin_config"), "set an installed plugin's config"
    )
    p.add_argument("name", metavar="NS/NAME")
    p.add_argument(
        "--set-json", required=True, metavar="JSON", help="the config, a JSON object (checked by its schema)"
    )
    for name, handler, summary in (
        ("enable", _lazy("marketplace", "cmd_plugin_enable"), "let steps use an installed plugin again"),
        ("disable", _lazy("marketplace", "cmd_plugin_disable"), "refuse steps that use an installed plugin"),
        (
            "uninstall",
            _lazy("marketplace", "cmd_plugin_uninstall"),
            "remove a plugin, its versions and packages",
        ),
    ):
        p = _command(plugin, name, handler, summary)
        p.add_argument("name", metavar="NS/NAME")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arcade", description="Arcade: self-hosted CI/CD")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "server", _lazy("server", "cmd_server"), "run the kernel", client=False)
    p.add_argument("--config", help="TOML settings file (ARCADE_* environment variables override it)")
    p.add_argument("--grpc-addr", help="override ARCADE_GRPC_ADDR")
    p.add_argument("--http-addr", help="override ARCADE_HTTP_ADDR")
    p.add_argument("--database-url", help="override ARCADE_DATABASE_URL")

    p = _command(sub, "agent", _lazy("server", "cmd_agent"), "run an agent", client=False)
    p.add_argument(
        "--server",
        default=os.environ.get("ARCADE_GRPC_TARGET", "127.0.0.1:9090"),
        help="kernel gRPC address HOST:PORT",
    )
    p.add_argument(
        "--token", default=os.environ.get("ARCADE_TOKEN", ""), help="registration token (env ARCADE_TOKEN)"
    )
    p.add_argument(
        "--label", action="append", default=[], metavar="KEY=VALUE", help="agent label (repeatable)"
    )
    p.add_argument("--capacity", type=int, default=1, help="jobs run at once (default 1)")
    p.add_argument("--workdir", default=".arcade-agent", help="folder for job workspaces")
    p.add_argument("--name", default="", help="agent name (default: the host name)")
    p.add_argument(
        "--no-stream", action="store_true", help="poll with FetchJobRun instead of a Connect stream"
    )
    _plugin_path_option(p)
    p.add_argument(
        "--trust-root",
        default=None,
        metavar="FILE",
        help="the plugin registry's root.json (from `arcade trust init`): `uses:` steps not in the plugin "
        "path run plugins from the kernel's signed registry, verified against it",
    )
    p.add_argument(
        "--metrics-addr",
        default=None,
        metavar="HOST:PORT",
        help="serve the agent's Prometheus metrics (plugin cache and downloads) on http://HOST:PORT/metrics",
    )

    p = _command(
        sub, "up", _lazy("server", "cmd_up"), "kernel and local agents in one process tree", client=False
    )
    p.add_argument("--data", default=".arcade", help="data folder (default .arcade)")
    p.add_argument("--agents", type=int, default=1, help="number of local agents (default 1)")
    _plugin_path_option(p)
    p.add_argument("--grpc-addr", help="override ARCADE_GRPC_ADDR")
    p.add_argument("--http-addr", help="override ARCADE_HTTP_ADDR")

    p = _command(sub, "run", _lazy("run", "cmd_run"), "run a pipeline file and follow its logs")
    p.add_argument("file")
    p.add_argument("--var", action="append", default=[], metavar="KEY=VALUE", help="override a variable")
    p.add_argument("--data", help="embedded mode: keep the kernel's data in this folder")
    _plugin_path_option(p, "embedded mode: ")

    p = _command(sub, "validate", _lazy("run", "cmd_validate"), "check a pipeline file", client=False)
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print one JSON document")

    pipeline = sub.add_parser("pipeline", help="manage pipelines").add_subparsers(
        dest="action", required=True
    )
    p = _command(pipeline, "create", _lazy("ops", "cmd_pipeline_create"), "store a pipeline from a file")
    p.add_argument("file")
    p.add_argument(
        "--upsert", action="store_true", help="replace the spec of an existing pipeline of that name"
    )
    p.add_argument(
        "--webhook-secret",
        metavar="S",
        help="key of the HMAC-SHA256 signature its webhooks must carry (enables POST /api/v1/webhooks/NAME)",
    )
    _command(pipeline, "list", _lazy("ops", "cmd_pipeline_list"), "list pipelines")
    p = _command(pipeline, "trigger", _lazy("ops", "cmd_pipeline_trigger"), "start a run")
    p.add_argument("pipeline", help="pipeline name or id")
    p.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--request-id", help="idempotency key: the same key returns the same run")
    p.add_argument("--follow", action="store_true", help="follow the logs; exit 0 iff the run succeeded")
    p = _command(pipeline, "runs", _lazy("ops", "cmd_pipeline_runs"), "list runs of a pipeline")
    p.add_argument("pipeline")
    p.add_argument("--limit", type=int, default=20)

    p = _command(sub, "logs", _lazy("ops", "cmd_logs"), "print a run's logs")
    p.add_argument("run", help="run id, id prefix or PIPELINE#NUMBER")
    p.add_argument("--follow", "-f", action="store_true", help="stream new lines until the run is complete")
    p = _command(sub, "cancel", _lazy("ops", "cmd_cancel"), "cancel a run")
    p.add_argument("run")
    p = _command(sub, "show", _lazy("ops", "cmd_show"), "show a run with its jobs")
    p.add_argument("run")
    for name, handler, summary in (
        ("approve", _lazy("ops", "cmd_approve"), "approve a stage's manual gate"),
        ("reject", _lazy("ops", "cmd_reject"), "reject a stage's manual gate (cancels the rest of the run)"),
    ):
        p = _command(sub, name, handler, summary)
        p.add_argument("run")
        p.add_argument("--stage", required=True, help="the gated stage's name")
        p.add_argument("--comment", default="", help="recorded with the decision")
    p = _command(
        sub, "rerun", _lazy("ops", "cmd_rerun"), "rerun a job that failed, timed out or was cancelled"
    )
    p.add_argument("run", help="run id, id prefix or PIPELINE#NUMBER")
    p.add_argument("--job", required=True, help="the job's name (the jobs waiting for it run again too)")
    _command(sub, "agents", _lazy("ops", "cmd_agents"), "list agents")
    p = _command(
        sub, "artifacts", _lazy("artifacts", "cmd_artifacts"), "list a run's artifacts, or download one"
    )
    p.add_argument("run", help="run id, id prefix or PIPELINE#NUMBER")
    p.add_argument("--download", metavar="NAME", help="save the artifact NAME as NAME.tar.gz")
    p.add_argument("--output", default=".", metavar="DIR", help="folder for --download (default .)")

    secret = sub.add_parser("secret", help="manage secrets").add_subparsers(dest="action", required=True)
    p = _command(
        secret, "set", _lazy("ops", "cmd_secret_set"), "set a secret (the value from --value or stdin)"
    )
    p.add_argument("name")
    p.add_argument("--value", help="the value (default: read from stdin, without its final newline)")
    p.add_argument("--pipeline", help="scope it to this pipeline (default: global)")
    p = _command(secret, "list", _lazy("ops", "cmd_secret_list"), "list secret names (never values)")
    p.add_argument("--pipeline", help="the pipeline's secrets (default: the global ones)")
    p = _command(secret, "delete", _lazy("ops", "cmd_secret_delete"), "delete a secret")
    p.add_argument("name")
    p.add_argument("--pipeline", help="delete the pipeline's secret (default: the global one)")

    token = sub.add_parser("token", help="manage tokens").add_subparsers(dest="action", required=True)
    p = _command(
        token, "create", _lazy("ops", "cmd_token_create"), "create a token and print it (shown once)"
    )
    p.add_argument(
        "--kind",
        choices=("agent", "admin"),
        default="agent",
        help="agent: a registration token for agents; admin: an API token",
    )
    p.add_argument("--description", default="")
    p.add_argument("--ttl", type=float, default=None, help="seconds until it expires")

    plugin = sub.add_parser("plugin", help="write, build, test and package step plugins").add_subparsers(
        dest="action", required=True
    )
    p = _command(
        plugin, "new", _lazy("plugins", "cmd_plugin_new"), "create a plugin project from a template", False
    )
    p.add_argument("name", metavar="NAME", help="the plugin's name, ns/name (e.g. acme/lint)")
    p.add_argument("--type", required=True, choices=PLUGIN_TYPES, help="the plugin type")
    p.add_argument("--lang", required=True, choices=LANGUAGES, help="the source language")
    p.add_argument("--dir", default=".", metavar="PARENT", help="create PARENT/<name> (default .)")
    p = _command(
        plugin,
        "build",
        _lazy("plugins", "cmd_plugin_build"),
        "build the plugin's entry from its source",
        False,
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the plugin folder (default .)")
    p = _command(
        plugin, "test", _lazy("plugins", "cmd_plugin_test"), "run an action in the agents' sandbox", False
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the plugin folder (default .)")
    p.add_argument("--action", dest="action_name", metavar="A", help="the action (default: the only one)")
    p.add_argument("--args", metavar="JSON", help="the args, a JSON object (default: the manifest's example)")
    p.add_argument("--workspace", metavar="DIR", help="run on a copy of DIR (default: an empty folder)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="a variable (repeatable)")
    p = _command(
        plugin, "pack", _lazy("plugins", "cmd_plugin_pack"), "package the plugin as a zip", client=False
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the plugin folder (default .)")
    p.add_argument("--out", metavar="FILE", help="the zip to write (default DIR/NS-NAME-VERSION.zip)")
    p = _command(
        plugin,
        "info",
        _lazy("plugins", "cmd_plugin_info"),
        "show a plugin: local manifest or package, or NS/NAME",
    )
    p.add_argument(
        "target",
        metavar="DIR_OR_PACKAGE_OR_NS/NAME",
        help="a plugin folder, manifest.json or package zip; or a plugin name the kernel's marketplace knows",
    )
    p = _command(
        plugin,
        "sign",
        _lazy("publish", "cmd_plugin_sign"),
        "sign a plugin release into PACKAGE.signed.json",
        registry_alias=True,
    )
    p.add_argument("target", metavar="DIR_OR_PACKAGE", help="a plugin folder (packed first) or package zip")
    p.add_argument("--key", required=True, metavar="FILE", help="the publisher's private key")
    p.add_argument("--out", metavar="FILE", help="the signed role update (default PACKAGE.signed.json)")
    p = _command(
        plugin,
        "publish",
        _lazy("publish", "cmd_plugin_publish"),
        "sign a plugin release and publish it",
        registry_alias=True,
    )
    p.add_argument("target", metavar="DIR_OR_PACKAGE", help="a plugin folder (packed first) or package zip")
    p.add_argument("--key", required=True, metavar="FILE", help="the publisher's private key")
    for name in ("new", "build", "test", "pack"):
        plugin.choices[name].add_argument("--json", action="store_true", help="print one JSON document")
    _marketplace_commands(plugin)

    key = sub.add_parser("key", help="manage signing keys").add_subparsers(dest="action", required=True)
    p = _command(key, "generate", _lazy("trust", "cmd_key_generate"), "write an Ed25519 key pair", False)
    p.add_argument("--out", required=True, metavar="FILE", help="private key file (and FILE.pub)")
    p.add_argument("--json", action="store_true", help="print one JSON document")

    trust_sub = sub.add_parser("trust", help="plugin trust metadata, offline (TUF)").add_subparsers(
        dest="action", required=True
    )
    p = _command(
        trust_sub, "init", _lazy("trust", "cmd_trust_init"), "create a TRUST folder: keys and metadata", False
    )
    p.add_argument("--threshold", type=int, default=1, help="root signatures required (default 1)")
    p.add_argument("--root-keys", type=int, default=1, help="number of root keys (default 1)")
    p.add_argument("--server", default=None, help="also upload root and targets to this kernel (HTTP URL)")
    p.add_argument(
        "--token", default=os.environ.get("ARCADE_TOKEN", ""), help="admin token (env ARCADE_TOKEN)"
    )
    p = _command(
        trust_sub, "push", _lazy("trust", "cmd_trust_push"), "upload root and targets to the kernel", False
    )
    p.add_argument(
        "--server", default=None, help=f"kernel HTTP URL (env ARCADE_SERVER, default {DEFAULT_SERVER})"
    )
    p.add_argument(
        "--token", default=os.environ.get("ARCADE_TOKEN", ""), help="admin token (env ARCADE_TOKEN)"
    )
    p = _command(
        trust_sub, "add-publisher", _lazy("trust", "cmd_trust_add_publisher"), "delegate NS/* to a key", False
    )
    p.add_argument("namespace", metavar="NS", help="the publisher namespace (e.g. acme)")
    p.add_argument("--key", required=True, metavar="PUB", help="the publisher's public key file")
    _command(
        trust_sub,
        "rotate",
        _lazy("trust", "cmd_trust_rotate"),
        "new root keys; old agents follow the chain",
        False,
    )
    p = _command(
        trust_sub, "revoke", _lazy("trust", "cmd_trust_revoke"), "revoke a release or a publisher key", False
    )
    p.add_argument("release", nargs="?", metavar="NS/NAME@VERSION", help="the release to revoke")
    p.add_argument("--key", metavar="PUB", help="revoke this publisher key instead")
    p.add_argument("--reason", default="", help="why (shown to agents)")
    p.add_argument("--warn", action="store_true", help="agents warn instead of refusing to run it")
    p.add_argument("--sha256", metavar="DIGEST", help="also revoke the package with this digest")
    for name in ("init", "push", "add-publisher", "rotate", "revoke"):
        trust_sub.choices[name].add_argument("--dir", required=True, metavar="TRUST", help="the TRUST folder")
        trust_sub.choices[name].add_argument("--json", action="store_true", help="print one JSON document")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "server") and args.command not in ("agent",):
        args.server_given = args.server is not None or "ARCADE_SERVER" in os.environ
        args.server = args.server or os.environ.get("ARCADE_SERVER", DEFAULT_SERVER)
    try:
        return args.handler(args)
    except CliError as exc:
        error(exc.message)
        for item in exc.errors:
            print(
                f"{item.get('file')}:{item.get('line')}:{item.get('column')}: {item.get('message')}",
                file=sys.stderr,
            )
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
