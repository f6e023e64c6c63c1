"""Dispatch latency: from just before TriggerPipeline to the agent spawning the step's process.

One idle agent (capacity 1); RUNS runs of a one-job, one-step pipeline (`run: "true"`), triggered one at a
time, each awaited before the next. Latency = the step's started_at (the agent's clock at spawn; same
machine) minus the wall clock just before the TriggerPipeline call. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, log, machine, parse_time, percentile

RUNS = int(os.environ.get("BENCH_DISPATCH_RUNS", "200"))
WARMUP = 3
# How each run is awaited: "events" (StreamEvents, run.status only; default: nearly free for the kernel) or
# "status" (StreamPipelineStatus, a run snapshot after every change, which competes with the dispatch).
WATCH = os.environ.get("BENCH_DISPATCH_WATCH", "events")
SPEC = """\
name: bench-dispatch
jobs:
  - name: only
    steps:
      - {name: noop, run: "true"}
"""


def main() -> None:
    context = machine()
    with Cluster() as cluster:
        cluster.start_kernel()
        cluster.start_agents(1, capacity=1)
        pipeline = cluster.create_pipeline(SPEC)
        latencies: list[float] = []
        # Where the time goes, per run (ms): the trigger call until the run row exists, until the job is
        # queued, until the agent starts the job, until it spawns the step.
        phases: dict[str, list[float]] = {"trigger": [], "queue": [], "assign_and_deliver": [], "spawn": []}
        failed = 0
        began = time.monotonic()
        for i in range(WARMUP + RUNS):
            t0 = time.time()
            run = cluster.trigger(pipeline)
            body = cluster.wait_run(run.id) if WATCH == "status" else cluster.wait_run_quietly(run.id)
            if body["status"] != "SUCCESS":
                failed += 1
                log(f"run {run.id} ended {body['status']}: {body.get('message')}")
                continue
            job = body["jobs"][0]
            started = parse_time(job["steps"][0]["started_at"])
            if i >= WARMUP:
                latencies.append((started - t0) * 1000)
                marks = [t0, parse_time(body["created_at"]), parse_time(job["queued_at"])]
                marks += [parse_time(job["started_at"]), started]
                for name, (a, b) in zip(phases, zip(marks, marks[1:], strict=False), strict=True):
                    phases[name].append((b - a) * 1000)
        wall = time.monotonic() - began
    result = {
        "bench": "dispatch",
        "count": len(latencies),
        "failed": failed,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p90_ms": round(percentile(latencies, 90), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
        "min_ms": round(min(latencies), 2),
        "mean_ms": round(sum(latencies) / len(latencies), 2),
        "phases_p50_ms": {name: round(percentile(values, 50), 2) for name, values in phases.items()},
        "wall_s": round(wall, 2),
        "watch": WATCH,
        "aim": "p50_ms < 20",
    }
    result["machine"] = context
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
