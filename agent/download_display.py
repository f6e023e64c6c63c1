"""What `arcade agent` shows of plugin downloads on stderr: a `rich` progress bar per download when stderr is
a terminal, otherwise one log line per finished download (log files and journald get no bar redraws)."""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from agent.plugins.progress import DownloadProgress

__all__ = ["DownloadDisplay"]

log = logging.getLogger("arcade.agent")


class DownloadDisplay:
    """A `ProgressListener` (`PluginSteps.on_download`): bars on a terminal, log lines elsewhere.

    The bars are shown while at least one download is under way and taken down after the last one ends."""

    def __init__(self, stream: TextIO | None = None, *, terminal: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, update: DownloadProgress) -> None:
        if not self.terminal:
            if update.finished:
                self._log_finished(update)
            return
        with self._lock:
            self._show(update)

    def _show(self, update: DownloadProgress) -> None:
        if self._progress is None:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream, force_terminal=True),
                transient=False,
            )
            self._progress.start()
        task = self._tasks.get(update.sha256)
        if task is None:
            task = self._progress.add_task(update.plugin, total=update.total)
            self._tasks[update.sha256] = task
        description = update.plugin if update.error is None else f"{update.plugin} [red]failed"
        self._progress.update(task, completed=update.done, description=description)
        if update.finished:
            del self._tasks[update.sha256]
            if not self._tasks:
                self._progress.stop()
                self._progress = None
            if update.error is not None:
                self._log_finished(update)

    @staticmethod
    def _log_finished(update: DownloadProgress) -> None:
        if update.error is not None:
            log.warning(
                "download of plugin %s (sha256 %s) failed: %s",
                update.plugin,
                update.sha256[:12],
                update.error,
            )
            return
        log.info(
            "downloaded plugin %s: %d bytes in %.2fs (sha256 %s)",
            update.plugin,
            update.total,
            update.seconds,
            update.sha256[:12],
        )
