"""Manifests: a good one loads into frozen values; each class of bad input is reported with its JSON path."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from plugin_sdk import Manifest, ManifestError, PluginError, load_manifest
from plugin_sdk.manifest import MANIFEST_SCHEMA, is_semver

GOOD = {
    "name": "acme/lint",
    "version": "1.2.3",
    "type": "ci",
    "kind": "wasm",
    "abi": "wasi-command",
    "entry": "plugin.wasm",
    "description": "Lint the workspace",
    "author": "Acme",
    "license": "Apache-2.0",
    "homepage": "https://acme.example/lint",
    "actions": {
        "run": {
            "description": "lint files",
            "args": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
            "returns": {"type": "object", "properties": {"warnings": {"type": "integer"}}},
        }
    },
    "config_schema": {"type": "object", "properties": {"level": {"type": "integer", "minimum": 0}}},
    "default_config": {"level": 2},
    "permissions": {
        "fs": {"workspace": "ro"},
        "network": {"allowed_hosts": ["https://api.example.com:443"]},
        "env": ["HOME"],
        "secrets": ["LINT_TOKEN"],
        "limits": {"memory_mb": 64, "fuel": 1_000_000, "timeout": "1m30s"},
    },
    "requires": {"arcade": ">=0.1,<1"},
    "tags": ["lint", "python"],
    "icon": "icon.svg",
    "examples": [{"description": "lint everything", "action": "run", "args": {"path": "."}}],
}


def problems_of(document: object) -> tuple[str, ...]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(json.dumps(document))
    assert isinstance(caught.value, PluginError)
    return caught.value.problems


def changed(**fields: object) -> dict:
    document = copy.deepcopy(GOOD)
    document.update(fields)
    return document


def test_the_schema_ships_in_the_sdk_and_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(MANIFEST_SCHEMA)
    assert MANIFEST_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_good_manifest_loads_into_frozen_values(tmp_path: Path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(GOOD))
    manifest = load_manifest(path)
    assert isinstance(manifest, Manifest)
    assert (manifest.name, manifest.namespace, manifest.ref) == ("acme/lint", "acme", "acme/lint@1.2.3")
    assert manifest.actions["run"].args["required"] == ["path"]
    assert manifest.permissions.fs_workspace == "ro"
    assert manifest.permissions.allowed_hosts == ("https://api.example.com:443",)
    assert manifest.permissions.secrets == ("LINT_TOKEN",)
    assert manifest.permissions.limits.timeout_seconds == 90.0
    assert manifest.requires_arcade == ">=0.1,<1"
    assert manifest.to_dict() == GOOD
    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest.name = "other/name"  # type: ignore[misc]
    assert load_manifest(str(path)) == manifest == load_manifest(path.read_bytes())


def test_a_minimal_manifest_denies_everything():
    document = {key: GOOD[key] for key in ("name", "version", "type", "kind", "abi", "entry", "description")}
    document["actions"] = {"run": {"description": "run"}}
    permissions = load_manifest(json.dumps(document)).permissions
    assert (permissions.fs_workspace, permissions.allowed_hosts, permissions.env) == ("none", (), ())
    assert permissions.limits.timeout_seconds is None


def test_a_python_component_plugin_is_accepted():
    assert load_manifest(json.dumps(changed(kind="python", abi="component"))).kind == "python"


def test_missing_required_field():
    document = changed()
    del document["version"]
    assert problems_of(document) == ("manifest.json: 'version' is a required property",)


def test_bad_name():
    (problem,) = problems_of(changed(name="lint"))
    assert problem.startswith("manifest.json: name: 'lint' is not a plugin name 'ns/name'")
    assert problems_of(changed(name="Acme/Lint"))


def test_bad_semver():
    (problem,) = problems_of(changed(version="1.0"))
    assert problem.startswith("manifest.json: version: '1.0' is not a semantic version")
    for text in ("01.2.3", "1.2.3-", "v1.2.3", "1.2.3.4"):
        assert not is_semver(text), text
    for text in ("0.0.0", "1.2.3-rc.1+build.5", "10.20.30-alpha-1"):
        assert is_semver(text), text


def test_unknown_type():
    assert problems_of(changed(type="deploy")) == (
        "manifest.json: type: 'deploy' is not one of ['ci', 'cd', 'security', 'notify', 'storage', 'custom']",
    )


def test_kind_and_abi_must_match():
    (problem,) = problems_of(changed(kind="python"))
    assert problem.startswith("manifest.json: abi: 'wasi-command' is not the abi of kind 'python'")


def test_bad_permission_value():
    document = changed()
    document["permissions"]["fs"]["workspace"] = "write"
    assert problems_of(document) == (
        "manifest.json: permissions.fs.workspace: 'write' is not one of ['none', 'ro', 'rw']",
    )


def test_bad_network_origin_env_name_and_timeout():
    document = changed()
    document["permissions"]["network"]["allowed_hosts"] = [
        "https://x.example/path",
        "https://x.example:70000",
    ]
    document["permissions"]["env"] = ["1BAD"]
    document["permissions"]["limits"]["timeout"] = "5m1h"
    problems = problems_of(document)
    assert any(p.startswith("manifest.json: permissions.network.allowed_hosts[0]: ") for p in problems)
    assert "manifest.json: permissions.network.allowed_hosts[1]: port 70000 is out of range" in problems
    assert any(
        p.startswith("manifest.json: permissions.env[0]: '1BAD' is not a variable name") for p in problems
    )
    assert any(p.startswith("manifest.json: permissions.limits.timeout: '5m1h' repeats") for p in problems)


def test_unknown_field_is_rejected():
    (problem,) = problems_of(changed(permisions={}))
    assert "'permisions' was unexpected" in problem


def test_invalid_args_schema():
    document = changed()
    document["actions"]["run"]["args"] = {"type": "objekt"}
    (problem,) = problems_of(document)
    assert problem.startswith("manifest.json: actions.run.args.type: not a valid JSON Schema: 'objekt'")


def test_invalid_config_schema():
    (problem,) = problems_of(changed(config_schema={"properties": []}, default_config={}))
    assert problem.startswith("manifest.json: config_schema.properties: not a valid JSON Schema: ")


def test_default_config_violating_config_schema():
    assert problems_of(changed(default_config={"level": -1})) == (
        "manifest.json: default_config.level: -1 is less than the minimum of 0",
    )


def test_default_config_needs_a_config_schema():
    document = changed()
    del document["config_schema"]
    assert problems_of(document) == ("manifest.json: 'config_schema' is a dependency of 'default_config'",)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("../plugin.wasm", "must not contain '..'"),
        ("lib/../../plugin.wasm", "must not contain '..'"),
        ("/plugin.wasm", "must be a relative path inside the package"),
        ("C:/plugin.wasm", "must be a relative path inside the package"),
        ("lib\\plugin.wasm", "must use '/' as the separator"),
    ],
)
def test_entry_must_stay_inside_the_package(entry: str, reason: str):
    assert problems_of(changed(entry=entry)) == (f"manifest.json: entry: {entry!r} {reason}",)


def test_examples_name_real_actions_and_fit_their_args():
    problems = problems_of(changed(examples=[{"action": "fix"}, {"action": "run", "args": {"path": 3}}]))
    assert problems == (
        "manifest.json: examples[0].action: 'fix' is not an action of this plugin",
        "manifest.json: examples[1].args.path: 3 is not of type 'string'",
    )


def test_every_problem_is_reported_at_once():
    document = changed(name="lint", version="1", type="deploy", entry="../x.wasm")
    document["permissions"]["fs"]["workspace"] = "write"
    assert len(problems_of(document)) == 5


def test_not_json_duplicate_keys_and_non_objects(tmp_path: Path):
    for text in ('{"name": ', '{"name": "a/b", "name": "c/d"}', '{"fuel": NaN}'):
        with pytest.raises(ManifestError, match="not valid JSON"):
            load_manifest(text)
    with pytest.raises(ManifestError, match="is not of type 'object'"):
        load_manifest(b"[1, 2]")
    missing = tmp_path / "nowhere" / "manifest.json"
    with pytest.raises(ManifestError, match="cannot read the manifest"):
        load_manifest(missing)


def test_a_bad_regex_in_an_args_schema_is_an_invalid_schema():
    document = changed()
    document["actions"]["run"]["args"]["properties"]["path"]["pattern"] = "(["
    assert problems_of(document) == (
        "manifest.json: actions.run.args.properties.path.pattern: "
        "not a valid JSON Schema: '([' is not a 'regex'",
    )


def test_remote_references_in_config_schema_are_never_fetched():
    (problem,) = problems_of(changed(config_schema={"$ref": "https://evil.example/schema.json"}))
    assert problem == (
        "manifest.json: default_config: cannot check: unresolvable reference 'https://evil.example/schema.json'"
    )
