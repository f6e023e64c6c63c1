"""Resolving `uses: ns/name@range` against the agent's plugin path (`--plugin-path DIR`, repeatable).

Each DIR is a plugin folder itself (it holds `manifest.json`), or holds plugin folders and packages
(`*.zip`). Packages are unpacked safely (`plugin_sdk.unpack`) once, into `<cache>/<sha256>/`, and found
again by their sha256. The newest version the range accepts wins. Packages from the signed registry
(`agent.plugins.registry_source`) are unpacked the same way, through `load_package`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from agent.errors import PluginUnavailable
from agent.plugins.loader import LoadedPlugin, load_plugin_dir
from plugin_sdk import PluginError, unpack
from plugin_sdk.manifest import MANIFEST_NAME
from plugin_sdk.refs import newest_match, parse_plugin_ref

__all__ = ["PACKAGE_SUFFIX", "PluginResolver"]

log = logging.getLogger("arcade.agent")

PACKAGE_SUFFIX = ".zip"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


class PluginResolver:
    """Finds plugins in `search_paths`; unpacked packages live in the private folder `cache_dir`."""

    def __init__(self, search_paths: Sequence[Path], cache_dir: Path) -> None:
        self.search_paths = tuple(Path(path) for path in search_paths)
        self._cache_dir = Path(cache_dir)
        self._digests: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256
        self._loaded: dict[Path, tuple[tuple[int, int], LoadedPlugin]] = {}  # folder -> (manifest stamp, it)
        self._lock = threading.Lock()
        self._entry_digests: dict[
            str, str
        ] = {}  # package sha256 -> sha256 of its entry, read from the package

    def resolve(self, reference: str) -> LoadedPlugin:
        """The newest plugin matching `reference`; PluginUnavailable says what was looked at and why."""
        try:
            ref = parse_plugin_ref(reference)
        except ValueError as exc:
            raise PluginUnavailable(str(exc)) from exc
        if not self.search_paths:
            raise PluginUnavailable(
                f"cannot run {reference}: this agent has no plugin path (start it with --plugin-path DIR)"
            )
        found: dict[str, LoadedPlugin] = {}
        problems: list[str] = []
        for plugin, problem in self._scan():
            if problem is not None:
                problems.append(problem)
            elif plugin is not None and plugin.manifest.name == ref.name:
                found.setdefault(plugin.manifest.version, plugin)
        version = newest_match(ref, found)
        if version is not None:
            return found[version]
        where = ", ".join(str(path) for path in self.search_paths)
        message = f"plugin {reference} not found in the plugin path ({where})"
        if found:
            message += f"; versions of {ref.name} there: {', '.join(sorted(found))}"
        named = [problem for problem in problems if ref.name in problem] or problems
        if named:
            message += "; unusable entries: " + "; ".join(named[:3])
        raise PluginUnavailable(message)

    def available(self) -> list[LoadedPlugin]:
        """Every usable plugin in the plugin path (unusable entries are logged and left out)."""
        plugins = []
        for plugin, problem in self._scan():
            if problem is not None:
                log.warning("plugin path: %s", problem)
            elif plugin is not None:
                plugins.append(plugin)
        return plugins

    def installed(self) -> list[tuple[LoadedPlugin, Path]]:
        """Every usable plugin in the plugin path with the plugin-path folder it was found in."""
        return [(plugin, base) for plugin, _, base in self._scan_from() if plugin is not None]

    def _scan(self) -> Iterator[tuple[LoadedPlugin | None, str | None]]:
        for plugin, problem, _ in self._scan_from():
            yield plugin, problem

    def _scan_from(self) -> Iterator[tuple[LoadedPlugin | None, str | None, Path]]:
        for base in self.search_paths:
            if (base / MANIFEST_NAME).is_file():
                yield *self._attempt(lambda base=base: self._load_dir(base)), base
                continue
            try:
                children = sorted(base.iterdir())
            except OSError as exc:
                yield None, f"{base}: cannot list the folder: {exc.strerror or exc}", base
                continue
            for child in children:
                if child.is_dir() and (child / MANIFEST_NAME).is_file():
                    yield *self._attempt(lambda child=child: self._load_dir(child)), base
                elif child.is_file() and child.name.endswith(PACKAGE_SUFFIX):
                    yield *self._attempt(lambda child=child: self.load_package(child)), base

    @staticmethod
    def _attempt(load: Callable[[], LoadedPlugin]) -> tuple[LoadedPlugin | None, str | None]:
        try:
            return load(), None
        except PluginUnavailable as exc:
            return None, str(exc)

    def unpacked_dir(self, digest: str) -> Path:
        """Where the package with this sha256 is (or would be) unpacked."""
        return self._cache_dir / digest

    def load_package(
        self, package: Path, digest: str | None = None, origin: str | None = None
    ) -> LoadedPlugin:
        """The plugin in the package (unpacked once into `<cache>/<sha256>`); `digest`: its sha256, already
        verified by the caller (else it is computed)."""
        digest = digest or self._digest(package)
        target = self._cache_dir / digest
        origin = origin or f"{package} (sha256 {digest[:12]})"
        with self._lock:
            self._unpack_once(package, target)
            plugin = self._load_dir(target, origin=origin)
            if not self._entry_intact(package, digest, plugin):
                log.warning(
                    "%s: the unpacked entry %s changed on disk; unpacking it again", origin, plugin.entry
                )
                shutil.rmtree(target, ignore_errors=True)
                self._loaded.pop(target, None)
                self._unpack_once(package, target)
                plugin = self._load_dir(target, origin=origin)
                if not self._entry_intact(package, digest, plugin):
                    raise PluginUnavailable(
                        f"{origin}: the unpacked entry {plugin.entry.name} does not match the package"
                    )
        return replace(plugin, sha256=digest)

    def forget(self, digests: Sequence[str]) -> list[str]:
        """Remove the unpacked copies of these packages; the digests that had one."""
        removed = []
        with self._lock:
            for digest in digests:
                target = self._cache_dir / digest
                if not _SHA256.fullmatch(digest) or not target.is_dir():
                    continue
                shutil.rmtree(target, ignore_errors=True)
                self._loaded.pop(target, None)
                self._entry_digests.pop(digest, None)
                removed.append(digest)
        return removed

    def _unpack_once(self, package: Path, target: Path) -> None:
        if (target / MANIFEST_NAME).is_file():
            return
        self._cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            unpack(package, target)
        except PluginError as exc:
            if not (target / MANIFEST_NAME).is_file():  # else another process unpacked it first
                raise PluginUnavailable(f"{package}: {exc}") from exc

    def _entry_intact(self, package: Path, digest: str, plugin: LoadedPlugin) -> bool:
        """Whether the unpacked entry (the code that runs) still has the bytes the verified package holds:
        the unpacked folder is reused across runs, so it is checked on every load, not trusted."""
        expected = self._entry_digests.get(digest)
        if expected is None:
            try:
                with zipfile.ZipFile(package) as archive, archive.open(plugin.manifest.entry) as member:
                    expected = _sha256_of(member)
            except (OSError, KeyError, zipfile.BadZipFile) as exc:
                raise PluginUnavailable(
                    f"{package}: cannot read the entry {plugin.manifest.entry}: {exc}"
                ) from exc
            self._entry_digests[digest] = expected
        try:
            with plugin.entry.open("rb") as unpacked:
                return _sha256_of(unpacked) == expected
        except OSError:
            return False

    def _load_dir(self, folder: Path, origin: str | None = None) -> LoadedPlugin:
        """`load_plugin_dir`, checked again only when the folder's manifest changed (steps resolve often)."""
        try:
            info = (folder / MANIFEST_NAME).stat()
        except OSError:
            return load_plugin_dir(folder, origin)  # says what is missing
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._loaded.get(folder)
        if cached is not None and cached[0] == stamp and cached[1].entry.is_file():
            return cached[1]
        plugin = load_plugin_dir(folder, origin)
        self._loaded[folder] = (stamp, plugin)
        return plugin

    def _digest(self, package: Path) -> str:
        try:
            info = package.stat()
            key = (str(package.resolve()), info.st_size, info.st_mtime_ns)
            if key in self._digests:
                return self._digests[key]
            digest = hashlib.sha256()
            with package.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        except OSError as exc:
            raise PluginUnavailable(f"{package}: cannot read the package: {exc.strerror or exc}") from exc
        self._digests[key] = digest.hexdigest()
        return self._digests[key]


def _sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
