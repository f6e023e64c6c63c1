"""The example plugins through the agents' own path (`agent.plugins.PluginInvoker`: args checked, manifest
grants, sandbox, result checked), against the same logic run natively as a plain subprocess.

For `examples/wc` (C, wasi-command, built with clang for wasm32-wasi) and `examples/greet` (Python
component, built with componentize-py): build time, cold start (first call: compile + write `.cwasm`), disk
start (first call in a fresh runner on the same cache), warm p50/p99 over `BENCH_PLUGIN_RUNS` calls. Native
baselines: `plugin.c` compiled by the host's cc and run as a subprocess on the same request and file, and
the greet logic run by `python3 -c` as a subprocess. No kernel or agent needed. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster import log, machine, percentile

from agent.plugins import PluginInvoker, load_plugin_dir
from agent.sandbox import SandboxRunner
from plugin_sdk.build import build_plugin

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_PLUGIN_RUNS", "200"))
NATIVE_RUNS = int(os.environ.get("BENCH_PLUGIN_NATIVE_RUNS", "100"))
CONTEXT = {"run_id": "bench", "job": "bench", "step": "bench", "workspace": "/workspace"}
GREET_NATIVE = (
    "import json,sys; r=json.load(sys.stdin); "
    "print(json.dumps({'message': r['config']['greeting'] + ', ' + r['args']['name'] + '!'}))"
)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(call: object) -> float:
    began = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - began


def plugin_figures(name: str, source: Path, folder: Path, action: str, args: dict, workspace: Path | None):
    work = folder / name
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("*.wasm", "*.zip", "__pycache__"))
    build = timed(lambda: build_plugin(work))
    plugin = load_plugin_dir(work)
    cache = folder / f"{name}-cache"

    def call(invoker: PluginInvoker) -> None:
        outcome = invoker.invoke(plugin, action, args, CONTEXT, workspace, {}, lambda line: None)
        if not outcome.ok:
            raise SystemExit(f"{name}: {outcome.error}")

    with SandboxRunner(cache_dir=cache) as runner:
        runner.warm()
        invoker = PluginInvoker(runner)
        cold = timed(lambda: call(invoker))
        warm = sorted(timed(lambda: call(invoker)) for _ in range(RUNS))
    with SandboxRunner(cache_dir=cache) as runner:
        runner.warm()
        disk = timed(lambda: call(PluginInvoker(runner)))
    log(f"{name}: build {ms(build)} ms, cold {ms(cold)} ms, disk {ms(disk)} ms")
    return {
        "build_ms": ms(build),
        "entry_bytes": plugin.entry.stat().st_size,
        "cold_start_ms": ms(cold),
        "disk_start_ms": ms(disk),
        "warm_p50_ms": ms(percentile(warm, 50)),
        "warm_p99_ms": ms(percentile(warm, 99)),
    }


def native_figure(command: list[str], request: dict, cwd: Path) -> float:
    data = json.dumps(request).encode()

    def once() -> None:
        done = subprocess.run(command, input=data, capture_output=True, cwd=cwd, check=False)
        if done.returncode != 0:
            raise SystemExit(f"native {command[0]} failed: {done.stderr.decode()}")

    samples = sorted(timed(once) for _ in range(NATIVE_RUNS))
    return ms(percentile(samples, 50))


def main() -> None:
    examples = ROOT / "examples" / "plugins"
    with tempfile.TemporaryDirectory(prefix="arcade-bench-plugins-") as scratch:
        folder = Path(scratch)
        workspace = folder / "workspace"
        workspace.mkdir()
        (workspace / "notes.txt").write_text("one two three\n" * 100)
        wc = plugin_figures("wc-c", examples / "wc-c", folder, "count", {"path": "notes.txt"}, workspace)
        greet = plugin_figures(
            "greet-python", examples / "hello-python", folder, "greet", {"name": "Ada"}, None
        )

        # The same C, built for the host, with the sandbox's /workspace spelled as the real folder.
        native_source = folder / "wc-native.c"
        source_text = (examples / "wc-c" / "plugin.c").read_text()
        native_source.write_text(source_text.replace('"/workspace/', f'"{workspace}/'))
        native_wc = folder / "wc-native"
        subprocess.run(["cc", "-O2", "-o", str(native_wc), str(native_source)], check=True)
        wc_request = {"action": "count", "args": {"path": "notes.txt"}, "config": {}, "context": CONTEXT}
        wc["native_subprocess_p50_ms"] = native_figure([str(native_wc)], wc_request, workspace)
        greet_request = {"action": "greet", "args": {"name": "Ada"}, "config": {"greeting": "Hello"}}
        greet["native_subprocess_p50_ms"] = native_figure(
            [sys.executable, "-c", GREET_NATIVE], greet_request, folder
        )
    print(json.dumps({"bench": "plugins", "runs": RUNS, "wc_c": wc, "greet_python": greet, **machine()}))


if __name__ == "__main__":
    main()
