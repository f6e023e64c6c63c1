"""The agent's settings: what `arcade agent --server ADDR --token T --label k=v ...` turns into."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from agent import __version__
from agent.errors import ConfigError
from agent.metrics import parse_host_port

__all__ = [
    "AgentConfig",
    "parse_labels",
]


def _hostname() -> str:
    return socket.gethostname() or "agent"


@dataclass
class AgentConfig:
    """Everything the daemon needs; the CLI builds one and hands it to `AgentDaemon` or `run_agent`."""

    server: str
    """The kernel's gRPC address, host:port."""
    registration_token: str = field(repr=False)
    """Exchanged once (and after a kernel reset) for the agent's own token; never logged."""
    name: str = field(default_factory=_hostname)
    labels: dict[str, str] = field(default_factory=dict)
    capacity: int = 1
    """How many jobs may run at once."""
    workdir: Path = field(default_factory=lambda: Path(".arcade-agent"))
    """Job workspaces live in `<workdir>/workspaces/<job_run_id>`."""
    keep_workspaces: bool = False
    use_stream: bool = True
    """Take jobs over the Connect stream; False forces the Heartbeat + FetchJobRun fallback."""
    kill_grace_seconds: float = 3.0
    """Between SIGTERM and SIGKILL when a step's process group is stopped."""
    version: str = __version__
    hostname: str = field(default_factory=_hostname)
    fetch_wait_seconds: float = 20.0
    """Long-poll wait of FetchJobRun in the fallback mode."""
    shutdown_timeout_seconds: float = 10.0
    """Bound on flushing reports, logs and events when the daemon stops."""
    plugin_paths: tuple[Path, ...] = ()
    """Folders `uses:` steps resolve plugins from: plugin folders, packages (*.zip), or folders of them."""
    trust_root: Path | None = None
    """The plugin registry's root.json (from `arcade trust init`): `uses:` steps the plugin path does not
    satisfy resolve through the kernel's signed registry, verified against it. None: no registry."""
    metrics_addr: str | None = None
    """HOST:PORT to serve the agent's Prometheus metrics on (`/metrics`); None: not served."""

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir)
        self.plugin_paths = tuple(Path(path) for path in self.plugin_paths)
        for path in self.plugin_paths:
            if not path.is_dir():
                raise ConfigError(f"plugin path {path} is not a folder")
        if self.trust_root is not None:
            self.trust_root = Path(self.trust_root)
            if not self.trust_root.is_file():
                raise ConfigError(f"trust root {self.trust_root} is not a file (give the root.json of TRUST)")
        if self.metrics_addr is not None:
            parse_host_port(self.metrics_addr)
        self.labels = dict(self.labels)
        if not self.server or ":" not in self.server:
            raise ConfigError(f"server must be host:port, got {self.server!r}")
        if not self.registration_token:
            raise ConfigError("a registration token is required")
        if not self.name:
            raise ConfigError("the agent name must not be empty")
        if self.capacity < 1:
            raise ConfigError(f"capacity must be at least 1, got {self.capacity}")
        if self.kill_grace_seconds < 0:
            raise ConfigError(f"kill_grace_seconds must not be negative, got {self.kill_grace_seconds}")
        if self.fetch_wait_seconds <= 0 or self.shutdown_timeout_seconds <= 0:
            raise ConfigError("fetch_wait_seconds and shutdown_timeout_seconds must be positive")
        for key in self.labels:
            if not key:
                raise ConfigError("label keys must not be empty")


def parse_labels(items: Iterable[str]) -> dict[str, str]:
    """Turn repeated --label flags (`["os=linux", "gpu=a100"]`) into a dict; ConfigError on a bare key."""
    labels: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"a label is key=value, got {item!r}")
        labels[key] = value.strip()
    return labels
