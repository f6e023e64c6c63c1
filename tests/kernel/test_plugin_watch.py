"""Hot reload of the plugins folder against an in-memory marketplace that records every call: debouncing,
half-written packages, deletes, plugins.yaml, and failures that leave everything else alone.

The real marketplace is exercised end to end in test_plugin_hot_reload.py; here the installer is a small
real implementation of kernel.plugin_watch.PluginInstaller, so the watcher's own logic is tested precisely.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from polling import wait_for

from kernel.errors import InvalidInput, NotFound, PermissionDenied
from kernel.plugin_watch import PluginFolderWatcher, watched_file
from plugin_sdk.package import pack

ROOT = Path(__file__).resolve().parents[2]
HELLO = json.loads((ROOT / "examples/plugins/hello-wat/manifest.json").read_text())
NAME = HELLO["name"]
QUIET = 0.15


@dataclass
class Installed:
    version: str
    sha256: str
    enabled: bool = True
    config: dict[str, Any] = field(default_factory=dict)


class RecordingMarketplace:
    """The marketplace's hot-reload surface in memory: packages need a published digest or a `signed`
    document, config must be an object whose keys are in `config_keys`, and every call is recorded."""

    def __init__(self, config_keys: tuple[str, ...] = ("greeting", "loud")) -> None:
        self.published: set[str] = set()
        self.installed: dict[str, Installed] = {}
        self.calls: list[tuple[str, str, str]] = []  # (method, name or file, actor)
        self.config_keys = config_keys

    def install_package(self, path: Path, *, actor: str, signed: dict[str, Any] | None = None) -> Any:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        self.calls.append(("install_package", path.name, actor))
        try:
            manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise InvalidInput(f"invalid plugin package: {exc}") from None
        if sha256 not in self.published:
            if signed is None:
                raise PermissionDenied(f"unsigned package: no publisher has signed sha256 {sha256}")
            self.published.add(sha256)
        current = self.installed.get(manifest["name"])
        self.installed[manifest["name"]] = Installed(
            manifest["version"],
            sha256,
            current.enabled if current else True,
            current.config if current else {},
        )
        return {"name": manifest["name"], "installed_version": manifest["version"]}

    def uninstall(self, name: str, *, actor: str) -> Any:
        self.calls.append(("uninstall", name, actor))
        if self.installed.pop(name, None) is None:
            raise NotFound(f"plugin {name} is not installed")
        return {"uninstalled": name}

    def set_enabled(self, name: str, enabled: bool, *, actor: str) -> Any:
        self.calls.append(("enable" if enabled else "disable", name, actor))
        self._get(name).enabled = enabled

    def set_config(self, name: str, config: dict[str, Any], *, actor: str) -> Any:
        self.calls.append(("set_config", name, actor))
        plugin = self._get(name)
        unknown = sorted(set(config) - set(self.config_keys))
        if unknown:
            raise InvalidInput(f"config: unknown field {unknown[0]!r}")
        plugin.config = config

    def installed_sha256(self, name: str) -> str | None:
        plugin = self.installed.get(name)
        return plugin.sha256 if plugin else None

    def _get(self, name: str) -> Installed:
        if name not in self.installed:
            raise NotFound(f"plugin {name} is not installed")
        return self.installed[name]

    def count(self, method: str) -> int:
        return sum(1 for call in self.calls if call[0] == method)


class Packages:
    """Plugin packages of the hello-wat manifest, made in a scratch folder outside the watched one."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.made = 0

    def make(self, version: str = "0.1.0", name: str = NAME, readme: str = "hello") -> bytes:
        self.made += 1
        folder = self.tmp / f"src-{self.made}"
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps(dict(HELLO, name=name, version=version)))
        (folder / "plugin.wasm").write_bytes(b"\0asm\1\0\0\0")
        (folder / "README.md").write_text(readme)
        return pack(folder, self.tmp / f"package-{self.made}.zip").path.read_bytes()


@pytest.fixture
def packages(tmp_path) -> Packages:
    return Packages(tmp_path / "packages")


@pytest.fixture
def market() -> RecordingMarketplace:
    return RecordingMarketplace()


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "plugins"
    path.mkdir()
    return path


@pytest.fixture
def errors() -> list[tuple[str, str, str]]:
    return []


