"""Log shipping: step output lines, numbered per step run, streamed to the kernel with `PushLogs`.

Writers (the pipe readers of running steps) append lines to a per-step buffer. One shipper thread keeps a
`PushLogs` call open for up to `call_window` seconds and feeds it batches as soon as lines arrive (so
followers see output live), then ends the call to collect the acks and drops the acknowledged lines.
Anything not acknowledged, for whatever reason, is sent again on the next call; the kernel ignores sequence
numbers it already has.

Each call has a generation number: when a call ends, the generation moves on and a request iterator that grpc
is still holding can no longer take lines, so the next call starts from the first unacknowledged line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat

from agent.backoff import Backoff
from agent.errors import PeerError, PeerRejected, Unauthenticated
from agent.peer import LogBatch, LogLine, LogStream, Peer
from agent.registration import Renewer, recover_unauthenticated

__all__ = [
    "LogShipper",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_LINES",
    "StepLog",
    "now_ms",
]

log = logging.getLogger("arcade.agent")

MAX_BATCH_LINES = 5000
MAX_BATCH_BYTES = 256 * 1024
LINE_OVERHEAD_BYTES = 16
MAX_STALLS = 5
"""Calls in a row in which the kernel refused a step's lines before they are dropped."""


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(eq=False)
class _Buffer:
    step_run_id: str
    lines: list[LogLine] = field(default_factory=list)
    sent: int = 0
    """How many of `lines` the current call has taken."""
    next_seq: int = 1
    closed: bool = False
    stalls: int = 0


class StepLog:
    """The log of one step run: numbers lines densely from 1 across all streams, in the order written."""

    def __init__(self, shipper: LogShipper, buffer: _Buffer) -> None:
        self._shipper = shipper
        self._buffer = buffer

    @property
    def step_run_id(self) -> str:
        return self._buffer.step_run_id

    @property
    def line_count(self) -> int:
        """Lines numbered so far."""
        return self._buffer.next_seq - 1

    def write(self, stream: LogStream, texts: Sequence[str], time_unix_ms: int | None = None) -> None:
        """Append lines (without their newlines); may wait while too much is buffered for the kernel."""
        if texts:
            self._shipper._append(
                self._buffer, stream, texts, now_ms() if time_unix_ms is None else time_unix_ms
            )

    def system(self, text: str) -> None:
        """Append a line the agent writes itself; never waits."""
        self._shipper._append(self._buffer, LogStream.SYSTEM, [text], now_ms(), wait=False)

    def close(self) -> int:
        """No more lines for this step; returns the number of lines it has."""
        return self._shipper._close(self._buffer)


