"""Agent registration, identity and liveness as the kernel sees it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select

from kernel.agent_reports import AgentReports
from kernel.auth import TokenService
from kernel.engine import RunEngine
from kernel.errors import InvalidInput, NotFound
from kernel.hub import AgentHub
from kernel.jobs import ACTIVE_JOB
from kernel.journal import Journal
from kernel.metrics import KernelMetrics
from kernel.status import AgentState
from kernel.store import models

LABEL_KEY = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class AgentView:
    row: models.Agent
    status: AgentState
    running_jobs: int


def validate_labels(labels: Mapping[str, str]) -> dict[str, str]:
    for key, value in labels.items():
        if not LABEL_KEY.match(key) or len(key) > 253:
            raise InvalidInput(
                f"label key '{key}': expected letters, digits, '.', '_', '/', '-' (e.g. os, cpu-cores)"
            )
        if len(value) > 253:
            raise InvalidInput(f"label '{key}': value longer than 253 characters")
    return dict(labels)


MAX_REPORTED_PLUGINS = 1000
_PLUGIN_FIELDS = ("name", "version", "sha256", "source")


def validate_installed_plugins(plugins: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """The plugins an agent reports at registration, checked: a name each, short fields, a bounded count."""
    if len(plugins) > MAX_REPORTED_PLUGINS:
        raise InvalidInput(
            f"installed_plugins: expected at most {MAX_REPORTED_PLUGINS} entries, got {len(plugins)}"
        )
    checked = []
    for index, plugin in enumerate(plugins):
        entry = {key: str(plugin.get(key, "")) for key in _PLUGIN_FIELDS}
        if not entry["name"]:
            raise InvalidInput(f"installed_plugins[{index}].name: expected ns/name, got an empty name")
        for key, value in entry.items():
            if len(value) > 1000:
                raise InvalidInput(f"installed_plugins[{index}].{key}: longer than 1000 characters")
        checked.append(entry)
    return checked


class AgentRegistry:
    def __init__(
        self,
        journal: Journal,
        tokens: TokenService,
        engine: RunEngine,
        reports: AgentReports,
        hub: AgentHub,
        heartbeat_timeout: float,
        metrics: KernelMetrics,
    ) -> None:
        self.journal = journal
        self.tokens = tokens
        self.engine = engine
        self.reports = reports
        self.hub = hub
        self.heartbeat_timeout = heartbeat_timeout
        self.metrics = metrics

    def register(
        self,
        registration_token: str,
        name: str,
        labels: Mapping[str, str],
        capacity: int,
        version: str = "",
        hostname: str = "",
        plugins: Sequence[Mapping[str, str]] = (),
    ) -> tuple[models.Agent, str]:
        """`plugins`: what the agent holds ({name, version, sha256, source} each), shown with the agent."""
        self.tokens.check_registration(registration_token)
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput("agent name: expected 1 to 200 characters")
        if capacity < 1:
            raise InvalidInput(f"agent capacity: expected at least 1, got {capacity}")
        labels = validate_labels(labels)
        installed = validate_installed_plugins(plugins)
        now = datetime.now(UTC)
        with self.journal.transaction() as tx:
            agent = tx.session.scalars(select(models.Agent).where(models.Agent.name == name)).first()
            restarted = agent is not None
            if agent is None:
                agent = models.Agent(id=str(uuid.uuid4()), name=name, registered_at=now)
                tx.session.add(agent)
            agent.labels, agent.capacity, agent.version, agent.hostname = labels, capacity, version, hostname
            agent.plugins = installed
            agent.status, agent.last_heartbeat_at, agent.registered_at = AgentState.ONLINE.value, now, now
            agent.last_event_seq = 0
            tx.emit(
                "agent.registered",
                agent_id=agent.id,
                status=agent.status,
                payload={"name": name, "labels": labels, "capacity": capacity},
            )
        if restarted:
            self.tokens.revoke_agent_tokens(agent.id)
            self.reports.release_agent_jobs(agent.id, f"agent '{name}' registered again (it restarted)")
        secret, _ = self.tokens.create("agent", description=f"agent {name}", agent_id=agent.id)
        self.engine.wake()
        return agent, secret

    def unregister(self, agent_id: str) -> None:
        self.set_status(agent_id, AgentState.OFFLINE)
        self.tokens.revoke_agent_tokens(agent_id)
        self.reports.release_agent_jobs(agent_id, "agent unregistered")

    def update_labels(self, agent_id: str, labels: Mapping[str, str], replace: bool) -> dict[str, str]:
        labels = validate_labels(labels)
        with self.journal.transaction() as tx:
            agent = tx.session.get(models.Agent, agent_id)
            if agent is None:
                raise NotFound(f"agent '{agent_id}' not found")
            agent.labels = dict(labels) if replace else {**(agent.labels or {}), **labels}
            tx.emit("agent.labels", agent_id=agent_id, payload={"labels": agent.labels})
            result = dict(agent.labels)
        self.engine.wake()
        return result

    def set_status(self, agent_id: str, status: AgentState, kind: str = "agent.status") -> None:
        """Record the agent's status; `kind` names why (connected/disconnected events are always recorded)."""
        with self.journal.transaction() as tx:
            agent = tx.session.get(models.Agent, agent_id)
            if agent is not None and (agent.status != status.value or kind != "agent.status"):
                agent.status = status.value
                tx.emit(kind, agent_id=agent_id, status=status.value)
        self.metrics.agents_connected.set(len(self.hub.connected()))

    def connected(self, agent_id: str) -> None:
        self.set_status(agent_id, AgentState.ONLINE, "agent.connected")

    def disconnected(self, agent_id: str) -> None:
        self.set_status(agent_id, AgentState.OFFLINE, "agent.disconnected")

    def _derived_status(self, agent: models.Agent, running: int, now: datetime) -> AgentState:
        fresh = agent.last_heartbeat_at is not None and now - agent.last_heartbeat_at < timedelta(
            seconds=self.heartbeat_timeout
        )
        if agent.status == AgentState.OFFLINE.value and self.hub.get(agent.id) is None or not fresh:
            return AgentState.OFFLINE
        if running >= agent.capacity:
            return AgentState.BUSY
        return AgentState.IDLE if running == 0 else AgentState.ONLINE

    def list(self) -> list[AgentView]:
        now = datetime.now(UTC)
        J = models.JobRun
        with self.journal.db.session() as session:
            agents = session.scalars(select(models.Agent).order_by(models.Agent.name)).all()
            running = dict(
                session.execute(
                    select(J.agent_id, func.count())
                    .where(J.status.in_(ACTIVE_JOB), J.agent_id.is_not(None))
                    .group_by(J.agent_id)
                ).all()
            )
        return [
            AgentView(a, self._derived_status(a, running.get(a.id, 0), now), running.get(a.id, 0))
            for a in agents
        ]

    def get(self, ref: str) -> AgentView:
        with self.journal.db.session() as session:
            agent = session.scalars(
                select(models.Agent).where(or_(models.Agent.id == ref, models.Agent.name == ref))
            ).first()
        if agent is None:
            raise NotFound(f"agent '{ref}' not found")
        return next(view for view in self.list() if view.row.id == agent.id)
