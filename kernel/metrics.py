"""Prometheus metrics of one kernel instance (its own registry: no module globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class KernelMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.runs_triggered = Counter("arcade_runs_triggered_total", "Pipeline runs triggered", registry=r)
        self.runs_finished = Counter(
            "arcade_runs_finished_total", "Pipeline runs finished", ["status"], registry=r
        )
        self.jobs_dispatched = Counter("arcade_jobs_dispatched_total", "Jobs handed to agents", registry=r)
        self.jobs_started = Counter("arcade_jobs_started_total", "Jobs agents started", registry=r)
        self.jobs_finished = Counter("arcade_jobs_finished_total", "Jobs finished", ["status"], registry=r)
        self.leases_expired = Counter("arcade_leases_expired_total", "Job leases that lapsed", registry=r)
        self.log_lines = Counter("arcade_log_lines_total", "Log lines accepted from agents", registry=r)
        self.agents_connected = Gauge(
            "arcade_agents_connected", "Agents with an open dispatch channel", registry=r
        )
        self.grpc_unauthenticated = Counter(
            "arcade_grpc_unauthenticated_total", "gRPC calls refused for a missing or wrong token", registry=r
        )
        self.http_requests = Histogram(
            "arcade_http_request_duration_seconds",
            "HTTP API latency",
            ["method", "route", "status"],
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
