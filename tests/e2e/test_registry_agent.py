"""Agents run plugins from the signed registry, end to end with real processes: the admin sets up trust, a
publisher publishes examples/hello-wat, an agent given only `--trust-root TRUST/root.json` (no plugin path)
resolves `uses: examples/hello-wat@^0` through the kernel (GetRegistryMetadata, DownloadPlugin) and runs it;
after `arcade trust revoke` + `arcade trust push` the same agent refuses the cached release, naming the
revocation, and goes on serving the next job; after `arcade plugin uninstall` the agent drops its cached
copy and the kernel refuses the step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import Cluster, cli_json, install_hello_wat, job, registry_env

pytestmark = pytest.mark.e2e


SPEC = """
name: registry-plugin
jobs:
  - name: hello
    steps:
      - {name: hello, uses: "examples/hello-wat@^0"}
  - name: after
    depends_on: [hello]
    when: always()
    steps:
      - {name: shell, run: "echo still serving"}
"""


def test_an_agent_runs_a_published_plugin_until_it_is_revoked(tmp_path: Path) -> None:
    trust = tmp_path / "TRUST"
    cluster = Cluster(tmp_path)
    try:
        cluster.kernel_extra_env = registry_env(tmp_path, trust)
        cluster.start_kernel()
        published = install_hello_wat(cluster, trust)
        assert (published["name"], published["version"]) == ("examples/hello-wat", "0.1.0")

        agent = cluster.start_agent("registry-1", extra=("--trust-root", str(trust / "root.json")))
        run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=240)
        hello = job(run, "hello")["steps"][0]
        assert run["status"] == "SUCCESS" and hello["status"] == "SUCCESS", hello["message"]
        assert hello["result"]["message"] == "hello from examples/hello-wat"
        texts = [line["text"] for line in cluster.log_lines(run["id"])]
        digest = published["sha256"]
        origin = f"the signed registry (sha256 {digest[:12]})"
        assert f"plugin examples/hello-wat@0.1.0 (wasm, wasi-command) from {origin}" in texts
        assert (tmp_path / "agents" / "registry-1" / "plugins" / digest / "manifest.json").is_file()

        reason = "leaks the workspace"
        revoke = ("trust", "revoke", "examples/hello-wat@0.1.0", "--reason", reason, "--dir", str(trust))
        cli_json(cluster, *revoke)
        cli_json(cluster, "trust", "push", "--dir", str(trust))
        run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=240)
        hello = job(run, "hello")["steps"][0]
        assert run["status"] == "FAILED" and hello["status"] == "FAILED"
        assert f"examples/hello-wat@0.1.0 is revoked: {reason}" in hello["message"], hello["message"]
        assert hello.get("result") is None
        after = job(run, "after")
        assert after["status"] == "SUCCESS", after  # the same agent still serves the next job

        # Uninstalled: the kernel tells the connected agent to drop the package, and refuses the step.
        cli_json(cluster, "plugin", "uninstall", "examples/hello-wat")
        agent.output.wait_for(
            re.compile(r"evicted 1 cached plugin package\(s\): examples/hello-wat was uninstalled"), 30
        )
        unpacked = tmp_path / "agents" / "registry-1" / "plugins" / digest
        assert not unpacked.exists()
        run = cluster.wait_run(cluster.run_pipeline(SPEC), timeout=240)
        hello = job(run, "hello")["steps"][0]
        assert hello["status"] == "FAILED" and "not in this kernel's registry" in hello["message"], hello
    finally:
        cluster.stop()
