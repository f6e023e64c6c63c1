"""Reliable status reports: queued, delivered in order, retried with backoff while the kernel is away.

A job counts as finished on the agent once its final report is queued here; delivery happens in the
background.
Reports are delivered strictly in the order they were queued (so in order per job). A report the kernel
refuses for good (`PeerRejected`) is dropped with a warning, so one bad report cannot block the rest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from agent.backoff import Backoff
from agent.errors import PeerError, PeerRejected, Unauthenticated
from agent.peer import JobReport, Peer, Report
from agent.registration import Renewer, recover_unauthenticated

__all__ = [
    "ReportQueue",
]

log = logging.getLogger("arcade.agent")


class ReportQueue:
    """A FIFO of step and job reports with one delivery thread."""

    def __init__(self, peer: Peer, *, renewer: Renewer | None = None, backoff: Backoff | None = None) -> None:
        self._peer = peer
        self._renewer = renewer
        self._backoff = backoff or Backoff(0.1, 3.0)
        self._queue: deque[Report] = deque()
        self._cond = threading.Condition()
        self._stop_at: float | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the delivery thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._deliver_loop, name="arcade-agent-reports", daemon=True
            )
            self._thread.start()

    def put(self, report: Report) -> None:
        """Queue a report for delivery; never blocks on the network."""
        with self._cond:
            self._queue.append(report)
            self._cond.notify_all()

    def pending(self) -> int:
        """Reports not yet delivered (including the one in flight)."""
        with self._cond:
            return len(self._queue)

    def flush(self, timeout: float) -> bool:
        """Wait until every queued report was delivered (or dropped); False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue, timeout)

    def stop(self, timeout: float) -> bool:
        """Deliver what is queued for at most `timeout` seconds, then stop; True if nothing was left."""
        with self._cond:
            self._stop_at = time.monotonic() + timeout
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout + 1.0)
        with self._cond:
            left = len(self._queue)
        if left:
            log.warning("%d status report(s) could not be delivered before shutdown", left)
        return left == 0

    def _next(self) -> Report | None:
        with self._cond:
            while True:
                if self._stop_at is not None and (not self._queue or time.monotonic() >= self._stop_at):
                    return None
                if self._queue:
                    return self._queue[0]
                self._cond.wait()

    def _pause(self, delay: float) -> None:
        with self._cond:
            if self._stop_at is not None:
                delay = min(delay, max(0.0, self._stop_at - time.monotonic()))
            self._cond.wait(delay)

    def _deliver_loop(self) -> None:
        while (report := self._next()) is not None:
            generation = self._renewer.generation if self._renewer else 0
            try:
                if isinstance(report, JobReport):
                    self._peer.report_job(report)
                else:
                    self._peer.report_step(report)
            except PeerRejected as error:
                log.warning("the kernel refused %s; dropping it: %s", _describe(report), error)
            except Unauthenticated:
                if not recover_unauthenticated(self._renewer, generation):
                    self._pause(self._backoff.next_delay())
                continue
            except PeerError as error:
                delay = self._backoff.next_delay()
                log.info("cannot deliver %s (%s); retrying in %.1fs", _describe(report), error, delay)
                self._pause(delay)
                continue
            except Exception:
                log.exception("unexpected error delivering %s; dropping it", _describe(report))
            self._backoff.reset()
            with self._cond:
                self._queue.popleft()
                self._cond.notify_all()


def _describe(report: Report) -> str:
    if isinstance(report, JobReport):
        return f"job {report.job_run_id} {report.status}"
    return f"step {report.step_run_id} {report.status}"
