"""TieredCache: hits per tier, size bounds and LRU order, atomic writes, tamper in each tier, one fetch per
digest under concurrency, and the metrics it exports."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading

import pytest
from prometheus_client import CollectorRegistry

from kernel.blobstore import BlobStoreError, blob_key
from registry.cache import PARTIAL_PREFIX, TieredCache
from registry.errors import IntegrityError, PackageTooLarge
from registry.metrics import PluginCacheMetrics


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CountingSource:
    """Serves known blobs as streams, counts calls per digest, and can hold callers until `release` is set."""

    def __init__(self, *blobs: bytes, gated: bool = False) -> None:
        self.blobs = {digest_of(blob): blob for blob in blobs}
        self.calls: dict[str, int] = {}
        self.entered = threading.Event()
        self.release = threading.Event()
        if not gated:
            self.release.set()

    def __call__(self, digest: str, length: int) -> io.BytesIO:
        self.calls[digest] = self.calls.get(digest, 0) + 1
        self.entered.set()
        assert self.release.wait(timeout=30)
        return io.BytesIO(self.blobs[digest])


def files_under(folder) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def metrics():
    return PluginCacheMetrics(CollectorRegistry())


def sample(metrics: PluginCacheMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


A, B, C, D = (bytes([n]) * 100 for n in b"abcd")


def test_hits_come_from_memory_then_disk_then_source(tmp_path, metrics):
    source = CountingSource(A)
    cache = TieredCache(tmp_path / "cache", source, metrics=metrics)
    assert cache.get(digest_of(A), len(A)) == A
    assert cache.get(digest_of(A), len(A)) == A
    assert (cache.stats.misses, cache.stats.memory_hits, cache.stats.disk_hits) == (1, 1, 0)

    reopened = TieredCache(tmp_path / "cache", source, metrics=metrics)  # empty memory, same folder
    assert reopened.get(digest_of(A), len(A)) == A
    assert (reopened.stats.disk_entries, reopened.stats.disk_hits, reopened.stats.misses) == (1, 1, 0)
    assert source.calls == {digest_of(A): 1}

    reopened.evict(digest_of(A))
    assert files_under(tmp_path / "cache") == []
    assert reopened.get(digest_of(A), len(A)) == A
    assert source.calls == {digest_of(A): 2}


def test_metrics_are_read_back_from_the_registry(tmp_path, metrics):
    cache = TieredCache(tmp_path / "cache", CountingSource(A, B), metrics=metrics)
    assert sample(metrics, "plugin_cache_hit_total", tier="disk") == 0  # exported before any load
    cache.get(digest_of(A), len(A))
    cache.get(digest_of(B), len(B))
    cache.get(digest_of(A), len(A))
    TieredCache(tmp_path / "cache", cache.source, metrics=metrics).get(digest_of(B), len(B))
    assert sample(metrics, "plugin_download_total") == 2
    assert sample(metrics, "plugin_cache_miss_total") == 2
    assert sample(metrics, "plugin_cache_hit_total", tier="memory") == 1
    assert sample(metrics, "plugin_cache_hit_total", tier="disk") == 1
    assert sample(metrics, "plugin_download_size_bytes_sum") == len(A) + len(B)
    assert sample(metrics, "plugin_download_duration_seconds_count") == 2
    assert sample(metrics, "plugin_integrity_failure_total", tier="source") == 0


def test_memory_is_bounded_by_total_bytes_least_recently_used_out_first(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A, B, C), memory_max_bytes=250)
    for blob in (A, B, A, C):  # A used again after B: B is the least recently used when C arrives
        cache.get(digest_of(blob), len(blob))
    assert (cache.stats.memory_entries, cache.stats.memory_bytes) == (2, 200)
    cache.get(digest_of(A), len(A))
    assert cache.stats.memory_hits == 2
    cache.get(digest_of(B), len(B))
    assert cache.stats.disk_hits == 1


def test_disk_is_bounded_by_total_bytes_least_recently_used_out_first(tmp_path):
    source = CountingSource(A, B, C, D)
    cache = TieredCache(tmp_path / "cache", source, memory_max_bytes=0, disk_max_bytes=300)
    for blob in (A, B, C, A, D):
        cache.get(digest_of(blob), len(blob))
    assert files_under(tmp_path / "cache") == sorted(digest_of(blob) for blob in (A, C, D))
    assert (cache.stats.disk_entries, cache.stats.disk_bytes) == (3, 300)
    assert cache.get(digest_of(B), len(B)) == B
    assert source.calls[digest_of(B)] == 2


def test_an_entry_hot_in_memory_is_not_the_first_evicted_from_disk(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A, B, C), disk_max_bytes=200)
    for blob in (A, B, A, C):  # the second A is a memory hit
        cache.get(digest_of(blob), len(blob))
    assert files_under(tmp_path / "cache") == sorted([digest_of(A), digest_of(C)])


def test_a_new_cache_evicts_by_access_time_when_its_bound_is_smaller(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A, B, C))
    for blob in (A, B, C):
        cache.get(digest_of(blob), len(blob))
    for seconds, blob in ((300, A), (100, B), (200, C)):  # B was used longest ago, then C
        os.utime(tmp_path / "cache" / blob_key(digest_of(blob)), (seconds, seconds))
    smaller = TieredCache(tmp_path / "cache", cache.source, disk_max_bytes=100)
    assert files_under(tmp_path / "cache") == [digest_of(A)]
    assert smaller.stats.disk_bytes == 100


def test_the_disk_folder_is_private_and_path_returns_a_verified_file(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A))
    path = cache.path(digest_of(A), len(A))
    assert path == tmp_path / "cache" / blob_key(digest_of(A))
    assert path.read_bytes() == A
    for folder in (tmp_path / "cache", path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert cache.stats.misses == 1
    cache.get(digest_of(A), len(A))
    assert cache.path(digest_of(A), len(A)) == path
    assert cache.stats.misses == 1


def test_path_writes_an_entry_held_only_in_memory_back_to_disk(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A))
    cache.get(digest_of(A), len(A))
    (tmp_path / "cache" / blob_key(digest_of(A))).unlink()
    assert cache.path(digest_of(A), len(A)).read_bytes() == A
    assert (cache.stats.misses, cache.stats.memory_hits) == (1, 1)


def test_path_refuses_a_blob_larger_than_the_disk_cache(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A), disk_max_bytes=50)
    with pytest.raises(PackageTooLarge, match="disk cache"):
        cache.path(digest_of(A), len(A))
    assert cache.get(digest_of(A), len(A)) == A  # still served, from memory only
    assert files_under(tmp_path / "cache") == []


def test_a_source_failing_half_way_leaves_no_file(tmp_path):
    class FailsHalfWay(io.RawIOBase):
        def __init__(self) -> None:
            self.sent = False

        def readinto(self, buffer):
            if self.sent:
                raise OSError("connection reset")
            self.sent = True
            buffer[:50] = A[:50]
            return 50

    cache = TieredCache(tmp_path / "cache", lambda digest, length: FailsHalfWay())
    with pytest.raises(OSError, match="connection reset"):
        cache.get(digest_of(A), len(A))
    assert files_under(tmp_path / "cache") == []
    assert (cache.stats.memory_entries, cache.stats.disk_entries, cache.stats.downloads) == (0, 0, 0)


@pytest.mark.parametrize(
    "served",
    [b"b" * 100, b"a" * 99, b"a" * 101, b"a" * 10_000_000],
    ids=["same-length", "shorter", "longer", "endless"],
)
def test_a_tampered_source_raises_and_caches_nothing(tmp_path, metrics, served):
    cache = TieredCache(tmp_path / "cache", lambda digest, length: served, metrics=metrics)
    with pytest.raises(IntegrityError, match=digest_of(A)) as raised:
        cache.get(digest_of(A), len(A))
    assert raised.value.digest == digest_of(A)
    assert files_under(tmp_path / "cache") == []
    assert (cache.stats.memory_entries, cache.stats.disk_entries, cache.stats.downloads) == (0, 0, 0)
    assert sample(metrics, "plugin_integrity_failure_total", tier="source") == 1
    assert sample(metrics, "plugin_download_total") == 0


def test_tampered_bytes_in_memory_are_evicted_and_loaded_from_disk(tmp_path, metrics):
    source = CountingSource(A)
    cache = TieredCache(tmp_path / "cache", source, metrics=metrics)
    cache.get(digest_of(A), len(A))
    cache._memory[digest_of(A)] = b"x" * len(A)  # the memory tier holds bytes a fault could corrupt
    assert cache.get(digest_of(A), len(A)) == A
    assert (cache.stats.disk_hits, cache.stats.integrity_failures) == (1, 1)
    assert sample(metrics, "plugin_integrity_failure_total", tier="memory") == 1
    assert source.calls == {digest_of(A): 1}


@pytest.mark.parametrize("tampered", [b"x" * 100, b"a" * 101, b""], ids=["same-length", "longer", "empty"])
def test_a_tampered_file_on_disk_is_evicted_and_fetched_again(tmp_path, metrics, tampered):
    source = CountingSource(A)
    TieredCache(tmp_path / "cache", source).get(digest_of(A), len(A))
    entry = tmp_path / "cache" / blob_key(digest_of(A))
    entry.write_bytes(tampered)
    cache = TieredCache(tmp_path / "cache", source, metrics=metrics)
    assert cache.get(digest_of(A), len(A)) == A
    assert entry.read_bytes() == A
    assert source.calls == {digest_of(A): 2}
    assert sample(metrics, "plugin_integrity_failure_total", tier="disk") == 1
    entry.write_bytes(tampered)
    assert cache.path(digest_of(A), len(A)).read_bytes() == A  # path re-hashes too


def test_partial_files_left_by_a_crash_are_removed_on_open(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A))
    entry = cache.path(digest_of(A), len(A))
    leftover = entry.parent / f"{PARTIAL_PREFIX}crashed"
    leftover.write_bytes(b"half")
    TieredCache(tmp_path / "cache", cache.source)
    assert files_under(tmp_path / "cache") == [digest_of(A)]


def test_concurrent_gets_of_one_digest_fetch_it_once(tmp_path):
    source = CountingSource(A, gated=True)
    cache = TieredCache(tmp_path / "cache", source)
    start = threading.Barrier(8)
    results: list[bytes] = []

    def get() -> None:
        start.wait()
        results.append(cache.get(digest_of(A), len(A)))

    threads = [threading.Thread(target=get) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert source.entered.wait(timeout=30)
    source.release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [A] * 8
    assert source.calls == {digest_of(A): 1}
    assert (cache.stats.misses, cache.stats.memory_hits) == (1, 7)


def test_a_slow_fetch_does_not_hold_up_other_digests(tmp_path):
    slow = CountingSource(A, gated=True)
    fast = CountingSource(B)
    cache = TieredCache(
        tmp_path / "cache", lambda digest, length: (slow if digest == digest_of(A) else fast)(digest, length)
    )
    waiting = threading.Thread(target=cache.get, args=(digest_of(A), len(A)))
    waiting.start()
    assert slow.entered.wait(timeout=30)
    assert cache.get(digest_of(B), len(B)) == B  # while A's fetch is still blocked
    slow.release.set()
    waiting.join(timeout=30)
    assert cache.stats.downloads == 2


def test_keys_are_checked(tmp_path):
    cache = TieredCache(tmp_path / "cache", CountingSource(A))
    with pytest.raises(BlobStoreError, match="not a SHA-256 hex digest"):
        cache.get("../../etc/passwd", 1)
    for length in (-1, "100", True):
        with pytest.raises(ValueError, match="non-negative int"):
            cache.get(digest_of(A), length)
