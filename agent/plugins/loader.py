"""A step plugin ready to run: its validated manifest and the module or component file it names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agent.errors import PluginUnavailable
from plugin_sdk import ManifestError, load_manifest
from plugin_sdk.manifest import MANIFEST_NAME, Manifest

__all__ = ["LoadedPlugin", "load_plugin_dir"]


@dataclass(frozen=True)
class LoadedPlugin:
    """`root` holds `manifest.json` and `entry` (inside `root`); `origin` says where it came from; `sha256`
    is its package's digest (None for a plugin folder that never was a package)."""

    manifest: Manifest
    root: Path
    entry: Path
    origin: str
    sha256: str | None = None

    @property
    def ref(self) -> str:
        return self.manifest.ref


def load_plugin_dir(path: Path, origin: str | None = None) -> LoadedPlugin:
    """The plugin in folder `path`; PluginUnavailable names the folder and what is wrong with it."""
    root = Path(path).resolve()
    origin = origin or str(path)
    manifest_path = root / MANIFEST_NAME
    if not manifest_path.is_file():
        raise PluginUnavailable(f"{origin}: no {MANIFEST_NAME} in the plugin folder")
    try:
        manifest = load_manifest(manifest_path)
    except ManifestError as exc:
        raise PluginUnavailable(f"{origin}: {exc}") from exc
    entry = (root / manifest.entry).resolve()
    if not entry.is_relative_to(root):
        raise PluginUnavailable(f"{origin}: the manifest's entry {manifest.entry!r} leads outside the plugin")
    if not entry.is_file():
        raise PluginUnavailable(
            f"{origin}: the manifest's entry {manifest.entry!r} does not exist "
            "(build the plugin first: arcade plugin build)"
        )
    return LoadedPlugin(manifest, root, entry, origin)
