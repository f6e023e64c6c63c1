"""plugins.yaml parsing: what is accepted, and one test per class of bad input, each error naming the file,
the line and the field."""

from __future__ import annotations

import pytest

from kernel.plugins_yaml import PluginSettings, PluginsYamlError, parse_plugins_yaml


def test_entries_with_either_both_or_no_fields():
    text = """
plugins:
  security/secret-scan:
    enabled: true
    config: {severity: high, paths: [src, lib], nested: {a: 1}}
  examples/hello-wat:
    enabled: no
  examples/only-config:
    config: {}
  examples/nothing:
"""
    assert parse_plugins_yaml(text) == {
        "security/secret-scan": PluginSettings(
            enabled=True, config={"severity": "high", "paths": ["src", "lib"], "nested": {"a": 1}}
        ),
        "examples/hello-wat": PluginSettings(enabled=False),
        "examples/only-config": PluginSettings(config={}),
        "examples/nothing": PluginSettings(),
    }


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "plugins:\n", "plugins: {}\n", "~\n"])
def test_empty_documents_name_no_plugin(text):
    assert parse_plugins_yaml(text) == {}


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("plugins: {a/b: [\n", r"^conf/plugins\.yaml:\d+: not valid YAML: "),
        ("- a/b\n", r"^conf/plugins\.yaml:1: \(top level\): expected a mapping, got a list$"),
        ("plugins: {}\nplugin: {}\n", r"^conf/plugins\.yaml:2: plugin: unknown field \(expected: plugins\)$"),
        ("plugins: [a/b]\n", r"^conf/plugins\.yaml:1: plugins: expected a mapping, got a list$"),
        (
            "plugins:\n  Hello: {}\n",
            r"^conf/plugins\.yaml:2: plugins\.Hello: expected a plugin name 'ns/name'$",
        ),
        ("plugins:\n  a/b: {}\n  a/b: {}\n", r"^conf/plugins\.yaml:3: plugins\.a/b: given twice$"),
        ("plugins:\n  a/b: on\n", r"^conf/plugins\.yaml:2: plugins\.a/b: expected a mapping, got 'on'$"),
        ("plugins:\n  a/b: 3\n", r"^conf/plugins\.yaml:2: plugins\.a/b: expected a mapping, got '3'$"),
        (
            "plugins:\n  a/b:\n    enabled: maybe\n",
            r"^conf/plugins\.yaml:3: plugins\.a/b\.enabled: expected true or false, got 'maybe'$",
        ),
        (
            "plugins:\n  a/b:\n    enabled: 'true'\n",
            r"^conf/plugins\.yaml:3: plugins\.a/b\.enabled: expected true or false, got 'true'$",
        ),
        (
            "plugins:\n  a/b:\n    config: [1]\n",
            r"^conf/plugins\.yaml:3: plugins\.a/b\.config: expected a mapping, got a list$",
        ),
        (
            "plugins:\n  a/b:\n    version: 1.0.0\n",
            r"^conf/plugins\.yaml:3: plugins\.a/b\.version: unknown field \(expected one of: enabled, co",
        ),
        ("plugins:\n  1: {}\n", r"^conf/plugins\.yaml:2: plugins: expected string keys$"),
    ],
)
def test_bad_documents_name_file_line_and_field(text, error):
    with pytest.raises(
        PluginsYamlError, match=error or r"^conf/plugins\.yaml:2: plugins\.a/b: expected a mapping"
    ) as info:
        parse_plugins_yaml(text, "conf/plugins.yaml")
    assert info.value.details["file"] == "conf/plugins.yaml"
