"""Step plugin manifests: `manifest.json` read, checked against the SDK's JSON Schema and the rules a schema
cannot express, and turned into a frozen `Manifest`.

`load_manifest` reports every problem at once, each with its JSON path, e.g.
`manifest.json: permissions.fs.workspace: 'write' is not one of ['none', 'ro', 'rw']`.
The schema itself ships as `plugin_sdk/schema/manifest.schema.json` (`MANIFEST_SCHEMA`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing.exceptions import Unresolvable

from plugin_sdk.errors import ManifestError

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_SCHEMA",
    "Action",
    "Limits",
    "Manifest",
    "Permissions",
    "instance_problems",
    "is_semver",
    "load_manifest",
    "parse_manifest",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA: Mapping[str, Any] = json.loads(
    resources.files("plugin_sdk").joinpath("schema/manifest.schema.json").read_text(encoding="utf-8")
)
_VALIDATOR = Draft202012Validator(MANIFEST_SCHEMA)
_META_VALIDATOR = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
_SEMVER = re.compile(MANIFEST_SCHEMA["$defs"]["semver"]["pattern"])
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|d|h|m|s))+")
_DURATION_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


@dataclass(frozen=True)
class Action:
    """One action a plugin offers, with the JSON Schemas of its arguments and of its result."""

    name: str
    description: str
    args: Mapping[str, Any] = field(default_factory=dict)
    returns: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    """Resource limits the plugin asks for (None: the agent's default)."""

    memory_mb: int | None = None
    fuel: int | None = None
    timeout_seconds: float | None = None


@dataclass(frozen=True)
class Permissions:
    """What the sandbox grants; everything not listed is denied."""

    fs_workspace: str = "none"  # none | ro | rw
    allowed_hosts: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Manifest:
    """A validated plugin manifest. `raw` keeps the document as written (e.g. for registry metadata)."""

    name: str
    version: str
    type: str
    kind: str
    abi: str
    entry: str
    description: str
    actions: Mapping[str, Action]
    permissions: Permissions = field(default_factory=Permissions)
    config_schema: Mapping[str, Any] | None = None
    default_config: Mapping[str, Any] = field(default_factory=dict)
    requires_arcade: str | None = None
    author: str | None = None
    license: str | None = None
    homepage: str | None = None
    repository: str | None = None
    tags: tuple[str, ...] = ()
    icon: str | None = None
    examples: tuple[Mapping[str, Any], ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def namespace(self) -> str:
        """The publisher namespace: `ns` of `ns/name`."""
        return self.name.split("/", 1)[0]

    @property
    def ref(self) -> str:
        """How the registry names this release: `ns/name@version`."""
        return f"{self.name}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """A copy of the manifest document as written."""
        return copy.deepcopy(dict(self.raw))


def is_semver(text: str) -> bool:
    """Whether `text` is a semantic version (semver.org 2.0.0), e.g. `1.2.3-rc.1+build.5`."""
    return bool(_SEMVER.fullmatch(text))


def load_manifest(source: str | bytes | Path) -> Manifest:
    """Read and validate a manifest: a `Path`, JSON text (a `str` starting with `{`), bytes, or a path string.

    Raises `ManifestError` listing every problem, each prefixed by where the manifest came from.
    """
    if isinstance(source, bytes):
        return parse_manifest(source, MANIFEST_NAME)
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return parse_manifest(source, MANIFEST_NAME)
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ManifestError([f"{path}: cannot read the manifest: {error.strerror or error}"]) from error
    return parse_manifest(data, str(path))


def parse_manifest(text: str | bytes, source: str = MANIFEST_NAME) -> Manifest:
    """Validate manifest JSON; `source` prefixes every problem reported."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError([f"{source}: not valid JSON: {error}"]) from error
    problems = [f"{source}: {problem}" for problem in _problems(document)]
    if problems:
        raise ManifestError(problems)
    return _build(document)


def instance_problems(schema: Mapping[str, Any], instance: Any, where: str) -> list[str]:
    """Where `instance` breaks one of a plugin's schemas (a step's args, an action's result), each as
    `where.json.path: message`; [] when it fits."""
    return list(_instance_problems(dict(schema), instance, [where]))


# ---------------------------------------------------------------------------------------------- checking


def _problems(document: Any) -> list[str]:
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda error: _path(error.absolute_path))
    problems = [_describe(error) for error in errors]
    if isinstance(document, dict):
        problems.extend(_rule_problems(document))
    return problems


def _rule_problems(document: dict[str, Any]) -> Iterator[str]:
    """What the schema cannot say: paths inside the package, nested schemas, defaults, examples, ports."""
    yield from _package_path_problems(document)
    yield from _action_problems(_dict(document.get("actions")))
    yield from _config_problems(document.get("config_schema"), document.get("default_config"))
    yield from _example_problems(_list(document.get("examples")), _dict(document.get("actions")))
    yield from _permission_problems(_dict(document.get("permissions")))


def _package_path_problems(document: dict[str, Any]) -> Iterator[str]:
    for key in ("entry", "icon"):
        value = document.get(key)
        if isinstance(value, str) and (reason := _unsafe_path(value)):
            yield f"{key}: {value!r} {reason}"


def _action_problems(actions: dict[str, Any]) -> Iterator[str]:
    for name, action in actions.items():
        for key in ("args", "returns"):
            schema = _dict(action).get(key)
            if isinstance(schema, dict):
                yield from _schema_problems(schema, ["actions", name, key])


def _config_problems(config_schema: Any, default_config: Any) -> Iterator[str]:
    if not isinstance(config_schema, dict):
        return
    problems = list(_schema_problems(config_schema, ["config_schema"]))
    yield from problems
    if not problems and isinstance(default_config, dict):
        yield from _instance_problems(config_schema, default_config, ["default_config"])


def _example_problems(examples: list[Any], actions: dict[str, Any]) -> Iterator[str]:
    for index, example in enumerate(examples):
        name = _dict(example).get("action")
        if not isinstance(name, str):
            continue
        if name not in actions:
            yield f"examples[{index}].action: {name!r} is not an action of this plugin"
            continue
        schema, args = _dict(actions[name]).get("args"), example.get("args")
        if isinstance(schema, dict) and isinstance(args, dict) and not any(_schema_problems(schema, [])):
            yield from _instance_problems(schema, args, ["examples", index, "args"])


def _permission_problems(permissions: dict[str, Any]) -> Iterator[str]:
    for index, origin in enumerate(_list(_dict(permissions.get("network")).get("allowed_hosts"))):
        port = origin.rpartition(":")[2] if isinstance(origin, str) and origin.count(":") == 2 else ""
        if port.isdigit() and not 0 < int(port) < 65536:
            yield f"permissions.network.allowed_hosts[{index}]: port {port} is out of range"
    timeout = _dict(permissions.get("limits")).get("timeout")
    if isinstance(timeout, str) and _DURATION.fullmatch(timeout) and _duration_seconds(timeout) is None:
        yield f"permissions.limits.timeout: {timeout!r} repeats a unit or lists units out of order"


def _schema_problems(schema: dict[str, Any], where: list[str | int]) -> Iterator[str]:
    """Problems that make `schema` itself an invalid JSON Schema (draft 2020-12)."""
    for error in sorted(_META_VALIDATOR.iter_errors(schema), key=lambda error: _path(error.absolute_path)):
        yield _describe(error, where, prefix="not a valid JSON Schema: ")


def _instance_problems(schema: dict[str, Any], instance: Any, where: list[str | int]) -> Iterator[str]:
    """Where `instance` breaks `schema` (a plugin's own schema: references outside it are not fetched)."""
    try:
        errors = sorted(
            Draft202012Validator(schema).iter_errors(instance), key=lambda e: _path(e.absolute_path)
        )
    except Unresolvable as error:
        yield f"{_path(where)}: cannot check: unresolvable reference {error.ref!r}"
        return
    for error in errors:
        yield _describe(error, where)


def _describe(error: ValidationError, where: list[str | int] | None = None, prefix: str = "") -> str:
    """`json.path: message`, with the schema's description standing in for unreadable regexes and consts."""
    path = _path([*(where or []), *error.absolute_path])
    message = error.message
    alternatives = [e for e in (error.context or []) if e.validator != "type"]
    if error.validator in ("anyOf", "oneOf") and len(alternatives) == 1:
        error = alternatives[0]
        message = error.message
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator in ("pattern", "const") and description:
        message = f"{error.instance!r} is not {description}"
    return f"{path}: {prefix}{message}" if path else f"{prefix}{message}"


def _unsafe_path(value: str) -> str | None:
    path = PurePosixPath(value)
    if "\\" in value or "\0" in value:
        return "must use '/' as the separator"
    if path.is_absolute() or re.match(r"^[A-Za-z]:", value):
        return "must be a relative path inside the package"
    if any(part == ".." for part in path.parts):
        return "must not contain '..'"
    if value.endswith("/") or not path.parts or path.parts == (".",):
        return "must name a file"
    return None


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _duration_seconds(value: float | int | str) -> float | None:
    """Seconds of a limit timeout (a number, or "90s", "15m", "1h30m", "500ms"); None if malformed."""
    if isinstance(value, int | float):
        return float(value)
    parts = _DURATION_PART.findall(value)
    order = ["d", "h", "m", "s", "ms"]
    ranks = [order.index(unit) for _, unit in parts]
    if not parts or ranks != sorted(set(ranks)):
        return None
    return sum(float(number) * _DURATION_UNITS[unit] for number, unit in parts)


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------- building


def _build(document: dict[str, Any]) -> Manifest:
    document = copy.deepcopy(document)
    permissions = _dict(document.get("permissions"))
    limits = _dict(permissions.get("limits"))
    timeout = limits.get("timeout")
    return Manifest(
        name=document["name"],
        version=document["version"],
        type=document["type"],
        kind=document["kind"],
        abi=document["abi"],
        entry=document["entry"],
        description=document["description"],
        actions={
            name: Action(name, action["description"], action.get("args", {}), action.get("returns", {}))
            for name, action in document["actions"].items()
        },
        permissions=Permissions(
            fs_workspace=_dict(permissions.get("fs")).get("workspace", "none"),
            allowed_hosts=tuple(_dict(permissions.get("network")).get("allowed_hosts", ())),
            env=tuple(permissions.get("env", ())),
            secrets=tuple(permissions.get("secrets", ())),
            limits=Limits(
                memory_mb=limits.get("memory_mb"),
                fuel=limits.get("fuel"),
                timeout_seconds=_duration_seconds(timeout) if timeout is not None else None,
            ),
        ),
        config_schema=document.get("config_schema"),
        default_config=document.get("default_config", {}),
        requires_arcade=_dict(document.get("requires")).get("arcade"),
        author=document.get("author"),
        license=document.get("license"),
        homepage=document.get("homepage"),
        repository=document.get("repository"),
        tags=tuple(document.get("tags", ())),
        icon=document.get("icon"),
        examples=tuple(document.get("examples", ())),
        raw=document,
    )
