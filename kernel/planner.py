"""The planner: given a run's current state, decide what happens next. Pure logic, no I/O.

Rules (DESIGN §2, §4):
- A job without `depends_on` waits for every job of the earlier stages; with `depends_on` it waits for
  exactly those jobs. In a serial stage a job also waits for the job declared before it.
- A job whose dependencies all succeeded (or failed with `continue_on_error`) is queued; one whose
  dependency did not succeed is skipped.
- A job's `when` (CEL, `kernel.conditions`) is evaluated once its dependencies are final: false skips it,
  an evaluation error fails it. Without a status function it means `success() && (when)`; with
  `failure()` or `always()` it decides itself whether the job runs after a dependency did not succeed.
- Cancelling a run stops running jobs and cancels the rest. Stage and pipeline deadlines stop what is
  unfinished in their scope with TIMEOUT and a message naming the level and the limit.
- A run is finished when every job is final: CANCELLED if it was cancelled, FAILED if any job failed
  without `continue_on_error`, SUCCESS otherwise.
- The planner sees only the latest attempt of each job. An attempt that ended FAILED or TIMEOUT by itself
  (the kernel did not stop it: no cancel, no stage or pipeline deadline) gets another attempt while its
  `retry` allows; the new attempt waits PENDING for the retry delay, and until then the job counts as
  pending for its dependents and for the run's status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kernel import conditions
from kernel.dsl.durations import format_duration
from kernel.status import RunStatus, Status

DEFAULT_CANCEL_REASON = "cancelled by user"
# Approval states of a gated stage.
WAITING, APPROVED, REJECTED = "WAITING", "APPROVED", "REJECTED"


@dataclass(frozen=True)
class JobState:
    id: str
    name: str
    stage_index: int
    index: int
    status: Status
    depends_on: tuple[str, ...] = ()
    continue_on_error: bool = False
    # An agent holds the job (dispatched or running): stopping it needs the agent.
    assigned: bool = False
    # The kernel asked the job to stop (cancel or deadline); on a final job: the kernel ended it.
    stopping: bool = False
    message: str = ""
    attempt: int = 1
    # Automatic retries may go on up to this attempt number.
    max_attempt: int = 1
    retry_delay: float = 0.0
    # A retry is not queued before this time (its delay).
    not_before: datetime | None = None
    when: str | None = None
    # Only read when `when` is set: the job's env as stored and its matrix values.
    env: Mapping[str, str] = field(default_factory=dict)
    matrix: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Final and good enough for dependents to go on."""
        return self.status is Status.SUCCESS or (self.status.failed and self.continue_on_error)


@dataclass(frozen=True)
class StageState:
    index: int
    name: str
    run_mode: str = "parallel"
    timeout: float | None = None
    started_at: datetime | None = None
    approval_required: bool = False
    approval_status: str | None = None  # None, WAITING, APPROVED or REJECTED

    @property
    def gated(self) -> bool:
        """Its jobs may not start yet: approval is required and has not been given."""
        return self.approval_required and self.approval_status != APPROVED


@dataclass(frozen=True)
class RunState:
    id: str
    pipeline_name: str
    status: RunStatus
    created_at: datetime
    timeout: float
    stages: Sequence[StageState]
    jobs: Sequence[JobState]
    cancel_requested: bool = False
    cancel_reason: str = DEFAULT_CANCEL_REASON
    # The context of `when` conditions besides each job's env and matrix.
    variables: Mapping[str, str] = field(default_factory=dict)
    trigger: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Stop:
    """Finish a job with `status`: through its agent when assigned, directly otherwise."""

    status: Status
    reason: str


@dataclass(frozen=True)
class Retry:
    """Start attempt `attempt` of a job that failed by itself; it may be queued from `not_before` on."""

    attempt: int
    not_before: datetime
    message: str


@dataclass
class Plan:
    queue: list[str] = field(default_factory=list)
    skip: dict[str, str] = field(default_factory=dict)
    # Jobs that never start and end FAILED (their `when` could not be evaluated), with the reason.
    fail: dict[str, str] = field(default_factory=dict)
    stop: dict[str, Stop] = field(default_factory=dict)
    retry: dict[str, Retry] = field(default_factory=dict)
    stages_started: list[int] = field(default_factory=list)
    # Stages whose jobs are ready but wait for a manual approval, newly so.
    approvals_needed: list[int] = field(default_factory=list)
    run_status: RunStatus | None = None
    run_message: str = ""
    next_deadline: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.queue
            or self.skip
            or self.fail
            or self.stop
            or self.retry
            or self.stages_started
            or self.approvals_needed
            or self.run_status
        )


