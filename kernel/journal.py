"""Transactions that record events: rows are stored with the change, published only after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from kernel.events import EventBus
from kernel.store import Database, models


def event_topics(event: models.Event) -> list[str]:
    topics = ["events"]
    for prefix, value in (("run", event.run_id), ("job", event.job_run_id), ("step", event.step_run_id)):
        if value:
            topics.append(f"{prefix}:{value}")
    if event.agent_id:
        topics += [f"agent:{event.agent_id}", "agents"]
    return topics


class Tx:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events: list[models.Event] = []
        self.after_commit: list[tuple[str, Any]] = []
        self.callbacks: list[Callable[[], None]] = []

    def emit(
        self,
        kind: str,
        *,
        status: str = "",
        message: str = "",
        payload: dict[str, Any] | None = None,
        run_id: str | None = None,
        job_run_id: str | None = None,
        step_run_id: str | None = None,
        agent_id: str | None = None,
    ) -> None:
        event = models.Event(
            kind=kind,
            run_id=run_id,
            job_run_id=job_run_id,
            step_run_id=step_run_id,
            agent_id=agent_id,
            status=status,
            message=message,
            payload=payload or {},
            created_at=datetime.now(UTC),
        )
        self.session.add(event)
        self.events.append(event)

    def call_after_commit(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    def publish(self, topic: str, item: Any) -> None:
        """Publish `item` on `topic` once the transaction has committed."""
        self.after_commit.append((topic, item))


class Journal:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        # Called last inside every transaction, once its events have ids (kernel.crosskernel tells the other
        # kernels sharing the database about them).
        self.before_commit: Callable[[Tx], None] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.db.session() as session:
            tx = Tx(session)
            with session.begin():
                yield tx
                if tx.events:
                    session.flush()
                if self.before_commit is not None:
                    self.before_commit(tx)
            for event in tx.events:
                for topic in event_topics(event):
                    self.bus.publish(topic, event)
            for topic, item in tx.after_commit:
                self.bus.publish(topic, item)
            for callback in tx.callbacks:
                callback()
