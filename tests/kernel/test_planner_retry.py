"""The planner's retry decisions and the jobs a rerun touches (pure logic, no store)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kernel.planner import JobState, RunState, StageState, advance, dependents
from kernel.status import RunStatus, Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def job(id, stage=0, index=0, status=Status.PENDING, deps=(), attempt=1, max_attempt=1, delay=0.0, **more):
    return JobState(
        id=id,
        name=more.pop("name", id),
        stage_index=stage,
        index=index,
        status=status,
        depends_on=tuple(deps),
        attempt=attempt,
        max_attempt=max_attempt,
        retry_delay=delay,
        **more,
    )


def run(jobs, stages=None, cancel=False, timeout=3600.0):
    return RunState(
        id="r",
        pipeline_name="p",
        status=RunStatus.RUNNING,
        created_at=T0,
        timeout=timeout,
        stages=stages or [StageState(0, "build", started_at=T0), StageState(1, "ship")],
        jobs=jobs,
        cancel_requested=cancel,
    )


def test_a_failed_job_with_attempts_left_is_retried_after_its_delay_and_dependents_wait():
    now = T0 + timedelta(minutes=1)
    failed = job("a", status=Status.FAILED, max_attempt=3, delay=5.0, message="step 'x' exited with 1")
    plan = advance(run([failed, job("b", stage=1, index=1, deps=["a"])]), now)
    retry = plan.retry["a"]
    assert retry.attempt == 2 and retry.not_before == now + timedelta(seconds=5)
    assert retry.message == "attempt 2 of 3 in 5s after: step 'x' exited with 1"
    assert plan.skip == {} and plan.queue == [] and plan.run_status is None
    assert plan.next_deadline == now + timedelta(seconds=5)


def test_a_timed_out_job_is_retried_without_delay_and_the_message_says_so():
    plan = advance(run([job("a", status=Status.TIMEOUT, max_attempt=2)]), T0)
    assert plan.retry["a"].message == "attempt 2 of 2 after: job timeout"
    assert plan.retry["a"].not_before == T0


def test_a_new_attempt_waits_pending_until_its_delay_has_passed():
    later = T0 + timedelta(seconds=5)
    waiting = job("a", attempt=2, max_attempt=3, not_before=later)
    plan = advance(run([waiting]), T0 + timedelta(seconds=1))
    assert plan.queue == [] and plan.next_deadline == later
    assert advance(run([waiting]), later).queue == ["a"]


def test_no_retry_when_attempts_are_used_up_and_the_last_attempt_decides_the_run():
    last = job("a", status=Status.FAILED, attempt=3, max_attempt=3, message="boom")
    plan = advance(run([last, job("b", stage=1, index=1)]), T0)
    assert plan.retry == {} and "b" in plan.skip
    assert plan.run_status is RunStatus.FAILED and plan.run_message == "job 'a' failed: boom"
    # The latest attempt succeeded (earlier ones are not part of the state): the run succeeds.
    plan = advance(run([job("a", status=Status.SUCCESS, attempt=2, max_attempt=3)]), T0)
    assert plan.run_status is RunStatus.SUCCESS


def test_no_retry_of_what_the_kernel_stopped_or_of_cancelled_and_skipped_jobs():
    stopped = job("a", status=Status.TIMEOUT, max_attempt=3, stopping=True)
    cancelled = job("b", index=1, status=Status.CANCELLED, max_attempt=3)
    skipped = job("c", index=2, status=Status.SKIPPED, max_attempt=3)
    plan = advance(run([stopped, cancelled, skipped]), T0)
    assert plan.retry == {} and plan.run_status is RunStatus.FAILED


def test_no_retry_once_the_run_is_cancelled():
    failed = job("a", status=Status.FAILED, max_attempt=3)
    plan = advance(run([failed, job("b", index=1, status=Status.RUNNING, assigned=True)], cancel=True), T0)
    assert plan.retry == {} and "b" in plan.stop


def test_no_retry_after_the_stage_or_pipeline_deadline():
    stages = [StageState(0, "build", timeout=60.0, started_at=T0), StageState(1, "ship")]
    failed = job("a", status=Status.FAILED, max_attempt=3)
    assert advance(run([failed], stages), T0 + timedelta(seconds=61)).retry == {}
    assert "a" in advance(run([failed], stages), T0 + timedelta(seconds=59)).retry
    assert advance(run([failed], timeout=60.0), T0 + timedelta(seconds=61)).retry == {}


def test_a_failed_job_with_continue_on_error_is_still_retried_first():
    plan = advance(run([job("a", status=Status.FAILED, max_attempt=2, continue_on_error=True)]), T0)
    assert "a" in plan.retry and plan.run_status is None


def test_serial_successor_waits_for_the_retry():
    stages = [StageState(0, "s", run_mode="serial", started_at=T0)]
    plan = advance(run([job("a", status=Status.FAILED, max_attempt=2), job("b", index=1)], stages), T0)
    assert "a" in plan.retry and plan.skip == {} and plan.queue == []


def test_dependents_follow_depends_on_stage_order_and_serial_stages():
    stages = [
        StageState(0, "build", run_mode="serial"),
        StageState(1, "test"),
        StageState(2, "ship"),
    ]
    jobs = [
        job("a", 0, 0),
        job("b", 0, 1),
        job("lint", 1, 2),
        job("unit", 1, 3, deps=["b"]),
        job("docs", 1, 4, deps=["lint"]),
        job("deploy", 2, 5, deps=["unit"]),
    ]
    state = run(jobs, stages)
    assert dependents(state, "a") == ["b", "lint", "unit", "docs", "deploy"]
    assert dependents(state, "b") == ["lint", "unit", "docs", "deploy"]
    assert dependents(state, "unit") == ["deploy"]
    assert dependents(state, "lint") == ["docs"]
    assert dependents(state, "deploy") == []
    parallel = run([replace(j, stage_index=1) if j.id == "b" else j for j in jobs], stages)
    assert dependents(parallel, "lint") == ["docs"]
