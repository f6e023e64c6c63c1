"""The plugin SDK's exception tree; every error the SDK raises on purpose derives from `PluginError`.

PluginError
├── ManifestError      a manifest is not valid JSON or breaks the schema or a rule (`problems` lists each one)
├── PackageError       a plugin package cannot be packed, or is malformed, unsafe or too large to unpack
└── BuildError         a plugin's source cannot be built into its module or component (the message says why)
"""

from __future__ import annotations

__all__ = ["BuildError", "ManifestError", "PackageError", "PluginError"]


class PluginError(Exception):
    """Root of every error the plugin SDK raises on purpose."""


class ManifestError(PluginError):
    """A manifest is invalid; `problems` holds every problem found, each as `SOURCE: JSON.PATH: message`."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        heading = "invalid plugin manifest" if count == 1 else f"invalid plugin manifest ({count} problems)"
        super().__init__(heading + ":\n" + "\n".join(f"  {problem}" for problem in self.problems))


class PackageError(PluginError):
    """A plugin package cannot be packed or unpacked; `entry` names the offending zip entry, if any."""

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.entry = entry


class BuildError(PluginError):
    """A plugin's source cannot be built: a missing tool, or the compiler's report (e.g. a syntax error)."""
