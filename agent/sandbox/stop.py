"""`StopSignal`: a one-shot request to stop a sandboxed call, waitable with `select` beside the worker's
pipe, so a cancelled job stops its plugin at once instead of at the plugin's deadline."""

from __future__ import annotations

import os
import threading

__all__ = ["StopSignal"]


class StopSignal:
    """Set once from any thread; `fileno()` becomes readable when set. Close it when the job is over."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self._lock = threading.Lock()
        self._set = False
        self._closed = False

    def set(self) -> None:
        with self._lock:
            if self._set or self._closed:
                return
            self._set = True
            os.write(self._write, b"x")

    def is_set(self) -> bool:
        with self._lock:
            return self._set

    def fileno(self) -> int:
        return self._read

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            os.close(self._read)
            os.close(self._write)
