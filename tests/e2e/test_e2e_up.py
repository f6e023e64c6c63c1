"""`arcade up`: a kernel and local agents in one process tree, usable at once."""

import os
import re
import subprocess

import httpx
import pytest
from harness import arcade_command, spawn

pytestmark = pytest.mark.e2e


def test_up_starts_a_kernel_with_agents_that_run_pipelines(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
    for command in (
        ("plugin", "new", "tests/hello", "--type", "custom", "--lang", "wat", "--dir", str(tmp_path)),
        ("plugin", "build", str(tmp_path / "hello")),
    ):
        subprocess.run(arcade_command(*command), env=env, check=True, capture_output=True, timeout=60)
    process = spawn(
        arcade_command(
            "up",
            "--data",
            str(tmp_path / "data"),
            "--agents",
            "2",
            "--grpc-addr",
            "127.0.0.1:0",
            "--http-addr",
            "127.0.0.1:0",
            "--plugin-path",
            str(tmp_path / "hello"),
        ),
        env,
        tmp_path,
    )
    try:
        url = process.output.wait_for(re.compile(r"Arcade is up: (http://\S+)"), 60).group(1)
        token = process.output.wait_for(re.compile(r"admin token: (\S+)"), 10).group(1)
        headers = {"Authorization": f"Bearer {token}"}
        steps = "[{run: 'echo from up'}, {name: p, uses: tests/hello}]"
        spec = f"name: up\njobs:\n  - name: j\n    steps: {steps}\n"
        httpx.post(url + "/api/v1/pipelines", json={"spec_yaml": spec}, headers=headers).raise_for_status()
        run = httpx.post(url + "/api/v1/pipelines/up/trigger", json={}, headers=headers).json()
        logs = httpx.get(
            url + f"/api/v1/runs/{run['id']}/logs", params={"follow": "true"}, headers=headers, timeout=60
        ).text
        assert '"text": "from up"' in logs and '"status": "SUCCESS"' in logs
        shown = httpx.get(url + f"/api/v1/runs/{run['id']}", headers=headers).json()
        plugin_step = shown["jobs"][0]["steps"][1]
        assert plugin_step["result"]["message"] == "hello from tests/hello"  # the agents got --plugin-path
        names = sorted(a["name"] for a in httpx.get(url + "/api/v1/agents", headers=headers).json()["agents"])
        assert names == ["local-1", "local-2"]
    finally:
        assert process.terminate() == 0
    assert (tmp_path / "data" / "arcade.db").exists()
