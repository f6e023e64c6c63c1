"""The kernel's plugin marketplace (DESIGN §3, §5): which published plugins an admin installed, at which
version, enabled or not, with which config and approved permissions; and the package bytes agents download.

`PluginMarketplace` changes the install state of the catalog rows `PluginRegistry` records when publishing.
Every change writes a `registry_audit` row and emits an event in the same transaction. `pin` is what the
kernel tells an agent for a `uses:` step: the installed version and digest with the admin's config, or why
the step is refused. Package bytes go through the kernel's `TieredCache` (memory -> private disk folder ->
blob store); uninstall evicts them from every tier. Every method blocks: call it off the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import semantic_version
from prometheus_client import CollectorRegistry
from sqlalchemy import delete, select, update

from kernel.config import Settings
from kernel.errors import Conflict, FailedPrecondition, InvalidInput, NotFound
from kernel.journal import Journal, Tx
from kernel.plugin_catalog import PluginCatalog
from kernel.plugin_manifests import check_config, validate_manifest
from kernel.plugin_permissions import new_permissions
from kernel.plugin_pins import pin
from kernel.plugin_registry import PluginRegistry, check_package
from kernel.plugin_uploads import file_sha256, publish_package
from kernel.store import models
from proto.arcade.agent.v1 import agent_pb2
from registry.cache import TieredCache
from registry.metrics import PluginCacheMetrics

__all__ = ["CACHE_MEMORY_MAX_BYTES", "PluginMarketplace", "kernel_cache"]

CACHE_MEMORY_MAX_BYTES = 128 * 1024 * 1024
CACHE_FOLDER = "cache"  # under ARCADE_REGISTRY_DIR: the kernel's private disk tier


def kernel_cache(settings: Settings, registry: PluginRegistry, metrics: PluginCacheMetrics) -> TieredCache:
    """The kernel's package cache: memory, then `<registry_dir>/cache`, then the blob store."""
    return TieredCache(
        Path(settings.registry_dir) / CACHE_FOLDER,
        registry.blobs.open_verified,
        memory_max_bytes=CACHE_MEMORY_MAX_BYTES,
        metrics=metrics,
        source_name=f"the blob store ({registry.blobs.store!r})",
    )


def _newest(rows: list[models.PluginVersion]) -> models.PluginVersion:
    return max(rows, key=lambda row: semantic_version.Version(row.version))


