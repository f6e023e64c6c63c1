"""`TieredCache`: verified plugin bytes in memory, then on local disk, then fetched from a source.

    get(digest, length)
      memory   LRU of bytes, bounded by their total size; re-hashed on every hit
      disk     FOLDER/sha256/ab/cd/<digest> (folder mode 0700), bounded by total size, LRU by access time;
               written to a temporary file in the same folder and renamed; re-hashed on every load
      source   `source(digest, length)` returns bytes or a stream (the object store, a download);
               verified (length, then sha256) before anything enters a tier

An entry that fails verification in a tier is evicted from it and the next tier is asked; bytes from the
source that fail raise IntegrityError and are cached nowhere. One digest is fetched once however many threads
ask for it at the same time. The disk folder belongs to one process: leftover partial files are removed
when a cache opens it.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from prometheus_client import CollectorRegistry, Counter

from kernel.blobstore import BlobStoreError, blob_key, check_digest
from registry.blobs import VerifyingReader, check_blob_ref, verify_bytes
from registry.errors import IntegrityError, PackageTooLarge
from registry.metrics import PluginCacheMetrics

Source = Callable[[str, int], "bytes | BinaryIO"]

DEFAULT_MEMORY_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_DISK_MAX_BYTES = 4 * 1024 * 1024 * 1024
PARTIAL_PREFIX = ".partial-"
_CHUNK_BYTES = 1024 * 1024
_COUNTS = ("memory_hits", "disk_hits", "misses", "downloads", "integrity_failures")


@dataclass(frozen=True)
class CacheStats:
    """What a cache holds now, and what it has done since it was created."""

    memory_entries: int
    memory_bytes: int
    disk_entries: int
    disk_bytes: int
    memory_hits: int
    disk_hits: int
    misses: int
    downloads: int
    integrity_failures: int


class _LruSizes:
    """Sizes by digest, least recently used first, and their total. Not thread-safe: the cache locks."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.sizes: OrderedDict[str, int] = OrderedDict()
        self.total = 0

    def add(self, digest: str, size: int) -> list[str]:
        """Add or refresh an entry as the most recently used; the digests evicted to stay in bounds."""
        self.remove(digest)
        self.sizes[digest] = size
        self.total += size
        evicted = []
        while self.total > self.max_bytes:
            oldest, oldest_size = self.sizes.popitem(last=False)
            self.total -= oldest_size
            evicted.append(oldest)
        return evicted

    def remove(self, digest: str) -> None:
        self.total -= self.sizes.pop(digest, 0)

    def touch(self, digest: str) -> bool:
        """Mark an entry most recently used; whether it is there."""
        if digest in self.sizes:
            self.sizes.move_to_end(digest)
            return True
        return False


