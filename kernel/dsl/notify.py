"""Reads the pipeline's `notify` mapping: which kernel notification channels to call when a run ends.

```yaml
notify:
  on_failure: [{plugin: notify/webhook, action: send, params: {url: "https://hooks.example/ci"}}]
  on_success: [{plugin: notify/stdout}]
```

Channels are kernel extensions (`plugin_sdk.hookspecs.arcade_notify`). The `notify/` namespace belongs to
the builtin channels, whose params are checked here; other `ns/name` channels come from allow-listed
third-party extensions, so only the shape of their entries is checked. String params may use
`${{ variables.X }}` and `${{ secrets.X }}`, substituted when the notification is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args
from urllib.parse import urlsplit

from kernel.dsl.expressions import Reference, references
from kernel.dsl.fields import FieldReader, describe
from kernel.dsl.model import NotifySpec, NotifyWhen
from kernel.dsl.yamlpos import Path

NOTIFY_KEYS: tuple[str, ...] = get_args(NotifyWhen)
ENTRY_KEYS = ("plugin", "action", "params")
DEFAULT_ACTION = "send"
BUILTIN_NAMESPACE = "notify"
CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_.-]*")
ACTION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
PARAM_NAMESPACES = ("variables", "secrets")


def read_notify(
    fields: FieldReader, path: Path, value: Any, declared_variables: set[str]
) -> dict[str, tuple[NotifySpec, ...]]:
    """The `notify` mapping: for each of on_success, on_failure and on_cancel that is given, its entries."""
    if fields.mapping(path, value, "notify lists by run outcome", NOTIFY_KEYS) is None:
        return {}
    reader = _NotifyReader(fields, declared_variables)
    notify: dict[str, tuple[NotifySpec, ...]] = {}
    for when in NOTIFY_KEYS:
        if when in value:
            items = value[when]
            if not isinstance(items, list):
                fields.error((*path, when), f"expected a list of notify entries, got {describe(items)}")
                continue
            entries = (reader.entry((*path, when, index), item) for index, item in enumerate(items))
            notify[when] = tuple(entry for entry in entries if entry is not None)
    return notify


class _NotifyReader:
    def __init__(self, fields: FieldReader, declared_variables: set[str]) -> None:
        self.fields = fields
        self.declared = declared_variables

    def entry(self, path: Path, value: Any) -> NotifySpec | None:
        entry = self.fields.mapping(path, value, "a notify entry", ENTRY_KEYS, required=("plugin",))
        if entry is None or "plugin" not in entry:
            return None
        plugin = self._channel((*path, "plugin"), entry["plugin"])
        action = DEFAULT_ACTION
        if "action" in entry:
            action = self.fields.name((*path, "action"), entry["action"], "action", None) or ""
            if action and not ACTION_NAME.fullmatch(action):
                self.fields.error(
                    (*path, "action"), f"invalid action name {action!r}: use a-z, 0-9, '_', '-'"
                )
                action = ""
        params: dict[str, Any] = {}
        if "params" in entry:
            found = entry["params"]
            if not isinstance(found, dict):
                self.fields.error((*path, "params"), f"expected a mapping of params, got {describe(found)}")
                return None
            params = found
            self._check_expressions((*path, "params"), params)
        if plugin is None or not action:
            return None
        builtin = BUILTIN_CHANNELS.get(plugin)
        if builtin is not None:
            if action not in builtin.actions:
                where = (*path, "action") if "action" in entry else (*path, "plugin")
                actions = ", ".join(f"'{a}'" for a in builtin.actions)
                self.fields.error(where, f"channel '{plugin}' has no action '{action}' (expected {actions})")
                return None
            checked = builtin.read_params(self.fields, (*path, "params"), params)
            if checked is None:
                return None
            params = checked
        return NotifySpec(plugin=plugin, action=action, params=params)

    def _channel(self, path: Path, value: Any) -> str | None:
        name = self.fields.string(path, value)
        if name is None:
            return None
        if not CHANNEL_NAME.fullmatch(name):
            self.fields.error(
                path,
                f"invalid channel {name!r}: expected NAMESPACE/NAME in lower case, e.g. notify/webhook",
            )
            return None
        if name.split("/")[0] == BUILTIN_NAMESPACE and name not in BUILTIN_CHANNELS:
            known = ", ".join(BUILTIN_CHANNELS)
            self.fields.error(path, f"unknown builtin channel '{name}' (the 'notify/' channels are: {known})")
            return None
        return name

    def _check_expressions(self, path: Path, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._check_expressions((*path, key), item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._check_expressions((*path, index), item)
        elif isinstance(value, str) and "${{" in value:
            for found in references(value):
                problem = found if isinstance(found, str) else self._reference_problem(found)
                if problem is not None:
                    self.fields.error(path, problem)

    def _reference_problem(self, reference: Reference) -> str | None:
        expression = f"${{{{ {reference.namespace}.{reference.name} }}}}"
        if reference.namespace not in PARAM_NAMESPACES:
            return f"{expression}: notify params may only use ${{{{ variables.X }}}} and ${{{{ secrets.X }}}}"
        if reference.namespace == "variables" and reference.name not in self.declared:
            known = ", ".join(sorted(self.declared)) or "none"
            name = reference.name
            return f"{expression}: variable '{name}' is not declared in 'variables' (declared: {known})"
        if reference.namespace == "secrets" and "-" in reference.name:
            return f"{expression}: invalid secret name '{reference.name}' (use letters, digits and '_')"
        return None


# ------------------------------------------------------------------------------------- builtin channels


class _BuiltinChannel:
    def __init__(
        self,
        keys: tuple[str, ...],
        required: tuple[str, ...] = (),
        check: Callable[[FieldReader, Path, dict[str, Any]], dict[str, Any] | None] | None = None,
    ) -> None:
        self.actions = (DEFAULT_ACTION,)
        self.keys = keys
        self.required = required
        self.check = check

    def read_params(self, fields: FieldReader, path: Path, params: dict[str, Any]) -> dict[str, Any] | None:
        """The params with durations in seconds, or None after reporting a problem."""
        before = len(fields.report.errors)
        for key in params:
            if key not in self.keys:
                expected = f"expected one of: {', '.join(self.keys)}" if self.keys else "it takes no params"
                fields.error_in(path, key, f"unknown param '{key}' ({expected})")
        for key in self.required:
            if key not in params:
                fields.error(path, f"missing required param '{key}'")
        checked = self.check(fields, path, params) if self.check is not None else dict(params)
        return None if len(fields.report.errors) > before else checked


def _webhook_params(fields: FieldReader, path: Path, params: dict[str, Any]) -> dict[str, Any] | None:
    checked: dict[str, Any] = {}
    if "url" in params:
        url = fields.string((*path, "url"), params["url"])
        if url is not None:
            problem = _url_problem(url.strip())
            if problem:
                fields.error((*path, "url"), problem)
            checked["url"] = url.strip()
    if "headers" in params:
        checked["headers"] = fields.string_map(
            (*path, "headers"), params["headers"], _header_problem, "header names"
        )
    if "timeout" in params:
        checked["timeout"] = fields.duration((*path, "timeout"), params["timeout"])
    return checked


def _url_problem(url: str) -> str | None:
    if url.startswith("${{"):
        return None  # the whole URL comes from an expression (usually a secret): checked when sending
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"expected an http:// or https:// URL, got {url!r}"
    return None


def _header_problem(name: str) -> str | None:
    if HEADER_NAME.fullmatch(name):
        return None
    return f"invalid header name {name!r}"


BUILTIN_CHANNELS: dict[str, _BuiltinChannel] = {
    "notify/stdout": _BuiltinChannel(keys=()),
    "notify/webhook": _BuiltinChannel(
        keys=("url", "headers", "timeout"), required=("url",), check=_webhook_params
    ),
}
