"""`uses:` steps in a job: run in the sandbox with the job's workspace, logged, reported with their result."""

from __future__ import annotations

from pathlib import Path

import pytest
import sandbox_wat as wat
from agent_testkit import WAIT, Harness, job, step
from plugin_kit import manifest, plugin_dir

from agent.peer import Status
from agent.plugins.steps import PluginSteps


def uses(step_run_id: str, ref: str, **fields: object):
    return step(step_run_id, "", uses=ref, **fields)


@pytest.fixture
def plugins_path(tmp_path: Path) -> Path:
    path = tmp_path / "plugins"
    plugin_dir(path / "echo")
    plugin_dir(path / "sleepy", manifest(name="tests/sleepy"), wat.wasm(wat.SLEEP))
    return path


@pytest.fixture
def with_plugins(harness: Harness, plugins_path: Path) -> Harness:
    harness.plugins = PluginSteps([plugins_path], harness.config.workdir)
    return harness


def test_a_plugin_step_reports_its_result_and_logs(with_plugins: Harness):
    final = with_plugins.run(
        job("j1", step("s0", "echo shell first"), uses("s1", "tests/echo@^1", action="echo", args={"n": 2}))
    )
    assert final.status == Status.SUCCESS, final.message
    report = with_plugins.peer.final_step("s1")
    assert report.status == Status.SUCCESS and report.exit_code == 0
    echoed = report.result["echo"]
    assert echoed["args"] == {"n": 2} and echoed["action"] == "echo"
    assert echoed["context"] == {
        "run_id": "run-1",
        "run_number": 7,
        "pipeline": "demo",
        "stage": "test",
        "job": "build",
        "job_run_id": "j1",
        "step": "s1",
        "step_run_id": "s1",
        "attempt": 1,
        "agent": "agent-test",
        "workspace": "/workspace",
    }
    lines = with_plugins.peer.texts("s1")
    assert lines[0].startswith("plugin tests/echo@1.0.0 (wasm, wasi-command) from ")
    assert lines[1:] == ["echo: got request"]
    assert report.log_line_count == 2
    assert with_plugins.peer.final_step("s0").result is None


def test_a_failing_plugin_fails_its_step_and_the_job_with_the_reason(with_plugins: Harness):
    final = with_plugins.run(job("j2", uses("s1", "tests/echo", args={"n": "x"}), step("s2", "echo never")))
    message = "invalid args for tests/echo action 'echo': args.n: 'x' is not of type 'integer'"
    assert final.status == Status.FAILED
    assert final.message == f"step 's1' failed: {message}"
    report = with_plugins.peer.final_step("s1")
    assert (report.status, report.exit_code, report.result) == (Status.FAILED, 1, None)
    assert report.message == message
    assert with_plugins.peer.texts("s1")[-1] == message
    assert with_plugins.peer.steps_of("s2") == []


def test_an_unknown_plugin_fails_the_step_naming_the_path(with_plugins: Harness, plugins_path: Path):
    final = with_plugins.run(job("j3", uses("s1", "tests/missing@1.0.0")))
    assert final.status == Status.FAILED
    assert f"plugin tests/missing@1.0.0 not found in the plugin path ({plugins_path})" in final.message


def test_the_step_timeout_stops_a_blocked_plugin_as_a_timeout(with_plugins: Harness):
    final = with_plugins.run(job("j4", uses("s1", "tests/sleepy", timeout_seconds=1.0)))
    assert final.status == Status.TIMEOUT
    report = with_plugins.peer.final_step("s1")
    assert report.status == Status.TIMEOUT and "timed out" in report.message


def test_continue_on_error_lets_the_job_go_on_after_a_failed_plugin(with_plugins: Harness):
    final = with_plugins.run(
        job("j5", uses("s1", "tests/echo", action="nope", continue_on_error=True), step("s2", "true"))
    )
    assert final.status == Status.SUCCESS
    assert with_plugins.peer.final_step("s1").status == Status.FAILED
    assert with_plugins.peer.final_step("s2").status == Status.SUCCESS


def test_an_agent_without_plugins_fails_plugin_steps_clearly(harness: Harness):
    final = harness.run(job("j6", uses("s1", "tests/echo")))
    assert final.status == Status.FAILED
    assert final.message == "step 's1' failed: cannot run tests/echo: this agent runs no plugins"


def test_cancel_kills_a_plugin_step_that_is_under_way(with_plugins: Harness):
    runner = with_plugins.runner(job("j7", uses("s1", "tests/sleepy"), step("s2", "echo never")))
    thread, result = with_plugins.start(runner)
    peer = with_plugins.peer
    assert peer.wait_for(lambda: any(r.status == Status.RUNNING for r in peer.steps_of("s1")))
    runner.cancel("cancelled by bob")
    thread.join(WAIT)  # the plugin itself would sleep for 1000 s
    assert not thread.is_alive()
    with_plugins.flush()
    assert (result[0].status, result[0].message) == (Status.CANCELLED, "cancelled by bob")
    assert peer.final_step("s1").status == Status.CANCELLED
    assert peer.steps_of("s2") == []
