"""The jobs running on this agent: never more than `capacity`, each in its own thread.

A job holds its slot until its final report is queued; the workspace cleanup that follows no longer counts,
so the kernel can hand over the next job at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum

from agent.artifacts import ArtifactTransfer
from agent.config import AgentConfig
from agent.events import EventShipper
from agent.logship import LogShipper
from agent.peer import CancelRequest, JobAssignment, Status
from agent.plugins.steps import PluginSteps
from agent.reports import ReportQueue
from agent.runner import AgentIdentity, JobRunner

__all__ = [
    "JobPool",
    "Start",
]

log = logging.getLogger("arcade.agent")


class Start(Enum):
    """What `JobPool.start` did with an assignment."""

    STARTED = "started"
    ALREADY_RUNNING = "already running"
    NO_SLOT = "no free slot"


class JobPool:
    def __init__(
        self,
        config: AgentConfig,
        *,
        reports: ReportQueue,
        logs: LogShipper,
        events: EventShipper,
        identity: Callable[[], AgentIdentity],
        artifacts: ArtifactTransfer | None = None,
        plugins: PluginSteps | None = None,
    ) -> None:
        self._config = config
        self._artifacts = artifacts
        self._plugins = plugins
        self._reports = reports
        self._logs = logs
        self._events = events
        self._identity = identity
        self._cond = threading.Condition()
        self._runners: dict[str, JobRunner] = {}
        self._threads: dict[str, threading.Thread] = {}
        """Job threads until they end, workspace cleanup included."""

    def running_ids(self) -> tuple[str, ...]:
        with self._cond:
            return tuple(self._runners)

    def wait_for_slot(self, give_up: Callable[[], bool]) -> bool:
        """Block until a slot is free (True) or `give_up()` holds after a `wake` (False)."""
        with self._cond:
            self._cond.wait_for(lambda: give_up() or len(self._runners) < self._config.capacity)
            return not give_up()

    def wake(self) -> None:
        """Make `wait_for_slot` look at its `give_up` condition again."""
        with self._cond:
            self._cond.notify_all()

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block until no job holds a slot; False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._runners, timeout)

    def start(self, assignment: JobAssignment, before_start: Callable[[], None] | None = None) -> Start:
        """Run the job in its own thread if a slot is free; `before_start` runs once the slot is taken."""
        job_id = assignment.job_run_id
        with self._cond:
            if job_id in self._runners:
                return Start.ALREADY_RUNNING
            if job_id in self._threads:
                log.info("job %s is still cleaning up after its previous attempt; not taking it yet", job_id)
                return Start.NO_SLOT
            if len(self._runners) >= self._config.capacity:
                log.debug("no free slot for job %s; leaving it to the kernel", job_id)
                return Start.NO_SLOT
            runner = JobRunner(
                assignment,
                config=self._config,
                identity=self._identity(),
                reports=self._reports,
                logs=self._logs,
                events=self._events,
                on_finished=lambda _final: self._release(job_id),
                artifacts=self._artifacts,
                plugins=self._plugins,
            )
            thread = threading.Thread(
                target=self._run, args=(runner,), name=f"arcade-job-{job_id}", daemon=True
            )
            self._runners[job_id] = runner
            self._threads[job_id] = thread
        if before_start is not None:
            before_start()
        log.info(
            "job %s accepted: %s #%d, job %s",
            job_id,
            assignment.pipeline_name,
            assignment.run_number,
            assignment.job_name,
        )
        self._events.emit("agent.job.accepted", job_run_id=job_id)
        thread.start()
        return Start.STARTED

    def cancel(self, request: CancelRequest) -> bool:
        """Stop a running job; False (and nothing done) when it does not run here."""
        with self._cond:
            runner = self._runners.get(request.job_run_id)
        if runner is None:
            log.debug("cancel for job %s that is not running here; ignored", request.job_run_id)
            return False
        runner.cancel(request.reason, request.status)
        return True

    def cancel_all(self, reason: str) -> None:
        with self._cond:
            runners = list(self._runners.values())
        for runner in runners:
            runner.cancel(reason, Status.CANCELLED)

    def join(self, timeout: float) -> None:
        """Wait for every job thread to end (cleanup included), each for at most `timeout` seconds."""
        with self._cond:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout)

    def _run(self, runner: JobRunner) -> None:
        try:
            runner.run()
        except Exception:
            log.exception("job %s: runner crashed", runner.job_run_id)
        finally:
            self._release(runner.job_run_id)
            with self._cond:
                self._threads.pop(runner.job_run_id, None)

    def _release(self, job_run_id: str) -> None:
        with self._cond:
            self._runners.pop(job_run_id, None)
            self._cond.notify_all()
