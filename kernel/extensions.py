"""Kernel extensions: one pluggy PluginManager per kernel, with the builtins and allow-listed third parties.

Builtins are listed in BUILTIN_PLUGINS and registered first. Third-party extensions are packages that declare
an entry point in the `arcade.plugins` group; one is loaded only when its entry-point name is listed in the
`kernel_plugins` setting (`ARCADE_KERNEL_PLUGINS`). Unknown hooks fail loudly through `check_pending()`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points

import pluggy

from builtin_plugins.notify import StdoutChannel, WebhookChannel
from kernel.errors import InvalidInput
from plugin_sdk import PROJECT_NAME, hookspecs

log = logging.getLogger("arcade.kernel.extensions")

ENTRY_POINT_GROUP = "arcade.plugins"
# Factories, so every kernel gets plugin objects of its own.
BUILTIN_PLUGINS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("builtin.notify.stdout", StdoutChannel),
    ("builtin.notify.webhook", WebhookChannel),
)


def allowed_names(setting: str) -> list[str]:
    """The entry-point names in a comma-separated `kernel_plugins` setting."""
    return [name.strip() for name in setting.split(",") if name.strip()]


def build_plugin_manager(
    allowed: Sequence[str] = (), available: Iterable[EntryPoint] | None = None
) -> pluggy.PluginManager:
    """A PluginManager with the hookspecs, the builtins and the allow-listed `arcade.plugins` entry points.

    `available` defaults to the installed entry points of the group. Raises InvalidInput when an allowed
    name is not installed, fails to load, or implements a hook (or argument) that does not exist.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    for name, factory in BUILTIN_PLUGINS:
        manager.register(factory(), name=name)
    found = {
        ep.name: ep for ep in (entry_points(group=ENTRY_POINT_GROUP) if available is None else available)
    }
    for name in found.keys() - set(allowed):
        log.info(
            "kernel extension '%s' is installed but not listed in ARCADE_KERNEL_PLUGINS; not loaded", name
        )
    for name in allowed:
        if name not in found:
            installed = ", ".join(sorted(found)) or "none"
            raise InvalidInput(
                f"setting 'kernel_plugins' (ARCADE_KERNEL_PLUGINS): no installed package has an "
                f"'{ENTRY_POINT_GROUP}' entry point named '{name}' (installed: {installed})"
            )
        _register(manager, found[name])
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as exc:
        name = manager.get_name(exc.plugin) or repr(exc.plugin)
        raise InvalidInput(f"kernel extension '{name}': {_one_line(exc)}") from exc
    return manager


def _register(manager: pluggy.PluginManager, entry_point: EntryPoint) -> None:
    try:
        plugin = entry_point.load()
    except Exception as exc:  # any import-time error of a third-party package
        raise InvalidInput(
            f"kernel extension '{entry_point.name}' ({entry_point.value}) failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    try:
        manager.register(plugin, name=entry_point.name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise InvalidInput(f"kernel extension '{entry_point.name}': {_one_line(exc)}") from exc
    log.info("kernel extension '%s' loaded from %s", entry_point.name, entry_point.value)


def _one_line(exc: Exception) -> str:
    """pluggy's multi-line validation message as one line (it ends up in a single log or CLI line)."""
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
