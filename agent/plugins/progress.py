"""Progress of plugin package downloads, for whoever shows it (the `arcade agent` CLI draws bars).

A download reports `DownloadProgress` to every listener: once when it starts (done 0), after every chunk,
and once when it is over (`finished`, with `error` when it failed or the bytes were refused). Listeners run
on the downloading thread and must be quick; one that raises is logged and never breaks the download.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DownloadListeners", "DownloadProgress", "ProgressListener"]

log = logging.getLogger("arcade.agent")


@dataclass(frozen=True)
class DownloadProgress:
    """One update of one download: `done` of `total` bytes of `plugin`'s package `sha256`."""

    plugin: str
    """`ns/name@version`."""
    sha256: str
    done: int
    total: int
    finished: bool = False
    error: str | None = None
    """Set with `finished` when the download failed or its bytes failed verification."""
    seconds: float = 0.0
    """Since the download started."""


ProgressListener = Callable[[DownloadProgress], None]


class DownloadListeners:
    """The listeners of one agent's downloads; `add` and `emit` are thread-safe."""

    def __init__(self) -> None:
        self._listeners: list[ProgressListener] = []
        self._lock = threading.Lock()

    def add(self, listener: ProgressListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def emit(self, update: DownloadProgress) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(update)
            except Exception:
                log.exception("a download progress listener failed; the download goes on")
