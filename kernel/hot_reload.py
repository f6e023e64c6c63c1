"""The kernel's hot reload of ARCADE_PLUGINS_DIR: a `PluginFolderWatcher` over the kernel's marketplace,
which knows from the store which package each plugin has installed, and audits each failure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kernel.errors import InvalidInput
from kernel.journal import Journal
from kernel.plugin_watch import DEFAULT_QUIET_SECONDS, PluginFolderWatcher, PluginInstaller
from kernel.store import Database, models

__all__ = ["FAILED_ACTION", "installed_sha256", "start_hot_reload"]

FAILED_ACTION = "plugin.hot_reload_failed"


def installed_sha256(db: Database, name: str) -> str | None:
    """The package digest of `name`'s installed version; None when it is not installed."""
    with db.session() as session:
        return session.scalar(
            select(models.PluginVersion.sha256)
            .join(models.Plugin)
            .where(
                models.Plugin.name == name,
                models.Plugin.installed_version.is_not(None),
                models.PluginVersion.version == models.Plugin.installed_version,
            )
        )


def audit_failure(journal: Journal, actor: str, target: str, message: str) -> None:
    """A `registry_audit` row and an event for a change hot reload could not make."""
    details: dict[str, Any] = {"error": message}
    with journal.transaction() as tx:
        tx.session.add(
            models.RegistryAudit(
                at=datetime.now(UTC), actor=actor, action=FAILED_ACTION, target=target[:300], details=details
            )
        )
        tx.emit(FAILED_ACTION, status="failed", message=f"{target}: {message}", payload=details)


def start_hot_reload(
    plugins_dir: str,
    marketplace: PluginInstaller | None,
    journal: Journal,
    quiet_seconds: float = DEFAULT_QUIET_SECONDS,
) -> PluginFolderWatcher | None:
    """Watch `plugins_dir` (None when it is not set or there is no marketplace). Blocking: a thread call."""
    if not plugins_dir or marketplace is None:
        return None
    watcher = PluginFolderWatcher(
        Path(plugins_dir),
        marketplace,
        quiet_seconds=quiet_seconds,
        installed_sha256=lambda name: installed_sha256(journal.db, name),
        on_error=lambda actor, target, message: audit_failure(journal, actor, target, message),
    )
    try:
        watcher.start()
    except OSError as exc:
        watcher.stop()
        raise InvalidInput(
            f"setting 'plugins_dir' (ARCADE_PLUGINS_DIR): cannot watch {plugins_dir}: {exc.strerror or exc}"
        ) from None
    return watcher
