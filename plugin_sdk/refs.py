"""Plugin references as pipelines write them: `ns/name` or `ns/name@RANGE`.

RANGE follows npm's semver ranges (`1.2.3`, `^1`, `~1.2`, `1.x`, `>=1.0.0 <2.0.0`, `*`), matched with
`semantic_version.NpmSpec`; no range means the newest version available.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import semantic_version

__all__ = ["PLUGIN_NAME", "PluginRef", "newest_match", "parse_plugin_ref"]

# The manifest schema's `name` pattern.
PLUGIN_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9]([a-z0-9._-]*[a-z0-9])?")
MAX_REF_LENGTH = 300


@dataclass(frozen=True)
class PluginRef:
    """A parsed reference: the plugin's name and the version range it accepts (`*` when none was given)."""

    name: str
    range: str = "*"

    def __str__(self) -> str:
        return self.name if self.range == "*" else f"{self.name}@{self.range}"

    def accepts(self, version: str) -> bool:
        try:
            parsed = semantic_version.Version(version)
        except ValueError:
            return False
        return parsed in semantic_version.NpmSpec(self.range)


def parse_plugin_ref(text: str) -> PluginRef:
    """Parse `ns/name[@range]`; ValueError says what is wrong and what was expected."""
    if len(text) > MAX_REF_LENGTH:
        raise ValueError(f"plugin reference is {len(text)} characters long; the limit is {MAX_REF_LENGTH}")
    name, at, spec = text.strip().partition("@")
    if not PLUGIN_NAME.fullmatch(name):
        raise ValueError(
            f"invalid plugin reference {text!r}: expected 'ns/name' or 'ns/name@version-range' "
            "(lowercase letters, digits and '-', e.g. 'security/secret-scan@^1')"
        )
    if not at:
        return PluginRef(name)
    spec = spec.strip()
    try:
        semantic_version.NpmSpec(spec)
    except ValueError:
        raise ValueError(
            f"invalid version range {spec!r} in {text!r}: expected a semver version or range such as "
            "'1.2.3', '^1', '~1.2', '1.x' or '>=1.0.0 <2.0.0'"
        ) from None
    return PluginRef(name, spec)


def newest_match(ref: PluginRef, versions: Iterable[str]) -> str | None:
    """The highest of `versions` that `ref` accepts (prereleases only when the range names one)."""
    spec = semantic_version.NpmSpec(ref.range)
    parsed = []
    for version in versions:
        try:
            parsed.append(semantic_version.Version(version))
        except ValueError:
            continue
    best = spec.select(parsed)
    return str(best) if best is not None else None
