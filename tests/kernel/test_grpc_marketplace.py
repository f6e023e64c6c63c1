"""The kernel's pin on plugin steps, as an agent receives it (AgentService.FetchJobRun) from a real kernel:
refused while the plugin is not installed or disabled, the installed version, digest and config when it is
enabled, nothing for plugins of a namespace the registry does not delegate (agent-local) and for shell
steps. Downloads through DownloadPlugin are counted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import grpc
import pytest
from marketplace_setup import CONFIG_SCHEMA, NAME, Admin, ok, registry_kernel, sha256_of

from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc

SPEC = f"""
name: pinned
jobs:
  - name: plugins
    steps:
      - {{name: registry, uses: "{NAME}@^1"}}
      - {{name: local, uses: "local/agent-local@^1"}}
      - {{name: shell, run: "echo hi"}}
"""


class PollingAgent:
    """An agent that only registers and fetches jobs, to see the assignments the kernel builds."""

    def __init__(self, admin: Admin) -> None:
        self.channel = grpc.insecure_channel(admin.kernel.grpc_target)
        self.stub = agent_pb2_grpc.AgentServiceStub(self.channel)
        registered = self.stub.Register(
            agent_pb2.RegisterRequest(
                registration_token=admin.embedded.registration_token(), name="pins", capacity=20
            )
        )
        self.metadata = (("authorization", f"bearer {registered.agent_token}"),)

    def fetch(self) -> agent_pb2.JobAssignment:
        response = self.stub.FetchJobRun(
            agent_pb2.FetchJobRunRequest(wait_seconds=20), metadata=self.metadata
        )
        assert response.HasField("assignment"), "no job was dispatched within 20 s"
        return response.assignment

    def download(self, sha256: str) -> bytes:
        chunks = self.stub.DownloadPlugin(
            agent_pb2.DownloadPluginRequest(sha256=sha256), metadata=self.metadata
        )
        return b"".join(c.chunk for c in chunks)


@pytest.fixture
def setup(tmp_path) -> Iterator[tuple[Admin, PollingAgent]]:
    with registry_kernel(tmp_path) as admin:
        agent = PollingAgent(admin)
        try:
            assert admin.api.post("/pipelines", json={"spec_yaml": SPEC}).status_code == 201
            yield admin, agent
        finally:
            agent.channel.close()


def steps_of(admin: Admin, agent: PollingAgent) -> list[agent_pb2.StepAssignment]:
    assert admin.api.post("/pipelines/pinned/trigger", json={}).status_code == 201
    return list(agent.fetch().steps)


def test_assignments_carry_the_kernels_pin(setup):
    admin, agent = setup
    package = admin.publish("1.0.0", config_schema=CONFIG_SCHEMA, default_config={"retries": 1})

    registry, local, shell = steps_of(admin, agent)
    assert registry.plugin.refused == (
        f"plugin {NAME} is not installed on this kernel (an admin installs it: arcade plugin install {NAME})"
    )
    assert not local.HasField("plugin") and not shell.HasField("plugin")

    ok(admin.api.post("/plugins/install", json={"name": NAME}))
    ok(admin.api.put(f"/plugins/{NAME}", json={"config": {"greeting": "hello"}}))
    registry, local, shell = steps_of(admin, agent)
    assert (registry.plugin.version, registry.plugin.sha256, registry.plugin.refused) == (
        "1.0.0",
        sha256_of(package),
        "",
    )
    assert json.loads(registry.plugin.config_json) == {"retries": 1, "greeting": "hello"}
    assert not local.HasField("plugin") and not shell.HasField("plugin")

    ok(admin.api.post(f"/plugins/{NAME}/disable"))
    registry, _, _ = steps_of(admin, agent)
    assert registry.plugin.refused == (
        f"plugin {NAME} is disabled on this kernel (an admin enables it: arcade plugin enable {NAME})"
    )
    assert not registry.plugin.version and not registry.plugin.sha256

    assert agent.download(sha256_of(package)) == package.read_bytes()
    assert agent.download(sha256_of(package)) == package.read_bytes()
    shown = ok(admin.api.get(f"/plugins/{NAME}"))
    assert shown["downloads"] == 2 and shown["versions"][0]["downloads"] == 2


def test_uninstall_tells_connected_agents_to_evict_the_packages(setup):
    """Agents on a Connect stream are told to drop an uninstalled plugin's packages from their caches."""
    admin, agent = setup
    package = admin.publish("1.0.0")
    ok(admin.api.post("/plugins/install", json={"name": NAME}))
    done = threading.Event()

    def requests() -> Iterator[agent_pb2.ConnectRequest]:  # the agent's side stays open until the end
        yield agent_pb2.ConnectRequest(hello=agent_pb2.Hello(capacity=1))
        done.wait(60)

    stream = agent.stub.Connect(requests(), metadata=agent.metadata)
    try:
        assert next(stream).WhichOneof("message") == "config"  # the stream is attached
        ok(admin.api.delete(f"/plugins/{NAME}"))
        message = next(stream)
        assert message.WhichOneof("message") == "evict"
        assert list(message.evict.sha256) == [sha256_of(package)]
        assert message.evict.reason == f"{NAME} was uninstalled"
    finally:
        done.set()
        stream.cancel()
