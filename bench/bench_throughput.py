"""Throughput: JOBS one-step `true` jobs in one parallel stage, over AGENTS agents of capacity CAPACITY.

One trigger; jobs/s = JOBS / (the run's finished_at - the wall clock just before TriggerPipeline).
Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, log, machine, parse_time

JOBS = int(os.environ.get("BENCH_THROUGHPUT_JOBS", "500"))
AGENTS = int(os.environ.get("BENCH_THROUGHPUT_AGENTS", "4"))
CAPACITY = int(os.environ.get("BENCH_THROUGHPUT_CAPACITY", "2"))
# How the benchmark waits for the run: "events" (StreamEvents, run.status only; default) or "status"
# (StreamPipelineStatus, a whole-run snapshot after every change, as `arcade run`/the UI would follow it).
WATCH = os.environ.get("BENCH_THROUGHPUT_WATCH", "events")


def spec(jobs: int) -> str:
    lines = ["name: bench-throughput", "stages:", "  - name: all", "    run_mode: parallel", "    jobs:"]
    for i in range(jobs):
        lines.append(f'      - {{name: j{i:04d}, steps: [{{name: noop, run: "true"}}]}}')
    return "\n".join(lines) + "\n"


def main() -> None:
    context = machine()
    with Cluster() as cluster:
        cluster.start_kernel()
        cluster.start_agents(AGENTS, capacity=CAPACITY)
        pipeline = cluster.create_pipeline(spec(JOBS))
        cpu_before = cluster.cpu_summary()
        t0 = time.time()
        began = time.monotonic()
        run = cluster.trigger(pipeline)
        trigger_s = time.monotonic() - began
        if WATCH == "status":
            body = cluster.wait_run(run.id, timeout=600)
        else:
            body = cluster.wait_run_quietly(run.id, timeout=600)
        wall = time.monotonic() - began
        cpu_after = cluster.cpu_summary()
    jobs = body["jobs"]
    succeeded = sum(1 for job in jobs if job["status"] == "SUCCESS")
    elapsed = parse_time(body["finished_at"]) - t0
    per_agent: dict[str, int] = {}
    for job in jobs:
        per_agent[job["agent_id"] or "-"] = per_agent.get(job["agent_id"] or "-", 0) + 1
    if body["status"] != "SUCCESS":
        log(f"run ended {body['status']}: {body.get('message')}")
    result = {
        "bench": "throughput",
        "jobs": len(jobs),
        "succeeded": succeeded,
        "all_succeeded": succeeded == JOBS and body["status"] == "SUCCESS",
        "agents": AGENTS,
        "capacity": CAPACITY,
        "jobs_per_s": round(JOBS / elapsed, 2),
        "run_s": round(elapsed, 3),
        "trigger_call_s": round(trigger_s, 3),
        "wall_s": round(wall, 3),
        "watch": WATCH,
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after},
        "jobs_per_agent": sorted(per_agent.values()),
        "aim": "jobs_per_s > 50",
    }
    result["machine"] = context
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
