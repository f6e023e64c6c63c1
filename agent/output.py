"""Turning the bytes a step writes to a pipe into log lines.

A pipe reader hands over whatever one read returned; complete lines go out at once, in bulk, the unfinished
tail waits for the rest. Text is UTF-8 decoded with errors="replace"; a last line without a newline still
counts; a line longer than `max_line_bytes` is split into pieces of at most that size, never inside a UTF-8
character.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.peer import LogStream

__all__ = [
    "LineSink",
    "LineSplitter",
    "MAX_LINE_BYTES",
]

MAX_LINE_BYTES = 64 * 1024

LineSink = Callable[[LogStream, list[str]], None]


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _char_boundary(data: bytes, limit: int) -> int:
    """Where to cut `data` (longer than `limit`) so the first piece is <= limit and no character is split."""
    cut = limit
    while cut > limit - 3 and (data[cut] & 0xC0) == 0x80:
        cut -= 1
    return limit if (data[cut] & 0xC0) == 0x80 else cut


class LineSplitter:
    """Collects one stream's chunks and emits its lines to `sink`."""

    def __init__(self, stream: LogStream, sink: LineSink, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        if max_line_bytes < 4:
            raise ValueError("max_line_bytes must be at least 4")
        self.stream = stream
        self._sink = sink
        self._limit = max_line_bytes
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk read from the pipe; an empty chunk means end of file."""
        if not chunk:
            self._finish()
            return
        data = self._tail + chunk if self._tail else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._tail = self._emit_long_tail(data)
            return
        complete, tail = data[:cut], data[cut + 1 :]
        if len(complete) <= self._limit:
            lines = _decode(complete).split("\n")
        else:
            lines = []
            for raw in complete.split(b"\n"):
                lines.extend(self._pieces(raw))
        self._sink(self.stream, lines)
        self._tail = self._emit_long_tail(tail)

    def _finish(self) -> None:
        if self._tail:
            tail, self._tail = self._tail, b""
            self._sink(self.stream, self._pieces(tail))

    def _pieces(self, raw: bytes) -> list[str]:
        """One line as one or more pieces of at most `max_line_bytes` bytes."""
        if len(raw) <= self._limit:
            return [_decode(raw)]
        pieces = []
        while len(raw) > self._limit:
            cut = _char_boundary(raw, self._limit)
            pieces.append(_decode(raw[:cut]))
            raw = raw[cut:]
        pieces.append(_decode(raw))
        return pieces

    def _emit_long_tail(self, tail: bytes) -> bytes:
        """Emit full-size pieces of an unfinished line that is already too long; keep the rest."""
        if len(tail) <= self._limit:
            return tail
        pieces = []
        while len(tail) > self._limit:
            cut = _char_boundary(tail, self._limit)
            pieces.append(_decode(tail[:cut]))
            tail = tail[cut:]
        self._sink(self.stream, pieces)
        return tail
