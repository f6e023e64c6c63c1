"""`arcade server`, `arcade agent` and `arcade up`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

from kernel.cli.client import EXIT_OK, CliError
from kernel.config import Settings
from kernel.errors import KernelError

AGENTS_READY_SECONDS = 60.0


def parse_labels(values: list[str]) -> dict[str, str]:
    labels = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"--label '{item}': expected KEY=VALUE", exit_code=2)
        labels[key] = value
    return labels


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def cmd_server(args: argparse.Namespace) -> int:
    from kernel.app import Kernel  # the whole kernel: `arcade agent` and the client commands do without it

    try:
        settings = Settings.load(args.config)
    except KernelError as exc:
        raise CliError(exc.message, exit_code=2) from exc
    overrides = {
        k: v
        for k, v in (
            ("grpc_addr", args.grpc_addr),
            ("http_addr", args.http_addr),
            ("database_url", args.database_url),
        )
        if v
    }
    settings = replace(settings, **overrides)
    _setup_logging(settings.log_level)
    try:
        kernel = Kernel(settings)
    except KernelError as exc:  # e.g. a kernel extension in ARCADE_KERNEL_PLUGINS that cannot be loaded
        raise CliError(exc.message, exit_code=2) from exc

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await kernel.start()
        if not settings.admin_token and not any(
            t.kind == "admin" and not t.revoked_at for t in kernel.tokens.list()
        ):
            secret, _ = kernel.tokens.create("admin", description="created at first start")
            print(f"admin token (shown once, store it now): {secret}", file=sys.stderr, flush=True)
        print(f"arcade kernel: gRPC {kernel.grpc_target}, HTTP {kernel.http_url}", flush=True)
        try:
            await stop.wait()
        finally:
            await kernel.stop()

    asyncio.run(main())
    return EXIT_OK


def cmd_agent(args: argparse.Namespace) -> int:
    from agent.config import AgentConfig
    from agent.daemon import run_agent
    from agent.errors import ConfigError

    if not args.token:
        raise CliError("agent: a registration token is required (--token or ARCADE_TOKEN)", exit_code=2)
    _setup_logging(os.environ.get("ARCADE_LOG_LEVEL", "INFO"))
    try:
        config = AgentConfig(
            server=args.server.removeprefix("http://").removeprefix("grpc://"),
            registration_token=args.token,
            name=args.name or socket.gethostname(),
            labels=parse_labels(args.label),
            capacity=args.capacity,
            workdir=Path(args.workdir),
            use_stream=not args.no_stream,
            plugin_paths=tuple(Path(path) for path in args.plugin_path),
            trust_root=Path(args.trust_root) if args.trust_root else None,
            metrics_addr=args.metrics_addr,
        )
    except ConfigError as exc:
        raise CliError(f"agent: {exc}", exit_code=2) from exc
    return run_agent(config)


def cmd_up(args: argparse.Namespace) -> int:
    # Handlers first: a signal during start-up must still stop the agents this command started.
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    from kernel.cli.embedded import EmbeddedKernel

    data = Path(args.data)
    overrides = {k: v for k, v in (("grpc_addr", args.grpc_addr), ("http_addr", args.http_addr)) if v}
    embedded = EmbeddedKernel.for_data_dir(data, **overrides).start()
    kernel = embedded.kernel
    agents: list[subprocess.Popen[bytes]] = []
    try:
        token = embedded.registration_token()
        for index in range(args.agents):
            name = f"local-{index + 1}"
            command = [sys.executable, "-m", "kernel.cli.main", "agent", "--server", kernel.grpc_target]
            command += ["--name", name, "--workdir", str(data / "agents" / name)]
            for path in args.plugin_path:
                command += ["--plugin-path", str(Path(path).absolute())]
            agents.append(subprocess.Popen(command, env={**os.environ, "ARCADE_TOKEN": token}))
        if not stopped.is_set() and not embedded.wait_for_agents(args.agents, AGENTS_READY_SECONDS):
            exited = [f"local-{i + 1}" for i, p in enumerate(agents) if p.poll() is not None]
            detail = f"exited: {', '.join(exited)}" if exited else "still starting"
            print(
                f"warning: not every agent connected within {AGENTS_READY_SECONDS:.0f}s ({detail})",
                file=sys.stderr,
            )
        if not stopped.is_set():
            print(f"Arcade is up: {kernel.http_url}  (gRPC {kernel.grpc_target}, data in {data})")
            print(f"admin token: {embedded.admin_token}")
            print(f"export ARCADE_SERVER={kernel.http_url} ARCADE_TOKEN={embedded.admin_token}", flush=True)
        stopped.wait()
    finally:
        for process in agents:
            process.terminate()
        for process in agents:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        embedded.stop()
    return EXIT_OK
