"""Checks on manifests and plugin config for the marketplace: `validate_manifest` (the SDK's validation, every
problem with its field path) and `check_config` (an admin's config against a release's `config_schema`)."""

from __future__ import annotations

import json
import re
from typing import Any

from kernel.errors import InvalidInput
from kernel.store import models
from plugin_sdk.errors import ManifestError
from plugin_sdk.manifest import instance_problems, parse_manifest

__all__ = ["check_config", "validate_manifest"]

_FIELD_PATH = re.compile(r"manifest: ([\w.\[\]/-]+: .*)", re.DOTALL)


def validate_manifest(document: Any) -> dict[str, Any]:
    """`{"valid", "problems"}`: every problem of a manifest document, each `field.path: message`."""
    try:
        parse_manifest(json.dumps(document), source="manifest")
    except (TypeError, ValueError) as exc:
        return {"valid": False, "problems": [f"manifest: not a JSON document: {exc}"]}
    except ManifestError as exc:
        return {"valid": False, "problems": [_field_first(problem) for problem in exc.problems]}
    return {"valid": True, "problems": []}


def check_config(name: str, row: models.PluginVersion, config: dict[str, Any] | None) -> None:
    """InvalidInput naming each field of `config` that the release's `config_schema` refuses."""
    if not config:
        return
    schema = row.manifest.get("config_schema")
    if not isinstance(schema, dict):
        raise InvalidInput(
            f"config: {name}@{row.version} takes no config (its manifest has no config_schema)",
            problems=[f"config: {name}@{row.version} takes no config"],
        )
    merged = {**(row.manifest.get("default_config") or {}), **config}  # what the plugin will be given
    problems = instance_problems(schema, merged, "config")
    if problems:
        raise InvalidInput(
            f"invalid config for {name}@{row.version}: {'; '.join(problems)}", problems=problems
        )


def _field_first(problem: str) -> str:
    """`field.path: message` when the problem has a path; document-level ones keep `manifest: message`."""
    found = _FIELD_PATH.fullmatch(problem)
    return found.group(1) if found else problem
