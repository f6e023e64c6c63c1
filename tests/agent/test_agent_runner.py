"""JobRunner against the in-memory peer: steps, environment, failures, timeouts, cancellation, logs."""

from __future__ import annotations

import json
from pathlib import Path

from agent_testkit import WAIT, Harness, job, process_gone, step

from agent.peer import LogStream, Status


def test_steps_run_in_order_in_a_fresh_workspace_that_is_removed(harness: Harness, tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    assignment = job(
        "job-order",
        step("s1", f"echo one >> {trace}; pwd >> {trace}; echo hi > inside.txt"),
        step("s2", f"cat inside.txt >> {trace}; echo two >> {trace}"),
    )
    final = harness.run(assignment)

    workspace = harness.config.workdir.absolute() / "workspaces" / "job-order"
    assert final.status == Status.SUCCESS and final.message == ""
    assert trace.read_text().split() == ["one", str(workspace), "hi", "two"]
    assert not workspace.exists()
    peer = harness.peer
    assert [(r.job_run_id, r.status) for r in peer.job_reports] == [
        ("job-order", Status.RUNNING),
        ("job-order", Status.SUCCESS),
    ]
    assert [(r.step_run_id, r.status) for r in peer.step_reports] == [
        ("s1", Status.RUNNING),
        ("s1", Status.SUCCESS),
        ("s2", Status.RUNNING),
        ("s2", Status.SUCCESS),
    ]
    running, done = peer.steps_of("s1")
    assert running.start_time_unix_ms > 0 and done.finish_time_unix_ms >= done.start_time_unix_ms
    assert peer.job_reports[0].start_time_unix_ms > 0
    kinds = [e.kind for _, e in sorted(peer.events.items())]
    assert kinds.count("agent.step.process_started") == 2
    started = [e for e in peer.events.values() if e.kind == "agent.step.process_started"]
    assert all(json.loads(e.payload_json)["pid"] > 0 for e in started)
    assert sorted(peer.events) == list(range(1, len(peer.events) + 1))


def test_environment_injection_and_no_arcade_leak(harness: Harness, tmp_path: Path) -> None:
    base_env = {"PATH": "/usr/bin:/bin", "KEEP_ME": "agent", "ARCADE_TOKEN": "s3cret", "ARCADE_SERVER": "x"}
    out = tmp_path / "env.out"
    assignment = job(
        "job-env",
        step("s-env", f"env > {out}", name="print env", env={"STEP_VAR": "step", "SHARED": "from-step"}),
        env={"JOB_VAR": "job", "SHARED": "from-job", "CI": "false", "ARCADE_JOB": "spoofed"},
    )
    final = harness.run(assignment, base_env=base_env)
    assert final.status == Status.SUCCESS
    env = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
    assert "ARCADE_TOKEN" not in env and "ARCADE_SERVER" not in env
    assert "s3cret" not in out.read_text()
    workspace = str(harness.config.workdir.absolute() / "workspaces" / "job-env")
    assert env["KEEP_ME"] == "agent"
    assert env["JOB_VAR"] == "job" and env["STEP_VAR"] == "step" and env["SHARED"] == "from-step"
    assert env["CI"] == "true"
    expected = {
        "ARCADE_RUN_ID": "run-1",
        "ARCADE_RUN_NUMBER": "7",
        "ARCADE_PIPELINE": "demo",
        "ARCADE_STAGE": "test",
        "ARCADE_JOB": "build",
        "ARCADE_JOB_RUN_ID": "job-env",
        "ARCADE_STEP": "print env",
        "ARCADE_STEP_RUN_ID": "s-env",
        "ARCADE_WORKSPACE": workspace,
        "ARCADE_ATTEMPT": "1",
        "ARCADE_AGENT_ID": "agent-1",
        "ARCADE_AGENT_NAME": "agent-test",
    }
    assert {k: env.get(k) for k in expected} == expected


def test_arcade_token_in_the_agent_process_env_does_not_reach_steps(
    harness: Harness, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ARCADE_TOKEN", "agent-secret-token")
    out = tmp_path / "env.out"
    final = harness.run(job("job-leak", step("s-leak", f"env > {out}")))
    assert final.status == Status.SUCCESS
    assert "agent-secret-token" not in out.read_text()
    assert "ARCADE_JOB_RUN_ID=job-leak" in out.read_text()


def test_failing_step_stops_the_job(harness: Harness, tmp_path: Path) -> None:
    marker = tmp_path / "never"
    final = harness.run(
        job(
            "job-fail",
            step("ok", "true"),
            step("bad", "echo failing; exit 3", name="compile"),
            step("later", f"touch {marker}"),
        )
    )
    assert final.status == Status.FAILED
    assert final.message == "step 'compile' failed: exit code 3"
    assert final.exit_code == 3
    bad = harness.peer.final_step("bad")
    assert (bad.status, bad.exit_code, bad.message) == (Status.FAILED, 3, "exit code 3")
    assert bad.log_line_count == 1
    assert harness.peer.steps_of("later") == []
    assert not marker.exists()


def test_pipefail_and_errexit_are_on(harness: Harness) -> None:
    final = harness.run(job("job-pipe", step("pipe", "false | cat; echo not reached")))
    assert final.status == Status.FAILED
    assert harness.peer.texts("pipe") == []


def test_step_killed_by_signal_is_described(harness: Harness) -> None:
    final = harness.run(job("job-sig", step("sig", "kill -KILL $$", name="suicide")))
    assert final.status == Status.FAILED
    assert final.message == "step 'suicide' failed: killed by signal SIGKILL"
    assert harness.peer.final_step("sig").exit_code == 137


def test_continue_on_error_does_not_fail_the_job(harness: Harness, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    final = harness.run(
        job("job-coe", step("flaky", "exit 1", continue_on_error=True), step("after", f"touch {marker}"))
    )
    assert final.status == Status.SUCCESS
    assert harness.peer.final_step("flaky").status == Status.FAILED
    assert harness.peer.final_step("after").status == Status.SUCCESS
    assert marker.exists()


def _hanging_step(step_run_id: str, pidfile: Path, **fields: object):
    return step(step_run_id, f"sleep 1000 & echo $! > {pidfile}; echo started; wait", **fields)


def test_step_timeout_kills_the_process_group(harness: Harness, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    marker = tmp_path / "never"
    final = harness.run(
        job(
            "job-st",
            _hanging_step("hang", pidfile, name="hang", timeout_seconds=1),
            step("later", f"touch {marker}"),
            timeout_seconds=60,
        )
    )
    message = "step 'hang' timed out after 1s (step timeout)"
    assert (final.status, final.message) == (Status.TIMEOUT, message)
    report = harness.peer.final_step("hang")
    assert (report.status, report.message) == (Status.TIMEOUT, message)
    assert process_gone(int(pidfile.read_text()))
    texts = harness.peer.texts("hang")
    assert texts[0] == "started"
    system = [line for line in harness.peer.lines["hang"].values() if line.stream == LogStream.SYSTEM]
    assert len(system) == 1 and message in system[0].text
    assert report.log_line_count == len(texts)
    assert harness.peer.steps_of("later") == [] and not marker.exists()


def test_job_timeout_wins_when_it_is_earlier(harness: Harness, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    final = harness.run(
        job(
            "job-jt",
            step("quick", "true"),
            _hanging_step("hang", pidfile, timeout_seconds=30),
            timeout_seconds=2,
        )
    )
    message = "job 'build' timed out after 2s (job timeout)"
    assert (final.status, final.message) == (Status.TIMEOUT, message)
    report = harness.peer.final_step("hang")
    assert (report.status, report.message) == (Status.TIMEOUT, message)
    assert process_gone(int(pidfile.read_text()))


def _start_and_wait_until_running(harness: Harness, pidfile: Path, job_run_id: str):
    runner = harness.runner(job(job_run_id, _hanging_step("hang", pidfile), step("later", "true")))
    thread, result = harness.start(runner)
    assert harness.peer.wait_for(
        lambda: "started" in [line.text for line in harness.peer.lines["hang"].values()]
    )
    return runner, thread, result


def test_cancel_kills_the_step_and_reports_cancelled(harness: Harness, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    runner, thread, result = _start_and_wait_until_running(harness, pidfile, "job-cancel")
    child = int(pidfile.read_text())
    assert not process_gone(child, timeout=0)
    runner.cancel("cancelled by alice")
    thread.join(WAIT)
    assert not thread.is_alive()
    harness.flush()
    assert (result[0].status, result[0].message) == (Status.CANCELLED, "cancelled by alice")
    report = harness.peer.final_step("hang")
    assert (report.status, report.message) == (Status.CANCELLED, "cancelled by alice")
    assert harness.peer.job_reports[-1].status == Status.CANCELLED
    assert process_gone(child)
    assert harness.peer.steps_of("later") == []
    assert any("cancelled by alice" in t for t in harness.peer.texts("hang"))


def test_cancel_with_timeout_status(harness: Harness, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    runner, thread, result = _start_and_wait_until_running(harness, pidfile, "job-cancel-to")
    runner.cancel("stage 'deploy' deadline passed", Status.TIMEOUT)
    thread.join(WAIT)
    harness.flush()
    assert (result[0].status, result[0].message) == (Status.TIMEOUT, "stage 'deploy' deadline passed")
    assert harness.peer.final_step("hang").status == Status.TIMEOUT
    assert process_gone(int(pidfile.read_text()))


def test_cancel_before_start_runs_nothing(harness: Harness, tmp_path: Path) -> None:
    marker = tmp_path / "never"
    runner = harness.runner(job("job-early", step("s", f"touch {marker}")))
    runner.cancel("nobody wants it")
    final = runner.run()
    harness.flush()
    assert (final.status, final.message) == (Status.CANCELLED, "nobody wants it")
    assert harness.peer.step_reports == [] and not marker.exists()


def test_logs_dense_seq_over_both_streams_partial_last_line(harness: Harness) -> None:
    script = "echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo 'ünïcødé'; printf 'partial'"
    final = harness.run(job("job-logs", step("logs", script)))
    assert final.status == Status.SUCCESS
    lines = harness.peer.lines["logs"]
    assert sorted(lines) == list(range(1, 7))
    by_text = {line.text: line.stream for line in lines.values()}
    assert by_text == {
        "out1": LogStream.STDOUT,
        "out2": LogStream.STDOUT,
        "ünïcødé": LogStream.STDOUT,
        "partial": LogStream.STDOUT,
        "err1": LogStream.STDERR,
        "err2": LogStream.STDERR,
    }
    stdout = [line.text for _, line in sorted(lines.items()) if line.stream == LogStream.STDOUT]
    assert stdout == ["out1", "out2", "ünïcødé", "partial"]
    assert harness.peer.final_step("logs").log_line_count == 6
    assert all(line.time_unix_ms > 0 for line in lines.values())


def test_long_lines_are_split_and_bad_utf8_replaced(harness: Harness) -> None:
    script = "head -c 150000 /dev/zero | tr '\\0' x; echo; printf 'bad \\377 byte\\n'"
    final = harness.run(job("job-long", step("long", script)))
    assert final.status == Status.SUCCESS
    texts = harness.peer.texts("long")
    assert [len(t) for t in texts[:3]] == [65536, 65536, 150000 - 2 * 65536]
    assert texts[3] == "bad \ufffd byte"
    assert len(texts) == 4


def test_keep_workspaces(harness: Harness) -> None:
    harness.config.keep_workspaces = True
    harness.run(job("job-keep", step("s", "echo kept > file")))
    assert (harness.config.workdir / "workspaces" / "job-keep" / "file").read_text() == "kept\n"
