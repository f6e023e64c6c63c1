"""Log throughput: one step prints LINES lines; a live StreamStepRunLog follower must receive all of them.

The follower (follow=True, from the first line) starts as soon as the step run id is known (GetPipelineRun
right after the trigger). lines/s = LINES / (time the follower received the last line - the step's
started_at, the agent's clock at spawn; same machine). Also checks the lines arrived dense and in order
(seq 1..N, text "line i"). Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, log, machine, parse_time

from proto.arcade.stream.v1 import stream_pb2

LINES = int(os.environ.get("BENCH_LOG_LINES", "200000"))
SPEC = f"""\
name: bench-logs
jobs:
  - name: only
    steps:
      - name: print
        run: "seq 1 {LINES} | sed 's/^/line /'"
"""


def step_run_id(cluster: Cluster, run_id: str, first: object) -> str:
    run = first
    deadline = time.monotonic() + 30
    while True:
        for job in run.jobs:  # type: ignore[attr-defined]
            for step in job.steps:
                if step.id:
                    return str(step.id)
        if time.monotonic() > deadline:
            raise RuntimeError("the run has no step run")
        time.sleep(0.005)
        run = cluster.get_run_pb(run_id)


def main() -> None:
    context = machine()
    with Cluster() as cluster:
        cluster.start_kernel()
        cluster.start_agents(1, capacity=1)
        pipeline = cluster.create_pipeline(SPEC)
        cpu_before = cluster.cpu_summary()
        client_before = time.process_time()
        t0 = time.time()
        run = cluster.trigger(pipeline)
        step_id = step_run_id(cluster, run.id, run)
        follow_started = time.time()
        request = stream_pb2.StreamStepRunLogRequest(step_run_id=step_id, from_seq=0, follow=True)
        batches: list[tuple[float, object]] = []
        for response in cluster.streams().StreamStepRunLog(request, metadata=cluster.metadata, timeout=300):
            batches.append((time.time(), response.lines))
        stream_ended = time.time()
        body = cluster.wait_run(run.id, timeout=300)
        cpu_after = cluster.cpu_summary()
        cpu_after["follower"] = time.process_time() - client_before
        cpu_before["follower"] = 0.0

    step = body["jobs"][0]["steps"][0]
    started = parse_time(step["started_at"])
    received = 0
    in_order = True
    last_received_at = stream_ended
    first_received_at = batches[0][0] if batches else stream_ended
    for arrived, lines in batches:
        for line in lines:  # type: ignore[attr-defined]
            received += 1
            if in_order and (line.seq != received or line.text != f"line {received}"):
                in_order = False
                log(f"out of order at #{received}: seq {line.seq} text {line.text!r}")
        if len(lines) > 0:  # type: ignore[arg-type]
            last_received_at = arrived
    elapsed = last_received_at - started
    if body["status"] != "SUCCESS":
        log(f"run ended {body['status']}: {body.get('message')}")
    result = {
        "bench": "logs",
        "lines_expected": LINES,
        "lines_received": received,
        "in_order": in_order and received == LINES,
        "run_status": body["status"],
        "lines_per_s": round(received / elapsed, 1) if elapsed > 0 else None,
        "step_start_to_last_line_s": round(elapsed, 3),
        "step_start_to_first_line_s": round(first_received_at - started, 3),
        "step_duration_s": round(parse_time(step["finished_at"]) - started, 3),
        "trigger_to_follow_s": round(follow_started - t0, 3),
        "total_s": round(last_received_at - t0, 3),
        "messages": len(batches),
        "cpu_s": {k: round(cpu_after[k] - cpu_before[k], 2) for k in cpu_after},
        "aim": "lines_per_s > 100000",
    }
    result["machine"] = context
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
