"""Live agent connections: where the scheduler's dispatches and cancels are delivered."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from kernel.status import Status


@dataclass(frozen=True)
class Dispatch:
    job_run_id: str


@dataclass(frozen=True)
class Cancel:
    job_run_id: str
    status: Status
    reason: str


@dataclass(frozen=True)
class Evict:
    """Plugin packages the kernel uninstalled: agents drop them from their caches."""

    digests: tuple[str, ...]
    reason: str


Message = Dispatch | Cancel | Evict


@dataclass(eq=False)
class AgentConnection:
    agent_id: str
    # A FetchJobRun long-poll rather than a Connect stream: it takes one dispatch and leaves.
    polling: bool = False
    queue: asyncio.Queue[Message | None] = field(default_factory=asyncio.Queue)

    def send(self, message: Message) -> None:
        self.queue.put_nowait(message)

    def close(self) -> None:
        self.queue.put_nowait(None)


class AgentHub:
    def __init__(self) -> None:
        self._connections: dict[str, AgentConnection] = {}

    def attach(self, agent_id: str, polling: bool = False) -> AgentConnection:
        """A new connection for the agent; an older one of the same agent is closed."""
        previous = self._connections.get(agent_id)
        if previous is not None:
            previous.close()
        connection = AgentConnection(agent_id, polling)
        self._connections[agent_id] = connection
        return connection

    def detach(self, connection: AgentConnection) -> bool:
        """Forget `connection`; True if it was the agent's current one."""
        if self._connections.get(connection.agent_id) is connection:
            del self._connections[connection.agent_id]
            return True
        return False

    def get(self, agent_id: str) -> AgentConnection | None:
        return self._connections.get(agent_id)

    def broadcast(self, message: Message) -> None:
        """Send `message` to every agent on a Connect stream (long-polls take only dispatches)."""
        for connection in self._connections.values():
            if not connection.polling:
                connection.send(message)

    def connected(self) -> list[str]:
        return list(self._connections)

    def close_all(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()
