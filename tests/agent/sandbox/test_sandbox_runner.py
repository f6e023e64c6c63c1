"""SandboxRunner end to end: real worker processes running hand-written WAT guests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sandbox_wat as wat

from agent.sandbox import Limits, Permissions, SandboxResult, SandboxRunner, StopSignal

REQUEST = {"action": "echo", "args": {"x": 1}, "config": {}, "context": {"job": "j1"}}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox")


@pytest.fixture(scope="module")
def runner(folder: Path):
    with SandboxRunner(cache_dir=folder / "cache") as runner:
        yield runner


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    (path / "input.txt").write_text("hello")
    return path


def run(
    runner: SandboxRunner,
    module: Path,
    workspace: Path | None = None,
    permissions: Permissions = Permissions(),
    limits: Limits = Limits(deadline_seconds=5),
    env: dict[str, str] | None = None,
    logs: list[str] | None = None,
) -> SandboxResult:
    sink = logs if logs is not None else []
    return runner.run_wasi_command(module, REQUEST, workspace, permissions, limits, env or {}, sink.append)


def assert_still_serves(runner: SandboxRunner, folder: Path) -> None:
    result = run(runner, wat.save(folder, "echo", wat.wasm(wat.ECHO)))
    assert result.ok, result.error
    assert result.result == {"echo": REQUEST}


def test_echo_reads_the_request_answers_and_logs(runner, folder):
    logs: list[str] = []
    result = run(runner, wat.save(folder, "echo", wat.wasm(wat.ECHO)), logs=logs)
    assert result.ok and result.error is None and result.exit_code == 0
    assert result.result == {"echo": REQUEST}
    assert logs == ["echo: got request"]
    assert result.duration > 0


def test_env_is_limited_to_listed_keys(runner, folder):
    logs: list[str] = []
    env = {"ALLOWED": "yes", "SECRET_TOKEN": "hunter2", "HOME": "/root"}
    permissions = Permissions(env=frozenset({"ALLOWED", "ABSENT"}))
    result = run(
        runner, wat.save(folder, "env", wat.wasm(wat.ENV)), permissions=permissions, env=env, logs=logs
    )
    assert result.ok, result.error
    assert logs == ["ALLOWED=yes\0"]


def test_no_permissions_means_no_environment(runner, folder):
    logs: list[str] = []
    result = run(runner, wat.save(folder, "env", wat.wasm(wat.ENV)), env={"HOME": "/root"}, logs=logs)
    assert result.ok and logs == [""]


def test_rw_workspace_can_be_written(runner, folder, workspace):
    module = wat.save(folder, "write-rw", wat.open_module("out.txt", write=True, shown="/workspace/out.txt"))
    result = run(runner, module, workspace, Permissions(workspace="rw"))
    assert result.ok, result.error
    assert (workspace / "out.txt").exists()


def test_ro_workspace_can_be_read(runner, folder, workspace):
    module = wat.save(folder, "read-ro", wat.open_module("input.txt", write=False))
    result = run(runner, module, workspace, Permissions(workspace="ro"))
    assert result.ok, result.error


HOSTILE = {
    "infinite loop": (wat.wasm(wat.SPIN), Limits(deadline_seconds=1), "deadline of 1s exceeded"),
    "infinite loop, little fuel": (wat.wasm(wat.SPIN), Limits(fuel=1_000_000), "out of fuel"),
    "sleep 1000s": (wat.wasm(wat.SLEEP), Limits(deadline_seconds=1), "deadline of 1s exceeded (killed)"),
    "memory bomb": (
        wat.wasm(wat.MEMORY_BOMB),
        Limits(memory_bytes=64 * 2**20),
        "memory limit of 64 MiB exceeded",
    ),
    "stack overflow": (wat.wasm(wat.STACK_OVERFLOW), Limits(), "stack overflow"),
    "1 GiB to stdout": (wat.wasm(wat.FLOOD), Limits(stdout_bytes=2**20), "stdout exceeded 1 MiB"),
    "missing import": (
        wat.wasm(wat.MISSING_IMPORT),
        Limits(),
        "module imports env.foo which the host does not provide",
    ),
    "truncated": (wat.wasm(wat.ECHO)[:40], Limits(), "not a WebAssembly module"),
    "not wasm": (b"#!/bin/sh\necho hi\n", Limits(), "not a WebAssembly module"),
    "stdout not json": (wat.wasm(wat.NOT_JSON), Limits(), "stdout is not valid JSON"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_guest_fails_clearly_and_the_runner_keeps_serving(runner, folder, case):
    data, limits, message = HOSTILE[case]
    began = time.monotonic()
    result = run(runner, wat.save(folder, case.replace(" ", "-"), data), limits=limits)
    assert not result.ok
    assert result.result is None
    assert message in (result.error or ""), result.error
    assert time.monotonic() - began < limits.deadline_seconds + 1.5
    assert_still_serves(runner, folder)


def test_reading_outside_the_workspace_is_denied(runner, folder, workspace):
    module = wat.save(folder, "passwd", wat.open_module("/etc/passwd", write=False))
    result = run(runner, module, workspace, Permissions(workspace="ro"))
    assert not result.ok
    assert result.error.startswith("denied: the plugin has no filesystem permission for /etc/passwd")
    assert_still_serves(runner, folder)


def test_escaping_the_workspace_is_denied(runner, folder, workspace):
    module = wat.save(
        folder,
        "escape",
        wat.open_module("../../etc/passwd", write=False, shown="/workspace/../../etc/passwd"),
    )
    result = run(runner, module, workspace, Permissions(workspace="rw"))
    assert not result.ok
    assert result.error.startswith("denied: the plugin has no filesystem permission for /etc/passwd")


def test_writing_a_read_only_workspace_is_denied(runner, folder, workspace):
    module = wat.save(folder, "write-ro", wat.open_module("out.txt", write=True, shown="/workspace/out.txt"))
    result = run(runner, module, workspace, Permissions(workspace="ro"))
    assert not result.ok
    assert result.error == (
        "denied: the plugin has read-only filesystem permission for /workspace/out.txt "
        "(writing needs fs.workspace: rw)"
    )
    assert not (workspace / "out.txt").exists()
    assert_still_serves(runner, folder)


def test_no_workspace_permission_means_no_file_system(runner, folder, workspace):
    module = wat.save(
        folder, "read-none", wat.open_module("input.txt", write=False, shown="/workspace/input.txt")
    )
    result = run(runner, module, workspace, Permissions())
    assert not result.ok
    assert "no filesystem permission for /workspace/input.txt" in result.error


def test_non_zero_exit_reports_the_code_and_last_log_line(runner, folder):
    result = run(runner, wat.save(folder, "fail", wat.wasm(wat.FAIL)))
    assert not result.ok and result.exit_code == 3
    assert result.error == "plugin exited with code 3: boom: config.url is required"


def test_sleeping_guest_is_killed_at_the_deadline_and_replaced(runner, folder):
    before = runner.stats.workers_killed
    began = time.monotonic()
    result = run(runner, wat.save(folder, "sleep", wat.wasm(wat.SLEEP)), limits=Limits(deadline_seconds=0.5))
    elapsed = time.monotonic() - began
    assert result.error == "deadline of 0.5s exceeded (killed)"
    assert 0.5 <= elapsed < 1.5
    assert runner.stats.workers_killed == before + 1
    assert_still_serves(runner, folder)


def test_a_stop_signal_kills_a_call_under_way_and_the_runner_keeps_serving(runner, folder):
    stop = StopSignal()
    module = wat.save(folder, "sleep", wat.wasm(wat.SLEEP))
    timer = threading.Timer(0.3, stop.set)  # from another thread, as a job cancel arrives
    timer.start()
    try:
        result = runner.run_wasi_command(
            module, REQUEST, None, Permissions(), Limits(deadline_seconds=60), {}, [].append, stop
        )
    finally:
        timer.cancel()
        stop.close()
    assert not result.ok and result.error == "stopped: the job was cancelled (killed)"
    assert_still_serves(runner, folder)


def test_a_granted_workspace_must_be_given(runner, folder):
    with pytest.raises(ValueError, match="workspace"):
        run(runner, wat.save(folder, "echo", wat.wasm(wat.ECHO)), None, Permissions(workspace="ro"))
