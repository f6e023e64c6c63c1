"""Plugin folders and packages for tests: a manifest plus a WAT guest compiled to wasm."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sandbox_wat as wat

from plugin_sdk import pack

ECHO_RETURNS = {"type": "object", "required": ["echo"], "properties": {"echo": {"type": "object"}}}


def manifest(name: str = "tests/echo", version: str = "1.0.0", **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": name,
        "version": version,
        "type": "ci",
        "kind": "wasm",
        "abi": "wasi-command",
        "entry": "plugin.wasm",
        "description": "answers with the request it got",
        "actions": {
            "echo": {
                "description": "echo the request",
                "args": {
                    "type": "object",
                    "properties": {"n": {"type": "integer"}},
                    "additionalProperties": False,
                },
                "returns": ECHO_RETURNS,
            }
        },
    }
    document.update(fields)
    return document


def plugin_dir(folder: Path, document: dict[str, Any] | None = None, module: bytes | None = None) -> Path:
    """A built plugin folder: manifest.json and plugin.wasm (the echo guest unless `module` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(document or manifest()))
    (folder / "plugin.wasm").write_bytes(module if module is not None else wat.wasm(wat.ECHO))
    return folder


def package(source: Path, out: Path) -> Path:
    return pack(source, out).path
