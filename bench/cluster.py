"""A throwaway Arcade cluster for benchmarks: one kernel and some agents, each a real process on loopback.

Every benchmark starts its own cluster in a temporary folder (SQLite file database), measures, and tears it
down. Child output goes to files in that folder (no pipe readers in the benchmark process); on failure the
tail of each file is copied to stderr.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc
import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc  # noqa: E402
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc  # noqa: E402
from proto.arcade.types.v1 import types_pb2  # noqa: E402

ADMIN_TOKEN = "bench-admin-token"
READY = re.compile(r"arcade kernel: gRPC (\S+), HTTP (\S+)")


def log(*parts: object) -> None:
    print("[bench]", *parts, file=sys.stderr, flush=True)


def parse_time(value: str) -> float:
    """ISO timestamp from the API (naive means UTC) as Unix seconds."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `call` took, and what it returned."""
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def machine() -> dict[str, float]:
    """Context for the figures: CPUs and the 1-minute load average when the benchmark started."""
    return {"cpus": os.cpu_count() or 0, "load1": round(os.getloadavg()[0], 2)}


class Cluster:
    def __init__(self, heartbeat_interval: float = 2.0, heartbeat_timeout: float = 10.0) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="arcade-bench-"))
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_timeout = heartbeat_timeout
        self.procs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        self.grpc_target = ""
        self.http_url = ""
        self.registration_token = ""
        self._channel: grpc.Channel | None = None
        self.profiled: set[str] = set()
        self.metadata = (("authorization", f"bearer {ADMIN_TOKEN}"),)

    # ------------------------------------------------------------ processes

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        return env

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        out = self.root / f"{name}.log"
        command = [sys.executable, "-m", "kernel.cli.main", *args]
        profile_dir = os.environ.get("BENCH_PYSPY")  # profile children: collapsed stacks per process
        if profile_dir and (os.environ.get("BENCH_PYSPY_ONLY", name) in name):
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            pyspy = Path(sys.executable).with_name("py-spy")
            target = Path(profile_dir) / f"{name}.txt"
            self.profiled.add(name)
            command = [str(pyspy), "record", "--format", "raw", "--threads", "-r", "200", "-o", str(target)]
            command += ["--", sys.executable, "-m", "kernel.cli.main", *args]
        cprofile_dir = os.environ.get("BENCH_CPROFILE")  # profile the kernel with cProfile (call counts)
        if cprofile_dir and name == "kernel":
            Path(cprofile_dir).mkdir(parents=True, exist_ok=True)
            command = [sys.executable, "-m", "cProfile", "-o", str(Path(cprofile_dir) / "kernel.prof")]
            command += ["-m", "kernel.cli.main", *args]
        with open(out, "wb") as sink:
            popen = subprocess.Popen(
                command,
                env=env,
                cwd=self.root,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = (popen, out)
        return popen

    def start_kernel(self, extra_env: dict[str, str] | None = None) -> None:
        env = self._env()
        env.update(
            {
                "ARCADE_DATABASE_URL": f"sqlite:///{self.root / 'arcade.db'}",
                "ARCADE_STORAGE_URL": f"file://{self.root / 'blobs'}",
                "ARCADE_GRPC_ADDR": "127.0.0.1:0",
                "ARCADE_HTTP_ADDR": "127.0.0.1:0",
                "ARCADE_ADMIN_TOKEN": ADMIN_TOKEN,
                "ARCADE_HEARTBEAT_INTERVAL": str(self.heartbeat_interval),
                "ARCADE_HEARTBEAT_TIMEOUT": str(self.heartbeat_timeout),
            }
        )
        env.update(extra_env or {})
        popen = self._spawn("kernel", ["server"], env)
        out = self.procs["kernel"][1]
        deadline = time.monotonic() + 60
        while True:
            match = READY.search(out.read_text(errors="replace"))
            if match:
                break
            if popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kernel did not start:\n" + self.tail("kernel"))
            time.sleep(0.05)
        self.grpc_target, self.http_url = match.group(1), match.group(2)
        self.registration_token = self.http("POST", "/api/v1/tokens", {"kind": "agent"})["token"]
        log(f"kernel up: gRPC {self.grpc_target}, HTTP {self.http_url}, data {self.root}")

    def start_agents(
        self, count: int, capacity: int = 1, labels: dict[str, str] | None = None, prefix: str = "bench"
    ) -> list[str]:
        """Agents named `PREFIX-N`: clusters sharing one database need distinct prefixes."""
        names = [f"{prefix}-{len(self.procs) + i}" for i in range(count)]
        env = self._env()
        env["ARCADE_TOKEN"] = self.registration_token
        for name in names:
            args = ["agent", "--server", self.grpc_target, "--name", name, "--capacity", str(capacity)]
            args += ["--workdir", str(self.root / "agents" / name)]
            for key, value in (labels or {}).items():
                args += ["--label", f"{key}={value}"]
            self._spawn(name, args, env)
        self.wait_agents(names)
        log(f"agents up: {', '.join(names)} (capacity {capacity})")
        return names

    def wait_agents(self, names: list[str], timeout: float = 60) -> None:
        """Until every named agent is connected and idle (per GET /api/v1/agents)."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.http("GET", "/api/v1/agents")
            agents = body if isinstance(body, list) else body.get("agents", body.get("items", []))
            ready = {a["name"] for a in agents if a.get("status") in ("IDLE", "ONLINE")}
            if set(names) <= ready:
                return
            for name in names:
                popen = self.procs[name][0]
                if popen.poll() is not None:
                    raise RuntimeError(f"agent {name} exited:\n" + self.tail(name))
            if time.monotonic() > deadline:
                raise RuntimeError(f"agents not ready: {set(names) - ready}")
            time.sleep(0.1)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each child, including the processes it has reaped
        (step processes, for agents). Under a profiler, that of the profiler's child."""
        ticks = os.sysconf("SC_CLK_TCK")
        result = {}
        for name, (popen, _) in self.procs.items():
            pids = _children(popen.pid) if name in self.profiled else [popen.pid]
            total = 0.0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                except OSError:
                    continue
                # fields[0] is the state (field 3); utime, stime, cutime, cstime are fields 14-17.
                total += sum(int(v) for v in fields[11:15]) / ticks
            result[name] = round(total, 2)
        return result

    def cpu_summary(self) -> dict[str, float]:
        """{"kernel": s, "agents": s} of CPU seconds used so far."""
        cpu = self.cpu_seconds()
        kernel = cpu.pop("kernel", 0.0)
        return {"kernel": kernel, "agents": round(sum(cpu.values()), 2)}

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.procs[name][1]
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, keep: bool = False) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        # Agents first (SIGTERM, then SIGKILL), then the kernel.
        order = [n for n in self.procs if n != "kernel"] + (["kernel"] if "kernel" in self.procs else [])
        for name in order:
            popen = self.procs[name][0]
            if popen.poll() is None:
                try:
                    if name in self.profiled:
                        # Stop the profiled child only, so py-spy sees it exit and writes its output.
                        for child in _children(popen.pid):
                            os.kill(child, signal.SIGTERM)
                    else:
                        os.killpg(popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for name in order:
            popen = self.procs[name][0]
            try:
                popen.wait(timeout=30 if name in self.profiled else 10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                popen.wait(timeout=10)
        if keep:
            log(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def dump_logs(self) -> None:
        for name in self.procs:
            print(f"----- {name} -----\n{self.tail(name)}", file=sys.stderr)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.dump_logs()
        self.stop(keep=os.environ.get("BENCH_KEEP") == "1")

    # ------------------------------------------------------------ clients

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            self._channel = grpc.insecure_channel(self.grpc_target)
        return self._channel

    def pipelines(self) -> pipeline_pb2_grpc.PipelineServiceStub:
        return pipeline_pb2_grpc.PipelineServiceStub(self.channel())

    def streams(self) -> stream_pb2_grpc.StreamServiceStub:
        return stream_pb2_grpc.StreamServiceStub(self.channel())

    def http(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(
            method,
            self.http_url + path,
            json=body,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def create_pipeline(self, spec: str) -> str:
        request = pipeline_pb2.CreatePipelineRequest(spec_yaml=spec, upsert=True)
        return self.pipelines().CreatePipeline(request, metadata=self.metadata).pipeline.id

    def trigger(self, pipeline_id: str) -> Any:
        request = pipeline_pb2.TriggerPipelineRequest(pipeline=pipeline_id)
        return self.pipelines().TriggerPipeline(request, metadata=self.metadata).run

    def get_run_pb(self, run_id: str) -> Any:
        request = pipeline_pb2.GetPipelineRunRequest(pipeline_run_id=run_id)
        return self.pipelines().GetPipelineRun(request, metadata=self.metadata).run

    def wait_run(self, run_id: str, timeout: float = 120) -> dict[str, Any]:
        """Follow StreamPipelineStatus until the run is final; returns the run JSON from the HTTP API."""
        request = stream_pb2.StreamPipelineStatusRequest(pipeline_run_id=run_id)
        for _ in self.streams().StreamPipelineStatus(request, metadata=self.metadata, timeout=timeout):
            pass
        return self.http("GET", f"/api/v1/runs/{run_id}")

    def wait_run_quietly(self, run_id: str, timeout: float = 600) -> dict[str, Any]:
        """Wait for the run's final `run.status` event (StreamEvents, cheap for the kernel, unlike
        StreamPipelineStatus, which sends a whole-run snapshot after every event); returns the run JSON."""
        request = stream_pb2.StreamEventsRequest(after_id=1, kinds=["run.status"], pipeline_run_id=run_id)
        stream = self.streams().StreamEvents(request, metadata=self.metadata, timeout=timeout)
        try:
            for response in stream:
                if response.event.status in ("SUCCESS", "FAILED", "CANCELLED"):
                    break
        finally:
            stream.cancel()
        return self.http("GET", f"/api/v1/runs/{run_id}")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def run_status_name(value: int) -> str:
    return types_pb2.PipelineRunStatus.Name(value).split("_")[-1]
