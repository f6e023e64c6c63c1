"""`notify/stdout`: one line per notification on the kernel's standard output."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from plugin_sdk import NotifyRequest, NotifyResult, RunSummary, hookimpl

CHANNEL = "notify/stdout"
ACTIONS = ("send",)


def format_line(summary: RunSummary) -> str:
    """`[notify] ci#3 FAILED: job 'test' failed`; the message part is left out when there is none."""
    line = f"[notify] {summary.ref} {summary.status}"
    return f"{line}: {summary.message}" if summary.message else line


class StdoutChannel:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream  # None: whatever sys.stdout is when a notification is sent
        self._lock = threading.Lock()  # deliveries run on worker threads; lines never interleave

    @hookimpl(trylast=True)
    def arcade_notify(self, request: NotifyRequest, summary: RunSummary) -> NotifyResult | None:
        if request.plugin != CHANNEL:
            return None
        if request.action not in ACTIONS:
            return NotifyResult(False, f"{CHANNEL}: unknown action '{request.action}' (expected 'send')")
        stream = self._stream or sys.stdout
        try:
            with self._lock:
                print(format_line(summary), file=stream, flush=True)
        except (OSError, ValueError) as exc:  # a closed or broken stdout
            return NotifyResult(False, f"{CHANNEL}: cannot write to stdout: {exc}")
        return NotifyResult(True)