class PluginMarketplace:
    """Install state of the registry's plugins. `cache` is a `TieredCache` or a function making one on first
    use (so a kernel whose registry is never used creates no cache folder)."""

    def __init__(
        self, journal: Journal, registry: PluginRegistry, cache: TieredCache | Callable[[], TieredCache]
    ) -> None:
        self.journal = journal
        self.registry = registry
        self.catalog = PluginCatalog(journal.db)
        self._cache = cache
        self._cache_lock = threading.Lock()
        # Told (name, digests) after an uninstall committed: the kernel evicts them from connected agents.
        self.on_uninstalled: Callable[[str, list[str]], None] | None = None

    @classmethod
    def for_kernel(
        cls, settings: Settings, journal: Journal, registry: PluginRegistry, metrics: CollectorRegistry
    ) -> PluginMarketplace:
        """The kernel's marketplace; its cache counters are on `metrics` (the kernel's /metrics) from the
        start, its cache folder is made on first use."""
        cache_metrics = PluginCacheMetrics(metrics)
        return cls(journal, registry, lambda: kernel_cache(settings, registry, cache_metrics))

    @property
    def cache(self) -> TieredCache:
        with self._cache_lock:
            if not isinstance(self._cache, TieredCache):
                self._cache = self._cache()
            return self._cache

    # ------------------------------------------------------------------------------------------ install

    def install(self, name: str, version: str | None = None, actor: str = "") -> dict[str, Any]:
        """Install `name` at `version` (None: the newest published), enabled, approving its permissions."""
        with self.journal.transaction() as tx:
            plugin, row = self._release(tx, name, version)
            if plugin.installed_version is not None:
                raise Conflict(
                    f"{name} is already installed (version {plugin.installed_version}); "
                    f"use update to change its version"
                )
            plugin.installed_version = row.version
            plugin.enabled = True
            plugin.config = None
            plugin.approved_permissions = dict(row.manifest.get("permissions") or {})
            plugin.installed_at = datetime.now(UTC)
            plugin.installed_by = actor
            details = {
                "version": row.version,
                "sha256": row.sha256,
                "permissions": plugin.approved_permissions,
            }
            self._change(tx, actor, "plugin.installed", name, details)
        return self.catalog.get(name)

    def install_package(
        self,
        path: Path,
        actor: str = "",
        signed: dict[str, Any] | None = None,
        approve_permissions: bool = False,
    ) -> dict[str, Any]:
        """Install (or update to) the package file at `path`, which a publisher must have signed.

        Its sha256 is a published version, or a release of its namespace's current signed role (published
        before, its rows removed by an uninstall), or `signed` (`{"namespace", "role"}` from `arcade plugin
        sign`) publishes it first. Otherwise PermissionDenied, and nothing is stored.
        """
        path = Path(path)
        manifest = check_package(path, self.registry.blobs.max_package_bytes)
        sha256 = file_sha256(path)
        if not self._recorded(sha256):
            publish_package(self.registry, path, sha256, manifest.namespace, signed, actor)
        elif not self.registry.blobs.exists(sha256):
            self.registry.store_package(path, sha256)
        installed = self.catalog.get(manifest.name)["installed_version"]
        if installed is None:
            return self.install(manifest.name, manifest.version, actor)
        if installed == manifest.version:
            return self.catalog.get(manifest.name)
        return self.update(manifest.name, manifest.version, approve_permissions, actor)

    def update(
        self,
        name: str,
        version: str | None = None,
        approve_permissions: bool = False,
        actor: str = "",
        config: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Move an installed plugin to `version` (None: the newest). New permissions need
        `approve_permissions`; `config`, when given, replaces the admin's config in the same change."""
        with self.journal.transaction() as tx:
            plugin, row = self._release(tx, name, version)
            previous = _require_installed(plugin)
            proposed = dict(row.manifest.get("permissions") or {})
            grants = new_permissions(plugin.approved_permissions, proposed)
            if grants and not approve_permissions:
                raise FailedPrecondition(
                    f"{name}@{row.version} needs approval: {'; '.join(grants)} "
                    "(approve_permissions: true, or arcade plugin update --approve-permissions)",
                    needs_approval=grants,
                )
            new_config = plugin.config if config is None else config
            check_config(name, row, new_config)
            plugin.installed_version = row.version
            plugin.approved_permissions = proposed
            plugin.config = new_config
            details = {
                "from": previous,
                "to": row.version,
                "sha256": row.sha256,
                "approved": grants,
                **({"config": config} if config is not None else {}),
            }
            self._change(tx, actor, "plugin.updated", name, details)
        return self.catalog.get(name)

    def set_enabled(self, name: str, enabled: bool, actor: str = "") -> dict[str, Any]:
        """Enable or disable an installed plugin; steps using a disabled plugin are refused. Idempotent."""
        with self.journal.transaction() as tx:
            plugin = self._plugin(tx, name)
            _require_installed(plugin)
            if plugin.enabled != enabled:
                plugin.enabled = enabled
                action = "plugin.enabled" if enabled else "plugin.disabled"
                self._change(tx, actor, action, name, {"version": plugin.installed_version})
        return self.catalog.get(name)

    def set_config(self, name: str, config: dict[str, Any], actor: str = "") -> dict[str, Any]:
        """Replace the admin's config of an installed plugin, checked against its `config_schema`."""
        if not isinstance(config, dict):
            raise InvalidInput(f"config: expected a JSON object, got {type(config).__name__}")
        with self.journal.transaction() as tx:
            plugin = self._plugin(tx, name)
            version = _require_installed(plugin)
            check_config(name, self._version_row(tx, plugin, version), config)
            if (plugin.config or {}) != config:
                plugin.config = config
                self._change(tx, actor, "plugin.configured", name, {"version": version, "config": config})
        return self.catalog.get(name)

    def uninstall(self, name: str, actor: str = "") -> dict[str, Any]:
        """Remove `name` from the catalog, its packages from the blob store and every cache tier. The audit
        log keeps its history; the signed metadata keeps its releases (they are re-recorded if published
        or installed again)."""
        with self.journal.transaction() as tx:
            plugin = self._plugin(tx, name)
            rows = tx.session.scalars(
                select(models.PluginVersion).where(models.PluginVersion.plugin_id == plugin.id)
            ).all()
            versions = sorted((r.version for r in rows), key=semantic_version.Version)
            digests = {r.sha256 for r in rows}
            tx.session.execute(
                delete(models.PluginVersion).where(models.PluginVersion.plugin_id == plugin.id)
            )
            tx.session.delete(plugin)
            details = {"versions": versions, "sha256": sorted(digests), "was": plugin.installed_version}
            self._change(tx, actor, "plugin.uninstalled", name, details)
        gone = [digest for digest in sorted(digests) if not self._recorded(digest)]
        for digest in gone:  # another plugin's version with the same bytes keeps them
            self.cache.evict(digest)
            self.registry.blobs.delete(digest)
        if gone and self.on_uninstalled is not None:
            self.on_uninstalled(name, gone)
        return {"uninstalled": name, "versions": versions}

    # -------------------------------------------------------------------------------------- agents

    def pins(self, uses: Iterable[str]) -> dict[str, agent_pb2.PluginPin | None]:
        """What an agent may run for each `uses:` reference of a job (see `kernel.plugin_pins.pin`); the
        signed targets are read once for all of them."""
        namespaces = self._delegated_namespaces()
        return {ref: pin(self.journal.db, ref, namespaces) for ref in dict.fromkeys(uses)}

    def pin(self, uses: str) -> agent_pb2.PluginPin | None:
        """What an agent may run for one `uses:` step."""
        return self.pins([uses])[uses]

    def _delegated_namespaces(self) -> set[str]:
        try:
            targets = self.registry.repo.targets()
        except FailedPrecondition:
            return set()
        delegations = targets.signed.delegations if targets is not None else None
        return set(delegations.roles or {}) if delegations is not None else set()

    def package(self, sha256: str) -> bytes:
        """A published package's bytes through the cache tiers, counted as one download of its version."""
        with self.journal.db.session() as session:
            size = session.scalar(
                select(models.PluginVersion.size).where(models.PluginVersion.sha256 == sha256).limit(1)
            )
        if size is None:
            raise NotFound(f"no published plugin version has sha256 {sha256}")
        data = self.cache.get(sha256, size)
        version = models.PluginVersion
        with self.journal.db.session() as session, session.begin():  # in SQL: concurrent downloads all count
            session.execute(
                update(version).where(version.sha256 == sha256).values(downloads=version.downloads + 1)
            )
        return data

    # ------------------------------------------------------------------------------------- reports

    def metrics(self) -> dict[str, Any]:
        """Counts of the catalog, downloads per plugin, the cache's counters and the store's packages."""
        stats = self.cache.stats
        return {
            **self.catalog.counts(),
            "cache": {
                "hits": {"memory": stats.memory_hits, "disk": stats.disk_hits},
                "misses": stats.misses,
                "downloads": stats.downloads,
                "integrity_failures": stats.integrity_failures,
                "memory": {"entries": stats.memory_entries, "bytes": stats.memory_bytes},
                "disk": {"entries": stats.disk_entries, "bytes": stats.disk_bytes},
            },
        }

    @staticmethod
    def validate_manifest(document: Any) -> dict[str, Any]:
        """`{"valid", "problems"}`: every problem of a manifest document, each `field.path: message`."""
        return validate_manifest(document)

    # ------------------------------------------------------------------------------------- helpers

    @staticmethod
    def _plugin(tx: Tx, name: str) -> models.Plugin:
        plugin = tx.session.scalar(select(models.Plugin).where(models.Plugin.name == name).with_for_update())
        if plugin is None:
            raise NotFound(f"no plugin {name!r} in the registry (publish it first: arcade plugin publish)")
        return plugin

    @staticmethod
    def _version_row(tx: Tx, plugin: models.Plugin, version: str) -> models.PluginVersion:
        row = tx.session.scalar(
            select(models.PluginVersion).where(
                models.PluginVersion.plugin_id == plugin.id, models.PluginVersion.version == version
            )
        )
        if row is None:
            raise NotFound(f"{plugin.name}@{version} is not published")
        return row

    def _release(self, tx: Tx, name: str, version: str | None) -> tuple[models.Plugin, models.PluginVersion]:
        """The plugin and its release `version` (None: the newest); NotFound naming what is published."""
        plugin = self._plugin(tx, name)
        rows = tx.session.scalars(
            select(models.PluginVersion).where(models.PluginVersion.plugin_id == plugin.id)
        ).all()
        if not rows:
            raise NotFound(f"{name} has no published version")
        if version is None:
            return plugin, _newest(list(rows))
        for row in rows:
            if row.version == version:
                return plugin, row
        published = ", ".join(sorted((r.version for r in rows), key=semantic_version.Version))
        raise NotFound(f"version: {name}@{version} is not published (published: {published})")

    def _recorded(self, sha256: str) -> bool:
        return self.registry.recorded(sha256)

    @staticmethod
    def _change(tx: Tx, actor: str, action: str, name: str, details: dict[str, Any]) -> None:
        """The audit row and the event of one change, in the change's transaction."""
        details = {"name": name, **details}
        tx.session.add(
            models.RegistryAudit(
                at=datetime.now(UTC), actor=actor, action=action, target=name, details=details
            )
        )
        tx.emit(action, message=name, payload=details)


def _require_installed(plugin: models.Plugin) -> str:
    if plugin.installed_version is None:
        raise FailedPrecondition(f"{plugin.name} is not installed (arcade plugin install {plugin.name})")
    return plugin.installed_version
