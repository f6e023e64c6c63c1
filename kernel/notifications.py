"""Pipeline notifications: when a run ends, its `notify` entries go to the `arcade_notify` kernel hook.

The engine calls `RunNotifier.run_finished` after the transaction that finished the run has committed, so
only the kernel that finished a run notifies about it. Channels run on worker threads, never on the event
loop, and a channel's failure never changes the run: each outcome becomes a `run.notified` event (status OK
or FAILED, the message saying why) and a log line. Which list applies: SUCCESS -> on_success, FAILED ->
on_failure, CANCELLED -> on_cancel.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pluggy
from sqlalchemy import select

from kernel.dsl import DslError, NotifySpec, parse_pipeline
from kernel.dsl.expressions import secret_names, substitute
from kernel.errors import KernelError
from kernel.journal import Journal
from kernel.masking import mask, masked_values
from kernel.secrets import SecretStore, missing_secret_message
from kernel.store import models
from plugin_sdk import JobSummary, NotifyRequest, NotifyResult, RunSummary

log = logging.getLogger("arcade.kernel.notify")

T = TypeVar("T")
NOTIFY_LISTS = {"SUCCESS": "on_success", "FAILED": "on_failure", "CANCELLED": "on_cancel"}
MAX_PARALLEL_DELIVERIES = 8
EVENT_KIND = "run.notified"


class RunNotifier:
    def __init__(
        self,
        journal: Journal,
        plugins: pluggy.PluginManager,
        secrets: SecretStore | None = None,
        max_parallel: int = MAX_PARALLEL_DELIVERIES,
    ) -> None:
        self.journal = journal
        self.plugins = plugins
        self.secrets = secrets
        self._max_parallel = max_parallel
        self._slots: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def run_finished(self, run_id: str) -> None:
        """Start notifying about a run that has just ended (called on the event loop, after commit)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            log.warning("run %s finished outside the kernel's event loop; no notifications sent", run_id)
            return
        task = loop.create_task(self._notify(run_id), name=f"arcade-notify-{run_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self, grace: float = 5.0) -> None:
        """Give running deliveries `grace` seconds, then abandon them (their threads are daemons)."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(tuple(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("kernel stopping: %d notification(s) abandoned", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)

    async def _notify(self, run_id: str) -> None:
        try:
            with self.journal.db.session() as session:
                run = session.get(models.PipelineRun, run_id)
                if run is None or "notify" not in run.spec_yaml or run.status not in NOTIFY_LISTS:
                    return
            when = NOTIFY_LISTS[run.status]
            entries = await in_thread(_entries, run.spec_yaml, when)
            if not entries:
                return
            summary = self._summary(run)
            secrets, secret_problem = self._secrets(run, entries)
            if self._slots is None:
                self._slots = asyncio.Semaphore(self._max_parallel)
            await asyncio.gather(
                *(
                    self._deliver(run, when, index, entry, summary, secrets, secret_problem)
                    for index, entry in enumerate(entries)
                )
            )
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug here must not take the engine's callback or the loop down
            log.exception("notifications for run %s failed", run_id)

    async def _deliver(
        self,
        run: models.PipelineRun,
        when: str,
        index: int,
        entry: NotifySpec,
        summary: RunSummary,
        secrets: Mapping[str, str],
        secret_problem: str | None,
    ) -> None:
        missing = sorted(_entry_secrets(entry) - set(secrets))
        if secret_problem is not None and _entry_secrets(entry):
            result = NotifyResult(False, secret_problem)
        elif missing:
            result = NotifyResult(False, missing_secret_message(missing[0], run.pipeline_name))
        else:
            params = _resolve(entry.params, run.variables or {}, secrets)
            request = NotifyRequest(plugin=entry.plugin, action=entry.action, params=params, when=when)
            assert self._slots is not None
            async with self._slots:
                result = await in_thread(self._call_hook, request, summary)
        message = mask(result.message, masked_values(secrets.values()))
        with self.journal.transaction() as tx:
            tx.emit(
                EVENT_KIND,
                run_id=run.id,
                status="OK" if result.ok else "FAILED",
                message=message,
                payload={"plugin": entry.plugin, "action": entry.action, "when": when, "index": index},
            )
        if result.ok:
            log.info("run %s#%s: %s %s sent", run.pipeline_name, run.number, when, entry.plugin)
        else:
            log.warning(
                "run %s#%s: %s %s failed: %s", run.pipeline_name, run.number, when, entry.plugin, message
            )

    def _call_hook(self, request: NotifyRequest, summary: RunSummary) -> NotifyResult:
        """Runs on a worker thread; whatever a channel does, the outcome is a NotifyResult."""
        try:
            result = self.plugins.hook.arcade_notify(request=request, summary=summary)
        except Exception as exc:
            return NotifyResult(False, f"channel '{request.plugin}' raised {type(exc).__name__}: {exc}")
        if result is None:
            return NotifyResult(
                False,
                f"no kernel extension handles channel '{request.plugin}' (install its package and list its "
                "entry point in ARCADE_KERNEL_PLUGINS)",
            )
        if not isinstance(result, NotifyResult):
            return NotifyResult(False, f"channel '{request.plugin}' returned {result!r}, not a NotifyResult")
        return result

    def _summary(self, run: models.PipelineRun) -> RunSummary:
        with self.journal.db.session() as session:
            jobs = session.scalars(
                select(models.JobRun).where(models.JobRun.run_id == run.id).order_by(models.JobRun.index)
            ).all()
        return RunSummary(
            pipeline=run.pipeline_name,
            run_id=run.id,
            number=run.number,
            status=run.status,
            message=run.message,
            trigger=dict(run.trigger or {}),
            created_at=run.created_at,
            started_at=run.started_at,
            finished_at=run.finished_at,
            jobs=tuple(
                JobSummary(name=j.name, stage=j.stage, status=j.status, message=j.message, attempt=j.attempt)
                for j in jobs
            ),
        )

    def _secrets(
        self, run: models.PipelineRun, entries: tuple[NotifySpec, ...]
    ) -> tuple[dict[str, str], str | None]:
        """The values of the secrets the entries use, or the reason they cannot be read."""
        names = set().union(*(_entry_secrets(entry) for entry in entries))
        if not names:
            return {}, None
        if self.secrets is None:
            return {}, "secrets are not available in this kernel"
        try:
            with self.journal.db.session() as session:
                return self.secrets.values(session, run.pipeline_id, names), None
        except KernelError as exc:
            return {}, exc.message


def _entries(spec_yaml: str, when: str) -> tuple[NotifySpec, ...]:
    try:
        spec = parse_pipeline(spec_yaml, "run.yaml")
    except DslError:  # stored specs were valid when stored; a newer kernel may disagree
        log.warning("a finished run's spec no longer parses; no notifications sent", exc_info=True)
        return ()
    return spec.notify.get(when, ())


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def _entry_secrets(entry: NotifySpec) -> set[str]:
    return {name for text in _strings(entry.params) if "${{" in text for name in secret_names(text)}


def _resolve(value: Any, variables: Mapping[str, Any], secrets: Mapping[str, str]) -> Any:
    """`value` with `${{ variables.X }}` and `${{ secrets.X }}` substituted in every string."""
    if isinstance(value, str):
        sources = {"variables": variables, "secrets": secrets}

        def lookup(namespace: str, name: str) -> str | None:
            found = sources.get(namespace, {}).get(name)
            return None if found is None else str(found)

        return substitute(value, lookup)
    if isinstance(value, Mapping):
        return {key: _resolve(item, variables, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, variables, secrets) for item in value]
    return value


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` on a new daemon thread: a hung channel can neither block the loop nor the exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]  # None only when error is set

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as exc:
            error = exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop has closed: nobody waits for this any more
            pass

    threading.Thread(target=work, name="arcade-notify", daemon=True).start()
    return await future