def _blockers(run: RunState) -> dict[str, tuple[bool, JobState | None]]:
    """For each pending job: (all its dependencies are final, the first one that did not succeed)."""
    by_name = {job.name: job for job in run.jobs}
    serial = {stage.index for stage in run.stages if stage.run_mode == "serial"}
    ordered = sorted(run.jobs, key=lambda j: (j.stage_index, j.index))
    # Summaries of everything before each stage, so implicit stage edges cost O(jobs), not O(jobs^2).
    before: dict[int, tuple[bool, JobState | None]] = {}
    all_final, first_bad = True, None
    for stage_index in sorted({job.stage_index for job in ordered} | {s.index for s in run.stages}):
        before[stage_index] = (all_final, first_bad)
        for job in ordered:
            if job.stage_index == stage_index:
                all_final = all_final and job.status.final
                if first_bad is None and job.status.final and not job.ok:
                    first_bad = job
    result: dict[str, tuple[bool, JobState | None]] = {}
    previous_in_stage: dict[int, JobState] = {}
    for job in ordered:
        previous = previous_in_stage.get(job.stage_index)
        previous_in_stage[job.stage_index] = job
        if job.status is not Status.PENDING:
            continue
        if job.depends_on:
            deps = [by_name[name] for name in job.depends_on if name in by_name]
            ready = all(dep.status.final for dep in deps)
            bad = next((dep for dep in deps if dep.status.final and not dep.ok), None)
        else:
            ready, bad = before[job.stage_index]
        if job.stage_index in serial and previous is not None:
            ready = ready and previous.status.final
            if bad is None and previous.status.final and not previous.ok:
                bad = previous
        result[job.id] = (ready, bad)
    return result


def _deadlines(run: RunState) -> list[tuple[datetime, str, set[int] | None]]:
    """(deadline, message, stage indexes it covers or None for all) for every active deadline."""
    limits = [
        (
            run.created_at + timedelta(seconds=run.timeout),
            f"pipeline '{run.pipeline_name}' timed out after "
            f"{format_duration(run.timeout)} (pipeline timeout)",
            None,
        )
    ]
    for stage in run.stages:
        if stage.timeout is not None and stage.started_at is not None:
            limits.append(
                (
                    stage.started_at + timedelta(seconds=stage.timeout),
                    f"stage '{stage.name}' timed out after {format_duration(stage.timeout)} (stage timeout)",
                    {stage.index},
                )
            )
    return limits


def _stop_unfinished(plan: Plan, jobs: Sequence[JobState], status: Status, reason: str) -> None:
    for job in jobs:
        if not job.status.final and not job.stopping and job.id not in plan.stop:
            plan.stop[job.id] = Stop(status, reason)


def advance(run: RunState, now: datetime) -> Plan:
    """Everything that should change in `run` at time `now`."""
    plan = Plan()
    if run.status.final:
        return plan
    if run.cancel_requested:
        _stop_unfinished(plan, run.jobs, Status.CANCELLED, run.cancel_reason)
    pending_deadlines = []
    out_of_time: set[str] = set()  # jobs whose stage or pipeline deadline has passed
    for deadline, message, stages in _deadlines(run):
        scope = [job for job in run.jobs if stages is None or job.stage_index in stages]
        if now >= deadline:
            out_of_time.update(job.id for job in scope)
            _stop_unfinished(plan, scope, Status.TIMEOUT, message)
            if stages is None and not plan.run_message:
                plan.run_message = message
        elif any(not job.status.final for job in scope):
            pending_deadlines.append(deadline)

    plan.retry = _retries(run, now, out_of_time)
    if plan.retry:
        # From here on a job about to get a new attempt counts as pending: dependents wait, the run goes on.
        pending = [replace(job, status=Status.PENDING) if job.id in plan.retry else job for job in run.jobs]
        run = replace(run, jobs=pending)
        pending_deadlines += [retry.not_before for retry in plan.retry.values() if retry.not_before > now]

    started = {stage.index for stage in run.stages if stage.started_at is not None}
    jobs_by_id = {job.id: job for job in run.jobs}
    stages = {stage.index: stage for stage in run.stages}
    for job_id, (ready, bad) in _blockers(run).items():
        if job_id in plan.stop or job_id in plan.retry:
            continue
        job = jobs_by_id[job_id]
        decides_itself = job.when is not None and conditions.uses_status(job.when)
        if bad is not None and not decides_itself:
            plan.skip[job_id] = f"skipped: '{bad.name}' did not succeed ({bad.status})"
        elif ready:
            if job.not_before is not None and now < job.not_before:
                pending_deadlines.append(job.not_before)
                continue
            if job.when is not None and not _condition_holds(run, job, bad is None, plan):
                continue
            stage = stages[job.stage_index]
            if stage.gated:
                if stage.approval_status is None and stage.index not in plan.approvals_needed:
                    plan.approvals_needed.append(stage.index)
                continue
            plan.queue.append(job_id)
            if job.stage_index not in started:
                started.add(job.stage_index)
                plan.stages_started.append(job.stage_index)
    for stage_index in plan.stages_started:
        stage = next(s for s in run.stages if s.index == stage_index)
        if stage.timeout is not None:
            pending_deadlines.append(now + timedelta(seconds=stage.timeout))
    plan.next_deadline = min(pending_deadlines, default=None)

    _settle_run(run, plan)
    return plan


