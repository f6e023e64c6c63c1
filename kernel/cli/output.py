"""Human and JSON output of the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

_STATUS_STYLE = {
    "SUCCESS": "green",
    "FAILED": "red",
    "TIMEOUT": "red",
    "CANCELLED": "yellow",
    "SKIPPED": "dim",
    "RUNNING": "cyan",
    "QUEUED": "blue",
    "PENDING": "dim",
    "IDLE": "green",
    "BUSY": "cyan",
    "ONLINE": "green",
    "OFFLINE": "red",
}


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    table = Table(*columns, title=title, show_lines=False)
    for row in rows:
        cells = []
        for cell in row:
            text = "" if cell is None else str(cell)
            style = _STATUS_STYLE.get(text)
            cells.append(f"[{style}]{text}[/{style}]" if style else text)
        table.add_row(*cells)
    Console().print(table)


def error(message: str) -> None:
    """`error: MESSAGE` on stderr; the message is printed as written (never read as markup, never wrapped)."""
    Console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


class LogPrinter:
    """Prints log lines as they arrive, prefixed with job and step, flushing after every batch."""

    def __init__(self, stream: TextIO = sys.stdout) -> None:
        self.stream = stream
        self.color = stream.isatty()

    def line(self, item: dict[str, Any]) -> None:
        attempt = item.get("attempt", 1)
        prefix = f"[{item['job']}/{item['step']}" + (f", attempt {attempt}]" if attempt > 1 else "]")
        if self.color:
            code = "31" if item["stream"] == "stderr" else "33" if item["stream"] == "system" else "36"
            prefix = f"\x1b[{code}m{prefix}\x1b[0m"
        self.stream.write(f"{prefix} {item['text']}\n")

    def flush(self) -> None:
        self.stream.flush()
