"""Length-prefixed JSON messages over a pipe between the runner and its worker processes."""

from __future__ import annotations

import json
import os
import struct
from typing import Any

from agent.sandbox.errors import WorkerError

__all__ = ["read_message", "write_message"]

HEADER = struct.Struct(">I")
MAX_MESSAGE = 64 * 1024 * 1024


def write_message(fd: int, message: dict[str, Any]) -> None:
    body = json.dumps(message, separators=(",", ":")).encode()
    data = HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(fd, data) :]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = os.read(fd, size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def read_message(fd: int) -> dict[str, Any] | None:
    """The next message, or None at end of stream (the other side exited)."""
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise WorkerError(f"worker message of {size} bytes exceeds the protocol limit")
    body = _read_exactly(fd, size)
    if body is None:
        return None
    message = json.loads(body)
    if not isinstance(message, dict):
        raise WorkerError("worker message is not a JSON object")
    return message
