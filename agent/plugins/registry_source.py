"""Plugins from the kernel's signed registry (`arcade agent --trust-root root.json`).

For every `uses:` step the plugin path does not satisfy, `RegistrySource.resolve`:

1. refreshes the signed metadata (`TrustClient`, fetching files with `GetRegistryMetadata` through the
   `Peer`) and finds the newest release the range accepts; its revocation is checked on every call, so a
   release revoked after it was cached is refused too (`block`) or runs with a warning (`warn`);
2. gets the package through a `TieredCache` (`<workdir>/plugin-cache`): memory, then disk (re-hashed on
   every load), then `DownloadPlugin` streamed straight into the cache's verified write (length and sha256);
   one digest is downloaded once however many jobs ask for it, other digests download concurrently;
3. unpacks it safely once into `<workdir>/plugins/<sha256>` (the resolver's package path) and refuses it
   unless its manifest is exactly the signed target's `custom.manifest`.

When the kernel pins a step to a release (`PluginPin`), `resolve` is asked for that exact version and the
signed target's sha256 must be the pinned one. Downloads report their progress (`agent.plugins.progress`)
and count in the cache's Prometheus metrics (the agent's registry when it serves `/metrics`).

Every failure becomes `PluginUnavailable` with the reason; nothing of a refused plugin runs.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tuf.api.exceptions import DownloadError, DownloadHTTPError, DownloadLengthMismatchError
from tuf.ngclient import FetcherInterface

from agent.errors import PeerError, PinMismatch, PluginUnavailable
from agent.peer import InstalledPlugin, Peer
from agent.plugins.loader import LoadedPlugin, load_plugin_dir
from agent.plugins.progress import DownloadListeners, DownloadProgress
from agent.plugins.resolver import PluginResolver
from kernel.blobstore import BlobStoreError, blob_key, check_digest
from plugin_sdk.refs import parse_plugin_ref
from registry.cache import TieredCache
from registry.errors import RegistryError
from registry.metrics import PluginCacheMetrics
from registry.trust import METADATA_URL, TrustClient, VerifiedTarget
from registry.trust.fetchers import MAX_RESPONSE_BYTES

__all__ = ["CACHE_SOURCE", "PeerMetadataFetcher", "RegistryPlugin", "RegistrySource"]

log = logging.getLogger("arcade.agent")

CACHE_MEMORY_MAX_BYTES = 64 * 1024 * 1024
CACHE_SOURCE = "cache"
"""`InstalledPlugin.source` of the plugins in the verified download cache."""


class PeerMetadataFetcher(FetcherInterface):
    """Hands `tuf.ngclient` the kernel's metadata files, asked for with `Peer.get_registry_metadata`."""

    def __init__(self, peer: Peer, base_url: str = METADATA_URL, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.peer = peer
        self.base_url = base_url
        self.max_bytes = max_bytes

    def _fetch(self, url: str) -> Iterator[bytes]:
        if not url.startswith(self.base_url):
            raise DownloadError(f"{url}: not under {self.base_url}")
        name = url[len(self.base_url) :]
        try:
            data = self.peer.get_registry_metadata(name)
        except PeerError as exc:
            raise DownloadError(f"{name}: the kernel did not answer: {exc}") from exc
        if data is None:
            raise DownloadHTTPError(f"{name}: not found", 404)  # ngclient: no newer root
        if len(data) > self.max_bytes:
            raise DownloadLengthMismatchError(f"{name}: more than {self.max_bytes} bytes")
        return iter([data])


class _ChunkStream(io.RawIOBase):
    """A readable stream over an iterator of chunks (a download), for the cache's verifying reader."""

    def __init__(self, chunks: Iterator[bytes], on_chunk: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self._on_chunk = on_chunk

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
            if self._on_chunk is not None:
                self._on_chunk(len(chunk))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


@dataclass(frozen=True)
class RegistryPlugin:
    """A verified plugin ready to run, and the `warn` revocation it carries, if any."""

    plugin: LoadedPlugin
    target: VerifiedTarget

    @property
    def warning(self) -> str | None:
        return self.target.warning


class RegistrySource:
    """Resolves `ns/name@range` through the signed registry; `resolve` is safe to call from job threads."""

    def __init__(
        self,
        trust_root: Path,
        workdir: Path,
        peer: Peer,
        resolver: PluginResolver,
        *,
        metrics: PluginCacheMetrics | None = None,
        listeners: DownloadListeners | None = None,
    ) -> None:
        workdir = Path(workdir).absolute()
        self._peer = peer
        self._resolver = resolver
        self.listeners = listeners or DownloadListeners()
        self.trust = TrustClient(trust_root, workdir / "trust-metadata", PeerMetadataFetcher(peer))
        self.cache = TieredCache(
            workdir / "plugin-cache",
            self._download,
            memory_max_bytes=CACHE_MEMORY_MAX_BYTES,
            metrics=metrics,
            source_name="the kernel (DownloadPlugin)",
        )
        self._trust_lock = threading.Lock()  # one refresh at a time: they share the metadata folder
        self._labels: dict[str, str] = {}  # sha256 -> ns/name@version, for progress reports
        self._started = threading.local()  # the download this thread started inside cache.path, if any

    def resolve(self, reference: str, sha256: str = "") -> RegistryPlugin:
        """The newest verified, unrevoked release matching `reference`; PluginUnavailable says why not.

        `sha256` (the kernel's pin): the signed release must have exactly this package digest."""
        try:
            ref = parse_plugin_ref(reference)
        except ValueError as exc:
            raise PluginUnavailable(str(exc)) from exc
        try:
            with self._trust_lock:
                self.trust.refresh()
                target = self.trust.find(ref.name, ref.range)  # checks the revocation list, every time
            if sha256 and sha256 != target.sha256:
                raise PinMismatch(
                    f"refusing {target.name}@{target.version}: the kernel pinned sha256 {sha256}, but the "
                    f"signed registry has {target.sha256} for it (the pin is stale or the release differs)"
                )
            package = self._fetch(target.name, target.version, target.sha256, target.length)
            plugin = self._resolver.load_package(
                package, target.sha256, origin=f"the signed registry (sha256 {target.sha256[:12]})"
            )
        except (RegistryError, PeerError, BlobStoreError) as exc:
            raise PluginUnavailable(f"cannot run {reference} from the signed registry: {exc}") from exc
        except PluginUnavailable as exc:
            raise PluginUnavailable(f"cannot run {reference} from the signed registry: {exc}") from exc
        self._check_manifest(plugin, target)
        return RegistryPlugin(plugin, target)

    def evict(self, digests: Sequence[str]) -> list[str]:
        """Remove these packages from every cache tier; the digests that were on disk."""
        removed = []
        for digest in digests:
            try:
                check_digest(digest)
            except BlobStoreError:
                continue  # not a digest: nothing of ours is named so
            if (self.cache.folder / blob_key(digest)).is_file():
                removed.append(digest)
            self.cache.evict(digest)
        return removed

    def installed(self) -> list[InstalledPlugin]:
        """The plugins in the download cache (verified before they were stored, and on every load) that
        are unpacked and usable; a cached package never unpacked is left out."""
        found = []
        for blob in sorted(self.cache.folder.glob("sha256/*/*/*")):
            try:
                check_digest(blob.name)
            except BlobStoreError:
                continue  # a partial file
            folder = self._resolver.unpacked_dir(blob.name)
            if not folder.is_dir():
                continue
            try:
                manifest = load_plugin_dir(folder).manifest
            except PluginUnavailable as exc:
                log.debug("not reporting cached package %s: %s", blob.name, exc)
                continue
            found.append(InstalledPlugin(manifest.name, manifest.version, blob.name, CACHE_SOURCE))
        return found

    def _fetch(self, name: str, version: str, digest: str, length: int) -> Path:
        """`cache.path`, reporting the end of a download this call made (a cache hit reports nothing)."""
        label = f"{name}@{version}"
        with self._trust_lock:
            self._labels[digest] = label
        self._started.download = None
        try:
            path = self.cache.path(digest, length)
        except Exception as exc:
            began = self._started.download
            if began is not None:
                self._emit(label, digest, length, began, finished=True, error=str(exc))
            raise
        began = self._started.download
        if began is not None:
            self._emit(label, digest, length, began, finished=True, done=length)
        return path

    def _download(self, digest: str, length: int) -> BinaryIO:
        with self._trust_lock:
            label = self._labels.get(digest, f"sha256 {digest[:12]}")
        log.info("downloading plugin %s (package %s, %d bytes) from the kernel", label, digest, length)
        began = time.monotonic()
        self._started.download = began
        done = 0

        def on_chunk(size: int) -> None:
            nonlocal done
            done += size
            self._emit(label, digest, length, began, done=done)

        self._emit(label, digest, length, began)
        chunks = iter(self._peer.download_plugin(digest))
        return _ChunkStream(chunks, on_chunk)  # type: ignore[return-value]

    def _emit(
        self,
        label: str,
        digest: str,
        length: int,
        began: float,
        *,
        done: int = 0,
        finished: bool = False,
        error: str | None = None,
    ) -> None:
        seconds = time.monotonic() - began
        self.listeners.emit(DownloadProgress(label, digest, done, length, finished, error, seconds))

    @staticmethod
    def _check_manifest(plugin: LoadedPlugin, target: VerifiedTarget) -> None:
        release = f"{target.name}@{target.version}"
        if plugin.manifest.to_dict() != target.manifest:
            raise PluginUnavailable(
                f"refusing {release} (sha256 {target.sha256[:12]}): the package's manifest.json differs from "
                "the manifest its signed release carries"
            )
        if (plugin.manifest.name, plugin.manifest.version) != (target.name, target.version):
            raise PluginUnavailable(
                f"refusing {release} (sha256 {target.sha256[:12]}): the package is "
                f"{plugin.manifest.ref}, not the release it was signed as"
            )