@pytest.fixture
def start(folder, market, errors) -> Iterator[Callable[[], PluginFolderWatcher]]:
    started: list[PluginFolderWatcher] = []

    def run() -> PluginFolderWatcher:
        watcher = PluginFolderWatcher(
            folder,
            market,
            quiet_seconds=QUIET,
            installed_sha256=market.installed_sha256,
            on_error=lambda *args: errors.append(args),
        )
        watcher.start()
        started.append(watcher)
        return watcher

    yield run
    for watcher in started:
        watcher.stop()


def publish(market: RecordingMarketplace, data: bytes) -> bytes:
    market.published.add(hashlib.sha256(data).hexdigest())
    return data


def test_watched_files():
    assert watched_file("a.zip") == "a.zip"
    assert watched_file("a.zip.signed.json") == "a.zip"
    assert watched_file("plugins.yaml") == "plugins.yaml"
    for ignored in (
        ".a.zip",
        "a.zip.part",
        "a.zip.tmp",
        "a.tmp",
        ".zip",
        "notes.txt",
        "x.json",
        ".plugins.yaml",
    ):
        assert watched_file(ignored) is None, ignored


def test_a_dropped_zip_is_installed_once_and_a_deleted_one_uninstalled(start, folder, market, packages):
    watcher = start()
    data = publish(market, packages.make())
    (folder / ".hidden.zip").write_bytes(data)
    (folder / "hello.zip.part").write_bytes(data)
    (folder / "hello.tmp").write_bytes(data)
    with (folder / "hello.zip").open("wb") as out:  # a burst of writes: handled once, after the quiet
        for start_at in range(0, len(data), 64):
            out.write(data[start_at : start_at + 64])
            out.flush()
    wait_for(lambda: NAME in market.installed, what="the install")
    assert market.installed[NAME].sha256 == hashlib.sha256(data).hexdigest()
    assert market.calls == [("install_package", "hello.zip", "hot-reload:hello.zip")]

    (folder / "hello.zip").unlink()
    wait_for(lambda: watcher.outcomes("hello.zip")[-1:] == ["uninstalled"], what="the uninstall")
    assert market.calls[1:] == [("uninstall", NAME, "hot-reload:hello.zip")]
    assert watcher.outcomes("hello.zip").count("installed") == 1


def test_a_zip_renamed_into_place_is_installed(start, folder, market, packages):
    start()
    (folder / "hello.zip.part").write_bytes(publish(market, packages.make()))
    (folder / "hello.zip.part").rename(folder / "hello.zip")
    wait_for(lambda: NAME in market.installed, what="the install")
    assert market.count("install_package") == 1


