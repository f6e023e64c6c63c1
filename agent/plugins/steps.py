"""Plugin steps of a job (`uses:`): resolve the plugin, run its action in the sandbox, return the outcome.

Plugins come from the agent's plugin path first, then (with `--trust-root`) from the signed registry.

The kernel's pin (`StepAssignment.plugin`) decides before anything is resolved: a refused step fails with the
kernel's message; a pinned version is resolved exactly, its package must have the pinned sha256 (when both
are known), and the pinned config replaces the manifest's default_config. Without a pin `uses` resolves as
written. `prefetch` downloads every registry plugin of a job concurrently before its first step.

One `PluginSteps` per agent: the sandbox's worker processes start on the first plugin step and stay warm
for the next ones. Log lines of the plugin (its stderr and host `log` calls) become the step's log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import semantic_version

from agent.errors import PinMismatch, PluginUnavailable
from agent.logship import StepLog
from agent.peer import InstalledPlugin, JobAssignment, LogStream, Peer, PluginPin, StepAssignment
from agent.plugins.invoke import PluginInvoker, PluginOutcome
from agent.plugins.loader import LoadedPlugin
from agent.plugins.progress import DownloadListeners, ProgressListener
from agent.plugins.resolver import PluginResolver
from agent.sandbox import SandboxRunner, StopSignal
from plugin_sdk.refs import parse_plugin_ref

if TYPE_CHECKING:
    from agent.plugins.registry_source import RegistrySource
    from registry.metrics import PluginCacheMetrics

__all__ = [
    "PREFETCH_WORKERS",
    "WORKSPACE_IN_SANDBOX",
    "PluginSteps",
    "pinned_reference",
    "prefetch_key",
    "plugin_context",
]

WORKSPACE_IN_SANDBOX = "/workspace"
PREFETCH_WORKERS = 4
"""Registry plugins of one job downloaded at the same time."""

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
        metrics: PluginCacheMetrics | None = None,
    ) -> None:
        workdir = Path(workdir).absolute()
        self.resolver = PluginResolver(search_paths, workdir / "plugins")
        self.downloads = DownloadListeners()
        self.registry: RegistrySource | None = None
        if trust_root is not None:
            if peer is None:
                raise ValueError("a trust root needs a peer to fetch the registry through")
            # Imported only here: the registry's cache brings kernel.blobstore (and boto3) with it.
            from agent.plugins.registry_source import RegistrySource

            self.registry = RegistrySource(
                trust_root, workdir, peer, self.resolver, metrics=metrics, listeners=self.downloads
            )
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
        prefetch_failures: Mapping[tuple[str, str], str] | None = None,
    ) -> PluginOutcome:
        """Resolve the step's plugin and run its action; an unresolvable plugin is a failed outcome
        (`prefetch_failures`: what `prefetch` could not get for this job, not tried again)."""
        pin = step.plugin
        if pin is not None and pin.refused:
            return PluginOutcome(False, None, pin.refused, 0.0)
        failure = (prefetch_failures or {}).get(prefetch_key(step))
        if failure is not None:
            return PluginOutcome(False, None, failure, 0.0)
        try:
            plugin = self.resolve(step.uses, step_log, pin)
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
            config=pin.config if pin is not None else None,
        )

    def resolve(
        self, reference: str, step_log: StepLog | None = None, pin: PluginPin | None = None
    ) -> LoadedPlugin:
        """From the plugin path, else from the signed registry (a `warn` revocation goes to the step log).

        With a pinned version exactly that release is looked for, and its package must have the pinned
        sha256 when both are known."""
        reference = pinned_reference(reference, pin)
        expected = pin.sha256 if pin is not None else ""
        if self.registry is None:
            return _checked(self.resolver.resolve(reference), expected)
        if self.resolver.search_paths:
            try:
                return _checked(self.resolver.resolve(reference), expected)
            except PinMismatch:
                raise
            except PluginUnavailable as exc:
                log.debug("%s; trying the signed registry", exc)
        found = self.registry.resolve(reference, expected)
        if found.warning is not None and step_log is not None:
            step_log.system(f"warning: {found.warning}; running it anyway (the revocation only warns)")
        return found.plugin

    def prefetch(self, job: JobAssignment) -> dict[tuple[str, str], str]:
        """Get every registry plugin the job's steps use into the cache, several at once, before its steps
        run. Returns what could not be had, by `prefetch_key`, with the reason: `run` fails those steps
        with it instead of trying again."""
        if self.registry is None:
            return {}
        wanted: dict[tuple[str, str], PluginPin | None] = {}
        for step in job.steps:
            if step.uses and not (step.plugin is not None and step.plugin.refused):
                wanted.setdefault(prefetch_key(step), step.plugin)
        failed: dict[tuple[str, str], str] = {}

        def fetch(item: tuple[tuple[str, str], PluginPin | None]) -> None:
            key, pin = item
            try:
                self.resolve(key[0], None, pin)
            except PluginUnavailable as exc:
                log.info("job %s: %s", job.job_run_id, exc)
                failed[key] = str(exc)

        if len(wanted) <= 1:
            for item in wanted.items():
                fetch(item)
            return failed
        workers = min(PREFETCH_WORKERS, len(wanted))
        with ThreadPoolExecutor(workers, thread_name_prefix="arcade-plugin-fetch") as pool:
            list(pool.map(fetch, wanted.items()))
        return failed

    def evict(self, digests: Sequence[str]) -> list[str]:
        """Drop these packages (the kernel uninstalled them) from the download cache and their unpacked
        copies; the digests that were here. A job running one of them keeps what it already loaded."""
        removed = set(self.resolver.forget(digests))
        if self.registry is not None:
            removed |= set(self.registry.evict(digests))
        return sorted(removed)

    def on_download(self, listener: ProgressListener) -> None:
        """Call `listener` with the progress of every registry download (from the downloading thread)."""
        self.downloads.add(listener)

    def installed(self) -> list[InstalledPlugin]:
        """What this agent holds, for its registration: plugin-path plugins and the download cache."""
        found = [
            InstalledPlugin(plugin.manifest.name, plugin.manifest.version, plugin.sha256 or "", str(base))
            for plugin, base in self.resolver.installed()
        ]
        if self.registry is not None:
            found += self.registry.installed()
        return list(dict.fromkeys(found))

    def close(self) -> None:
        with self._lock:
            invoker, self._invoker = self._invoker, None
        if invoker is not None:
            invoker.runner.close()


def prefetch_key(step: StepAssignment) -> tuple[str, str]:
    """Steps with the same key resolve to the same plugin: `uses` and the pinned version."""
    return step.uses, step.plugin.version if step.plugin is not None else ""


def pinned_reference(uses: str, pin: PluginPin | None) -> str:
    """`uses` narrowed to the pinned version (`ns/name@1.2.0`); `uses` itself without a pinned version."""
    if pin is None or not pin.version:
        return uses
    try:
        name = parse_plugin_ref(uses).name
        semantic_version.Version(pin.version)
    except ValueError as exc:
        raise PluginUnavailable(
            f"cannot run {uses}: the kernel's plugin pin version {pin.version!r} is not usable ({exc})"
        ) from exc
    return f"{name}@{pin.version}"


def _checked(plugin: LoadedPlugin, expected: str) -> LoadedPlugin:
    """`plugin`, unless both its package digest and the pinned one are known and differ."""
    if expected and plugin.sha256 and plugin.sha256 != expected:
        raise PinMismatch(
            f"refusing {plugin.ref} from {plugin.origin}: the kernel pinned sha256 {expected}, but this "
            f"package has sha256 {plugin.sha256}"
        )
    return plugin


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
