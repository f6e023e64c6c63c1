"""The publish path end to end with a real `arcade server`: key generate, trust init --server,
add-publisher, trust push, plugin build + publish, then an agent-side TrustClient verifying the release over
HTTP and the package downloaded and re-hashed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
from harness import ADMIN_TOKEN, Cluster, arcade_command

from registry.trust import HttpFetcher, TrustClient, kernel_metadata_url

ROOT = Path(__file__).resolve().parents[2]


def arcade(cluster: Cluster, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
    env.update({"ARCADE_SERVER": cluster.http_url, "ARCADE_TOKEN": ADMIN_TOKEN})
    done = subprocess.run(
        arcade_command(*args, "--json"),
        env=env,
        cwd=cluster.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_publish_a_plugin_and_verify_it_over_http(tmp_path):
    trust = tmp_path / "TRUST"
    key = tmp_path / "examples.key"
    cluster = Cluster(tmp_path)
    try:
        # The kernel host holds the admin's TRUST/online; the keys load when the registry is first used.
        cluster.kernel_extra_env = {
            "ARCADE_TRUST_ONLINE_KEYS": str(trust / "online"),
            "ARCADE_REGISTRY_DIR": str(tmp_path / "kernel" / "registry"),
            "ARCADE_STORAGE_URL": f"file://{tmp_path / 'kernel' / 'blobs'}",
        }
        cluster.start_kernel()
        arcade(cluster, "key", "generate", "--out", str(key))
        created = arcade(cluster, "trust", "init", "--dir", str(trust), "--server", cluster.http_url)
        assert created["server"]["changed"] == ["1.root.json", "1.targets.json"]
        arcade(cluster, "trust", "add-publisher", "examples", "--key", f"{key}.pub", "--dir", str(trust))
        pushed = arcade(cluster, "trust", "push", "--dir", str(trust))
        assert pushed["changed"] == ["2.targets.json"]
        assert arcade(cluster, "trust", "push", "--dir", str(trust))["changed"] == []

        plugin = tmp_path / "hello-wat"
        shutil.copytree(ROOT / "examples/plugins/hello-wat", plugin, ignore=shutil.ignore_patterns("*.wasm"))
        arcade(cluster, "plugin", "build", str(plugin))
        published = arcade(cluster, "plugin", "publish", str(plugin), "--key", str(key))
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
