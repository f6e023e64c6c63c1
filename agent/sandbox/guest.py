"""The worker's side of one call: `GuestHost.invoke` hands it to the host for the plugin's abi.

`guest_wasi` runs wasi-command modules, `guest_component` runs `arcade:plugin` components; both share the
compiled-code cache, the log caps (`guest_log`) and the error wording (`outcome`). Runs in the worker only
(it may be killed at any moment); the caller-facing API is `runner.SandboxRunner`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import wasmtime

from agent.sandbox.cache import ModuleCache
from agent.sandbox.guest_component import ComponentHost
from agent.sandbox.guest_wasi import WasiCommandHost
from agent.sandbox.invocation import Invocation
from agent.sandbox.outcome import Done

__all__ = ["GuestHost", "Invocation"]


class GuestHost:
    """The worker's engine, linkers and cache; `invoke` runs one call at a time."""

    def __init__(self, engine: wasmtime.Engine, cache: ModuleCache, scratch: Path) -> None:
        self._engine = engine
        self.cache = cache
        self._wasi = WasiCommandHost(engine, cache, scratch)
        self._component: ComponentHost | None = None  # built on the first component call

    def invoke(
        self, job: Invocation, on_log: Callable[[str], None], on_started: Callable[[str], None]
    ) -> Done:
        """Run one call; `on_started(tier)` once the plugin is loaded; returns the `done` payload."""
        if job.abi == "component":
            if self._component is None:
                self._component = ComponentHost(self._engine, self.cache)
            return self._component.invoke(job, on_log, on_started)
        return self._wasi.invoke(job, on_log, on_started)
