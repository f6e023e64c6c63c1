"""Several kernels on one PostgreSQL database: each learns what the others commit, through LISTEN/NOTIFY.

Sending: a transaction that stored events or log lines also sends notifications on the database's channel,
inside the transaction, so only a commit delivers them. A payload holds ids only (PostgreSQL allows 8000
bytes): the sending kernel's instance id, event ids and, per step, the range of log lines stored. A large
transaction sends several.

Receiving: a dedicated autocommit connection on a thread LISTENs (and reconnects when it drops) and hands
the payloads to the event loop, where the kernel reads the rows from the store and
- publishes the events and log batches on its own EventBus: followers of events, logs and run status on
  this kernel see work done through another;
- tells its engine which runs changed, so it drops what it cached about them, plans them and hands their
  queued jobs to the agents connected here;
- sends `Cancel` to an agent connected here when another kernel decided to stop its job (`job.stopping`).

A kernel ignores its own notifications. Notifications sent while its listener was reconnecting are lost:
it then replays the events stored after the last one it saw and plans every active run again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import select, text

from agent.backoff import Backoff
from kernel.engine import RunEngine
from kernel.hub import AgentHub, Cancel
from kernel.journal import Journal, Tx, event_topics
from kernel.logstore import Batch, LogStore
from kernel.status import RunStatus, Status
from kernel.store import Database, models

log = logging.getLogger("arcade.kernel.crosskernel")

# PostgreSQL refuses payloads of 8000 bytes or more; stay well below.
MAX_PAYLOAD_BYTES = 7800
# How long the listener waits for notifications before it looks whether it should stop.
POLL_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 5.0
LISTENING_TIMEOUT_SECONDS = 10.0
REPLAY_LIMIT = 10_000
# Events after which another kernel may have something to plan or dispatch for the run.
PLANNING_KINDS = frozenset({"job.status", "job.requeued", "job.stopping"})
PLANNING_PREFIXES = ("run.", "stage.")


def channel_name(schema: str) -> str:
    """The channel of one Arcade installation: NOTIFY is database-wide, tables are per schema."""
    return "arcade_" + hashlib.sha256(schema.encode()).hexdigest()[:24]


# ---------------------------------------------------------------------- payloads


@dataclass(frozen=True)
class LogRange:
    """Lines `first`..`last` of a step were stored."""

    step_run_id: str
    run_id: str
    first: int
    last: int


@dataclass
class Notice:
    """One notification: what a transaction of kernel `instance` stored."""

    instance: str
    event_ids: list[int] = field(default_factory=list)
    logs: list[LogRange] = field(default_factory=list)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def encode(notice: Notice, limit: int = MAX_PAYLOAD_BYTES) -> list[str]:
    """The notice as payloads of at most `limit` bytes each (ids only; ASCII, so bytes are characters)."""
    payloads: list[str] = []
    base = len(_dump({"k": notice.instance, "e": [], "l": []}))
    events: list[int] = []
    logs: list[list[Any]] = []
    size = base

    def flush() -> None:
        nonlocal events, logs, size
        if events or logs:
            payloads.append(_dump({"k": notice.instance, "e": events, "l": logs}))
        events, logs, size = [], [], base

    # Each item is costed with a separating comma, so a payload never exceeds the limit.
    for event_id in notice.event_ids:
        cost = len(str(event_id)) + 1
        if size + cost > limit:
            flush()
        events.append(event_id)
        size += cost
    for item in notice.logs:
        entry = [item.step_run_id, item.run_id, item.first, item.last]
        cost = len(_dump(entry)) + 1
        if size + cost > limit:
            flush()
        logs.append(entry)
        size += cost
    flush()
    return payloads


def decode(payload: str) -> Notice | None:
    """The notice in a payload, or None when it is not one of ours."""
    try:
        data = json.loads(payload)
        return Notice(
            instance=str(data["k"]),
            event_ids=[int(i) for i in data["e"]],
            logs=[LogRange(str(s), str(r), int(f), int(la)) for s, r, f, la in data["l"]],
        )
    except (ValueError, KeyError, TypeError):
        return None


def notice_of(instance: str, tx: Tx) -> Notice:
    """What the transaction stored that other kernels should hear about."""
    logs = [
        LogRange(item.step_run_id, topic.removeprefix("runlog:"), item.lines[0].seq, item.lines[-1].seq)
        for topic, item in tx.after_commit
        if topic.startswith("runlog:") and isinstance(item, Batch) and item.lines
    ]
    return Notice(instance, [event.id for event in tx.events], logs)


# ---------------------------------------------------------------------- the listener thread


class Listener(threading.Thread):
    """LISTENs on a dedicated autocommit connection; reconnects with a growing delay when it drops."""

    def __init__(
        self,
        connect_kwargs: dict[str, Any],
        channel: str,
        on_payload: Callable[[str], None],
        on_listening: Callable[[], None],
        on_lost: Callable[[], None],
        application_name: str,
    ) -> None:
        super().__init__(name="arcade-listener", daemon=True)
        self._connect_kwargs = {**connect_kwargs, "application_name": application_name}
        self._channel = channel
        self._on_payload = on_payload
        self._on_listening = on_listening
        self._on_lost = on_lost
        self._stop_requested = threading.Event()

    def stop(self) -> None:
        self._stop_requested.set()

    def run(self) -> None:
        backoff = Backoff(initial=0.1, maximum=RECONNECT_MAX_SECONDS)
        delay = backoff.next_delay()
        while not self._stop_requested.is_set():
            try:
                with psycopg.connect(autocommit=True, **self._connect_kwargs) as connection:
                    connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    self._on_listening()
                    backoff.reset()
                    delay = backoff.next_delay()
                    while not self._stop_requested.is_set():
                        for notify in connection.notifies(timeout=POLL_SECONDS):
                            self._on_payload(notify.payload)
            except psycopg.Error as error:
                if self._stop_requested.is_set():
                    return
                log.warning("lost the notification connection (%s); reconnecting in %.1fs", error, delay)
                self._on_lost()
            self._stop_requested.wait(delay)
            delay = backoff.next_delay()


# ---------------------------------------------------------------------- the kernel side


class CrossKernel:
    """Keeps one kernel in step with the others on its PostgreSQL database (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        journal: Journal,
        logs: LogStore,
        engine: RunEngine,
        hub: AgentHub,
        on_pipeline_change: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.journal = journal
        self.logs = logs
        self.engine = engine
        self.hub = hub
        self.on_pipeline_change = on_pipeline_change
        self.instance = uuid.uuid4().hex[:16]
        self.channel = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Listener | None = None
        self._listening = asyncio.Event()
        self._inbox: list[str] = []
        self._last_event_id = 0
        self._replay_after: int | None = None

    @property
    def application_name(self) -> str:
        """How the listener's connection shows in pg_stat_activity: the channel's hash, then the instance."""
        return f"{self._kernels_prefix}{self.instance}"

    @property
    def _kernels_prefix(self) -> str:
        return f"arcade-{self.channel.removeprefix('arcade_')}-"

    def others_alive(self) -> bool:
        """Whether another kernel listens on this installation's channel (so it serves agents)."""
        with self.db.session() as session:
            found = session.execute(
                text(
                    "SELECT 1 FROM pg_stat_activity WHERE starts_with(application_name, :prefix)"
                    " AND application_name <> :mine LIMIT 1"
                ),
                {"prefix": self._kernels_prefix, "mine": self.application_name},
            ).first()
        return found is not None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        with self.db.session() as session:
            schema = session.execute(text("SELECT current_schema()")).scalar_one()
            self._last_event_id = (
                session.scalar(select(models.Event.id).order_by(models.Event.id.desc())) or 0
            )
        self.channel = channel_name(schema)
        self.journal.before_commit = self.send
        _, connect_kwargs = self.db.engine.dialect.create_connect_args(self.db.engine.url)
        self._listener = Listener(
            connect_kwargs,
            self.channel,
            on_payload=lambda payload: self._from_thread(self._received, payload),
            on_listening=lambda: self._from_thread(self._resumed),
            on_lost=lambda: self._from_thread(self._lost),
            application_name=self.application_name,
        )
        self._listener.start()
        try:
            await asyncio.wait_for(self._listening.wait(), LISTENING_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("not listening for other kernels yet; going on, the listener keeps trying")

    async def stop(self) -> None:
        if self.journal.before_commit == self.send:
            self.journal.before_commit = None
        if self._listener is not None:
            self._listener.stop()
            await asyncio.get_running_loop().run_in_executor(None, self._listener.join, 5.0)
            self._listener = None

    def _from_thread(self, callback: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(callback, *args)
            except RuntimeError:  # the loop closed meanwhile: the kernel is stopping
                pass

    # ------------------------------------------------------------------ sending

    def send(self, tx: Tx) -> None:
        """Journal hook, inside the transaction: notify what it stored (delivered only if it commits)."""
        if not tx.events and not tx.after_commit:
            return
        notice = notice_of(self.instance, tx)
        if notice.event_ids:
            self._last_event_id = max(self._last_event_id, max(notice.event_ids))
        for payload in encode(notice):
            tx.session.execute(
                text("SELECT pg_notify(:channel, :payload)"), {"channel": self.channel, "payload": payload}
            )

    # ------------------------------------------------------------------ receiving (on the event loop)

    def _received(self, payload: str) -> None:
        self._inbox.append(payload)
        if len(self._inbox) == 1:
            # Payloads that arrive together are applied together (one read of their events).
            asyncio.get_running_loop().call_soon(self._apply_inbox)

    def _apply_inbox(self) -> None:
        payloads, self._inbox = self._inbox, []
        notices = [n for n in map(decode, payloads) if n is not None and n.instance != self.instance]
        if not notices:
            return
        try:
            self.apply(notices)
        except Exception:  # a store hiccup must not kill the loop; the engine replans on its own ticks
            log.exception("applying notifications from other kernels failed")

    def apply(self, notices: Sequence[Notice]) -> None:
        """Publish, plan and deliver what other kernels stored, in the order they committed it."""
        event_ids = [event_id for notice in notices for event_id in notice.event_ids]
        events = self._read_events(models.Event.id.in_(event_ids)) if event_ids else {}
        for notice in notices:
            self._publish_events(events[i] for i in notice.event_ids if i in events)
            for item in notice.logs:
                lines = [
                    line for line in self.logs.read(item.step_run_id, item.first) if line.seq <= item.last
                ]
                if lines:
                    batch = Batch(item.step_run_id, lines)
                    self.journal.bus.publish(f"log:{item.step_run_id}", batch)
                    self.journal.bus.publish(f"runlog:{item.run_id}", batch)

    def _read_events(self, condition: Any, limit: int | None = None) -> dict[int, models.Event]:
        with self.db.session() as session:
            query = select(models.Event).where(condition).order_by(models.Event.id).limit(limit)
            return {event.id: event for event in session.scalars(query)}

    def _publish_events(self, events: Iterable[models.Event]) -> None:
        for event in events:
            self._last_event_id = max(self._last_event_id, event.id)
            for topic in event_topics(event):
                self.journal.bus.publish(topic, event)
            self._act_on(event)

    def _act_on(self, event: models.Event) -> None:
        if event.run_id and (event.kind in PLANNING_KINDS or event.kind.startswith(PLANNING_PREFIXES)):
            final = event.kind == "run.status" and RunStatus(event.status).final
            self.engine.changed_elsewhere(event.run_id, final=final)
        if event.kind == "job.stopping" and event.job_run_id and event.agent_id:
            connection = self.hub.get(event.agent_id)
            if connection is not None:
                connection.send(Cancel(event.job_run_id, Status(event.status), event.message))
        if event.kind.startswith("pipeline.") and self.on_pipeline_change is not None:
            self.on_pipeline_change()  # a cron schedule may have changed

    # ------------------------------------------------------------------ listener state

    def _lost(self) -> None:
        if self._replay_after is None:
            self._replay_after = self._last_event_id

    def _resumed(self) -> None:
        self._listening.set()
        after, self._replay_after = self._replay_after, None
        if after is None:
            return
        # Notifications sent while the listener was away are lost: take the events from the store
        # (a few may be published twice, which followers tolerate) and plan every active run again.
        missed = self._read_events(models.Event.id > after, REPLAY_LIMIT)
        self._publish_events(missed.values())
        with self.db.session() as session:
            active = session.scalars(
                select(models.PipelineRun.id).where(models.PipelineRun.status.in_(("PENDING", "RUNNING")))
            ).all()
        for run_id in active:
            self.engine.changed_elsewhere(run_id)
        log.info("listening for other kernels again; replayed %d events", len(missed))
