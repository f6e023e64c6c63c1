"""`arcade run` (against a kernel, or embedded) and `arcade validate`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

from kernel.cli.client import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ApiClient, CliError
from kernel.cli.ops import follow_logs, parse_vars, read_spec, ref
from kernel.cli.output import print_json
from kernel.dsl import validate_pipeline

NESTED_RUN_VARIABLE = "ARCADE_RUN_ID"


def cmd_validate(args: argparse.Namespace) -> int:
    errors = validate_pipeline(read_spec(args.file), args.file)
    if args.json:
        print_json({"valid": not errors, "errors": [e.__dict__ for e in errors]})
    else:
        for spec_error in errors:
            print(spec_error, file=sys.stderr)
        if not errors:
            print(f"{args.file}: valid")
    return EXIT_USAGE if errors else EXIT_OK


def _run_on(api: ApiClient, spec: str, file: str, variables: dict[str, str], as_json: bool) -> int:
    pipeline = api.request("POST", "/pipelines", {"spec_yaml": spec, "file_name": file, "upsert": True})
    run = api.request("POST", f"/pipelines/{ref(pipeline['id'])}/trigger", {"variables": variables})
    if not as_json:
        print(f"run {run['pipeline']}#{run['number']} ({run['id']}) started", file=sys.stderr, flush=True)
    end = follow_logs(api, run["id"], True, as_json)
    if not as_json:
        print(
            f"run {run['pipeline']}#{run['number']}: {end.get('status')} {end.get('message', '')}".rstrip(),
            file=sys.stderr,
            flush=True,
        )
    return EXIT_OK if end.get("status") == "SUCCESS" else EXIT_FAILED


def cmd_run(args: argparse.Namespace) -> int:
    parent = os.environ.get(NESTED_RUN_VARIABLE)
    if parent:
        raise CliError(
            f"refusing to run a pipeline nested inside run {parent} ({NESTED_RUN_VARIABLE} is set)",
            exit_code=EXIT_USAGE,
        )
    spec = read_spec(args.file)
    errors = validate_pipeline(spec, args.file)
    if errors:
        raise CliError("\n".join(str(e) for e in errors), exit_code=EXIT_USAGE)
    variables = parse_vars(args.var)
    if args.server_given and args.plugin_path:
        raise CliError(
            "--plugin-path applies to the embedded agent only; give it to the agents of that kernel "
            "(arcade agent --plugin-path DIR)",
            exit_code=EXIT_USAGE,
        )
    plugin_paths = tuple(Path(path) for path in args.plugin_path)
    for path in plugin_paths:
        if not path.is_dir():
            raise CliError(f"--plugin-path {path}: not a folder", exit_code=EXIT_USAGE)
    if args.server_given:
        api = ApiClient(args.server, args.token)
        try:
            return _run_on(api, spec, args.file, variables, args.json)
        finally:
            api.close()
    return _run_embedded(spec, args.file, variables, args.json, args.data, plugin_paths)


def _run_embedded(
    spec: str,
    file: str,
    variables: dict[str, str],
    as_json: bool,
    data: str | None,
    plugin_paths: tuple[Path, ...],
) -> int:
    from agent.config import AgentConfig
    from agent.daemon import AgentDaemon
    from kernel.cli.embedded import EmbeddedKernel  # the whole kernel: imported only when it runs here

    with tempfile.TemporaryDirectory(prefix="arcade-run-") as scratch:
        data_dir = Path(data) if data else Path(scratch)
        embedded = EmbeddedKernel.for_data_dir(
            data_dir, grpc_addr="127.0.0.1:0", http_addr="127.0.0.1:0", log_level="WARNING"
        ).start()
        daemon = AgentDaemon(
            AgentConfig(
                server=embedded.kernel.grpc_target,
                registration_token=embedded.registration_token(),
                name="embedded",
                labels={},
                capacity=max(2, os.cpu_count() or 2),
                workdir=Path(scratch) / "agent",
                plugin_paths=plugin_paths,
            )
        )
        agent_thread = threading.Thread(target=daemon.run, name="arcade-agent", daemon=True)
        agent_thread.start()
        api = ApiClient(embedded.kernel.http_url, embedded.admin_token)
        try:
            return _run_on(api, spec, file, variables, as_json)
        finally:
            api.close()
            daemon.stop()
            agent_thread.join(timeout=30)
            embedded.stop()
