"""Step `when` conditions in the JobRunner: status functions, the context, broken conditions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agent_testkit import Harness, job, step

from agent.peer import Status

CONTEXT = {
    "variables": {"BRANCH": "main"},
    "env": {"TARGET": "prod"},
    "matrix": {"python": "3.12"},
    "trigger": {"type": "manual", "branch": "", "event": ""},
}


def _ran(trace: Path) -> list[str]:
    return trace.read_text().split() if trace.exists() else []


def test_a_false_condition_skips_the_step_with_its_expression_and_keeps_the_job_green(
    harness: Harness, tmp_path: Path
) -> None:
    trace = tmp_path / "trace"
    final = harness.run(
        job(
            "job-when",
            step("a", f"echo a >> {trace}", when="variables.BRANCH == 'dev'"),
            step("b", f"echo b >> {trace}", when="matrix.python == '3.12' && env.TARGET == 'prod'"),
            step("c", f"echo c >> {trace}", when="failure()"),
            condition_context=CONTEXT,
        )
    )
    assert final.status == Status.SUCCESS and final.message == ""
    assert _ran(trace) == ["b"]
    skipped = harness.peer.final_step("a")
    assert (skipped.status, skipped.message) == (
        Status.SKIPPED,
        "skipped: when 'variables.BRANCH == 'dev'' is false",
    )
    assert harness.peer.steps_of("a") == [skipped]  # never RUNNING
    assert harness.peer.final_step("b").status == Status.SUCCESS
    assert harness.peer.final_step("c").status == Status.SKIPPED


def test_after_a_failure_only_failure_and_always_steps_run_and_the_first_failure_ends_the_job(
    harness: Harness, tmp_path: Path
) -> None:
    trace = tmp_path / "trace"
    final = harness.run(
        job(
            "job-after-failure",
            step("bad", "exit 4", name="compile"),
            step("plain", f"echo plain >> {trace}"),
            step("guarded", f"echo guarded >> {trace}", when="variables.BRANCH == 'main'"),
            step("cleanup", f"echo cleanup >> {trace}", when="always()"),
            step("notify", f"echo notify >> {trace}; exit 9", when="failure()"),
            step("explicit", f"echo explicit >> {trace}", when="success() || variables.BRANCH == 'x'"),
            condition_context=CONTEXT,
        )
    )
    assert (final.status, final.message, final.exit_code) == (
        Status.FAILED,
        "step 'compile' failed: exit code 4",
        4,
    )
    assert _ran(trace) == ["cleanup", "notify"]
    assert harness.peer.steps_of("plain") == []  # the kernel ends it SKIPPED with the job's message
    assert harness.peer.final_step("guarded").message == "skipped: when 'variables.BRANCH == 'main'' is false"
    assert harness.peer.final_step("cleanup").status == Status.SUCCESS
    assert harness.peer.final_step("notify").status == Status.FAILED
    assert harness.peer.final_step("explicit").status == Status.SKIPPED


def test_a_tolerated_failure_does_not_count_as_a_failure(harness: Harness, tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    final = harness.run(
        job(
            "job-tolerated",
            step("flaky", "exit 1", continue_on_error=True),
            step("on-failure", f"echo failure >> {trace}", when="failure()"),
            step("next", f"echo next >> {trace}"),
            condition_context=CONTEXT,
        )
    )
    assert final.status == Status.SUCCESS
    assert _ran(trace) == ["next"]
    assert harness.peer.final_step("on-failure").status == Status.SKIPPED


def test_a_condition_that_cannot_be_evaluated_fails_the_step_and_the_job(
    harness: Harness, tmp_path: Path
) -> None:
    trace = tmp_path / "trace"
    final = harness.run(
        job(
            "job-broken",
            step("broken", f"echo broken >> {trace}", name="deploy", when="variables.MISSING == 'x'"),
            step("cleanup", f"echo cleanup >> {trace}", when="always()"),
            condition_context=CONTEXT,
        )
    )
    broken = harness.peer.final_step("broken")
    assert broken.status == Status.FAILED
    assert (
        broken.message
        == "when 'variables.MISSING == 'x'' could not be evaluated: no such member in mapping: 'MISSING'"
    )
    assert final.status == Status.FAILED and final.message == f"step 'deploy' failed: {broken.message}"
    assert _ran(trace) == ["cleanup"]


def test_a_non_boolean_condition_is_an_error(harness: Harness) -> None:
    final = harness.run(
        job("job-string", step("s", "true", when="variables.BRANCH"), condition_context=CONTEXT)
    )
    assert final.status == Status.FAILED
    assert "must be true or false, got the string 'main'" in harness.peer.final_step("s").message


def test_cancel_stops_always_steps_too(harness: Harness, tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    runner = harness.runner(
        job("job-cancel", step("s", f"echo s >> {trace}", when="always()"), condition_context=CONTEXT)
    )
    runner.cancel("stop it")
    final = runner.run()
    harness.flush()
    assert final.status == Status.CANCELLED
    assert _ran(trace) == [] and harness.peer.steps_of("s") == []


def test_the_agent_takes_only_the_conditions_module_from_the_kernel() -> None:
    code = (
        "import sys, agent.daemon, agent.grpc_peer, agent.runner; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] == 'kernel')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["kernel", "kernel.conditions"]
