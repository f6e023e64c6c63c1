"""The planner's job `when` conditions: evaluated once dependencies are final, like GitHub Actions' `if:`."""

from datetime import UTC, datetime

from kernel.planner import JobState, RunState, StageState, advance
from kernel.status import RunStatus, Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STAGES = [StageState(0, "build", started_at=T0), StageState(1, "after")]


def job(id, stage=0, index=0, status=Status.PENDING, deps=(), when=None, env=None, matrix=None, coe=False):
    return JobState(
        id=id,
        name=id,
        stage_index=stage,
        index=index,
        status=status,
        depends_on=tuple(deps),
        continue_on_error=coe,
        when=when,
        env=env or {},
        matrix=matrix or {},
    )


def run(jobs, variables=None, trigger=None, cancel=False, stages=STAGES):
    return RunState(
        id="r",
        pipeline_name="p",
        status=RunStatus.RUNNING,
        created_at=T0,
        timeout=3600.0,
        stages=stages,
        jobs=jobs,
        cancel_requested=cancel,
        variables=variables or {},
        trigger=trigger or {"type": "manual"},
    )


def test_a_true_condition_queues_the_job_and_a_false_one_skips_it_quoting_the_expression():
    jobs = [
        job("deploy", when="variables.BRANCH == 'main'"),
        job("docs", index=1, when='variables.BRANCH == "dev"'),
    ]
    plan = advance(run(jobs, variables={"BRANCH": "main"}), T0)
    assert plan.queue == ["deploy"]
    assert plan.skip == {"docs": "skipped: when 'variables.BRANCH == \"dev\"' is false"}


def test_the_condition_waits_for_the_dependencies_to_be_final():
    jobs = [job("build", status=Status.RUNNING), job("deploy", stage=1, index=1, when="always()")]
    plan = advance(run(jobs), T0)
    assert plan.queue == [] and plan.skip == {} and plan.fail == {}


def test_without_a_status_function_a_failed_dependency_skips_the_job_as_before():
    jobs = [
        job("build", status=Status.FAILED),
        job("other", index=1, status=Status.RUNNING),
        job("deploy", stage=1, index=2, deps=["build", "other"], when="variables.BRANCH == 'main'"),
    ]
    plan = advance(run(jobs, variables={"BRANCH": "main"}), T0)
    assert plan.skip == {"deploy": "skipped: 'build' did not succeed (FAILED)"}


def test_failure_runs_only_after_a_dependency_did_not_succeed():
    failed = [job("build", status=Status.FAILED), job("cleanup", stage=1, index=1, when="failure()")]
    assert advance(run(failed), T0).queue == ["cleanup"]
    passed = [job("build", status=Status.SUCCESS), job("cleanup", stage=1, index=1, when="failure()")]
    plan = advance(run(passed), T0)
    assert plan.queue == [] and plan.skip == {"cleanup": "skipped: when 'failure()' is false"}


def test_failure_waits_for_every_dependency_even_once_one_failed():
    jobs = [
        job("build", status=Status.FAILED),
        job("test", index=1, status=Status.RUNNING),
        job("cleanup", stage=1, index=2, when="failure()"),
    ]
    plan = advance(run(jobs), T0)
    assert plan.queue == [] and plan.skip == {}


def test_a_tolerated_failure_is_not_a_failure():
    jobs = [job("lint", status=Status.FAILED, coe=True), job("cleanup", stage=1, index=1, when="failure()")]
    assert advance(run(jobs), T0).skip == {"cleanup": "skipped: when 'failure()' is false"}


def test_always_runs_whatever_happened_but_not_after_a_cancel():
    for status in (Status.SUCCESS, Status.FAILED, Status.TIMEOUT, Status.SKIPPED):
        jobs = [job("build", status=status), job("report", stage=1, index=1, when="always()")]
        assert advance(run(jobs), T0).queue == ["report"], status
    jobs = [job("build", status=Status.RUNNING), job("report", stage=1, index=1, when="always()")]
    plan = advance(run(jobs, cancel=True), T0)
    assert plan.queue == [] and plan.stop["report"].status is Status.CANCELLED


