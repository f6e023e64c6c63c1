"""Prometheus metrics of the plugin cache, on a registry the owner passes in (the kernel's or an agent's)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

CACHE_TIERS = ("memory", "disk")
INTEGRITY_TIERS = ("memory", "disk", "source")
SIZE_BUCKETS = tuple(float(2**power) for power in range(10, 31, 2))  # 1 KiB … 1 GiB


class PluginCacheMetrics:
    """Hits per tier, misses, downloads (count, duration, size) and integrity failures per tier."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        r = registry
        self.downloads = Counter(
            "plugin_download_total", "Plugin packages fetched from the source and verified", registry=r
        )
        self.cache_hits = Counter(
            "plugin_cache_hit_total", "Plugin package loads served by a cache tier", ["tier"], registry=r
        )
        self.cache_misses = Counter(
            "plugin_cache_miss_total", "Plugin package loads that missed every cache tier", registry=r
        )
        self.download_duration = Histogram(
            "plugin_download_duration_seconds", "Time to fetch and verify a plugin package", registry=r
        )
        self.download_size = Histogram(
            "plugin_download_size_bytes", "Size of fetched plugin packages", buckets=SIZE_BUCKETS, registry=r
        )
        self.integrity_failures = Counter(
            "plugin_integrity_failure_total",
            "Plugin package bytes whose length or SHA-256 did not match (evicted or refused)",
            ["tier"],
            registry=r,
        )
        for tier in CACHE_TIERS:  # export every tier at zero from the start
            self.cache_hits.labels(tier=tier)
        for tier in INTEGRITY_TIERS:
            self.integrity_failures.labels(tier=tier)
