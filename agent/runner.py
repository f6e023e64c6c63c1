"""Running one job: a fresh workspace, its steps in order, their logs, timeouts, cancellation and reports.

A step's `when` (kernel.conditions) decides whether it runs; after a failed step only steps whose `when`
holds (`always()`, `failure()`) run, and the job keeps the first failure's result.

The runner never talks to the kernel itself: reports go to the `ReportQueue`, lines to the `LogShipper`,
events to the `EventShipper`. `run` returns once the job's final report is queued and the workspace is
cleaned up.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from agent.artifacts import ArtifactTransfer
from agent.conditions import any_would_run, skip_report
from agent.config import AgentConfig
from agent.errors import WorkspaceError
from agent.events import EventShipper
from agent.logship import LogShipper, StepLog, now_ms
from agent.messages import job_timed_out, step_failed, step_timed_out, stopped
from agent.output import LineSplitter
from agent.peer import CancelRequest, JobAssignment, JobReport, LogStream, Status, StepAssignment, StepReport
from agent.plugins.invoke import PluginOutcome
from agent.plugins.steps import PluginSteps
from agent.process import StepProcess, describe_returncode, exit_code_of, shell_argv
from agent.reports import ReportQueue
from agent.sandbox import StopSignal
from agent.workspace import Workspaces

__all__ = [
    "AgentIdentity",
    "JobRunner",
]

log = logging.getLogger("arcade.agent")

STOP_STATUSES = (Status.CANCELLED, Status.TIMEOUT)


@dataclass(frozen=True)
class AgentIdentity:
    """Who runs the job, as steps see it in ARCADE_AGENT_ID / ARCADE_AGENT_NAME."""

    agent_id: str
    agent_name: str


class _Ending(Enum):
    EXITED = "exited"
    STEP_TIMEOUT = "step timeout"
    JOB_TIMEOUT = "job timeout"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class _StepOutcome:
    report: StepReport
    ending: _Ending
    job_message: str
    """What the job's report says if this step ends the job."""