def _condition_holds(run: RunState, job: JobState, upstream_ok: bool, plan: Plan) -> bool:
    """Evaluate the job's `when`; when it does not hold, the job is put in `plan.skip` or `plan.fail`."""
    assert job.when is not None
    values = conditions.context(run.variables, job.env, job.matrix, run.trigger)
    try:
        if conditions.evaluate(job.when, values, upstream_ok=upstream_ok):
            return True
    except conditions.ConditionError as error:
        plan.fail[job.id] = conditions.failed_message(job.when, error)
        return False
    plan.skip[job.id] = conditions.skipped_message(job.when)
    return False


def _retries(run: RunState, now: datetime, out_of_time: set[str]) -> dict[str, Retry]:
    """New attempts for the jobs whose latest attempt failed by itself and whose `retry` allows another."""
    if run.cancel_requested:
        return {}
    retries = {}
    for job in run.jobs:
        if job.status not in (Status.FAILED, Status.TIMEOUT) or job.stopping or job.id in out_of_time:
            continue
        if job.attempt >= job.max_attempt:
            continue
        wait = f" in {format_duration(job.retry_delay)}" if job.retry_delay > 0 else ""
        reason = job.message or f"job {str(job.status).lower()}"
        retries[job.id] = Retry(
            attempt=job.attempt + 1,
            not_before=now + timedelta(seconds=job.retry_delay),
            message=f"attempt {job.attempt + 1} of {job.max_attempt}{wait} after: {reason}",
        )
    return retries


def dependents(run: RunState, job_id: str) -> list[str]:
    """Ids of the jobs that wait for job `job_id`, directly or through other jobs, in pipeline order.

    The same edges as the planner's: `depends_on`, else every job of the earlier stages, plus the job
    before it in a serial stage.
    """
    ordered = sorted(run.jobs, key=lambda j: (j.stage_index, j.index))
    serial = {stage.index for stage in run.stages if stage.run_mode == "serial"}
    previous: dict[str, JobState] = {}
    last_in_stage: dict[int, JobState] = {}
    for job in ordered:
        if job.stage_index in serial and job.stage_index in last_in_stage:
            previous[job.id] = last_in_stage[job.stage_index]
        last_in_stage[job.stage_index] = job
    affected = {job.id: job for job in run.jobs if job.id == job_id}
    changed = bool(affected)
    while changed:
        changed = False
        names = {job.name for job in affected.values()}
        lowest_stage = min(job.stage_index for job in affected.values())
        for job in ordered:
            if job.id in affected:
                continue
            waits = (
                any(name in names for name in job.depends_on)
                if job.depends_on
                else job.stage_index > lowest_stage
            )
            if waits or (job.id in previous and previous[job.id].id in affected):
                affected[job.id] = job
                changed = True
    return [job.id for job in ordered if job.id in affected and job.id != job_id]


def _settle_run(run: RunState, plan: Plan) -> None:
    unfinished_after = [
        job
        for job in run.jobs
        if not job.status.final
        and job.id not in plan.skip
        and job.id not in plan.fail
        and not (job.id in plan.stop and not job.assigned)
    ]
    if unfinished_after:
        if run.status is RunStatus.PENDING:
            plan.run_status = RunStatus.RUNNING
        return
    final = {job.id: job.status for job in run.jobs}
    final.update({job_id: Status.SKIPPED for job_id in plan.skip})
    final.update({job_id: Status.FAILED for job_id in plan.fail})
    final.update({job_id: stop.status for job_id, stop in plan.stop.items()})
    if run.cancel_requested:
        plan.run_status = RunStatus.CANCELLED
        plan.run_message = plan.run_message or run.cancel_reason
        return
    failed = [
        job
        for job in sorted(run.jobs, key=lambda j: (j.stage_index, j.index))
        if final[job.id].failed and not job.continue_on_error
    ]
    if failed:
        plan.run_status = RunStatus.FAILED
        if not plan.run_message:
            first = failed[0]
            reason = plan.stop[first.id].reason if first.id in plan.stop else first.message
            reason = plan.fail.get(first.id, reason)
            plan.run_message = f"job '{first.name}' {str(final[first.id]).lower()}" + (
                f": {reason}" if reason else ""
            )
    else:
        plan.run_status = RunStatus.SUCCESS
