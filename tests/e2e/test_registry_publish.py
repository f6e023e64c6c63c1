"""The publish path end to end with a real `arcade server`: key generate, trust init --server,
add-publisher, trust push, plugin build + publish, then an agent-side TrustClient verifying the release over
HTTP and the package downloaded and re-hashed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import httpx
from harness import Cluster, cli_json, registry_env

from registry.trust import HttpFetcher, TrustClient, kernel_metadata_url

ROOT = Path(__file__).resolve().parents[2]


def test_publish_a_plugin_and_verify_it_over_http(tmp_path):
    trust = tmp_path / "TRUST"
    key = tmp_path / "examples.key"
    cluster = Cluster(tmp_path)
    try:
        cluster.kernel_extra_env = registry_env(tmp_path, trust)
        cluster.start_kernel()
        cli_json(cluster, "key", "generate", "--out", str(key))
        created = cli_json(cluster, "trust", "init", "--dir", str(trust), "--server", cluster.http_url)
        assert created["server"]["changed"] == ["1.root.json", "1.targets.json"]
        cli_json(cluster, "trust", "add-publisher", "examples", "--key", f"{key}.pub", "--dir", str(trust))
        pushed = cli_json(cluster, "trust", "push", "--dir", str(trust))
        assert pushed["changed"] == ["2.targets.json"]
        assert cli_json(cluster, "trust", "push", "--dir", str(trust))["changed"] == []

        plugin = tmp_path / "hello-wat"
        shutil.copytree(ROOT / "examples/plugins/hello-wat", plugin, ignore=shutil.ignore_patterns("*.wasm"))
        cli_json(cluster, "plugin", "build", str(plugin))
        published = cli_json(
            cluster, "plugin", "publish", str(plugin), "--key", str(key), "--registry", cluster.http_url
        )
        assert (published["name"], published["version"]) == ("examples/hello-wat", "0.1.0")

        # An agent given only root.json verifies the release through the kernel's HTTP API.
        token = cluster.http("POST", "/api/v1/tokens", {"kind": "admin"})["token"]
        base = kernel_metadata_url(cluster.http_url)
        client = TrustClient(trust / "root.json", tmp_path / "agent", HttpFetcher(base, token), base)
        found = client.find("examples/hello-wat", "^0.1")
        assert (found.sha256, found.length) == (published["sha256"], published["size"])
        blob = httpx.get(
            f"{cluster.http_url}/api/v1/plugins/blobs/{found.sha256}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert blob.status_code == 200 and hashlib.sha256(blob.content).hexdigest() == found.sha256
        assert len(blob.content) == found.length

        listed = cluster.http("GET", "/api/v1/plugins")["plugins"]
        assert [(p["name"], p["latest_version"]) for p in listed] == [("examples/hello-wat", "0.1.0")]
    finally:
        cluster.stop()