def test_status_functions_combine_with_the_context():
    jobs = [
        job("build", status=Status.FAILED),
        job("page", stage=1, index=1, when="failure() && trigger.type == 'cron'"),
        job("log", stage=1, index=2, when="always() && trigger.branch == ''"),
    ]
    plan = advance(run(jobs, trigger={"type": "event", "event": "push", "branch": None}), T0)
    assert plan.queue == ["log"]
    assert plan.skip == {"page": "skipped: when 'failure() && trigger.type == 'cron'' is false"}


def test_matrix_env_and_trigger_are_in_the_context():
    jobs = [
        job("t[x=a]", when="matrix.x == 'b'", matrix={"x": "a"}),
        job("t[x=b]", index=1, when="matrix.x == 'b'", matrix={"x": "b"}),
        job("env", index=2, when="env.TARGET == 'prod'", env={"TARGET": "prod"}),
        job("push", index=3, when="trigger.event == 'push' && trigger.branch == 'main'"),
    ]
    plan = advance(run(jobs, trigger={"type": "event", "event": "push", "branch": "main"}), T0)
    assert plan.queue == ["t[x=b]", "env", "push"]
    assert list(plan.skip) == ["t[x=a]"]


def test_an_evaluation_error_fails_the_job_and_the_run_goes_on():
    jobs = [
        job("deploy", when="variables.MISSING == 'x'"),
        job("other", index=1),
        job("cleanup", stage=1, index=2, when="failure()"),
    ]
    plan = advance(run(jobs), T0)
    assert plan.fail == {
        "deploy": "when 'variables.MISSING == 'x'' could not be evaluated: "
        "no such member in mapping: 'MISSING'"
    }
    assert plan.queue == ["other"] and plan.run_status is None
    done = [job("deploy", status=Status.FAILED), job("other", index=1, status=Status.SUCCESS), jobs[2]]
    assert advance(run(done), T0).queue == ["cleanup"]


def test_a_non_boolean_result_is_an_error():
    plan = advance(run([job("j", when="variables.BRANCH")], variables={"BRANCH": "main"}), T0)
    assert plan.fail == {
        "j": "when 'variables.BRANCH' could not be evaluated: "
        "the expression must be true or false, got the string 'main'"
    }


def test_the_run_ends_failed_with_the_evaluation_error_when_it_was_the_last_job():
    plan = advance(run([job("j", when="1 / 0 == 1")]), T0)
    assert plan.run_status is RunStatus.FAILED
    assert (
        plan.run_message
        == "job 'j' failed: when '1 / 0 == 1' could not be evaluated: modulus or divide by zero"
    )


def test_a_skipped_last_job_ends_the_run_successfully():
    plan = advance(run([job("j", when="false")]), T0)
    assert plan.skip == {"j": "skipped: when 'false' is false"} and plan.run_status is RunStatus.SUCCESS


def test_a_job_skipped_by_its_condition_skips_its_dependents_unless_they_decide_themselves():
    jobs = [
        job("deploy", status=Status.SKIPPED),
        job("smoke", stage=1, index=1, deps=["deploy"]),
        job("notify", stage=1, index=2, deps=["deploy"], when="always()"),
    ]
    plan = advance(run(jobs), T0)
    assert plan.skip == {"smoke": "skipped: 'deploy' did not succeed (SKIPPED)"}
    assert plan.queue == ["notify"]


def test_a_false_condition_skips_the_job_in_a_gated_stage_without_asking_for_approval():
    stages = [StageState(0, "ship", approval_required=True)]
    plan = advance(run([job("deploy", when="false")], stages=stages), T0)
    assert plan.skip == {"deploy": "skipped: when 'false' is false"} and plan.approvals_needed == []
