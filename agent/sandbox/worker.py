"""A sandbox worker process: `python -m agent.sandbox.worker [--cache-dir DIR]`.

Keeps one engine, the linkers and the compiled-code cache warm and runs invocations one at a time, reading
requests on stdin and answering on stdout (`channel` framing): `{"started": tier}` once the module or
component is loaded (the runner starts the deadline there, so a first compile does not count against it),
zero or more `{"log": line}`, then `{"done": {...}}`. The runner kills the whole process at the wall-clock
deadline, which holds even when the guest is blocked in WASI sleep or a host call. The protocol pipes are
moved off fds 0/1 so nothing else can write into them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from agent.sandbox.channel import read_message, write_message
from agent.sandbox.engine import EngineSettings, build_engine
from agent.sandbox.errors import SandboxError
from agent.sandbox.guest import GuestHost
from agent.sandbox.invocation import Invocation
from agent.sandbox.outcome import failed


def serve(inbound: int, outbound: int, cache_dir: Path | None, settings: EngineSettings) -> None:
    from agent.sandbox.cache import ModuleCache

    engine = build_engine(settings)
    with tempfile.TemporaryDirectory(prefix="arcade-sandbox-") as scratch:
        host = GuestHost(engine, ModuleCache(engine, settings, cache_dir), Path(scratch))
        write_message(outbound, {"ready": os.getpid()})
        while (message := read_message(inbound)) is not None:
            try:
                done = host.invoke(
                    Invocation.from_message(message),
                    on_log=lambda line: write_message(outbound, {"log": line}),
                    on_started=lambda tier: write_message(outbound, {"started": tier}),
                )
            except SandboxError as exc:
                done = failed(str(exc))
            except Exception as exc:  # a host-side bug must fail one step, not the worker
                done = failed(f"sandbox internal error: {type(exc).__name__}: {exc}")
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
