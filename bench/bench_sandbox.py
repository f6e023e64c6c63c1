"""Sandbox invocation cost: a no-op action through `SandboxRunner`, as a wasi-command module (hand-written
WAT) and as a Python component (built with componentize-py).

Figures: worker start (process + engine, until ready), cold start (first call: compile + write `.cwasm`),
disk start (first call in a fresh runner on the same cache: deserialize the `.cwasm`), warm per-invocation
latency (compiled code in the worker's memory LRU; request over the pipe, fresh store + instance, result
back), and for scale a plain `subprocess.run(["true"])`. The `component_*` figures are the same for the
Python component (`component_build_ms` is `arcade plugin build`'s componentize-py step). No kernel or agent
needed. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import wasmtime

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster import log, machine, percentile

from agent.sandbox import Limits, Permissions, SandboxRunner
from plugin_sdk.componentize import build_component

RUNS = int(os.environ.get("BENCH_SANDBOX_RUNS", "300"))
NOOP = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{}")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 2))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"""
NOOP_PLUGIN = """
from arcade_plugin import Request, action


@action("noop")
def noop(request: Request) -> dict:
    return {}
"""
REQUEST = {"action": "noop", "args": {}, "config": {}, "context": {}}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def call(runner: SandboxRunner, module: Path, component: bool = False) -> float:
    run = runner.run_component if component else runner.run_wasi_command
    began = time.perf_counter()
    result = run(module, REQUEST, None, Permissions(), Limits(), {}, lambda line: None)
    elapsed = time.perf_counter() - began
    if not result.ok or result.result != {}:
        raise SystemExit(f"no-op action failed: {result.error}")
    return elapsed


def component_figures(folder: Path) -> dict[str, object]:
    """Build the no-op Python plugin, then cold, disk and warm calls (own cache folder)."""
    source = folder / "python-noop"
    source.mkdir()
    (source / "plugin.py").write_text(NOOP_PLUGIN)
    began = time.perf_counter()
    component = build_component(source, folder / "noop-component.wasm")
    build = time.perf_counter() - began
    log(f"component built in {ms(build)} ms ({component.stat().st_size} bytes)")
    with SandboxRunner(cache_dir=folder / "component-cache") as runner:
        runner.warm()
        cold = call(runner, component, component=True)
        log(f"component cold {ms(cold)} ms")
    with SandboxRunner(cache_dir=folder / "component-cache") as runner:
        runner.warm()
        disk = call(runner, component, component=True)
        for _ in range(10):
            call(runner, component, component=True)
        warm = [call(runner, component, component=True) for _ in range(RUNS)]
        compilations = runner.stats.compilations
    return {
        "component_build_ms": ms(build),
        "component_bytes": component.stat().st_size,
        "component_cold_start_ms": ms(cold),
        "component_disk_start_ms": ms(disk),
        "component_warm_p50_ms": ms(percentile(warm, 50)),
        "component_warm_p90_ms": ms(percentile(warm, 90)),
        "component_warm_p99_ms": ms(percentile(warm, 99)),
        "component_warm_mean_ms": ms(sum(warm) / len(warm)),
        "component_compilations_after_restart": compilations,
    }


def main() -> None:
    context = machine()
    with tempfile.TemporaryDirectory(prefix="arcade-bench-sandbox-") as root:
        folder = Path(root)
        module = folder / "noop.wasm"
        module.write_bytes(bytes(wasmtime.wat2wasm(NOOP)))
        began = time.perf_counter()
        with SandboxRunner(cache_dir=folder / "cache") as runner:
            runner.warm()
            worker_start = time.perf_counter() - began
            cold = call(runner, module)
            log(f"cold {ms(cold)} ms")
        with SandboxRunner(cache_dir=folder / "cache") as runner:
            runner.warm()
            disk = call(runner, module)
            for _ in range(10):
                call(runner, module)
            warm = [call(runner, module) for _ in range(RUNS)]
            stats = runner.stats
        components = component_figures(folder)
        plain = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            subprocess.run(["true"], check=True)
            plain.append(time.perf_counter() - t0)
    result = {
        "bench": "sandbox",
        "runs": RUNS,
        "worker_start_ms": ms(worker_start),
        "cold_start_ms": ms(cold),
        "disk_start_ms": ms(disk),
        "warm_p50_ms": ms(percentile(warm, 50)),
        "warm_p90_ms": ms(percentile(warm, 90)),
        "warm_p99_ms": ms(percentile(warm, 99)),
        "warm_mean_ms": ms(sum(warm) / len(warm)),
        "subprocess_true_p50_ms": ms(percentile(plain, 50)),
        "subprocess_true_p90_ms": ms(percentile(plain, 90)),
        "compilations_after_restart": stats.compilations,
        **components,
        "aim": "warm_p50_ms < 5, component_warm_p50_ms < 20",
        "machine": context,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
