"""The plugins an agent reports at registration (RegisterRequest.installed_plugins) are stored on the agent
and shown as `plugins` by GET /api/v1/agents and `arcade agents --json`; bad reports are refused."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import grpc
import httpx
import pytest

from agent.config import AgentConfig
from agent.daemon import AgentDaemon
from kernel.cli.main import main
from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc

MANIFEST = {
    "name": "tests/echo",
    "version": "1.2.0",
    "type": "ci",
    "kind": "wasm",
    "abi": "wasi-command",
    "entry": "plugin.wasm",
    "description": "answers with the request it got",
    "actions": {"echo": {"description": "echo", "args": {"type": "object"}, "returns": {"type": "object"}}},
}


def plugin_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps(MANIFEST))
    (path / "plugin.wasm").write_bytes(b"\0asm\x01\0\0\0")  # loaded only when a step runs it
    return path


def test_an_agents_plugins_show_in_the_api_and_the_cli(embedded, tmp_path: Path, capsys, monkeypatch):
    plugins = tmp_path / "plugins"
    plugin_folder(plugins / "echo")
    config = AgentConfig(
        server=embedded.kernel.grpc_target,
        registration_token=embedded.registration_token(),
        name="with-plugins",
        workdir=tmp_path / "agent",
        plugin_paths=(plugins,),
        shutdown_timeout_seconds=5.0,
    )
    daemon = AgentDaemon(config)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        expected = [{"name": "tests/echo", "version": "1.2.0", "sha256": "", "source": str(plugins)}]
        url = embedded.kernel.http_url + "/api/v1/agents"
        headers = {"Authorization": f"Bearer {embedded.admin_token}"}

        def listed() -> list[dict]:
            return [
                a for a in httpx.get(url, headers=headers).json()["agents"] if a["name"] == "with-plugins"
            ]

        assert embedded.wait_for_agents(1, 15)  # registered, then connected
        assert listed()[0]["plugins"] == expected

        monkeypatch.setenv("ARCADE_TOKEN", embedded.admin_token)
        capsys.readouterr()
        assert main(["agents", "--server", embedded.kernel.http_url, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert [a["plugins"] for a in shown if a["name"] == "with-plugins"] == [expected]
    finally:
        daemon.stop()
        thread.join(15)


@pytest.mark.parametrize(
    ("installed", "detail"),
    [
        ([agent_pb2.InstalledPlugin(version="1.0.0")], "installed_plugins[0].name: expected ns/name"),
        (
            [agent_pb2.InstalledPlugin(name="tests/echo", source="x" * 1001)],
            "installed_plugins[0].source: longer than 1000 characters",
        ),
        ([agent_pb2.InstalledPlugin(name="tests/echo")] * 1001, "installed_plugins: expected at most 1000"),
    ],
)
def test_a_bad_plugin_report_is_refused_with_the_field(embedded, installed, detail: str):
    request = agent_pb2.RegisterRequest(
        registration_token=embedded.registration_token(),
        name="bad-report",
        capacity=1,
        installed_plugins=installed,
    )
    with grpc.insecure_channel(embedded.kernel.grpc_target) as channel:
        with pytest.raises(grpc.RpcError) as caught:
            agent_pb2_grpc.AgentServiceStub(channel).Register(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert detail in caught.value.details()
