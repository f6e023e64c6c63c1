"""A sandbox worker process: `python -m agent.sandbox.worker [--cache-dir DIR]`.

Keeps one engine, linker and compiled-module cache warm and runs invocations one at a time, reading requests
on stdin and answering on stdout (`channel` framing): zero or more `{"log": line}` then `{"done": {...}}`.
The runner kills the whole process at the wall-clock deadline, which holds even when the guest is blocked in
WASI sleep or a host call. The protocol pipes are moved off fds 0/1 so nothing else can write into them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from agent.sandbox.channel import read_message, write_message
from agent.sandbox.engine import EngineSettings, build_engine
from agent.sandbox.errors import SandboxError
from agent.sandbox.guest import GuestHost, Invocation
from agent.sandbox.policy import Limits


def _invocation(message: dict[str, Any]) -> Invocation:
    workspace = message.get("workspace")
    return Invocation(
        module=Path(message["module"]),
        request=message["request"],
        workspace=Path(workspace) if workspace else None,
        workspace_access=message.get("workspace_access"),
        env=[(str(k), str(v)) for k, v in message.get("env", [])],
        limits=Limits(**message["limits"]),
    )


def serve(inbound: int, outbound: int, cache_dir: Path | None, settings: EngineSettings) -> None:
    from agent.sandbox.cache import ModuleCache

    engine = build_engine(settings)
    with tempfile.TemporaryDirectory(prefix="arcade-sandbox-") as scratch:
        host = GuestHost(engine, ModuleCache(engine, settings, cache_dir), Path(scratch))
        write_message(outbound, {"ready": os.getpid()})
        while (message := read_message(inbound)) is not None:
            try:
                done = host.invoke(_invocation(message), lambda line: write_message(outbound, {"log": line}))
            except SandboxError as exc:
                done = {"ok": False, "result": None, "error": str(exc), "exit_code": None, "cache": None}
            except Exception as exc:  # a host-side bug must fail one step, not the worker
                error = f"sandbox internal error: {type(exc).__name__}: {exc}"
                done = {"ok": False, "result": None, "error": error, "exit_code": None, "cache": None}
            write_message(outbound, {"done": done, "stats": vars(host.cache.stats)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent.sandbox.worker")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--max-wasm-stack", type=int, default=EngineSettings().max_wasm_stack)
    args = parser.parse_args(argv)
    inbound, outbound = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray prints (ours or the runtime's) go to stderr, never into the protocol
    sys.stdout = sys.stderr
    serve(inbound, outbound, args.cache_dir, EngineSettings(max_wasm_stack=args.max_wasm_stack))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
