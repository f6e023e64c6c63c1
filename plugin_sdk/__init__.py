"""What plugin authors import: the `arcade` hook markers and the data types hooks pass around (kernel
extensions), and the manifest and package tooling of step plugins.

The hooks themselves are declared in `plugin_sdk.hookspecs`.
"""

from plugin_sdk.errors import BuildError, ManifestError, PackageError, PluginError
from plugin_sdk.manifest import Action, Limits, Manifest, Permissions, load_manifest
from plugin_sdk.markers import PROJECT_NAME, hookimpl, hookspec
from plugin_sdk.package import PackageInfo, pack, unpack
from plugin_sdk.types import JobSummary, NotifyRequest, NotifyResult, RunSummary

__all__ = [
    "PROJECT_NAME",
    "Action",
    "BuildError",
    "JobSummary",
    "Limits",
    "Manifest",
    "ManifestError",
    "NotifyRequest",
    "NotifyResult",
    "PackageError",
    "PackageInfo",
    "Permissions",
    "PluginError",
    "RunSummary",
    "hookimpl",
    "hookspec",
    "load_manifest",
    "pack",
    "unpack",
]
