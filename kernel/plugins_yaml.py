"""`plugins.yaml` in ARCADE_PLUGINS_DIR: the admin's wanted enable state and config per installed plugin.

    plugins:
      security/secret-scan:
        enabled: true
        config: {severity: high}

Every entry may give `enabled`, `config`, or both; what it leaves out is not touched. Parsing walks the YAML
node tree (not just the loaded data) so that each error names the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from kernel.errors import InvalidInput
from plugin_sdk.refs import PLUGIN_NAME

__all__ = ["PLUGINS_YAML", "PluginSettings", "PluginsYamlError", "parse_plugins_yaml"]

PLUGINS_YAML = "plugins.yaml"
ENTRY_FIELDS = ("enabled", "config")


class PluginsYamlError(InvalidInput):
    """plugins.yaml is not valid; the message reads `FILE:LINE: FIELD: what was expected`."""


@dataclass(frozen=True)
class PluginSettings:
    """One entry of plugins.yaml; None = the file does not say (the plugin's current value is kept)."""

    enabled: bool | None = None
    config: dict[str, Any] | None = None


def _fail(source: str, node: yaml.Node | None, field: str, message: str) -> PluginsYamlError:
    line = f":{node.start_mark.line + 1}" if node is not None else ""
    return PluginsYamlError(f"{source}{line}: {field}: {message}", file=source, field=field)


def _pairs(source: str, node: yaml.Node, field: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """The (key, key node, value node) pairs of a mapping node with string keys, each key once."""
    if not isinstance(node, yaml.MappingNode):
        raise _fail(source, node, field, f"expected a mapping, got {_kind(node)}")
    seen: set[str] = set()
    pairs = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            raise _fail(source, key_node, field, "expected string keys")
        key = key_node.value
        if key in seen:
            raise _fail(source, key_node, f"{field}.{key}", "given twice")
        seen.add(key)
        pairs.append((key, key_node, value_node))
    return pairs


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _entry(source: str, name: str, node: yaml.Node, loader: yaml.SafeLoader) -> PluginSettings:
    field = f"plugins.{name}"
    if _is_null(node):
        return PluginSettings()
    enabled: bool | None = None
    config: dict[str, Any] | None = None
    for key, key_node, value_node in _pairs(source, node, field):
        if key == "enabled":
            if not (isinstance(value_node, yaml.ScalarNode) and value_node.tag == "tag:yaml.org,2002:bool"):
                raise _fail(
                    source, value_node, f"{field}.enabled", f"expected true or false, got {_kind(value_node)}"
                )
            enabled = bool(loader.construct_object(value_node))
        elif key == "config":
            if not isinstance(value_node, yaml.MappingNode):
                raise _fail(
                    source, value_node, f"{field}.config", f"expected a mapping, got {_kind(value_node)}"
                )
            config = loader.construct_object(value_node, deep=True)
        else:
            raise _fail(
                source,
                key_node,
                f"{field}.{key}",
                f"unknown field (expected one of: {', '.join(ENTRY_FIELDS)})",
            )
    return PluginSettings(enabled=enabled, config=config)


def parse_plugins_yaml(text: str, source: str = PLUGINS_YAML) -> dict[str, PluginSettings]:
    """The entries of a plugins.yaml document, by plugin name; PluginsYamlError on anything else.

    An empty document, or `plugins:` with nothing under it, is valid and names no plugin.
    """
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = f":{mark.line + 1}" if mark is not None else ""
            raise PluginsYamlError(
                f"{source}{line}: not valid YAML: {exc.problem or exc.context}", file=source, field=""
            ) from None
        except yaml.YAMLError as exc:
            raise PluginsYamlError(f"{source}: not valid YAML: {exc}", file=source, field="") from None
        if root is None or _is_null(root):
            return {}
        plugins: yaml.Node | None = None
        for key, key_node, value_node in _pairs(source, root, "(top level)"):
            if key != "plugins":
                raise _fail(source, key_node, key, "unknown field (expected: plugins)")
            plugins = value_node
        if plugins is None or _is_null(plugins):
            return {}
        entries: dict[str, PluginSettings] = {}
        for name, key_node, value_node in _pairs(source, plugins, "plugins"):
            if not PLUGIN_NAME.fullmatch(name):
                raise _fail(source, key_node, f"plugins.{name}", "expected a plugin name 'ns/name'")
            entries[name] = _entry(source, name, value_node, loader)
        return entries
    finally:
        loader.dispose()
