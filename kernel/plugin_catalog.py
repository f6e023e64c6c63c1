"""Read-only queries over the registry's catalog in the store: the marketplace list and one plugin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import semantic_version
from sqlalchemy import or_, select

from kernel.errors import NotFound
from kernel.store import Database, models

__all__ = ["PluginCatalog"]


def iso(value: datetime) -> str:
    return value.isoformat()


def _newest_first(versions: list[models.PluginVersion]) -> list[models.PluginVersion]:
    return sorted(versions, key=lambda row: semantic_version.Version(row.version), reverse=True)


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

    def list(self, plugin_type: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
        """Every plugin (by name) with its latest version; `plugin_type` and `text` narrow the list."""
        query = select(models.Plugin).order_by(models.Plugin.name)
        if plugin_type:
            query = query.where(models.Plugin.type == plugin_type)
        if text:
            pattern = f"%{text.lower()}%"
            query = query.where(
                or_(models.Plugin.name.ilike(pattern), models.Plugin.description.ilike(pattern))
            )
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
            }
            for p in plugins
        ]

    def get(self, name: str) -> dict[str, Any]:
        """One plugin: the latest manifest and permissions, and every version with digest, size, publisher."""
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
            "versions": [
                {
                    "version": v.version,
                    "sha256": v.sha256,
                    "size": v.size,
                    "published_by": v.published_by,
                    "published_at": iso(v.created_at),
                }
                for v in versions
            ],
        }
