"""Real kernel and agent processes on loopback, and clients to talk to them."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx

from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]  # the repository

ADMIN_TOKEN = "e2e-admin-token"
READY = re.compile(r"arcade kernel: gRPC (\S+), HTTP (\S+)")
HEARTBEAT_INTERVAL = 0.5
HEARTBEAT_TIMEOUT = 2.0


def arcade_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kernel.cli.main", *args]


class Output:
    """Collects a child's output on a thread so pipes never fill up; lets tests wait for a line."""

    def __init__(self, stream: Any) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        for raw in iter(stream.readline, ""):
            with self._changed:
                self.lines.append(raw.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self.lines.append("<eof>")
            self._changed.notify_all()

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    match = pattern.search(line)
                    if match:
                        return match
                seen = len(self.lines)
                if "<eof>" in self.lines:
                    raise AssertionError("process exited:\n" + "\n".join(self.lines[-40:]))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out waiting for {pattern.pattern}:\n" + "\n".join(self.lines[-40:])
                    )
                self._changed.wait(remaining)

    def text(self) -> str:
        with self._changed:
            return "\n".join(self.lines)


@dataclass
class Process:
    popen: subprocess.Popen[str]
    output: Output

    def kill(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def terminate(self, timeout: float = 15) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self._sweep_group()
        return self.popen.returncode

    def _sweep_group(self) -> None:
        """Kill what is left in the process group (children it failed to stop): nothing outlives a test."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)


def spawn(args: list[str], env: dict[str, str], cwd: Path) -> Process:
    popen = subprocess.Popen(
        args,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return Process(popen, Output(popen.stdout))


@dataclass
class Cluster:
    """One kernel and any number of agents, each a real process."""

    root: Path
    database_url: str = ""
    grpc_target: str = ""
    http_url: str = ""
    kernel: Process | None = None
    agents: dict[str, Process] = field(default_factory=dict)
    registration_token: str = ""
    kernel_extra_env: dict[str, str] = field(default_factory=dict)
    _channel: grpc.Channel | None = None

    def kernel_env(self, grpc_addr: str, http_addr: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
        env.update(
            {
                "ARCADE_DATABASE_URL": self.database_url or f"sqlite:///{self.root / 'kernel' / 'arcade.db'}",
                "ARCADE_GRPC_ADDR": grpc_addr,
                "ARCADE_HTTP_ADDR": http_addr,
                "ARCADE_ADMIN_TOKEN": ADMIN_TOKEN,
                "ARCADE_HEARTBEAT_INTERVAL": str(HEARTBEAT_INTERVAL),
                "ARCADE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
            }
        )
        env.update(self.kernel_extra_env)
        return env

    def start_kernel(self) -> None:
        """Start the kernel; after a restart it comes back on the same ports."""
        grpc_addr = self.grpc_target or "127.0.0.1:0"
        http_addr = self.http_url.removeprefix("http://") if self.http_url else "127.0.0.1:0"
        (self.root / "kernel").mkdir(parents=True, exist_ok=True)
        self.kernel = spawn(arcade_command("server"), self.kernel_env(grpc_addr, http_addr), self.root)
        match = self.kernel.output.wait_for(READY, 60)
        self.grpc_target, self.http_url = match.group(1), match.group(2)
        if not self.registration_token:
            self.registration_token = self.http("POST", "/api/v1/tokens", {"kind": "agent"})["token"]

    def start_agent(
        self,
        name: str,
        labels: dict[str, str] | None = None,
        capacity: int = 1,
        extra: tuple[str, ...] = (),
        wait: bool = True,
    ) -> Process:
        """Start an agent; unless `wait` is false, return once it is connected."""
        args = [
            "agent",
            "--server",
            self.grpc_target,
            "--name",
            name,
            "--capacity",
            str(capacity),
            "--workdir",
            str(self.root / "agents" / name),
        ]
        for key, value in (labels or {}).items():
            args += ["--label", f"{key}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
        env["ARCADE_TOKEN"] = self.registration_token
        process = spawn(arcade_command(*args, *extra), env, self.root)
        self.agents[name] = process
        if wait:
            self.wait_for_agent(name)
        return process

    def wait_for_agent(
        self, name: str, status: tuple[str, ...] = ("IDLE", "ONLINE", "BUSY"), timeout: float = 30
    ) -> None:
        deadline = time.monotonic() + timeout
        for update in self.stream_agents(timeout):
            if update.name == name and update.status in status:
                return
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"agent {name} did not reach {status}")

    def stream_agents(self, timeout: float) -> Iterator[Any]:
        from proto.arcade.types.v1 import types_pb2

        stub = stream_pb2_grpc.StreamServiceStub(self.channel())
        for response in stub.StreamAgentStatus(
            stream_pb2.StreamAgentStatusRequest(), metadata=self.metadata(), timeout=timeout
        ):
            agent = response.agent
            yield type(
                "AgentUpdate",
                (),
                {"name": agent.name, "status": types_pb2.AgentStatus.Name(agent.status).split("_")[-1]},
            )

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
        # Agents first and gracefully: they cancel running jobs, so no step outlives the test.
        for process in self.agents.values():
            process.terminate(timeout=15)
        if self.kernel is not None:
            self.kernel.kill()

    # -------------------------------------------------------------- clients

    def metadata(self, token: str = ADMIN_TOKEN) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"bearer {token}"),)

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            self._channel = grpc.insecure_channel(self.grpc_target)
        return self._channel

    def reset_channel(self) -> None:
        if self._channel is not None:
            self._channel.close()
        self._channel = None

    def http(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str = ADMIN_TOKEN
    ) -> Any:
        response = httpx.request(
            method, self.http_url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def run_pipeline(self, spec: str, variables: dict[str, str] | None = None) -> str:
        stub = pipeline_pb2_grpc.PipelineServiceStub(self.channel())
        pipeline = stub.CreatePipeline(
            pipeline_pb2.CreatePipelineRequest(spec_yaml=spec, upsert=True), metadata=self.metadata()
        ).pipeline
        run = stub.TriggerPipeline(
            pipeline_pb2.TriggerPipelineRequest(pipeline=pipeline.id, variables=variables or {}),
            metadata=self.metadata(),
        ).run
        return run.id

    def wait_run(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        """Follow StreamPipelineStatus until the run is final; returns the run as JSON from the HTTP API."""
        stub = stream_pb2_grpc.StreamServiceStub(self.channel())
        for _ in stub.StreamPipelineStatus(
            stream_pb2.StreamPipelineStatusRequest(pipeline_run_id=run_id),
            metadata=self.metadata(),
            timeout=timeout,
        ):
            pass
        return self.http("GET", f"/api/v1/runs/{run_id}")

    def wait_job_status(
        self, run_id: str, job_name: str, statuses: tuple[str, ...], timeout: float = 30
    ) -> dict[str, Any]:
        stub = stream_pb2_grpc.StreamServiceStub(self.channel())
        for response in stub.StreamPipelineStatus(
            stream_pb2.StreamPipelineStatusRequest(pipeline_run_id=run_id),
            metadata=self.metadata(),
            timeout=timeout,
        ):
            for job in response.run.jobs:
                from proto.arcade.types.v1 import types_pb2

                if (
                    job.name == job_name
                    and types_pb2.JobRunStatus.Name(job.status).split("_")[-1] in statuses
                ):
                    return self.http("GET", f"/api/v1/runs/{run_id}")
        raise AssertionError(f"job {job_name} never reached {statuses}")

    def log_lines(self, run_id: str) -> list[dict[str, Any]]:
        response = httpx.get(
            self.http_url + f"/api/v1/runs/{run_id}/logs",
            params={"follow": "true"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        )
        response.raise_for_status()
        items = [json.loads(line) for line in response.text.splitlines() if line]
        return [item for item in items if item["type"] == "line"]


def job(run: dict[str, Any], name: str) -> dict[str, Any]:
    return next(j for j in run["jobs"] if j["name"] == name)


def wait_log_line(cluster: Cluster, run_id: str, pattern: str, timeout: float = 30) -> re.Match[str]:
    """Follow the run's live log until a line matches `pattern`."""
    regex = re.compile(pattern)
    with httpx.stream(
        "GET",
        cluster.http_url + f"/api/v1/runs/{run_id}/logs",
        params={"follow": "true"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=timeout,
    ) as response:
        for raw in response.iter_lines():
            item = json.loads(raw) if raw else {}
            match = regex.search(item.get("text", "")) if item.get("type") == "line" else None
            if match:
                return match
    raise AssertionError(f"no log line matched {pattern}")


def wait_process_exit(pid: int, timeout: float) -> bool:
    """Wait for any process (not only a child) to exit, through a pidfd; True if it did."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    finally:
        os.close(fd)


def cli_json(cluster: Cluster, *args: str) -> dict[str, Any]:
    """Run `arcade ARGS --json` against the cluster's kernel as admin; its JSON output (exit 0 asserted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
    env.update({"ARCADE_SERVER": cluster.http_url, "ARCADE_TOKEN": ADMIN_TOKEN})
    command = arcade_command(*args, "--json")
    done = subprocess.run(command, env=env, cwd=cluster.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def registry_env(root: Path, trust: Path) -> dict[str, str]:
    """Kernel settings for a plugin registry signed with the online keys of the admin's folder `trust`
    (they load when the registry is first used, so `trust init` may come after the kernel starts)."""
    return {
        "ARCADE_TRUST_ONLINE_KEYS": str(trust / "online"),
        "ARCADE_REGISTRY_DIR": str(root / "kernel" / "registry"),
        "ARCADE_STORAGE_URL": f"file://{root / 'kernel' / 'blobs'}",
    }


def install_hello_wat(cluster: Cluster, trust: Path) -> dict[str, Any]:
    """On a kernel started with `registry_env(root, trust)`: trust set up (TRUST folder `trust`, publisher of
    `examples`), examples/hello-wat built, published and installed; the `plugin publish` JSON."""
    key = trust.parent / "examples.key"
    cli_json(cluster, "key", "generate", "--out", str(key))
    cli_json(cluster, "trust", "init", "--dir", str(trust), "--server", cluster.http_url)
    cli_json(cluster, "trust", "add-publisher", "examples", "--key", f"{key}.pub", "--dir", str(trust))
    cli_json(cluster, "trust", "push", "--dir", str(trust))
    plugin = trust.parent / "hello-wat"
    shutil.copytree(ROOT / "examples/plugins/hello-wat", plugin, ignore=shutil.ignore_patterns("*.wasm"))
    cli_json(cluster, "plugin", "build", str(plugin))
    published = cli_json(cluster, "plugin", "publish", str(plugin), "--key", str(key))
    installed = cluster.http("POST", "/api/v1/plugins/install", {"name": "examples/hello-wat"})["plugin"]
    assert (installed["status"], installed["installed_version"]) == ("enabled", published["version"])
    return published
