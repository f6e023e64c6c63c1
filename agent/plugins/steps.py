"""Plugin steps of a job (`uses:`): resolve the plugin, run its action in the sandbox, return the outcome.

Plugins come from the agent's plugin path first, then (with `--trust-root`) from the signed registry.

One `PluginSteps` per agent: the sandbox's worker processes start on the first plugin step and stay warm
for the next ones. Log lines of the plugin (its stderr and host `log` calls) become the step's log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import PluginUnavailable
from agent.logship import StepLog
from agent.peer import JobAssignment, LogStream, Peer, StepAssignment
from agent.plugins.invoke import PluginInvoker, PluginOutcome
from agent.plugins.loader import LoadedPlugin
from agent.plugins.resolver import PluginResolver
from agent.sandbox import SandboxRunner, StopSignal

if TYPE_CHECKING:
    from agent.plugins.registry_source import RegistrySource

__all__ = ["WORKSPACE_IN_SANDBOX", "PluginSteps", "plugin_context"]

WORKSPACE_IN_SANDBOX = "/workspace"

log = logging.getLogger("arcade.agent")


class PluginSteps:
    """The agent's plugin path, signed registry and sandbox; `run` is called from job threads, concurrently.

    `trust_root` (the registry's root.json) turns the registry on; its metadata and packages come through
    `peer`."""

    def __init__(
        self,
        search_paths: Sequence[Path],
        workdir: Path,
        *,
        trust_root: Path | None = None,
        peer: Peer | None = None,
    ) -> None:
        workdir = Path(workdir).absolute()
        self.resolver = PluginResolver(search_paths, workdir / "plugins")
        self.registry: RegistrySource | None = None
        if trust_root is not None:
            if peer is None:
                raise ValueError("a trust root needs a peer to fetch the registry through")
            # Imported only here: the registry's cache brings kernel.blobstore (and boto3) with it.
            from agent.plugins.registry_source import RegistrySource

            self.registry = RegistrySource(trust_root, workdir, peer, self.resolver)
        self._sandbox_cache = workdir / "sandbox-cache"
        self._invoker: PluginInvoker | None = None
        self._lock = threading.Lock()

    @property
    def invoker(self) -> PluginInvoker:
        with self._lock:
            if self._invoker is None:
                self._invoker = PluginInvoker(SandboxRunner(cache_dir=self._sandbox_cache))
            return self._invoker

    def run(
        self,
        job: JobAssignment,
        step: StepAssignment,
        agent_name: str,
        workspace: Path,
        env: Mapping[str, str],
        step_log: StepLog,
        timeout_seconds: float | None,
        stop: StopSignal | None = None,
    ) -> PluginOutcome:
        """Resolve the step's plugin and run its action; an unresolvable plugin is a failed outcome."""
        try:
            plugin = self.resolve(step.uses, step_log)
        except PluginUnavailable as exc:
            return PluginOutcome(False, None, str(exc), 0.0)
        manifest = plugin.manifest
        step_log.system(f"plugin {plugin.ref} ({manifest.kind}, {manifest.abi}) from {plugin.origin}")
        return self.invoker.invoke(
            plugin,
            step.action or None,
            step.args,
            plugin_context(job, step, agent_name),
            workspace,
            env,
            lambda line: step_log.write(LogStream.STDERR, (line,)),
            timeout_seconds,
            stop,
        )

    def resolve(self, reference: str, step_log: StepLog) -> LoadedPlugin:
        """From the plugin path, else from the signed registry (a `warn` revocation goes to the step log)."""
        if self.registry is None:
            return self.resolver.resolve(reference)
        if self.resolver.search_paths:
            try:
                return self.resolver.resolve(reference)
            except PluginUnavailable as exc:
                log.debug("%s; trying the signed registry", exc)
        found = self.registry.resolve(reference)
        if found.warning is not None:
            step_log.system(f"warning: {found.warning}; running it anyway (the revocation only warns)")
        return found.plugin

    def close(self) -> None:
        with self._lock:
            invoker, self._invoker = self._invoker, None
        if invoker is not None:
            invoker.runner.close()


def plugin_context(job: JobAssignment, step: StepAssignment, agent_name: str) -> dict[str, Any]:
    """The `context` of a plugin request: where in which run the step runs."""
    return {
        "run_id": job.pipeline_run_id,
        "run_number": job.run_number,
        "pipeline": job.pipeline_name,
        "stage": job.stage,
        "job": job.job_name,
        "job_run_id": job.job_run_id,
        "step": step.name,
        "step_run_id": step.step_run_id,
        "attempt": job.attempt,
        "agent": agent_name,
        "workspace": WORKSPACE_IN_SANDBOX,
    }
