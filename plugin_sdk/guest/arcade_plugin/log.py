"""Step log lines from inside the plugin: `log.info("...")` and friends, through the host's `log` import."""

from __future__ import annotations

from wit_world.imports import host

__all__ = ["debug", "error", "info", "warning"]


def debug(message: str) -> None:
    host.log("debug", str(message))


def info(message: str) -> None:
    host.log("info", str(message))


def warning(message: str) -> None:
    host.log("warning", str(message))


def error(message: str) -> None:
    host.log("error", str(message))
