"""The kernel's pin for a plugin step: which installed release an agent runs, with which config, or why not.

The kernel decides, the agent enforces: a `PluginPin` rides on every `StepAssignment` with `uses:` (see
`kernel.services.agent.assignment_pb`), and the agent still verifies the pinned release through the signed
metadata before it runs anything.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import select

from kernel.store import Database, models
from plugin_sdk.refs import parse_plugin_ref
from proto.arcade.agent.v1 import agent_pb2

__all__ = ["pin"]


def pin(db: Database, uses: str, registry_namespaces: Collection[str] = ()) -> agent_pb2.PluginPin | None:
    """What an agent may run for a `uses:` step: None for a plugin of a namespace the registry does not
    delegate (an agent-local one), a refusal when it is not in the catalog (never published, or
    uninstalled: its release stays signed and may sit in an agent's cache), not installed, disabled or
    outside the step's range, else the installed version, digest and config (the admin's over the
    manifest's default_config)."""
    try:
        ref = parse_plugin_ref(uses)
    except ValueError:
        return None  # the agent reports the malformed reference itself
    with db.session() as session:
        plugin = session.scalar(select(models.Plugin).where(models.Plugin.name == ref.name))
        if plugin is None:
            if ref.name.split("/", 1)[0] not in registry_namespaces:
                return None
            return agent_pb2.PluginPin(
                refused=f"plugin {ref.name} is not in this kernel's registry "
                "(never published, or uninstalled)"
            )
        if plugin.installed_version is None:
            return agent_pb2.PluginPin(
                refused=f"plugin {ref.name} is not installed on this kernel "
                f"(an admin installs it: arcade plugin install {ref.name})"
            )
        if not plugin.enabled:
            return agent_pb2.PluginPin(
                refused=f"plugin {ref.name} is disabled on this kernel "
                f"(an admin enables it: arcade plugin enable {ref.name})"
            )
        if not ref.accepts(plugin.installed_version):
            return agent_pb2.PluginPin(
                refused=f"{uses}: the installed version of {ref.name} is {plugin.installed_version}, "
                f"outside the range {ref.range} (arcade plugin update {ref.name} --version V)"
            )
        row = session.scalar(
            select(models.PluginVersion).where(
                models.PluginVersion.plugin_id == plugin.id,
                models.PluginVersion.version == plugin.installed_version,
            )
        )
        if row is None:  # rows are removed together; a half-written catalog refuses rather than guesses
            return agent_pb2.PluginPin(refused=f"{ref.name}@{plugin.installed_version} is not published")
        config = {**(row.manifest.get("default_config") or {}), **(plugin.config or {})}
        return agent_pb2.PluginPin(version=row.version, sha256=row.sha256, config_json=json.dumps(config))
