"""The log lines of one call: the guest's output streams cut into lines, within a byte cap per stream and a
line cap per call. Runs in the worker; every line goes to the runner as one step log line."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from agent.sandbox.policy import format_bytes

__all__ = ["LOG_LINE_MAX", "StepLog", "StreamLines"]

LOG_LINE_MAX = 64 * 1024  # bytes; a longer line is cut into several
TAIL_LINES = 5  # kept to explain a failure (a libc error message, a traceback's last line)


class StepLog:
    """Where one call's lines go. `exceeded` names the first cap that was hit; nothing is logged after it."""

    def __init__(self, on_log: Callable[[str], None], max_lines: int) -> None:
        self._on_log = on_log
        self._max_lines = max_lines
        self.lines = 0
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.exceeded: str | None = None

    def emit(self, line: str) -> bool:
        """Log one line; False once a cap is exceeded (the caller should stop the guest)."""
        if self.exceeded is not None:
            return False
        if self.lines >= self._max_lines:
            self.exceeded = f"log exceeded {self._max_lines:,} lines"
            return False
        self.lines += 1
        self.tail.append(line)
        self._on_log(line)
        return True


class StreamLines:
    """One output stream (`name`: "stderr", "stdout", "log") cut into lines for `log`, at most `limit` bytes.
    `on_exceeded` is called once when a cap is hit, to stop the guest at its next check."""

    def __init__(self, name: str, limit: int, log: StepLog, on_exceeded: Callable[[], None]) -> None:
        self._name = name
        self._limit = limit
        self._log = log
        self._on_exceeded = on_exceeded
        self._bytes = 0
        self._pending = bytearray()

    def write(self, data: bytes) -> None:
        """Take a chunk of output (returns None: wasmtime reads a returned number as the bytes written)."""
        if self._log.exceeded is not None:
            return
        self._bytes += len(data)
        if self._bytes > self._limit:
            self._log.exceeded = f"{self._name} exceeded {format_bytes(self._limit)}"
            self._on_exceeded()
            return
        self._pending += data
        while True:
            cut = self._pending.find(b"\n")
            if cut >= 0:
                line = self._pending[:cut].decode("utf-8", "replace").rstrip("\r")
                del self._pending[: cut + 1]
            elif len(self._pending) > LOG_LINE_MAX:
                line = self._pending[:LOG_LINE_MAX].decode("utf-8", "replace")
                del self._pending[:LOG_LINE_MAX]
            else:
                return
            if not self._log.emit(line):
                self._on_exceeded()
                return

    def flush(self) -> None:
        """Log what is left after the last newline (the guest's output ended without one)."""
        if self._pending and self._log.exceeded is None:
            self._log.emit(self._pending.decode("utf-8", "replace"))
        self._pending.clear()
