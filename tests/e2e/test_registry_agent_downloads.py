"""`arcade agent` and its downloads, end to end with real processes: an agent started with `--trust-root`
and `--metrics-addr` downloads a published and installed plugin, logs one line for the finished download
(its stderr is not a terminal), counts it on its own /metrics, and after a restart reports the cached
plugin at registration, which `arcade agents --json` shows."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

import pytest
from harness import Cluster, cli_json, install_hello_wat, job, registry_env

pytestmark = pytest.mark.e2e


SPEC = """
name: registry-downloads
jobs:
  - name: hello
    steps:
      - {name: hello, uses: "examples/hello-wat@^0"}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return {
        name: float(value)
        for name, _, value in (line.rpartition(" ") for line in lines if line and not line.startswith("#"))
    }


def test_an_agent_logs_counts_and_reports_its_downloads(tmp_path: Path) -> None:
    trust = tmp_path / "TRUST"
    cluster = Cluster(tmp_path)
    try:
        cluster.kernel_extra_env = registry_env(tmp_path, trust)
        cluster.start_kernel()
        digest = install_hello_wat(cluster, trust)["sha256"]

        port = free_port()
        options = ("--trust-root", str(trust / "root.json"), "--metrics-addr", f"127.0.0.1:{port}")
        agent = cluster.start_agent("downloads-1", extra=options)
        run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=240)
        hello = job(run, "hello")["steps"][0]
        assert run["status"] == "SUCCESS" and hello["status"] == "SUCCESS", hello["message"]

        line = agent.output.wait_for(
            re.compile(r"downloaded plugin examples/hello-wat@0\.1\.0: (\d+) bytes"), 30
        )
        samples = scrape(port)
        assert samples["plugin_download_total"] == 1.0
        assert samples["plugin_download_size_bytes_sum"] == float(line.group(1))

        agent.terminate()  # the same workdir again: the cached plugin is reported at registration
        cluster.start_agent("downloads-1", extra=("--trust-root", str(trust / "root.json")))
        agents = cli_json(cluster, "agents")
        shown = next(a for a in agents if a["name"] == "downloads-1")  # type: ignore[union-attr]
        assert {
            "name": "examples/hello-wat",
            "version": "0.1.0",
            "sha256": digest,
            "source": "cache",
        } in shown["plugins"]
    finally:
        cluster.stop()