class TieredCache:
    """Verified bytes by SHA-256 digest: memory → disk folder → `source`. Thread-safe."""

    def __init__(
        self,
        folder: str | Path,
        source: Source,
        *,
        memory_max_bytes: int = DEFAULT_MEMORY_MAX_BYTES,
        disk_max_bytes: int = DEFAULT_DISK_MAX_BYTES,
        metrics: PluginCacheMetrics | None = None,
        source_name: str = "source",
    ) -> None:
        self.folder = Path(folder).absolute()
        self.source = source
        self.source_name = source_name
        self.metrics = metrics or PluginCacheMetrics(CollectorRegistry())
        self._lock = threading.Lock()
        self._fetch_locks: dict[str, tuple[threading.Lock, list[int]]] = {}  # digest → lock, [users]
        self._memory: dict[str, bytes] = {}
        self._memory_lru = _LruSizes(memory_max_bytes)
        self._disk_lru = _LruSizes(disk_max_bytes)
        self._last_access_ns = 0
        self._counts = dict.fromkeys(_COUNTS, 0)
        self._open_folder()

    def __repr__(self) -> str:
        return f"TieredCache({str(self.folder)!r}, source={self.source_name!r})"

    def get(self, digest: str, length: int) -> bytes:
        """The `length` bytes whose SHA-256 is `digest`, from the first tier that holds them intact."""
        check_blob_ref(digest, length)
        with self._digest_lock(digest):
            data = self._load_memory(digest, length)
            if data is None:
                data = self._load_disk(digest, length)
            if data is None:
                data = self._download(digest, length)
            self._remember(digest, data)
            return data

    def path(self, digest: str, length: int) -> Path:
        """A verified file with the bytes on disk (to unpack or compile); the cache may evict it later."""
        check_blob_ref(digest, length)
        if length > self._disk_lru.max_bytes:
            limit = self._disk_lru.max_bytes
            raise PackageTooLarge(
                f"plugin blob {digest} is {length} bytes, more than the disk cache holds ({limit} bytes)",
                limit,
            )
        with self._digest_lock(digest):
            if self._load_disk(digest, length) is None:
                data = self._load_memory(digest, length)
                if data is None:
                    self._download(digest, length)
                else:
                    self._write_disk(digest, io.BytesIO(data))
            return self.folder / blob_key(digest)

    def evict(self, digest: str) -> None:
        """Remove the digest from memory and from disk (uninstall); a digest not cached is not an error."""
        check_digest(digest)
        with self._digest_lock(digest), self._lock:
            self._forget_memory(digest)
            self._disk_lru.remove(digest)
            (self.folder / blob_key(digest)).unlink(missing_ok=True)

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            memory, disk = self._memory_lru, self._disk_lru
            return CacheStats(len(memory.sizes), memory.total, len(disk.sizes), disk.total, **self._counts)

    # ---- tiers ------------------------------------------------------------------------------------------

    def _load_memory(self, digest: str, length: int) -> bytes | None:
        with self._lock:
            data = self._memory.get(digest)
            if data is not None:
                self._memory_lru.touch(digest)
                self._mark_disk_used(digest)  # hot in memory is hot on disk: not the first to be evicted
        if data is None:
            return None
        try:
            verify_bytes(data, digest, length, where="the memory cache")
        except IntegrityError:
            with self._lock:
                self._forget_memory(digest)
            self._count("integrity_failures", self.metrics.integrity_failures.labels(tier="memory"))
            return None
        self._count("memory_hits", self.metrics.cache_hits.labels(tier="memory"))
        return data

    def _remember(self, digest: str, data: bytes) -> None:
        if len(data) > self._memory_lru.max_bytes:
            return
        with self._lock:
            self._memory[digest] = data
            for evicted in self._memory_lru.add(digest, len(data)):
                del self._memory[evicted]

    def _forget_memory(self, digest: str) -> None:
        self._memory.pop(digest, None)
        self._memory_lru.remove(digest)

    def _load_disk(self, digest: str, length: int) -> bytes | None:
        target = self.folder / blob_key(digest)
        where = f"the disk cache at {target}"
        try:
            with VerifyingReader(
                target.open("rb"), where=where, expected_digest=digest, expected_length=length
            ) as reader:
                data = reader.read()
        except (FileNotFoundError, IntegrityError) as error:
            with self._lock:
                self._disk_lru.remove(digest)
            if isinstance(error, FileNotFoundError):
                return None
            target.unlink(missing_ok=True)
            self._count("integrity_failures", self.metrics.integrity_failures.labels(tier="disk"))
            return None
        with self._lock:
            self._mark_disk_used(digest)
        self._count("disk_hits", self.metrics.cache_hits.labels(tier="disk"))
        return data

    def _download(self, digest: str, length: int) -> bytes:
        self._count("misses", self.metrics.cache_misses)
        started = time.perf_counter()
        fetched = self.source(digest, length)
        stream = io.BytesIO(fetched) if isinstance(fetched, bytes | bytearray) else fetched
        reader = VerifyingReader(
            stream, where=self.source_name, expected_digest=digest, expected_length=length
        )
        try:
            with reader:
                if length <= self._disk_lru.max_bytes:
                    data = self._write_disk(digest, reader)  # type: ignore[arg-type]
                else:
                    data = reader.read()
        except IntegrityError:
            self._count("integrity_failures", self.metrics.integrity_failures.labels(tier="source"))
            raise
        self.metrics.download_duration.observe(time.perf_counter() - started)
        self.metrics.download_size.observe(length)
        self._count("downloads", self.metrics.downloads)
        return data

    def _write_disk(self, digest: str, stream: BinaryIO) -> bytes:
        """Copy `stream` to a temporary file beside the entry, rename it into place, index it; its bytes."""
        target = self.folder / blob_key(digest)
        _make_private_folder(target.parent)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=PARTIAL_PREFIX)
        chunks: list[bytes] = []
        try:
            with os.fdopen(handle, "wb") as temp:
                while chunk := stream.read(_CHUNK_BYTES):
                    temp.write(chunk)
                    chunks.append(chunk)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        data = b"".join(chunks)
        with self._lock:
            self._index_disk([(digest, len(data))])
            self._mark_disk_used(digest)
        return data

    # ---- bookkeeping ------------------------------------------------------------------------------------

    def _open_folder(self) -> None:
        """Create the folder (0700), drop partial files left by a crash, index the entries oldest first."""
        _make_private_folder(self.folder)
        found: list[tuple[int, str, int]] = []
        for path in self.folder.glob("sha256/*/*/*"):
            if path.name.startswith(PARTIAL_PREFIX):
                path.unlink(missing_ok=True)
                continue
            with contextlib.suppress(OSError, BlobStoreError):
                check_digest(path.name)
                stat = path.stat()
                found.append((stat.st_atime_ns, path.name, stat.st_size))
        with self._lock:
            self._index_disk([(digest, size) for _, digest, size in sorted(found)])

    def _index_disk(self, entries: list[tuple[str, int]]) -> None:
        """Index files on disk as the most recently used, deleting the least recently used over the bound."""
        for digest, size in entries:
            for evicted in self._disk_lru.add(digest, size):
                (self.folder / blob_key(evicted)).unlink(missing_ok=True)

    def _mark_disk_used(self, digest: str) -> None:
        """Most recently used now; the file's atime (strictly increasing) orders the next cache's LRU."""
        if not self._disk_lru.touch(digest):
            return
        self._last_access_ns = max(time.time_ns(), self._last_access_ns + 1)
        target = self.folder / blob_key(digest)
        with contextlib.suppress(OSError):
            os.utime(target, ns=(self._last_access_ns, target.stat().st_mtime_ns))

    def _count(self, name: str, metric: Counter) -> None:
        with self._lock:
            self._counts[name] += 1
        metric.inc()

    @contextlib.contextmanager
    def _digest_lock(self, digest: str) -> Iterator[None]:
        """Serialise work on one digest, so concurrent misses fetch it once; other digests go on."""
        with self._lock:
            lock, users = self._fetch_locks.setdefault(digest, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._lock:
                users[0] -= 1
                if not users[0]:
                    del self._fetch_locks[digest]


def _make_private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