class JobRunner:
    """Runs one JobAssignment; `cancel` may be called from any thread at any time."""

    def __init__(
        self,
        assignment: JobAssignment,
        *,
        config: AgentConfig,
        identity: AgentIdentity,
        reports: ReportQueue,
        logs: LogShipper,
        events: EventShipper,
        base_env: Mapping[str, str] | None = None,
        on_finished: Callable[[JobReport], None] | None = None,
        artifacts: ArtifactTransfer | None = None,
        plugins: PluginSteps | None = None,
    ) -> None:
        self.assignment = assignment
        self._artifacts = artifacts
        self._plugins = plugins
        self._upload_problems: list[str] = []
        self._prefetch_failures: dict[tuple[str, str], str] = {}
        self._config = config
        self._identity = identity
        self._workspaces = Workspaces(config.workdir)
        self._reports = reports
        self._logs = logs
        self._events = events
        self._base_env = dict(os.environ if base_env is None else base_env)
        self._cond = threading.Condition()
        self._cancel: CancelRequest | None = None
        self._stop_plugins = StopSignal()  # set on cancel: kills a plugin step that is under way
        self._on_finished = on_finished

    @property
    def job_run_id(self) -> str:
        return self.assignment.job_run_id

    def cancel(self, reason: str, status: Status = Status.CANCELLED) -> None:
        """Stop the job: kill the running step's process group, run no further steps. First request wins."""
        if status not in STOP_STATUSES:
            status = Status.CANCELLED
        with self._cond:
            if self._cancel is None:
                self._cancel = CancelRequest(self.job_run_id, reason or status.value.lower(), status)
                log.info(
                    "job %s: %s requested: %s", self.job_run_id, status.value.lower(), self._cancel.reason
                )
                self._stop_plugins.set()
            self._cond.notify_all()

    def _cancelled(self) -> CancelRequest | None:
        with self._cond:
            return self._cancel

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    # -- the job

    def run(self) -> JobReport:
        """Run the job to its end; returns the final report (already queued for delivery)."""
        job = self.assignment
        started, started_ms = time.monotonic(), now_ms()
        try:
            workspace = self._workspaces.create(job.job_run_id)
        except WorkspaceError as error:
            log.error("job %s: %s", job.job_run_id, error)
            return self._finish(JobReport(job.job_run_id, Status.FAILED, 1, str(error), started_ms, now_ms()))
        try:
            cancel = self._cancelled()
            if cancel is not None:
                final = JobReport(job.job_run_id, cancel.status, 0, cancel.reason, started_ms, now_ms())
            else:
                self._reports.put(JobReport(job.job_run_id, Status.RUNNING, start_time_unix_ms=started_ms))
                final = self._run_steps(workspace, started, started_ms)
        except Exception as error:  # a bug here must still produce a final report
            log.exception("job %s: the agent failed while running it", job.job_run_id)
            final = JobReport(job.job_run_id, Status.FAILED, 1, f"agent error: {error}", started_ms, now_ms())
        self._finish(final)
        self._clean_up(workspace)
        return final

    def _finish(self, final: JobReport) -> JobReport:
        """The job is over for the agent: free its slot, then queue the final report (cleanup comes after)."""
        self._stop_plugins.close()
        if self._on_finished is not None:
            self._on_finished(final)
        self._reports.put(final)
        log.info("job %s finished: %s %s", final.job_run_id, final.status.value, final.message)
        return final

    def _clean_up(self, workspace: Path) -> None:
        if self._config.keep_workspaces:
            return
        try:
            self._workspaces.remove(workspace)
        except WorkspaceError as error:
            log.warning("job %s: %s", self.job_run_id, error)
            self._events.emit(
                "agent.workspace.cleanup_failed", job_run_id=self.job_run_id, message=str(error)
            )

    def _run_steps(self, workspace: Path, started: float, started_ms: int) -> JobReport:
        job = self.assignment

        def report(status: Status, message: str = "", exit_code: int = 0) -> JobReport:
            message = "; ".join(part for part in (message, *self._upload_problems) if part)
            return JobReport(job.job_run_id, status, exit_code, message, started_ms, now_ms())

        job_deadline = started + job.timeout_seconds if job.timeout_seconds > 0 else None
        steps = sorted(job.steps, key=lambda s: s.index)
        problem = self._download_artifacts(steps[0], workspace) if steps else None
        if problem is not None:
            return report(Status.FAILED, problem, 1)
        if self._plugins is not None:
            self._prefetch_failures = self._plugins.prefetch(job)  # its registry plugins, concurrently
        failure: tuple[Status, str, int] | None = None  # the first step failure; it decides the job's end
        for position, step in enumerate(steps):
            if failure is not None and not step.when:
                continue  # success() is false; the kernel ends it SKIPPED with the job's message
            cancel = self._cancelled()
            if cancel is not None:
                return report(cancel.status, cancel.reason)
            if job_deadline is not None and time.monotonic() >= job_deadline:
                return report(Status.TIMEOUT, job_timed_out(job.job_name, job.timeout_seconds))
            held = self._check_condition(step, upstream_ok=failure is None)
            if held is not None and held.status == Status.SKIPPED:
                continue
            if held is not None:
                result, job_message = held, f"step '{step.name}' failed: {held.message}"
            else:
                later, context = steps[position + 1 :], job.condition_context
                last = not any_would_run(later, context, upstream_ok=failure is None)
                last_if_failed = last if step.continue_on_error else not any_would_run(later, context, False)
                outcome = self._run_step(
                    step, workspace, job_deadline, last=last, last_if_failed=last_if_failed
                )
                result, job_message = outcome.report, outcome.job_message
                if outcome.ending in (_Ending.CANCELLED, _Ending.JOB_TIMEOUT):
                    return report(result.status, outcome.job_message, result.exit_code)
            if result.status == Status.SUCCESS or step.continue_on_error:
                continue
            if failure is None:
                failure = (result.status, job_message, result.exit_code)
        if failure is not None:
            return report(*failure)
        return report(Status.SUCCESS)

    # -- artifacts

    def _download_artifacts(self, first: StepAssignment, workspace: Path) -> str | None:
        """Unpack the job's downloads, logging to the first step; a failure fails that step and the job."""
        if self._artifacts is None or not self.assignment.download_artifacts:
            return None
        step_log = self._logs.open_step(first.step_run_id)  # the step's own run appends to the same log
        started_ms = now_ms()
        problem = self._artifacts.download_all(self.assignment, workspace, step_log.system)
        if problem is not None:
            lines = step_log.close()
            self._reports.put(
                StepReport(first.step_run_id, Status.FAILED, 1, problem, started_ms, now_ms(), lines)
            )
        return problem

    def _upload_artifacts(self, workspace: Path, step_log: StepLog) -> None:
        if self._artifacts is not None and self.assignment.artifacts:
            self._upload_problems += self._artifacts.upload_all(self.assignment, workspace, step_log.system)

    def _check_condition(self, step: StepAssignment, *, upstream_ok: bool) -> StepReport | None:
        """None when the step should run; else its final report (see `skip_report`), queued."""
        final = skip_report(step, self.assignment.condition_context, upstream_ok=upstream_ok)
        if final is not None:
            self._reports.put(final)
            log.info("job %s, step %s: %s", self.job_run_id, step.name, final.message)
        return final

    # -- one step

    def step_env(self, step: StepAssignment, workspace: Path) -> dict[str, str]:
        """The agent's environment without ARCADE_*, then the job's and the step's env, then the injected."""
        job = self.assignment
        env = {key: value for key, value in self._base_env.items() if not key.startswith("ARCADE_")}
        env.update(job.env)
        env.update(step.env)
        env.update(
            {
                "CI": "true",
                "ARCADE_RUN_ID": job.pipeline_run_id,
                "ARCADE_RUN_NUMBER": str(job.run_number),
                "ARCADE_PIPELINE": job.pipeline_name,
                "ARCADE_STAGE": job.stage,
                "ARCADE_JOB": job.job_name,
                "ARCADE_JOB_RUN_ID": job.job_run_id,
                "ARCADE_STEP": step.name,
                "ARCADE_STEP_RUN_ID": step.step_run_id,
                "ARCADE_WORKSPACE": str(workspace),
                "ARCADE_ATTEMPT": str(job.attempt),
                "ARCADE_AGENT_ID": self._identity.agent_id,
                "ARCADE_AGENT_NAME": self._identity.agent_name,
            }
        )
        return env

    def _deadline_for(
        self, step: StepAssignment, job_deadline: float | None
    ) -> tuple[float | None, _Ending, str]:
        """The step's effective deadline: the earlier of its own timeout and the job's remaining time."""
        step_deadline = time.monotonic() + step.timeout_seconds if step.timeout_seconds > 0 else None
        if step_deadline is not None and (job_deadline is None or step_deadline <= job_deadline):
            return step_deadline, _Ending.STEP_TIMEOUT, step_timed_out(step.name, step.timeout_seconds)
        if job_deadline is not None:
            job = self.assignment
            return job_deadline, _Ending.JOB_TIMEOUT, job_timed_out(job.job_name, job.timeout_seconds)
        return None, _Ending.EXITED, ""

    def _run_step(
        self,
        step: StepAssignment,
        workspace: Path,
        job_deadline: float | None,
        *,
        last: bool,
        last_if_failed: bool,
    ) -> _StepOutcome:
        """Run one step. `last`: no later step runs if it succeeds; `last_if_failed`: none if it fails."""
        step_log = self._logs.open_step(step.step_run_id)
        splitters = {
            stream: LineSplitter(stream, step_log.write) for stream in (LogStream.STDOUT, LogStream.STDERR)
        }
        deadline, timeout_ending, timeout_message = self._deadline_for(step, job_deadline)
        started_ms = now_ms()
        ends_job_if_failed = last_if_failed

        def reported(
            status: Status, exit_code: int, message: str, upload: bool = False, result: dict | None = None
        ) -> StepReport:
            """Queue the step's final report; when it ends the job, upload artifacts into its log first."""
            if upload:
                self._upload_artifacts(workspace, step_log)
            final = StepReport(
                step.step_run_id, status, exit_code, message, started_ms, now_ms(), step_log.close(), result
            )
            self._reports.put(final)
            return final

        if step.uses:
            self._reports.put(StepReport(step.step_run_id, Status.RUNNING, start_time_unix_ms=started_ms))
            outcome = self._run_plugin(step, workspace, step_log, deadline)
            cancel = self._cancelled()
            if cancel is not None:  # the sandbox ran the action to its end (or its deadline) meanwhile
                final = reported(cancel.status, 1, cancel.reason)
                return _StepOutcome(final, _Ending.CANCELLED, cancel.reason)
            if outcome.timed_out:
                upload = timeout_ending is _Ending.STEP_TIMEOUT and ends_job_if_failed
                step_log.system(timeout_message)
                final = reported(Status.TIMEOUT, 1, timeout_message, upload)
                return _StepOutcome(final, timeout_ending, timeout_message)
            if outcome.ok:
                return _StepOutcome(reported(Status.SUCCESS, 0, "", last, outcome.result), _Ending.EXITED, "")
            message = outcome.error or "the plugin failed"
            step_log.system(message)
            final = reported(Status.FAILED, 1, message, upload=ends_job_if_failed)
            return _StepOutcome(final, _Ending.EXITED, f"step '{step.name}' failed: {message}")

        try:
            process = StepProcess.spawn(
                shell_argv(step.run),
                cwd=workspace,
                env=self.step_env(step, workspace),
                on_output=lambda stream, chunk: splitters[stream].feed(chunk),
                on_exit=self._wake,
            )
        except OSError as error:
            message = f"could not start the step: {error}"
            step_log.system(message)
            return _StepOutcome(
                reported(Status.FAILED, 127, message, upload=ends_job_if_failed),
                _Ending.EXITED,
                f"step '{step.name}' failed: {message}",
            )
        self._reports.put(StepReport(step.step_run_id, Status.RUNNING, start_time_unix_ms=started_ms))
        self._events.emit(
            "agent.step.process_started",
            job_run_id=self.job_run_id,
            step_run_id=step.step_run_id,
            payload={"pid": process.pid},
        )
        ending = self._await(process, deadline, timeout_ending)
        returncode = self._stop(process, ending, step_log, timeout_message)
        exit_code = exit_code_of(returncode)

        if ending is _Ending.CANCELLED:
            cancel = self._cancelled()
            assert cancel is not None
            return _StepOutcome(reported(cancel.status, exit_code, cancel.reason), ending, cancel.reason)
        if ending is not _Ending.EXITED:
            # A step's own timeout ends it like a failure; a job timeout stops the job (no uploads).
            upload = ending is _Ending.STEP_TIMEOUT and ends_job_if_failed
            return _StepOutcome(
                reported(Status.TIMEOUT, exit_code, timeout_message, upload), ending, timeout_message
            )
        if returncode == 0:
            return _StepOutcome(reported(Status.SUCCESS, 0, "", upload=last), ending, "")
        return _StepOutcome(
            reported(Status.FAILED, exit_code, describe_returncode(returncode), upload=ends_job_if_failed),
            ending,
            step_failed(step.name, returncode),
        )

    def _run_plugin(
        self, step: StepAssignment, workspace: Path, step_log: StepLog, deadline: float | None
    ) -> PluginOutcome:
        if self._plugins is None:
            return PluginOutcome(False, None, f"cannot run {step.uses}: this agent runs no plugins", 0.0)
        timeout = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        env = self.step_env(step, workspace)
        agent_name = self._identity.agent_name
        return self._plugins.run(
            self.assignment,
            step,
            agent_name,
            workspace,
            env,
            step_log,
            timeout,
            self._stop_plugins,
            self._prefetch_failures,
        )

    def _await(self, process: StepProcess, deadline: float | None, timeout_ending: _Ending) -> _Ending:
        """Block until the shell exits, a cancel arrives or the deadline passes, whichever is first."""
        with self._cond:
            while True:
                if process.exited:
                    return _Ending.EXITED
                if self._cancel is not None:
                    return _Ending.CANCELLED
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return timeout_ending
                self._cond.wait(remaining)

    def _stop(self, process: StepProcess, ending: _Ending, step_log: StepLog, timeout_message: str) -> int:
        """Make sure nothing of the step is left running and its output is read; returns the return code."""
        grace = self._config.kill_grace_seconds
        if ending is _Ending.EXITED:
            if process.reap_leftovers(grace):
                log.info("step process %d left background processes behind; stopped them", process.pid)
        else:
            if ending is _Ending.CANCELLED:
                cancel = self._cancelled()
                assert cancel is not None
                word = "cancelled" if cancel.status == Status.CANCELLED else "stopped on timeout"
                text = stopped(cancel.reason, f"job {word}")
            else:
                text = timeout_message
            step_log.system(f"{text}; terminating the step's process group")
            process.terminate(grace)
        if not process.wait_output(grace + 2.0):
            log.warning("step process %d: a process outside its group still holds its output", process.pid)
        returncode = process.returncode
        return -9 if returncode is None else returncode
