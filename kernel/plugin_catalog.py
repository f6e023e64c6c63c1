"""Read-only queries over the registry's catalog in the store: the marketplace list, one plugin, the audit
log.

A plugin's `status` is `available` (published, not installed), `enabled` or `disabled` (installed); the list
filter `installed` matches both of the latter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import semantic_version
from sqlalchemy import func, or_, select

from kernel.errors import InvalidInput, NotFound
from kernel.store import Database, models

__all__ = ["STATUSES", "PluginCatalog", "plugin_status"]

STATUSES = ("available", "installed", "enabled", "disabled")
MAX_AUDIT_ROWS = 1000


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _newest_first(versions: list[models.PluginVersion]) -> list[models.PluginVersion]:
    return sorted(versions, key=lambda row: semantic_version.Version(row.version), reverse=True)


def plugin_status(plugin: models.Plugin) -> str:
    """available | enabled | disabled."""
    if plugin.installed_version is None:
        return "available"
    return "enabled" if plugin.enabled else "disabled"


class PluginCatalog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _versions(self, plugin_ids: list[str]) -> dict[str, list[models.PluginVersion]]:
        found: dict[str, list[models.PluginVersion]] = {pid: [] for pid in plugin_ids}
        if not plugin_ids:
            return found
        with self.db.session() as session:
            rows = session.scalars(
                select(models.PluginVersion).where(models.PluginVersion.plugin_id.in_(plugin_ids))
            ).all()
        for row in rows:
            found[row.plugin_id].append(row)
        return {pid: _newest_first(rows) for pid, rows in found.items()}

    def list(
        self, plugin_type: str | None = None, text: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Every plugin (by name) with its latest version; `plugin_type`, `text`, `status` narrow the list."""
        query = select(models.Plugin).order_by(models.Plugin.name)
        if plugin_type:
            query = query.where(models.Plugin.type == plugin_type)
        if text:
            pattern = f"%{text.lower()}%"
            query = query.where(
                or_(models.Plugin.name.ilike(pattern), models.Plugin.description.ilike(pattern))
            )
        if status:
            query = _status_filter(query, status)
        with self.db.session() as session:
            plugins = session.scalars(query).all()
        versions = self._versions([p.id for p in plugins])
        return [
            {
                "name": p.name,
                "namespace": p.namespace,
                "type": p.type,
                "description": p.description,
                "latest_version": versions[p.id][0].version if versions[p.id] else None,
                "versions": len(versions[p.id]),
                "created_at": iso(p.created_at),
                "status": plugin_status(p),
                "installed_version": p.installed_version,
                "enabled": p.enabled,
                "downloads": sum(v.downloads for v in versions[p.id]),
            }
            for p in plugins
        ]

    def get(self, name: str) -> dict[str, Any]:
        """One plugin: the latest manifest and permissions, its install state, and every version with
        digest, size, publisher and downloads."""
        with self.db.session() as session:
            plugin = session.scalar(select(models.Plugin).where(models.Plugin.name == name))
        if plugin is None:
            raise NotFound(f"no plugin {name!r} in the registry")
        versions = self._versions([plugin.id])[plugin.id]
        latest = versions[0].manifest if versions else {}
        return {
            "name": plugin.name,
            "namespace": plugin.namespace,
            "type": plugin.type,
            "description": plugin.description,
            "latest_version": versions[0].version if versions else None,
            "manifest": latest,
            "permissions": latest.get("permissions", {}),
            "status": plugin_status(plugin),
            "installed_version": plugin.installed_version,
            "enabled": plugin.enabled,
            "config": plugin.config or {},
            "approved_permissions": plugin.approved_permissions,
            "installed_at": iso(plugin.installed_at),
            "installed_by": plugin.installed_by,
            "downloads": sum(v.downloads for v in versions),
            "versions": [
                {
                    "version": v.version,
                    "sha256": v.sha256,
                    "size": v.size,
                    "published_by": v.published_by,
                    "published_at": iso(v.created_at),
                    "downloads": v.downloads,
                }
                for v in versions
            ],
        }

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest `limit` registry changes, newest first: who, when, what."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_AUDIT_ROWS:
            raise InvalidInput(f"limit: expected an integer from 1 to {MAX_AUDIT_ROWS}, got {limit!r}")
        with self.db.session() as session:
            rows = session.scalars(
                select(models.RegistryAudit)
                .order_by(models.RegistryAudit.at.desc(), models.RegistryAudit.id.desc())
                .limit(limit)
            ).all()
        return [
            {"at": iso(r.at), "actor": r.actor, "action": r.action, "target": r.target, "details": r.details}
            for r in rows
        ]

    def counts(self) -> dict[str, Any]:
        """Plugins published/installed/enabled, downloads per plugin, and the distinct packages stored."""
        plugin, version = models.Plugin, models.PluginVersion
        installed = plugin.installed_version.is_not(None)
        with self.db.session() as session:
            published = session.scalar(select(func.count()).select_from(plugin))
            installed_count = session.scalar(select(func.count()).select_from(plugin).where(installed))
            enabled = session.scalar(
                select(func.count()).select_from(plugin).where(installed, plugin.enabled == True)  # noqa: E712
            )
            packages = session.execute(
                select(version.sha256, func.max(version.size)).group_by(version.sha256)
            ).all()
        return {
            "plugins": {
                "published": published or 0,
                "installed": installed_count or 0,
                "enabled": enabled or 0,
            },
            "downloads": self.downloads(),
            "store": {"packages": len(packages), "bytes": sum(int(size) for _, size in packages)},
        }

    def downloads(self) -> dict[str, int]:
        """Package downloads per plugin name (all versions)."""
        with self.db.session() as session:
            rows = session.execute(
                select(models.Plugin.name, func.coalesce(func.sum(models.PluginVersion.downloads), 0))
                .join(models.PluginVersion, models.PluginVersion.plugin_id == models.Plugin.id)
                .group_by(models.Plugin.name)
                .order_by(models.Plugin.name)
            ).all()
        return {name: int(count) for name, count in rows}


def _status_filter(query: Any, status: str) -> Any:
    plugin = models.Plugin
    if status == "available":
        return query.where(plugin.installed_version.is_(None))
    if status == "installed":
        return query.where(plugin.installed_version.is_not(None))
    if status in ("enabled", "disabled"):
        return query.where(plugin.installed_version.is_not(None), plugin.enabled == (status == "enabled"))
    raise InvalidInput(f"status: expected one of {', '.join(STATUSES)}, got {status!r}")
