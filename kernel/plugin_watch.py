"""Hot reload of ARCADE_PLUGINS_DIR (DESIGN §6): packages dropped in are installed, removed ones uninstalled,
and `plugins.yaml` (see kernel.plugins_yaml) is applied live.

Two threads: watchdog's observer only notes which file changed and when; one worker handles a file once it
has been quiet for `quiet_seconds`. A file is trusted only when its size and mtime did not change over that
quiet period and, for a zip, a consistent copy of it opens as a zip (its central directory, written last,
is readable). The copy is what gets installed, so a writer still busy with the file can never have half of
it installed. A zip that is not complete yet is looked at again on its next event.

Every change goes through the marketplace (the `PluginInstaller` protocol) with the actor
`hot-reload:<file name>`; failures are logged, handed to `on_error` (the kernel audits them) and never
stop the watcher or touch other plugins.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from watchdog.events import (
    EVENT_TYPE_ATTRIB,
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from kernel.errors import NotFound
from kernel.plugins_yaml import PLUGINS_YAML, PluginSettings, parse_plugins_yaml
from plugin_sdk.manifest import MANIFEST_NAME

__all__ = ["DEFAULT_QUIET_SECONDS", "PluginFolderWatcher", "PluginInstaller", "WatchOutcome", "watched_file"]

log = logging.getLogger("arcade.kernel.plugin_watch")
DEFAULT_QUIET_SECONDS = 0.5
SIGNED_SUFFIX = ".signed.json"
IGNORED_SUFFIXES = (".part", ".tmp")
# Events that may mean new content; our own reads (opened, closed without writing) must not count.
CHANGE_EVENTS = frozenset(
    {
        EVENT_TYPE_CREATED,
        EVENT_TYPE_MODIFIED,
        EVENT_TYPE_DELETED,
        EVENT_TYPE_MOVED,
        EVENT_TYPE_CLOSED,
        EVENT_TYPE_ATTRIB,
    }
)
Stat = tuple[int, int] | None  # (size, mtime_ns); None: no such file
Signature = tuple[Stat, Stat]  # the file's, and for a zip its X.zip.signed.json's


class PluginInstaller(Protocol):
    """What hot reload needs of kernel.plugin_marketplace.PluginMarketplace (blocking calls)."""

    def install_package(self, path: Path, *, actor: str, signed: dict[str, Any] | None = None) -> Any: ...

    def uninstall(self, name: str, *, actor: str) -> Any: ...

    def set_enabled(self, name: str, enabled: bool, *, actor: str) -> Any: ...

    def set_config(self, name: str, config: dict[str, Any], *, actor: str) -> Any: ...


@dataclass(frozen=True)
class WatchOutcome:
    """What the watcher did about one file: installed, unchanged, incomplete, uninstalled, removed,
    applied, failed."""

    file: str
    outcome: str
    detail: str = ""


def watched_file(name: str) -> str | None:
    """The entry that a change to `name` concerns (X.zip for X.zip.signed.json); None: ignore it."""
    if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
        return None
    if name == PLUGINS_YAML:
        return name
    if name.endswith(".zip" + SIGNED_SUFFIX):
        name = name[: -len(SIGNED_SUFFIX)]
    return name if name.endswith(".zip") and len(name) > len(".zip") else None


def _stat(path: Path) -> Stat:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if os.path.isfile(path) else None


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: PluginFolderWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGE_EVENTS:
            return
        try:
            for path in (event.src_path, event.dest_path):
                if path:
                    self.watcher.notice(os.path.basename(os.fsdecode(path)))
        except Exception:  # an exception here would end watchdog's thread
            log.exception("hot reload: handling %r failed", event)


class PluginFolderWatcher:
    """Watches `folder` and keeps the installer in step with it; `start()` also handles what is there."""

    def __init__(
        self,
        folder: Path,
        installer: PluginInstaller,
        *,
        quiet_seconds: float = DEFAULT_QUIET_SECONDS,
        installed_sha256: Callable[[str], str | None] = lambda name: None,
        on_error: Callable[[str, str, str], None] | None = None,
    ) -> None:
        """`installed_sha256(name)`: the package digest of the plugin's installed version (None if none), so
        a zip already installed is not installed again; `on_error(actor, target, message)` hears failures."""
        self.folder = folder
        self.installer = installer
        self.quiet_seconds = quiet_seconds
        self.installed_sha256 = installed_sha256
        self.on_error = on_error
        self.history: deque[WatchOutcome] = deque(maxlen=500)
        self._wake = threading.Condition()
        self._pending: dict[str, float] = {}  # file -> when it is due (monotonic)
        self._noticed: dict[str, Signature] = {}  # file -> its signature at its latest event
        self._stopping = False
        self._observer: Any = None
        self._worker: threading.Thread | None = None
        # The worker's own state (only its thread touches these).
        self._handled: dict[str, Signature] = {}  # file -> the signature last handled (success or failure)
        self._installed: dict[str, str] = {}  # zip file -> the plugin it installed
        self._wanted: dict[str, PluginSettings] = {}  # the last valid plugins.yaml
        self._applied: dict[str, PluginSettings] = {}  # what of it was applied successfully

    # ------------------------------------------------------------------------------------------ control

    def start(self) -> None:
        """Watch the folder (made if missing) and queue every file already in it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._observer = Observer()
        self._observer.schedule(_Events(self), str(self.folder), recursive=False)
        self._observer.start()
        self._worker = threading.Thread(target=self._run, name="arcade-plugin-watch", daemon=True)
        self._worker.start()
        for entry in sorted(os.listdir(self.folder), key=lambda name: (name == PLUGINS_YAML, name)):
            self.notice(entry)
        log.info("hot reload: watching %s", self.folder)

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            if self._observer.is_alive():
                self._observer.join(timeout=10)
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=30)

    def notice(self, name: str) -> None:
        """A change to folder entry `name`: (re)start its quiet period."""
        file = watched_file(name)
        if file is None:
            return
        signature = self._signature(file)
        with self._wake:
            self._noticed[file] = signature
            self._pending[file] = time.monotonic() + self.quiet_seconds
            self._wake.notify()

    def outcomes(self, file: str) -> list[str]:
        return [item.outcome for item in list(self.history) if item.file == file]

    # ------------------------------------------------------------------------------------------- worker

    def _signature(self, file: str) -> Signature:
        signed = _stat(self.folder / (file + SIGNED_SUFFIX)) if file.endswith(".zip") else None
        return _stat(self.folder / file), signed

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping:
                    now = time.monotonic()
                    due = min(self._pending.values(), default=None)
                    if due is not None and due <= now:
                        break
                    self._wake.wait(None if due is None else due - now)
                if self._stopping:
                    return
                ready = [file for file, due in self._pending.items() if due <= now]
                for file in ready:
                    del self._pending[file]
                noticed = {file: self._noticed[file] for file in ready}
            # Packages first, so that plugins.yaml can configure a plugin installed in the same batch.
            for file in sorted(ready, key=lambda f: (f == PLUGINS_YAML, f)):
                try:
                    self._handle(file, noticed[file])
                except Exception as exc:  # the watcher keeps going whatever one file does
                    log.exception("hot reload: %s", file)
                    self._fail(file, file, f"{type(exc).__name__}: {exc}")

    def _again(self, file: str, signature: Signature) -> None:
        with self._wake:
            if file not in self._pending:
                self._noticed[file] = signature
                self._pending[file] = time.monotonic() + self.quiet_seconds
                self._wake.notify()

    def _record(self, file: str, outcome: str, detail: str = "") -> None:
        if outcome not in ("failed", "incomplete", "unchanged"):  # those are logged where they happen
            log.info("hot reload: %s: %s %s", file, outcome, detail)
        self.history.append(WatchOutcome(file, outcome, detail))

    def _fail(self, file: str, target: str, message: str) -> None:
        log.warning("hot reload: %s: %s", file, message)
        self._record(file, "failed", message)
        if self.on_error is not None:
            try:
                self.on_error(f"hot-reload:{file}", target, message)
            except Exception:
                log.exception("hot reload: recording the failure of %s failed", file)

    def _handle(self, file: str, noticed: Signature) -> None:
        signature = self._signature(file)
        if signature[0] is None:
            self._removed(file)
        elif signature != noticed:  # still being written: wait for another quiet period
            self._again(file, signature)
        elif signature == self._handled.get(file):
            self._record(file, "unchanged")
        elif file == PLUGINS_YAML:
            self._handled[file] = signature
            self._apply_yaml(file)
        else:
            self._install(file, signature)

    # --------------------------------------------------------------------------------------- packages

    def _install(self, file: str, signature: Signature) -> None:
        with tempfile.TemporaryDirectory(prefix="arcade-hot-reload-") as scratch:
            copy = Path(scratch) / file
            digest = hashlib.sha256()
            with (self.folder / file).open("rb") as source, copy.open("wb") as target:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    target.write(chunk)
            if self._signature(file) != signature:  # changed while copied
                self._again(file, self._signature(file))
                return
            try:
                with zipfile.ZipFile(copy) as package:
                    name = _manifest_name(package)
            except (zipfile.BadZipFile, OSError) as exc:
                log.warning(
                    "hot reload: %s is not a complete zip yet (%s); waiting for it to change", file, exc
                )
                self._record(file, "incomplete", str(exc))
                return
            self._handled[file] = signature
            signed = self._signed(file)
            if signed is False:
                return
            sha256 = digest.hexdigest()
            if name is not None and self.installed_sha256(name) == sha256:
                self._installed[file] = name
                self._record(file, "unchanged", f"{name} is installed from this package")
                return
            try:
                result = self.installer.install_package(copy, actor=f"hot-reload:{file}", signed=signed)
            except Exception as exc:
                self._fail(file, name or file, _message(exc))
                return
        if name is None and isinstance(result, dict) and isinstance(result.get("name"), str):
            name = result["name"]
        previous = self._installed.get(file)
        if name is not None:
            self._installed[file] = name
        self._record(file, "installed", f"{name} sha256 {sha256}")
        if previous is not None and previous != name:
            self._uninstall(file, previous)
        if name is not None and name in self._wanted:
            self._apply_entry(PLUGINS_YAML, name, self._wanted[name], force=True)

    def _signed(self, file: str) -> dict[str, Any] | None | bool:
        """X.zip.signed.json as the `signed` document, None when there is none, False after a failure."""
        path = self.folder / (file + SIGNED_SUFFIX)
        try:
            text = path.read_text()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._fail(file, file, f"{path.name}: cannot read: {exc.strerror}")
            return False
        try:
            document = json.loads(text)
        except ValueError as exc:
            self._fail(file, file, f"{path.name}: not valid JSON: {exc}")
            return False
        if not isinstance(document, dict) or not {"namespace", "role"} <= document.keys():
            self._fail(
                file,
                file,
                f"{path.name}: expected an object with 'namespace' and 'role' (arcade plugin sign)",
            )
            return False
        return document

    def _removed(self, file: str) -> None:
        self._handled.pop(file, None)
        if file == PLUGINS_YAML:
            self._record(file, "removed", "the plugins' state is kept as it is")
            return
        name = self._installed.pop(file, None)
        if name is None:
            self._record(file, "removed")
        elif name in self._installed.values():
            self._record(file, "removed", f"{name} stays: another package in the folder installed it")
        else:
            self._uninstall(file, name)

    def _uninstall(self, file: str, name: str) -> None:
        self._applied.pop(name, None)
        try:
            self.installer.uninstall(name, actor=f"hot-reload:{file}")
        except NotFound:  # an admin uninstalled it already
            self._record(file, "removed", f"{name} was not installed any more")
            return
        except Exception as exc:
            self._fail(file, name, _message(exc))
            return
        self._record(file, "uninstalled", name)

    # ----------------------------------------------------------------------------------- plugins.yaml

    def _apply_yaml(self, file: str) -> None:
        try:
            wanted = parse_plugins_yaml((self.folder / file).read_text(), file)
        except (OSError, UnicodeDecodeError) as exc:
            self._fail(file, file, f"cannot read: {exc}")
            return
        except Exception as exc:  # PluginsYamlError: the message names the line and field
            self._fail(file, file, f"{_message(exc)}; the previous plugins.yaml stays applied")
            return
        self._wanted = wanted
        for name, settings in wanted.items():
            self._apply_entry(file, name, settings, force=False)
        self._record(file, "applied", ", ".join(sorted(wanted)))

    def _apply_entry(self, file: str, name: str, settings: PluginSettings, *, force: bool) -> None:
        """Apply what the entry says and was not applied yet (all of it with `force`, after an install)."""
        applied = self._applied.get(name, PluginSettings())
        actor = f"hot-reload:{file}"
        if settings.config is not None and (force or settings.config != applied.config):
            try:
                self.installer.set_config(name, settings.config, actor=actor)
            except Exception as exc:
                self._fail(file, name, f"plugins.{name}.config: {_message(exc)}")
            else:
                applied = PluginSettings(applied.enabled, settings.config)
        if settings.enabled is not None and (force or settings.enabled != applied.enabled):
            try:
                self.installer.set_enabled(name, settings.enabled, actor=actor)
            except Exception as exc:
                self._fail(file, name, f"plugins.{name}.enabled: {_message(exc)}")
            else:
                applied = PluginSettings(settings.enabled, applied.config)
        self._applied[name] = applied


def _manifest_name(package: zipfile.ZipFile) -> str | None:
    """The package's plugin name, or None when its manifest does not say (the marketplace will explain)."""
    try:
        manifest = json.loads(package.read(MANIFEST_NAME))
    except (KeyError, ValueError, zipfile.BadZipFile):
        return None
    name = manifest.get("name") if isinstance(manifest, dict) else None
    return name if isinstance(name, str) else None


def _message(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc) or type(exc).__name__