class LogShipper:
    """Buffers lines of all steps and ships them with one background thread."""

    def __init__(
        self,
        peer: Peer,
        *,
        renewer: Renewer | None = None,
        call_window: float = 1.0,
        max_buffered_lines: int = 2_000_000,
        backoff: Backoff | None = None,
    ) -> None:
        self._peer = peer
        self._renewer = renewer
        self._call_window = call_window
        self._max_buffered = max_buffered_lines
        self._backoff = backoff or Backoff(0.1, 3.0)
        self._cond = threading.Condition()
        self._buffers: dict[str, _Buffer] = {}
        self._buffered = 0
        self._unsent = 0
        self._generation = 0
        self._flushing = 0
        self._stop_at: float | None = None
        self._thread: threading.Thread | None = None

    # -- writers

    def open_step(self, step_run_id: str) -> StepLog:
        """Start the log of a step run (numbering starts at 1)."""
        with self._cond:
            buffer = self._buffers.get(step_run_id)
            if buffer is None or buffer.closed:
                if buffer is not None:
                    log.warning("step run %s was opened twice; numbering starts again", step_run_id)
                    self._forget(buffer)
                buffer = _Buffer(step_run_id)
                self._buffers[step_run_id] = buffer
            return StepLog(self, buffer)

    def _append(
        self, buffer: _Buffer, stream: LogStream, texts: Sequence[str], time_ms: int, wait: bool = True
    ) -> None:
        with self._cond:
            if wait:
                while self._buffered >= self._max_buffered and not buffer.closed and self._stop_at is None:
                    self._cond.wait()
            if buffer.closed:
                return
            seq = buffer.next_seq
            count = len(texts)
            buffer.lines.extend(
                map(LogLine, range(seq, seq + count), repeat(stream, count), texts, repeat(time_ms))
            )
            buffer.next_seq = seq + count
            self._buffered += count
            self._unsent += count
            self._cond.notify_all()

    def _close(self, buffer: _Buffer) -> int:
        with self._cond:
            buffer.closed = True
            if not buffer.lines and self._buffers.get(buffer.step_run_id) is buffer:
                del self._buffers[buffer.step_run_id]
            self._cond.notify_all()
            return buffer.next_seq - 1

    def _forget(self, buffer: _Buffer) -> None:
        self._buffered -= len(buffer.lines)
        self._unsent -= len(buffer.lines) - buffer.sent
        buffer.lines.clear()
        buffer.sent = 0
        self._buffers.pop(buffer.step_run_id, None)

    # -- lifecycle

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._ship_loop, name="arcade-agent-logs", daemon=True)
            self._thread.start()

    def buffered(self) -> int:
        """Lines not yet acknowledged by the kernel."""
        with self._cond:
            return self._buffered

    def flush(self, timeout: float) -> bool:
        """Wait until every line written so far was acknowledged; False if `timeout` passed first."""
        with self._cond:
            self._flushing += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: self._buffered == 0, timeout)
            finally:
                self._flushing -= 1

    def stop(self, timeout: float) -> bool:
        """Ship what is buffered for at most `timeout` seconds, then stop; True if nothing was left behind."""
        with self._cond:
            self._stop_at = time.monotonic() + timeout
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout + 1.0)
        with self._cond:
            left = self._buffered
        if left:
            log.warning("%d log line(s) could not be shipped before shutdown", left)
        return left == 0

    # -- the shipper thread

    def _stopping(self) -> bool:
        return self._stop_at is not None and (self._buffered == 0 or time.monotonic() >= self._stop_at)

    def _ship_loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._unsent > 0 or self._stopping())
                if self._stopping():
                    return
                generation = self._generation
            renew_generation = self._renewer.generation if self._renewer else 0
            try:
                acks = self._peer.push_logs(self._batches(generation))
            except Unauthenticated:
                self._end_call(generation, None)
                if not recover_unauthenticated(self._renewer, renew_generation):
                    self._pause(self._backoff.next_delay())
            except PeerRejected as error:
                log.warning("the kernel refused log lines: %s", error)
                self._end_call(generation, None, refused=True)
                self._pause(self._backoff.next_delay())
            except PeerError as error:
                self._end_call(generation, None)
                delay = self._backoff.next_delay()
                log.info("cannot ship logs (%s); retrying in %.1fs", error, delay)
                self._pause(delay)
            except Exception:
                log.exception("unexpected error while shipping logs")
                self._end_call(generation, None)
                self._pause(self._backoff.next_delay())
            else:
                self._backoff.reset()
                self._end_call(generation, acks)

    def _pause(self, delay: float) -> None:
        with self._cond:
            if self._stop_at is not None:
                delay = min(delay, max(0.0, self._stop_at - time.monotonic()))
            self._cond.wait(delay)

    def _batches(self, generation: int) -> Iterator[LogBatch]:
        """The request stream of one call: batches as lines arrive, until the call window closes."""
        deadline = time.monotonic() + self._call_window
        while True:
            with self._cond:
                while True:
                    if self._generation != generation:
                        return
                    batch = self._take()
                    if batch is not None:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self._flushing or self._stop_at is not None:
                        return  # nothing to send right now: end the call and collect the acks
                    self._cond.wait(remaining)
            yield batch
            if time.monotonic() >= deadline:
                return

    def _take(self) -> LogBatch | None:
        """The next batch of unsent lines, one step at a time in turn."""
        for buffer in self._buffers.values():
            if buffer.sent < len(buffer.lines):
                break
        else:
            return None
        # Rotate: the next batch comes from another step if one has unsent lines too.
        step_run_id = buffer.step_run_id
        del self._buffers[step_run_id]
        self._buffers[step_run_id] = buffer
        start = buffer.sent
        end = min(len(buffer.lines), start + MAX_BATCH_LINES)
        size = 0
        lines = buffer.lines
        for index in range(start, end):
            size += len(lines[index].text) + LINE_OVERHEAD_BYTES
            if size > MAX_BATCH_BYTES and index > start:
                end = index
                break
        buffer.sent = end
        self._unsent -= end - start
        return LogBatch(step_run_id, lines[start:end])

    def _end_call(self, generation: int, acks: dict[str, int] | None, refused: bool = False) -> None:
        """Drop what the kernel acknowledged (`acks` is None when the call failed); the rest is sent again."""
        with self._cond:
            if self._generation != generation:
                return
            self._generation += 1
            for buffer in list(self._buffers.values()):
                sent = buffer.sent
                dropped = 0
                ack = acks.get(buffer.step_run_id) if acks is not None else None
                if ack is not None and buffer.lines:
                    dropped = max(0, min(len(buffer.lines), ack - buffer.lines[0].seq + 1))
                    del buffer.lines[:dropped]
                    self._buffered -= dropped
                if dropped:
                    buffer.stalls = 0
                elif sent and (refused or acks is not None):
                    buffer.stalls += 1
                buffer.sent = 0
                if buffer.stalls >= MAX_STALLS:
                    log.warning(
                        "the kernel did not take %d log line(s) of step run %s in %d attempts; dropping them",
                        len(buffer.lines),
                        buffer.step_run_id,
                        buffer.stalls,
                    )
                    self._buffered -= len(buffer.lines)
                    buffer.lines.clear()
                if buffer.closed and not buffer.lines:
                    del self._buffers[buffer.step_run_id]
            self._unsent = self._buffered
            self._cond.notify_all()
