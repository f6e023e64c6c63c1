from datetime import UTC, datetime, timedelta

from kernel.planner import JobState, RunState, StageState, advance
from kernel.status import RunStatus, Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def job(
    id, stage=0, index=0, status=Status.PENDING, deps=(), coe=False, assigned=False, stopping=False, msg=""
):
    return JobState(
        id=id,
        name=id,
        stage_index=stage,
        index=index,
        status=status,
        depends_on=tuple(deps),
        continue_on_error=coe,
        assigned=assigned,
        stopping=stopping,
        message=msg,
    )


def run(jobs, stages=None, status=RunStatus.PENDING, timeout=3600.0, cancel=False):
    stages = stages or [StageState(0, "default")]
    return RunState(
        id="r",
        pipeline_name="p",
        status=status,
        created_at=T0,
        timeout=timeout,
        stages=stages,
        jobs=jobs,
        cancel_requested=cancel,
    )


def test_first_stage_jobs_are_queued_and_run_starts():
    plan = advance(run([job("a"), job("b", index=1)]), T0)
    assert plan.queue == ["a", "b"]
    assert plan.stages_started == [0]
    assert plan.run_status is RunStatus.RUNNING


def test_later_stage_waits_for_every_job_of_earlier_stages():
    stages = [StageState(0, "build", started_at=T0), StageState(1, "ship")]
    jobs = [
        job("a", status=Status.SUCCESS),
        job("b", index=1, status=Status.RUNNING),
        job("c", stage=1, index=2),
    ]
    assert advance(run(jobs, stages, RunStatus.RUNNING), T0).queue == []
    jobs[1] = job("b", index=1, status=Status.SUCCESS)
    plan = advance(run(jobs, stages, RunStatus.RUNNING), T0)
    assert plan.queue == ["c"] and plan.stages_started == [1]


def test_depends_on_overrides_stage_order_and_waits_only_for_named_jobs():
    stages = [StageState(0, "build", started_at=T0), StageState(1, "ship")]
    jobs = [
        job("a", status=Status.SUCCESS),
        job("slow", index=1, status=Status.RUNNING),
        job("deploy", stage=1, index=2, deps=["a"]),
    ]
    assert advance(run(jobs, stages, RunStatus.RUNNING), T0).queue == ["deploy"]


def test_serial_stage_runs_one_job_after_another():
    stages = [StageState(0, "s", run_mode="serial")]
    plan = advance(run([job("a"), job("b", index=1), job("c", index=2)], stages), T0)
    assert plan.queue == ["a"]
    plan = advance(
        run(
            [job("a", status=Status.SUCCESS), job("b", index=1), job("c", index=2)], stages, RunStatus.RUNNING
        ),
        T0,
    )
    assert plan.queue == ["b"]


def test_failed_dependency_skips_dependents_and_fails_the_run():
    stages = [StageState(0, "build", started_at=T0), StageState(1, "ship")]
    jobs = [job("a", status=Status.FAILED, msg="step 'x' failed: exit code 3"), job("b", stage=1, index=1)]
    plan = advance(run(jobs, stages, RunStatus.RUNNING), T0)
    assert plan.skip == {"b": "skipped: 'a' did not succeed (FAILED)"}
    assert plan.run_status is RunStatus.FAILED
    assert plan.run_message == "job 'a' failed: step 'x' failed: exit code 3"


def test_continue_on_error_lets_dependents_run_and_the_run_succeed():
    stages = [StageState(0, "build", started_at=T0), StageState(1, "ship")]
    jobs = [job("a", status=Status.FAILED, coe=True), job("b", stage=1, index=1)]
    assert advance(run(jobs, stages, RunStatus.RUNNING), T0).queue == ["b"]
    jobs = [job("a", status=Status.FAILED, coe=True), job("b", stage=1, index=1, status=Status.SUCCESS)]
    assert advance(run(jobs, stages, RunStatus.RUNNING), T0).run_status is RunStatus.SUCCESS


