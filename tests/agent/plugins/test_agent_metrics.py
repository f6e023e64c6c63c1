"""The agent's /metrics (`arcade agent --metrics-addr HOST:PORT`), scraped over loopback: the plugin cache
counters after a real download through the signed registry, and the daemon serving them (off by default);
the installed plugins the daemon reports when it registers."""

from __future__ import annotations

import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_fake_kernel import REGISTRATION_TOKEN, FakeKernel, KernelServer
from agent_testkit import WAIT, FakePeer
from plugin_kit import plugin_dir
from test_registry_source import SignedRegistry

from agent.config import AgentConfig
from agent.daemon import AgentDaemon
from agent.errors import ConfigError
from agent.metrics import AgentMetrics, parse_host_port
from agent.plugins.steps import PluginSteps


def scrape(address: tuple[str, int]) -> dict[str, float]:
    """The samples of /metrics as {'name{labels}': value}."""
    with urllib.request.urlopen(f"http://{address[0]}:{address[1]}/metrics", timeout=5) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_cache_metrics_after_a_download_and_a_cache_hit(tmp_path: Path):
    signed = SignedRegistry(tmp_path / "registry")
    digest = signed.publish("tests/echo", "1.0.0")
    peer = FakePeer()
    signed.serve(peer)
    metrics = AgentMetrics()
    server = metrics.serve("127.0.0.1:0")
    try:
        steps = PluginSteps(
            [], tmp_path / "work", trust_root=signed.root, peer=peer, metrics=metrics.plugin_cache
        )
        assert steps.registry is not None
        before = scrape(server.address)
        assert before["plugin_download_total"] == 0.0
        assert before['plugin_cache_hit_total{tier="disk"}'] == 0.0

        steps.registry.resolve("tests/echo@1.0.0")
        after = scrape(server.address)
        assert after["plugin_download_total"] == 1.0
        assert after["plugin_cache_miss_total"] == 1.0
        assert after["plugin_download_size_bytes_sum"] == len(signed.packages[digest])
        assert after["plugin_download_size_bytes_count"] == 1.0
        assert after["plugin_download_duration_seconds_count"] == 1.0

        steps.registry.resolve("tests/echo@1.0.0")
        again = scrape(server.address)
        assert again['plugin_cache_hit_total{tier="disk"}'] == 1.0
        assert again["plugin_download_total"] == 1.0
    finally:
        server.close()


@pytest.mark.parametrize("bad", ["9100", "localhost", ":9100", "host:port", "host:70000", ""])
def test_a_bad_metrics_address_is_a_config_error(bad: str, tmp_path: Path):
    with pytest.raises(ConfigError, match=f"metrics address must be HOST:PORT .*got {bad!r}"):
        AgentConfig(server="127.0.0.1:1", registration_token="t", workdir=tmp_path, metrics_addr=bad)


def test_parse_host_port_takes_ipv6_in_brackets():
    assert parse_host_port("[::1]:9100") == ("::1", 9100)
    assert parse_host_port("0.0.0.0:0") == ("0.0.0.0", 0)


def test_a_metrics_port_in_use_is_a_config_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot serve metrics on 127.0.0.1:{port}"):
            AgentMetrics().serve(f"127.0.0.1:{port}")


# ---- the daemon -------------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[KernelServer]:
    server = KernelServer(FakeKernel())
    try:
        yield server
    finally:
        server.stop()


def run_daemon(config: AgentConfig) -> tuple[AgentDaemon, threading.Thread]:
    daemon = AgentDaemon(config)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    return daemon, thread


def test_the_daemon_serves_metrics_and_reports_its_plugins_when_it_registers(
    server: KernelServer, tmp_path: Path
):
    path = tmp_path / "path"
    plugin_dir(path / "echo")
    config = AgentConfig(
        server=server.address,
        registration_token=REGISTRATION_TOKEN,
        name="metrics-test",
        workdir=tmp_path / "agent",
        plugin_paths=(path,),
        metrics_addr="127.0.0.1:0",
        shutdown_timeout_seconds=5.0,
    )
    daemon, thread = run_daemon(config)
    try:
        assert server.kernel.wait_for(lambda: server.kernel.registrations)
        installed = server.kernel.registrations[0].installed_plugins
        assert [(p.name, p.version, p.sha256, p.source) for p in installed] == [
            ("tests/echo", "1.0.0", "", str(path))
        ]
        assert daemon.metrics_address is not None  # served before the daemon registers
        samples = scrape(daemon.metrics_address)
        assert samples["plugin_download_total"] == 0.0 and "plugin_cache_miss_total" in samples
    finally:
        daemon.stop()
        thread.join(WAIT)
    assert daemon.metrics_address is not None  # still known, but closed
    with pytest.raises(OSError):
        scrape(daemon.metrics_address)


def test_metrics_are_off_by_default(server: KernelServer, tmp_path: Path):
    config = AgentConfig(
        server=server.address, registration_token=REGISTRATION_TOKEN, name="quiet", workdir=tmp_path / "agent"
    )
    daemon, thread = run_daemon(config)
    try:
        assert server.kernel.wait_for(lambda: server.kernel.registrations)
        assert daemon.metrics_address is None
        assert list(server.kernel.registrations[0].installed_plugins) == []
    finally:
        daemon.stop()
        thread.join(WAIT)
