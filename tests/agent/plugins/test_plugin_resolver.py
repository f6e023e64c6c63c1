"""PluginResolver: plugin folders and packages in the plugin path, version ranges, and unusable entries."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from plugin_kit import manifest, package, plugin_dir

from agent.errors import PluginUnavailable
from agent.plugins import PluginResolver, load_plugin_dir


def resolver(tmp_path: Path, *paths: Path) -> PluginResolver:
    return PluginResolver(paths, tmp_path / "unpacked")


def test_a_folder_that_is_a_plugin_resolves_by_name(tmp_path):
    folder = plugin_dir(tmp_path / "echo")
    plugin = resolver(tmp_path, folder).resolve("tests/echo")
    assert plugin.ref == "tests/echo@1.0.0"
    assert plugin.entry == (folder / "plugin.wasm").resolve()


def test_the_newest_version_in_range_wins_across_folders_and_packages(tmp_path):
    path = tmp_path / "plugins"
    for version in ("1.0.0", "1.4.2", "2.0.0"):
        plugin_dir(path / f"echo-{version}", manifest(version=version))
    built = plugin_dir(tmp_path / "src", manifest(version="1.5.0"))
    package(built, path / "echo-1.5.0.zip")
    found = resolver(tmp_path, path)
    assert found.resolve("tests/echo@^1").manifest.version == "1.5.0"
    assert found.resolve("tests/echo@~1.4").manifest.version == "1.4.2"
    assert found.resolve("tests/echo@1.0.0").manifest.version == "1.0.0"
    assert found.resolve("tests/echo").manifest.version == "2.0.0"
    packaged = found.resolve("tests/echo@1.5.0")
    assert packaged.root.parent == tmp_path / "unpacked" and "sha256" in packaged.origin


def test_a_package_is_unpacked_once_and_found_by_its_digest(tmp_path):
    path = tmp_path / "plugins"
    path.mkdir()
    package(plugin_dir(tmp_path / "src"), path / "echo.zip")
    found = resolver(tmp_path, path)
    first = found.resolve("tests/echo")
    (first.root / "marker").write_text("kept")
    assert found.resolve("tests/echo").root == first.root
    assert (first.root / "marker").exists()


def test_not_found_names_the_path_and_the_versions_there(tmp_path):
    folder = plugin_dir(tmp_path / "echo")
    expected = r"plugin tests/echo@\^2 not found in the plugin path \("
    with pytest.raises(PluginUnavailable, match=expected) as info:
        resolver(tmp_path, folder).resolve("tests/echo@^2")
    assert "versions of tests/echo there: 1.0.0" in str(info.value)


def test_an_agent_without_plugin_path_says_how_to_give_one(tmp_path):
    with pytest.raises(PluginUnavailable, match="this agent has no plugin path .*--plugin-path DIR"):
        resolver(tmp_path).resolve("tests/echo")


def test_an_unbuilt_plugin_says_to_build_it(tmp_path):
    folder = plugin_dir(tmp_path / "echo")
    (folder / "plugin.wasm").unlink()
    with pytest.raises(PluginUnavailable, match=r"entry 'plugin.wasm' does not exist \(build the plugin"):
        resolver(tmp_path, tmp_path).resolve("tests/echo")


def test_an_invalid_manifest_is_reported_with_the_folder(tmp_path):
    folder = plugin_dir(tmp_path / "echo")
    (folder / "manifest.json").write_text(json.dumps(manifest(permissions={"network": {"raw": True}})))
    with pytest.raises(PluginUnavailable) as info:
        load_plugin_dir(folder)
    assert str(folder) in str(info.value) and "permissions.network" in str(info.value)


def test_an_entry_leading_outside_the_plugin_is_refused(tmp_path):
    (tmp_path / "outside.wasm").write_bytes(b"\0asm")
    folder = plugin_dir(tmp_path / "echo")
    (folder / "plugin.wasm").unlink()
    (folder / "plugin.wasm").symlink_to(tmp_path / "outside.wasm")
    with pytest.raises(PluginUnavailable, match="leads outside the plugin"):
        load_plugin_dir(folder)


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [("../evil.wasm", "leads outside the package with '..'"), ("/abs.wasm", "is an absolute path")],
)
def test_unsafe_packages_are_skipped_with_the_reason_and_nothing_is_written(tmp_path, entry, fragment):
    path = tmp_path / "plugins"
    path.mkdir()
    with zipfile.ZipFile(path / "evil.zip", "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest()))
        archive.writestr("plugin.wasm", b"\0asm\1\0\0\0")
        archive.writestr(entry, b"x")
    with pytest.raises(PluginUnavailable, match=fragment):
        resolver(tmp_path, path).resolve("tests/echo")
    assert not (tmp_path / "evil.wasm").exists()
    assert not any((tmp_path / "unpacked").glob("*/manifest.json"))


def test_a_symlink_in_a_package_is_refused(tmp_path):
    path = tmp_path / "plugins"
    path.mkdir()
    with zipfile.ZipFile(path / "link.zip", "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest()))
        link = zipfile.ZipInfo("plugin.wasm")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(PluginUnavailable, match="'plugin.wasm' is a symbolic link"):
        resolver(tmp_path, path).resolve("tests/echo")


def test_one_broken_entry_does_not_hide_the_good_ones(tmp_path):
    path = tmp_path / "plugins"
    plugin_dir(path / "good")
    (path / "broken.zip").parent.mkdir(exist_ok=True)
    (path / "broken.zip").write_bytes(b"not a zip")
    found = resolver(tmp_path, path)
    assert found.resolve("tests/echo").manifest.name == "tests/echo"
    assert [plugin.manifest.name for plugin in found.available()] == ["tests/echo"]


def test_a_changed_manifest_is_read_again(tmp_path):
    folder = plugin_dir(tmp_path / "echo")
    found = resolver(tmp_path, folder)
    assert found.resolve("tests/echo").manifest.version == "1.0.0"
    (folder / "manifest.json").write_text(json.dumps(manifest(version="1.1.0")))
    assert found.resolve("tests/echo").manifest.version == "1.1.0"
    (folder / "plugin.wasm").unlink()
    with pytest.raises(PluginUnavailable, match="does not exist"):
        found.resolve("tests/echo")
