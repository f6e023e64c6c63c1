"""One plugin action, run the way agents run it: arguments checked against the action's `args` schema, the
manifest's permissions and limits turned into sandbox grants, the module or component run in the sandbox,
and its result checked against the action's `returns` schema.

`arcade plugin test` uses this same path, so what passes there behaves the same on an agent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.plugins.loader import LoadedPlugin
from agent.sandbox import MIB, Limits, Permissions, SandboxResult, SandboxRunner, StopSignal
from agent.sandbox.policy import format_seconds
from plugin_sdk.manifest import Manifest, instance_problems

__all__ = ["DEFAULT_PLUGIN_TIMEOUT", "PluginInvoker", "PluginOutcome", "grants_of", "limits_of"]

DEFAULT_PLUGIN_TIMEOUT = 600.0  # seconds, when neither the manifest nor the step sets one
MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class PluginOutcome:
    """ok: the action ran and returned a result that fits its schema. Otherwise `error` says why.
    `timed_out`: the deadline given by the caller (not the manifest's own limit) stopped it."""

    ok: bool
    result: dict[str, Any] | None
    error: str | None
    duration: float
    action: str | None = None
    timed_out: bool = False


def grants_of(manifest: Manifest) -> Permissions:
    """The sandbox grants of a manifest's `permissions`: secrets are env keys the step must supply."""
    granted = manifest.permissions
    workspace = None if granted.fs_workspace == "none" else granted.fs_workspace
    return Permissions(
        workspace=workspace,  # type: ignore[arg-type]
        env=frozenset(granted.env) | frozenset(granted.secrets),
        allowed_hosts=frozenset(granted.allowed_hosts),
    )


def limits_of(manifest: Manifest, base: Limits) -> Limits:
    """`base` with the manifest's own memory, fuel and timeout limits where it sets them."""
    asked = manifest.permissions.limits
    return Limits(
        memory_bytes=asked.memory_mb * MIB if asked.memory_mb else base.memory_bytes,
        fuel=asked.fuel or base.fuel,
        deadline_seconds=asked.timeout_seconds or base.deadline_seconds,
        stdout_bytes=base.stdout_bytes,
        stderr_bytes=base.stderr_bytes,
    )


class PluginInvoker:
    """Runs plugin actions in one `SandboxRunner` (shared by every job of the agent)."""

    def __init__(self, runner: SandboxRunner, base_limits: Limits | None = None) -> None:
        self.runner = runner
        self.base_limits = base_limits or Limits(deadline_seconds=DEFAULT_PLUGIN_TIMEOUT)

    def invoke(
        self,
        plugin: LoadedPlugin,
        action: str | None,
        args: Mapping[str, Any],
        context: Mapping[str, Any],
        workspace: Path | None,
        env: Mapping[str, str],
        on_log: Callable[[str], None],
        timeout_seconds: float | None = None,
        stop: StopSignal | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> PluginOutcome:
        """Run `action` (None or "": the plugin's only action); `timeout_seconds` caps the manifest's;
        setting `stop` kills the plugin (the job was cancelled). `config` (the kernel's pinned config,
        checked against the manifest's config_schema) replaces the manifest's default_config."""
        began = time.monotonic()
        manifest = plugin.manifest

        def failed(error: str, name: str | None = None, timed_out: bool = False) -> PluginOutcome:
            return PluginOutcome(False, None, error, time.monotonic() - began, name, timed_out)

        name, problem = _action_name(manifest, action)
        if problem is not None:
            return failed(problem)
        assert name is not None
        spec = manifest.actions[name]
        problems = instance_problems(spec.args, dict(args), "args")
        if problems:
            return failed(_listed(f"invalid args for {manifest.name} action '{name}'", problems), name)
        if config is not None and manifest.config_schema:
            problems = instance_problems(manifest.config_schema, dict(config), "config")
            if problems:
                return failed(_listed(f"invalid config for {manifest.name}", problems), name)
        limits = limits_of(manifest, self.base_limits)
        capped = timeout_seconds is not None and timeout_seconds < limits.deadline_seconds
        if capped:
            assert timeout_seconds is not None
            limits = Limits(**{**vars(limits), "deadline_seconds": max(timeout_seconds, 0.001)})
        request = {
            "action": name,
            "args": dict(args),
            "config": dict(manifest.default_config if config is None else config),
            "context": dict(context),
        }
        run = self.runner.run_component if manifest.abi == "component" else self.runner.run_wasi_command
        outcome: SandboxResult = run(
            plugin.entry, request, workspace, grants_of(manifest), limits, env, on_log, stop
        )
        if not outcome.ok:
            error = outcome.error or "the plugin failed"
            deadline_hit = error.startswith(f"deadline of {format_seconds(limits.deadline_seconds)}")
            if deadline_hit and not capped:
                error = f"{error}: the plugin's time limit (permissions.limits.timeout)"
            return failed(error, name, timed_out=deadline_hit and capped)
        result = outcome.result or {}
        problems = instance_problems(spec.returns, result, "result")
        if problems:
            heading = f"{manifest.name} action '{name}' returned a result that breaks its returns schema"
            return failed(_listed(heading, problems), name)
        return PluginOutcome(True, result, None, time.monotonic() - began, name)


def _action_name(manifest: Manifest, action: str | None) -> tuple[str | None, str | None]:
    names = sorted(manifest.actions)
    if not action:
        if len(names) == 1:
            return names[0], None
        return None, f"{manifest.name} has several actions ({', '.join(names)}): name one with 'action:'"
    if action not in manifest.actions:
        return None, f"{manifest.ref} has no action '{action}' (actions: {', '.join(names)})"
    return action, None


def _listed(heading: str, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    return f"{heading}: " + "; ".join(shown) + (f" (and {more} more)" if more else "")
