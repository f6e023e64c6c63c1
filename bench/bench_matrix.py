"""Scheduling throughput of matrix runs: RUNS concurrent runs of a pipeline whose one job has a 20-combination
matrix (4 x 5 values), each expansion a one-step `true` job, over AGENTS agents of capacity CAPACITY.

The runs are triggered back to back; jobs/s = RUNS * 20 / (the last run's finished_at - the wall clock just
before the first TriggerPipeline). Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, log, machine, parse_time, percentile

RUNS = int(os.environ.get("BENCH_MATRIX_RUNS", "10"))
AGENTS = int(os.environ.get("BENCH_MATRIX_AGENTS", "4"))
CAPACITY = int(os.environ.get("BENCH_MATRIX_CAPACITY", "2"))

SPEC = """\
name: bench-matrix
jobs:
  - name: test
    matrix:
      os: [linux, macos, windows, bsd]
      python: ["3.10", "3.11", "3.12", "3.13", "3.14"]
    steps:
      - {name: noop, run: "true"}
"""
JOBS_PER_RUN = 20


def main() -> None:
    context = machine()
    with Cluster() as cluster:
        cluster.start_kernel()
        cluster.start_agents(AGENTS, capacity=CAPACITY)
        pipeline = cluster.create_pipeline(SPEC)
        cpu_before = cluster.cpu_summary()
        t0 = time.time()
        began = time.monotonic()
        run_ids = [cluster.trigger(pipeline).id for _ in range(RUNS)]
        trigger_s = time.monotonic() - began
        with ThreadPoolExecutor(max_workers=RUNS) as pool:
            bodies = list(pool.map(lambda run_id: cluster.wait_run_quietly(run_id, timeout=600), run_ids))
        wall = time.monotonic() - began
        cpu_after = cluster.cpu_summary()
    jobs = [job for body in bodies for job in body["jobs"]]
    succeeded = sum(1 for job in jobs if job["status"] == "SUCCESS")
    finished = [parse_time(body["finished_at"]) for body in bodies]
    run_seconds = [parse_time(b["finished_at"]) - parse_time(b["created_at"]) for b in bodies]
    elapsed = max(finished) - t0
    failed = [body for body in bodies if body["status"] != "SUCCESS"]
    for body in failed:
        log(f"run {body['id']} ended {body['status']}: {body.get('message')}")
    result = {
        "bench": "matrix",
        "runs": RUNS,
        "jobs": len(jobs),
        "jobs_per_run": JOBS_PER_RUN,
        "succeeded": succeeded,
        "all_succeeded": succeeded == RUNS * JOBS_PER_RUN and not failed,
        "agents": AGENTS,
        "capacity": CAPACITY,
        "jobs_per_s": round(len(jobs) / elapsed, 2),
        "elapsed_s": round(elapsed, 3),
        "run_s_p50": round(percentile(run_seconds, 50), 3),
        "run_s_max": round(max(run_seconds), 3),
        "trigger_calls_s": round(trigger_s, 3),
        "wall_s": round(wall, 3),
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after},
        "aim": "jobs_per_s > 50",
        "machine": context,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