def test_a_half_written_zip_is_not_installed_until_complete(start, folder, market, packages):
    watcher = start()
    data = publish(market, packages.make())
    with (folder / "hello.zip").open("wb") as out:
        out.write(data[: len(data) // 2])
        out.flush()
        wait_for(lambda: "incomplete" in watcher.outcomes("hello.zip"), what="the half to be looked at")
        assert market.calls == [] and market.installed == {}
        out.write(data[len(data) // 2 :])
    wait_for(lambda: NAME in market.installed, what="the install")
    assert market.installed[NAME].sha256 == hashlib.sha256(data).hexdigest()
    assert market.count("install_package") == 1


def test_a_replaced_zip_is_installed_again_and_touching_it_changes_nothing(start, folder, market, packages):
    watcher = start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make("0.1.0")))
    wait_for(lambda: NAME in market.installed, what="the install")
    (folder / "hello.zip").write_bytes(publish(market, packages.make("0.2.0")))
    wait_for(lambda: market.installed[NAME].version == "0.2.0", what="the update")
    # Same content, new mtime: looked at, but not installed again.
    (folder / "hello.zip").write_bytes((folder / "hello.zip").read_bytes())
    wait_for(lambda: watcher.outcomes("hello.zip")[-1:] == ["unchanged"], what="the touch")
    assert market.count("install_package") == 2


def test_a_zip_that_now_holds_another_plugin_uninstalls_the_first(start, folder, market, packages):
    start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: NAME in market.installed, what="the install")
    (folder / "hello.zip").write_bytes(publish(market, packages.make(name="examples/other")))
    wait_for(lambda: list(market.installed) == ["examples/other"], what="the swap")
    assert ("uninstall", NAME, "hot-reload:hello.zip") in market.calls


def test_an_unsigned_zip_is_refused_then_installed_once_signed(start, folder, market, packages, errors):
    watcher = start()
    (folder / "hello.zip").write_bytes(packages.make())
    wait_for(lambda: errors, what="the refusal")
    actor, target, message = errors[0]
    assert (actor, target) == ("hot-reload:hello.zip", NAME)
    assert "unsigned package" in message
    assert market.installed == {}
    (folder / "hello.zip.signed.json").write_text(json.dumps({"namespace": "examples", "role": {}}))
    wait_for(lambda: watcher.outcomes("hello.zip") == ["failed", "installed"], what="the signed install")
    assert NAME in market.installed


def test_a_bad_signed_document_is_reported(start, folder, market, packages, errors):
    start()
    (folder / "hello.zip.signed.json").write_text("{not json")
    (folder / "hello.zip").write_bytes(packages.make())
    wait_for(lambda: errors, what="the error")
    assert errors[0][0] == "hot-reload:hello.zip"
    assert "hello.zip.signed.json: not valid JSON" in errors[0][2]
    assert market.calls == []


def test_a_bad_package_does_not_disturb_an_installed_one(start, folder, market, packages, errors):
    watcher = start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: NAME in market.installed, what="the install")
    good = market.installed[NAME]
    with zipfile.ZipFile(folder / "broken.zip", "w") as broken:  # a complete zip, but no manifest
        broken.writestr("README.md", "no manifest here")
    (folder / "unsigned.zip").write_bytes(packages.make("0.3.0", name="examples/unsigned"))
    (folder / "garbage.zip").write_bytes(b"this is not a zip at all")
    wait_for(lambda: len(errors) == 2, what="two refusals")
    wait_for(lambda: "incomplete" in watcher.outcomes("garbage.zip"), what="the garbage to be looked at")
    assert sorted(e[0] for e in errors) == ["hot-reload:broken.zip", "hot-reload:unsigned.zip"]
    assert "invalid plugin package" in dict((e[0], e[2]) for e in errors)["hot-reload:broken.zip"]
    assert market.installed == {NAME: good}
    assert market.count("uninstall") == 0
    # Removing the packages that failed uninstalls nothing.
    for name in ("broken.zip", "unsigned.zip", "garbage.zip"):
        (folder / name).unlink()
    wait_for(lambda: watcher.outcomes("garbage.zip")[-1:] == ["removed"], what="the removals")
    wait_for(lambda: watcher.outcomes("broken.zip")[-1:] == ["removed"], what="the removals")
    assert market.installed == {NAME: good} and market.count("uninstall") == 0


def test_plugins_yaml_enables_disables_and_configures(start, folder, market, packages, errors):
    watcher = start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: NAME in market.installed, what="the install")
    (folder / "plugins.yaml").write_text(
        f"plugins:\n  {NAME}:\n    enabled: false\n    config: {{greeting: hi}}\n"
    )
    wait_for(lambda: not market.installed[NAME].enabled, what="the disable")
    wait_for(lambda: watcher.outcomes("plugins.yaml") == ["applied"], what="the apply")
    assert market.installed[NAME].config == {"greeting": "hi"}
    assert market.calls[1:] == [
        ("set_config", NAME, "hot-reload:plugins.yaml"),
        ("disable", NAME, "hot-reload:plugins.yaml"),
    ]
    # Only what changed in the file is applied.
    (folder / "plugins.yaml").write_text(
        f"plugins:\n  {NAME}:\n    enabled: true\n    config: {{greeting: hi}}\n"
    )
    wait_for(lambda: market.installed[NAME].enabled, what="the enable")
    assert market.calls[3:] == [("enable", NAME, "hot-reload:plugins.yaml")]
    assert errors == []


