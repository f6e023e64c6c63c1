"""The agent's Prometheus metrics (`arcade agent --metrics-addr HOST:PORT`): its own registry, holding the
plugin cache counters of `registry.metrics`, served on `/metrics` by prometheus_client's HTTP server."""

from __future__ import annotations

import logging
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from agent.errors import ConfigError
from registry.metrics import PluginCacheMetrics

__all__ = ["AgentMetrics", "MetricsServer", "parse_host_port"]

log = logging.getLogger("arcade.agent")


def parse_host_port(text: str, what: str = "metrics address") -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:9100` for IPv6) as (host, port); ConfigError says what was expected."""
    host, sep, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"{what} must be HOST:PORT (e.g. 127.0.0.1:9100), got {text!r}")
    return host, int(port)


class MetricsServer:
    """A running `/metrics` endpoint; `close` stops it."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port): the real port when 0 was asked for."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5.0)


class AgentMetrics:
    """One agent's metrics registry (never the process-global one: several agents may share a process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.plugin_cache = PluginCacheMetrics(self.registry)

    def serve(self, address: str) -> MetricsServer:
        """Serve `/metrics` on `address` (HOST:PORT); ConfigError when it cannot be bound."""
        host, port = parse_host_port(address)
        try:
            server, thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise ConfigError(f"cannot serve metrics on {address}: {exc.strerror or exc}") from exc
        running = MetricsServer(server, thread)
        log.info("serving agent metrics on http://%s:%d/metrics", *running.address)
        return running
