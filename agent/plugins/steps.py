"""Plugin steps of a job (`uses:`): resolve the plugin, run its action in the sandbox, return the outcome.

One `PluginSteps` per agent: the sandbox's worker processes start on the first plugin step and stay warm
for the next ones. Log lines of the plugin (its stderr and host `log` calls) become the step's log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agent.errors import PluginUnavailable
from agent.logship import StepLog
from agent.peer import JobAssignment, LogStream, StepAssignment
from agent.plugins.invoke import PluginInvoker, PluginOutcome
from agent.plugins.resolver import PluginResolver
from agent.sandbox import SandboxRunner, StopSignal

__all__ = ["WORKSPACE_IN_SANDBOX", "PluginSteps", "plugin_context"]

WORKSPACE_IN_SANDBOX = "/workspace"

log = logging.getLogger("arcade.agent")


class PluginSteps:
    """The agent's plugin path and sandbox; `run` is called from job threads, concurrently."""

    def __init__(self, search_paths: Sequence[Path], workdir: Path) -> None:
        workdir = Path(workdir).absolute()
        self.resolver = PluginResolver(search_paths, workdir / "plugins")
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
            plugin = self.resolver.resolve(step.uses)
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
