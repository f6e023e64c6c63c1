"""Two kernels on one PostgreSQL database vs one: JOBS one-step `true` jobs over AGENTS agents (capacity
CAPACITY), first with one kernel serving all agents, then with two kernels, half the agents on each.

Each case gets a fresh schema; the run is triggered on the first kernel. jobs/s = JOBS / (the run's
finished_at - the wall clock just before TriggerPipeline). Needs ARCADE_BENCH_POSTGRES_URL (or
ARCADE_TEST_POSTGRES_URL); without one it says so and exits 0. Prints one JSON line.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_throughput import spec
from cluster import Cluster, log, machine, parse_time

from kernel.store.scratch import scratch_schema

JOBS = int(os.environ.get("BENCH_MULTIKERNEL_JOBS", "300"))
AGENTS = int(os.environ.get("BENCH_MULTIKERNEL_AGENTS", "4"))
CAPACITY = int(os.environ.get("BENCH_MULTIKERNEL_CAPACITY", "2"))
URL_ENV = ("ARCADE_BENCH_POSTGRES_URL", "ARCADE_TEST_POSTGRES_URL")


def measure(database_url: str, kernels: int) -> dict[str, object]:
    """One run of JOBS jobs with `kernels` kernels on the database, the agents split between them."""
    with contextlib.ExitStack() as stack:
        clusters = [stack.enter_context(Cluster()) for _ in range(kernels)]
        for cluster in clusters:
            cluster.start_kernel({"ARCADE_DATABASE_URL": database_url})
        for index, cluster in enumerate(clusters):
            share = AGENTS // kernels + (1 if index < AGENTS % kernels else 0)
            if share:
                cluster.start_agents(share, capacity=CAPACITY, prefix=f"k{index + 1}")
        first = clusters[0]
        pipeline = first.create_pipeline(spec(JOBS))
        cpu_before = [c.cpu_summary() for c in clusters]
        t0 = time.time()
        run = first.trigger(pipeline)
        body = first.wait_run_quietly(run.id, timeout=600)
        cpu_after = [c.cpu_summary() for c in clusters]
    jobs = body["jobs"]
    succeeded = sum(1 for job in jobs if job["status"] == "SUCCESS")
    elapsed = parse_time(body["finished_at"]) - t0
    per_agent: dict[str, int] = {}
    for job in jobs:
        per_agent[job["agent_id"] or "-"] = per_agent.get(job["agent_id"] or "-", 0) + 1
    if body["status"] != "SUCCESS":
        log(f"run ended {body['status']}: {body.get('message')}")
    return {
        "jobs_per_s": round(JOBS / elapsed, 2),
        "run_s": round(elapsed, 3),
        "all_succeeded": succeeded == JOBS and body["status"] == "SUCCESS",
        "jobs_per_agent": sorted(per_agent.values()),
        "cpu_s_per_kernel": [
            round(after["kernel"] - before["kernel"], 2)
            for before, after in zip(cpu_before, cpu_after, strict=True)
        ],
        "cpu_s_agents": round(
            sum(a["agents"] - b["agents"] for b, a in zip(cpu_before, cpu_after, strict=True)), 2
        ),
    }


def main() -> None:
    base = next((os.environ[name] for name in URL_ENV if os.environ.get(name)), "")
    if not base:
        log(f"skipped: set {URL_ENV[0]} (or {URL_ENV[1]}) to a PostgreSQL URL")
        return
    context = machine()
    results = {}
    for kernels, key in ((1, "one_kernel"), (2, "two_kernels")):
        with scratch_schema(base, prefix="arcade_bench") as database_url:
            results[key] = measure(database_url, kernels)
        log(f"{key}: {results[key]}")
    one, two = results["one_kernel"]["jobs_per_s"], results["two_kernels"]["jobs_per_s"]
    result = {
        "bench": "multikernel",
        "jobs": JOBS,
        "agents": AGENTS,
        "capacity": CAPACITY,
        **results,
        "two_vs_one": round(two / one, 2) if one else None,
        "machine": context,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
