"""Step plugins on the agent: finding them (`resolver`), loading them (`loader`) and running one action the
way every agent runs it (`invoke`): schemas checked, manifest permissions granted, sandboxed."""

from __future__ import annotations

from agent.plugins.invoke import PluginInvoker, PluginOutcome, grants_of, limits_of
from agent.plugins.loader import LoadedPlugin, load_plugin_dir
from agent.plugins.resolver import PACKAGE_SUFFIX, PluginResolver

__all__ = [
    "PACKAGE_SUFFIX",
    "LoadedPlugin",
    "PluginInvoker",
    "PluginOutcome",
    "PluginResolver",
    "grants_of",
    "limits_of",
    "load_plugin_dir",
]