def test_a_bad_plugins_yaml_keeps_the_previous_state(start, folder, market, packages, errors):
    watcher = start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: NAME in market.installed, what="the install")
    (folder / "plugins.yaml").write_text(f"plugins:\n  {NAME}:\n    enabled: false\n")
    wait_for(lambda: not market.installed[NAME].enabled, what="the disable")
    calls = len(market.calls)
    (folder / "plugins.yaml").write_text(
        f"plugins:\n  {NAME}:\n    enabled: maybe\n    config: {{greeting: x}}\n"
    )
    wait_for(lambda: errors, what="the error")
    assert errors[0][:2] == ("hot-reload:plugins.yaml", "plugins.yaml")
    assert f"plugins.yaml:3: plugins.{NAME}.enabled: expected true or false" in errors[0][2]
    assert len(market.calls) == calls and not market.installed[NAME].enabled
    # A config the marketplace refuses: reported for that plugin, the rest of the file still applies.
    (folder / "plugins.yaml").write_text(
        f"plugins:\n  {NAME}:\n    enabled: true\n    config: {{colour: red}}\n"
    )
    wait_for(lambda: len(errors) == 2, what="the config error")
    assert errors[1][1] == NAME and f"plugins.{NAME}.config: config: unknown field 'colour'" in errors[1][2]
    wait_for(
        lambda: watcher.outcomes("plugins.yaml") == ["applied", "failed", "failed", "applied"],
        what="the second apply",
    )
    assert market.installed[NAME].enabled and market.installed[NAME].config == {}


def test_start_up_installs_what_is_there_and_applies_plugins_yaml(start, folder, market, packages, errors):
    installed = publish(market, packages.make("0.1.0"))
    market.installed[NAME] = Installed("0.1.0", hashlib.sha256(installed).hexdigest())
    (folder / "hello.zip").write_bytes(installed)
    (folder / "other.zip").write_bytes(publish(market, packages.make(name="examples/other")))
    (folder / "plugins.yaml").write_text(
        "plugins:\n  examples/other:\n    config: {loud: true}\n  examples/later:\n    enabled: false\n"
    )
    watcher = start()
    wait_for(lambda: watcher.outcomes("plugins.yaml"), what="plugins.yaml")
    assert [c[:2] for c in market.calls] == [
        ("install_package", "other.zip"),  # hello.zip is installed already: left alone
        ("set_config", "examples/other"),
        ("disable", "examples/later"),  # not installed yet: reported
    ]
    assert market.installed["examples/other"].config == {"loud": True}
    assert watcher.outcomes("hello.zip") == ["unchanged"]
    assert [e[1] for e in errors] == ["examples/later"]
    # The entry applies once the plugin arrives.
    (folder / "later.zip").write_bytes(publish(market, packages.make(name="examples/later")))
    wait_for(lambda: "examples/later" in market.installed, what="the install")
    wait_for(lambda: not market.installed["examples/later"].enabled, what="the disable")
    # The remembered zip -> plugin mapping survives the restart: deleting hello.zip uninstalls it.
    (folder / "hello.zip").unlink()
    wait_for(lambda: NAME not in market.installed, what="the uninstall")


def test_deleting_a_zip_whose_plugin_an_admin_uninstalled_is_fine(start, folder, market, packages, errors):
    watcher = start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: NAME in market.installed, what="the install")
    market.uninstall(NAME, actor="admin")
    (folder / "hello.zip").unlink()
    wait_for(lambda: watcher.outcomes("hello.zip")[-1:] == ["removed"], what="the removal")
    assert errors == []


def test_two_zips_of_one_plugin_uninstall_it_with_the_last(start, folder, market, packages):
    watcher = start()
    data = publish(market, packages.make())
    (folder / "a.zip").write_bytes(data)
    (folder / "b.zip").write_bytes(data)
    wait_for(lambda: len(watcher.outcomes("a.zip") + watcher.outcomes("b.zip")) == 2, what="both zips")
    (folder / "a.zip").unlink()
    wait_for(lambda: watcher.outcomes("a.zip")[-1:] == ["removed"], what="the first removal")
    assert NAME in market.installed
    (folder / "b.zip").unlink()
    wait_for(lambda: NAME not in market.installed, what="the uninstall")


def test_an_installer_that_raises_anything_does_not_stop_the_watcher(start, folder, market, packages, errors):
    def explode(path: Path, *, actor: str, signed: dict[str, Any] | None = None) -> Any:
        raise RuntimeError("disk on fire")

    original = market.install_package
    market.install_package = explode  # type: ignore[method-assign]
    start()
    (folder / "hello.zip").write_bytes(publish(market, packages.make()))
    wait_for(lambda: errors, what="the error")
    assert "disk on fire" in errors[0][2]
    market.install_package = original  # type: ignore[method-assign]
    (folder / "hello.zip").write_bytes(publish(market, packages.make("0.2.0")))
    wait_for(lambda: NAME in market.installed, what="the install after the failure")