def test_cancel_stops_assigned_jobs_through_the_agent_and_cancels_the_rest():
    jobs = [
        job("a", status=Status.RUNNING, assigned=True),
        job("b", index=1, status=Status.QUEUED),
        job("c", index=2, deps=["a"]),
    ]
    plan = advance(run(jobs, status=RunStatus.RUNNING, cancel=True), T0)
    assert set(plan.stop) == {"a", "b", "c"}
    assert all(stop.status is Status.CANCELLED for stop in plan.stop.values())
    assert plan.run_status is None  # "a" is still running on its agent
    finished = [
        job("a", status=Status.CANCELLED),
        job("b", index=1, status=Status.CANCELLED),
        job("c", index=2, status=Status.CANCELLED),
    ]
    assert advance(run(finished, status=RunStatus.RUNNING, cancel=True), T0).run_status is RunStatus.CANCELLED


def test_a_job_already_being_stopped_is_not_stopped_again():
    jobs = [job("a", status=Status.RUNNING, assigned=True, stopping=True)]
    assert advance(run(jobs, status=RunStatus.RUNNING, cancel=True), T0).stop == {}


def test_pipeline_timeout_names_the_level_and_the_limit():
    jobs = [job("a", status=Status.RUNNING, assigned=True), job("b", index=1)]
    stages = [StageState(0, "default", started_at=T0)]
    plan = advance(run(jobs, stages, RunStatus.RUNNING, timeout=90), T0 + timedelta(seconds=91))
    assert plan.stop["a"].status is Status.TIMEOUT
    assert plan.stop["a"].reason == "pipeline 'p' timed out after 1m30s (pipeline timeout)"
    assert plan.run_message == plan.stop["a"].reason


def test_stage_timeout_covers_only_its_stage_and_counts_from_its_start():
    stages = [StageState(0, "build", timeout=10, started_at=T0 + timedelta(seconds=5)), StageState(1, "ship")]
    jobs = [job("a", status=Status.RUNNING, assigned=True), job("b", stage=1, index=1)]
    plan = advance(run(jobs, stages, RunStatus.RUNNING), T0 + timedelta(seconds=14))
    assert plan.stop == {} and plan.next_deadline == T0 + timedelta(seconds=15)
    plan = advance(run(jobs, stages, RunStatus.RUNNING), T0 + timedelta(seconds=15))
    assert plan.stop["a"].reason == "stage 'build' timed out after 10s (stage timeout)"
    assert "b" not in plan.stop


def test_unassigned_jobs_stopped_finish_the_run_at_once():
    jobs = [job("a", status=Status.QUEUED)]
    plan = advance(run(jobs, status=RunStatus.RUNNING, timeout=5), T0 + timedelta(seconds=6))
    assert plan.stop["a"].status is Status.TIMEOUT
    assert plan.run_status is RunStatus.FAILED


def test_finished_run_plans_nothing():
    plan = advance(run([job("a", status=Status.SUCCESS)], status=RunStatus.SUCCESS), T0)
    assert plan.empty


def test_next_deadline_is_the_pipeline_deadline_while_jobs_are_unfinished():
    plan = advance(
        run([job("a", status=Status.RUNNING, assigned=True)], status=RunStatus.RUNNING, timeout=60), T0
    )
    assert plan.next_deadline == T0 + timedelta(seconds=60)


def test_a_gated_stage_waits_for_approval_then_queues():
    stages = [StageState(0, "build", started_at=T0), StageState(1, "ship", approval_required=True)]
    jobs = [job("a", status=Status.SUCCESS), job("deploy", stage=1, index=1)]
    plan = advance(run(jobs, stages, RunStatus.RUNNING), T0)
    assert plan.queue == [] and plan.approvals_needed == [1] and plan.run_status is None
    waiting = [stages[0], StageState(1, "ship", approval_required=True, approval_status="WAITING")]
    assert advance(run(jobs, waiting, RunStatus.RUNNING), T0).empty
    approved = [stages[0], StageState(1, "ship", approval_required=True, approval_status="APPROVED")]
    assert advance(run(jobs, approved, RunStatus.RUNNING), T0).queue == ["deploy"]


def test_cancel_reason_reaches_jobs_and_the_run():
    state = RunState(
        id="r",
        pipeline_name="p",
        status=RunStatus.RUNNING,
        created_at=T0,
        timeout=60,
        stages=[StageState(0, "default")],
        jobs=[job("a")],
        cancel_requested=True,
        cancel_reason="stage 'ship' rejected by alice",
    )
    plan = advance(state, T0)
    assert plan.stop["a"].reason == "stage 'ship' rejected by alice"
    assert plan.run_status is RunStatus.CANCELLED and plan.run_message == "stage 'ship' rejected by alice"
