"""Agent-side events ("agent.job.accepted", "agent.step.process_started", ...) shipped with `PushEvents`.

Events are numbered per agent process from 1, queued, and sent in batches by one thread; whatever the
kernel has not acknowledged (`last_accepted_seq`) is sent again on the next call.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from agent.backoff import Backoff
from agent.errors import PeerError, PeerRejected, Unauthenticated
from agent.peer import AgentEvent, Peer
from agent.registration import Renewer, recover_unauthenticated

__all__ = [
    "EventShipper",
]

log = logging.getLogger("arcade.agent")

MAX_BATCH = 500
LINGER_SECONDS = 0.1
MAX_PENDING = 10_000


class EventShipper:
    def __init__(self, peer: Peer, *, renewer: Renewer | None = None, backoff: Backoff | None = None) -> None:
        self._peer = peer
        self._renewer = renewer
        self._backoff = backoff or Backoff(0.1, 3.0)
        self._cond = threading.Condition()
        self._pending: deque[AgentEvent] = deque()
        self._next_seq = 1
        self._stop_at: float | None = None
        self._thread: threading.Thread | None = None

    def emit(
        self,
        kind: str,
        *,
        job_run_id: str = "",
        step_run_id: str = "",
        message: str = "",
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue an event; never blocks on the network. Past MAX_PENDING the oldest events are dropped."""
        with self._cond:
            event = AgentEvent(
                seq=self._next_seq,
                kind=kind,
                job_run_id=job_run_id,
                step_run_id=step_run_id,
                message=message,
                payload_json=json.dumps(dict(payload), sort_keys=True) if payload else "",
                time_unix_ms=time.time_ns() // 1_000_000,
            )
            self._next_seq += 1
            self._pending.append(event)
            if len(self._pending) > MAX_PENDING:
                self._pending.popleft()
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._ship_loop, name="arcade-agent-events", daemon=True)
            self._thread.start()

    def flush(self, timeout: float) -> bool:
        """Wait until every event emitted so far was acknowledged; False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending, timeout)

    def stop(self, timeout: float) -> bool:
        """Ship what is pending for at most `timeout` seconds, then stop; True if nothing was left behind."""
        with self._cond:
            self._stop_at = time.monotonic() + timeout
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout + 1.0)
        left = self.pending()
        if left:
            log.warning("%d agent event(s) could not be shipped before shutdown", left)
        return left == 0

    def _stopping(self) -> bool:
        return self._stop_at is not None and (not self._pending or time.monotonic() >= self._stop_at)

    def _batches(self, events: list[AgentEvent]) -> Iterator[list[AgentEvent]]:
        for start in range(0, len(events), MAX_BATCH):
            yield events[start : start + MAX_BATCH]

    def _ship_loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping())
                if self._stopping():
                    return
                # Events are diagnostics, not latency-critical: gather a burst into one call (and one
                # kernel transaction) rather than sending each as it comes.
                self._cond.wait_for(
                    lambda: len(self._pending) >= MAX_BATCH or self._stop_at is not None, LINGER_SECONDS
                )
                events = list(self._pending)
            generation = self._renewer.generation if self._renewer else 0
            try:
                last = self._peer.push_events(self._batches(events))
            except Unauthenticated:
                if not recover_unauthenticated(self._renewer, generation):
                    self._pause(self._backoff.next_delay())
                continue
            except PeerRejected as error:
                log.warning("the kernel refused %d agent event(s); dropping them: %s", len(events), error)
                last = events[-1].seq
            except PeerError as error:
                delay = self._backoff.next_delay()
                log.info("cannot ship agent events (%s); retrying in %.1fs", error, delay)
                self._pause(delay)
                continue
            except Exception:
                log.exception("unexpected error while shipping agent events; dropping them")
                last = events[-1].seq
            self._backoff.reset()
            with self._cond:
                acked = 0
                while self._pending and self._pending[0].seq <= last:
                    self._pending.popleft()
                    acked += 1
                if not acked:
                    # The kernel accepted none of them (e.g. it forgot this agent); do not loop on them.
                    self._pending.clear()
                self._cond.notify_all()

    def _pause(self, delay: float) -> None:
        with self._cond:
            if self._stop_at is not None:
                delay = min(delay, max(0.0, self._stop_at - time.monotonic()))
            self._cond.wait(delay)
