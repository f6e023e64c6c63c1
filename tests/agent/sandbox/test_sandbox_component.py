"""SandboxRunner.run_component end to end: the Python test plugin (`component_guest/plugin.py`), built into
one component for the session, run in real worker processes. Every hostile call must fail with an error
naming the permission or limit, and the same runner must serve a good call right after."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import sandbox_wat as wat

from agent.sandbox import Limits, ModuleRejected, Permissions, SandboxResult, SandboxRunner
from agent.sandbox.cache import check_wasm_header

CONFIG = {"greeting": "hi"}
CONTEXT = {"job": "j1", "run": 7}
NO_SOCKETS = "denied: the plugin has no network permission for sockets"


def call(
    runner: SandboxRunner,
    component: Path,
    action: str,
    args: dict[str, Any] | None = None,
    workspace: Path | None = None,
    permissions: Permissions = Permissions(),
    limits: Limits = Limits(deadline_seconds=10),
    env: dict[str, str] | None = None,
    logs: list[str] | None = None,
) -> SandboxResult:
    request = {"action": action, "args": args or {}, "config": CONFIG, "context": CONTEXT}
    sink = logs if logs is not None else []
    return runner.run_component(component, request, workspace, permissions, limits, env or {}, sink.append)


def assert_still_serves(runner: SandboxRunner, component: Path) -> None:
    result = call(runner, component, "echo", {"after": "failure"})
    assert result.ok, result.error
    assert result.result is not None and result.result["args"] == {"after": "failure"}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    (path / "input.txt").write_text("hello from the job")
    return path


def test_args_config_and_context_reach_the_action(component_runner, test_component):
    result = call(component_runner, test_component, "echo", {"name": "arcade", "n": [1, 2]})
    assert result.ok and result.error is None
    assert result.result == {
        "action": "echo",
        "args": {"name": "arcade", "n": [1, 2]},
        "config": CONFIG,
        "context": CONTEXT,
        "workspace": None,
    }
    assert result.exit_code is None  # components return, they do not exit


def test_log_lines_arrive_in_order_prefixed_by_level(component_runner, test_component):
    logs: list[str] = []
    result = call(component_runner, test_component, "log", logs=logs)
    assert result.ok, result.error
    assert logs == ["debug: one", "two", "three (stdout)", "four (stderr)", "warning: five", "error: six"]


def test_only_granted_env_keys_reach_the_plugin(component_runner, test_component):
    env = {"ALLOWED": "yes", "SECRET_TOKEN": "hunter2", "HOME": "/root"}
    permissions = Permissions(env=frozenset({"ALLOWED", "ABSENT"}))
    result = call(component_runner, test_component, "env", permissions=permissions, env=env)
    assert result.ok, result.error
    assert result.result == {"environ": {"ALLOWED": "yes"}}
    result = call(component_runner, test_component, "env", env=env)
    assert result.result == {"environ": {}}


def test_ro_workspace_can_be_read(component_runner, test_component, workspace):
    permissions = Permissions(workspace="ro")
    result = call(
        component_runner, test_component, "read", {"path": "/workspace/input.txt"}, workspace, permissions
    )
    assert result.ok, result.error
    assert result.result == {"text": "hello from the job"}


def test_rw_workspace_can_be_written(component_runner, test_component, workspace):
    permissions = Permissions(workspace="rw")
    args = {"path": "/workspace/out.txt", "text": "from the plugin"}
    result = call(component_runner, test_component, "write", args, workspace, permissions)
    assert result.ok, result.error
    assert (workspace / "out.txt").read_text() == "from the plugin"
    echo = call(component_runner, test_component, "echo", workspace=workspace, permissions=permissions)
    assert echo.result is not None and echo.result["workspace"] == "/workspace"


HOSTILE: dict[str, tuple[str, dict[str, Any], Limits, str]] = {
    "infinite loop, little fuel": (
        "spin",
        {},
        Limits(fuel=10**8),
        "out of fuel (limit of 100,000,000 units)",
    ),
    "infinite loop, endless fuel": (
        "spin",
        {},
        Limits(fuel=10**15, deadline_seconds=1),
        "deadline of 1s exceeded (interrupted)",
    ),
    "sleep 1000 s": (
        "sleep",
        {"seconds": 1000},
        Limits(deadline_seconds=1),
        "deadline of 1s exceeded (killed)",
    ),
    "memory bomb": ("memory-bomb", {}, Limits(memory_bytes=64 * 2**20), "memory limit of 64 MiB exceeded"),
    "less memory than the interpreter needs": (
        "noop",
        {},
        Limits(memory_bytes=8 * 2**20),
        "memory limit of 8 MiB exceeded (at instantiation)",
    ),
    "deep recursion": ("recurse", {}, Limits(), "stack overflow (the wasm stack limit was reached)"),
    "log line flood": ("log-flood", {"lines": 50}, Limits(log_lines=10), "log exceeded 10 lines"),
    "log byte flood": ("log-flood", {"lines": 50}, Limits(stderr_bytes=1000), "log exceeded 1000 bytes"),
    "result not an object": (
        "not-an-object",
        {},
        Limits(),
        "the plugin's result must be a JSON object, got list",
    ),
    "unknown action": ("nope", {}, Limits(), "unknown action 'nope' (this plugin has: crash, echo, env,"),
    "uncaught exception": ("crash", {}, Limits(), "action 'crash' raised KeyError: 'missing'"),
    "dns lookup": ("resolve", {"host": "localhost"}, Limits(), NO_SOCKETS),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_call_fails_clearly_and_the_runner_keeps_serving(component_runner, test_component, case):
    action, args, limits, message = HOSTILE[case]
    began = time.monotonic()
    result = call(component_runner, test_component, action, args, limits=limits)
    assert not result.ok
    assert result.result is None
    assert (result.error or "").startswith(message), result.error
    assert time.monotonic() - began < limits.deadline_seconds + 1.5
    assert_still_serves(component_runner, test_component)


def test_an_action_error_fails_the_step_with_its_message(component_runner, test_component):
    logs: list[str] = []
    result = call(component_runner, test_component, "fail", logs=logs)
    assert not result.ok and result.error == "config.url is required"
    assert logs == []  # no traceback for an ActionError


def test_an_uncaught_exception_logs_its_traceback(component_runner, test_component):
    logs: list[str] = []
    call(component_runner, test_component, "crash", logs=logs)
    assert logs[0] == "error: Traceback (most recent call last):"
    assert logs[-1] == "error: KeyError: 'missing'"


FILESYSTEM = {
    "read /etc/passwd": (
        "read",
        "/etc/passwd",
        "ro",
        "denied: the plugin has no filesystem permission for /etc/passwd "
        "(only the job workspace at /workspace can be granted)",
    ),
    "escape the workspace": (
        "read",
        "/workspace/../../etc/passwd",
        "rw",
        "denied: the plugin has no filesystem permission for /etc/passwd "
        "(only the job workspace at /workspace can be granted)",
    ),
    "write outside the workspace": (
        "write",
        "/tmp/escaped.txt",
        "rw",
        "denied: the plugin has no filesystem permission for /tmp/escaped.txt "
        "(only the job workspace at /workspace can be granted)",
    ),
    "write a read-only workspace": (
        "write",
        "/workspace/out.txt",
        "ro",
        "denied: the plugin has read-only filesystem permission for /workspace/out.txt "
        "(writing needs fs.workspace: rw)",
    ),
    "read a workspace not granted": (
        "read",
        "/workspace/input.txt",
        None,
        "denied: the plugin has no filesystem permission for /workspace/input.txt "
        "(needs fs.workspace: ro or rw)",
    ),
}


@pytest.mark.parametrize("case", list(FILESYSTEM))
def test_filesystem_denials_name_the_permission(component_runner, test_component, workspace, case):
    action, path, access, message = FILESYSTEM[case]
    permissions = Permissions(workspace=access)  # type: ignore[arg-type]
    result = call(component_runner, test_component, action, {"path": path}, workspace, permissions)
    assert not result.ok
    assert result.error == message
    assert not (workspace / "out.txt").exists()
    assert not Path("/tmp/escaped.txt").exists()
    assert_still_serves(component_runner, test_component)


def test_a_tcp_socket_cannot_reach_a_listening_loopback_port(component_runner, test_component):
    # componentize-py's socket module works over WASI sockets; wasmtime refuses to create the socket.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        result = call(component_runner, test_component, "socket", {"port": port})
        assert not result.ok and (result.error or "").startswith(NO_SOCKETS), result.error
        with pytest.raises(BlockingIOError):  # a connect would have completed before the call returned
            listener.accept()
    assert_still_serves(component_runner, test_component)


def test_a_udp_socket_cannot_send_to_loopback(component_runner, test_component):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.setblocking(False)
        result = call(component_runner, test_component, "udp", {"port": receiver.getsockname()[1]})
        assert not result.ok and (result.error or "").startswith(NO_SOCKETS), result.error
        with pytest.raises(BlockingIOError):
            receiver.recvfrom(64)


def test_a_sleeping_plugin_is_killed_at_the_deadline_and_replaced(component_runner, test_component):
    before = component_runner.stats.workers_killed
    began = time.monotonic()
    result = call(
        component_runner, test_component, "sleep", {"seconds": 1000}, limits=Limits(deadline_seconds=0.5)
    )
    elapsed = time.monotonic() - began
    assert result.error == "deadline of 0.5s exceeded (killed)"
    assert result.cache in ("memory", "disk")
    assert 0.5 <= elapsed < 2.0
    assert component_runner.stats.workers_killed == before + 1
    assert_still_serves(component_runner, test_component)


def test_cache_tiers_compiled_then_disk_then_memory(compiled_component):
    first = compiled_component.first_call
    assert first.ok, first.error
    assert first.cache == "compiled"
    # The compile took longer than the call's deadline: the deadline starts once the component is loaded.
    assert first.duration > compiled_component.first_call_deadline
    with SandboxRunner(cache_dir=compiled_component.cache_dir) as runner:  # an agent restart
        tiers = [call(runner, compiled_component.path, "noop").cache for _ in range(2)]
        assert tiers == ["disk", "memory"]
        assert runner.stats.compilations == 0 and runner.stats.disk_hits == 1
    (entry,) = compiled_component.cache_dir.glob("*-component-*.cwasm")
    assert entry.stat().st_mode & 0o777 == 0o600


def test_loading_has_its_own_timeout(test_component, tmp_path):
    with SandboxRunner(cache_dir=tmp_path / "cold", load_timeout=0.5) as runner:  # nothing cached: compiles
        began = time.monotonic()
        result = call(runner, test_component, "noop", limits=Limits(deadline_seconds=60))
        assert result.error == "loading the plugin took longer than 0.5s (killed)"
        assert time.monotonic() - began < 5


def test_a_core_module_is_not_a_component(component_runner, tmp_path):
    module = wat.save(tmp_path, "noop", wat.wasm(wat.NOOP))
    result = call(component_runner, module, "noop")
    assert not result.ok
    assert (result.error or "").startswith("this is a core WebAssembly module, not a component")


def test_a_component_is_not_a_wasi_command(component_runner, test_component):
    request = {"action": "noop", "args": {}, "config": {}, "context": {}}
    result = component_runner.run_wasi_command(
        test_component, request, None, Permissions(), Limits(), {}, lambda line: None
    )
    assert not result.ok
    assert (result.error or "").startswith("this is a WebAssembly component, not a core module")


def test_what_is_not_webassembly_is_rejected(component_runner, tmp_path):
    script = tmp_path / "plugin.wasm"
    script.write_text("#!/bin/sh\necho hi\n")
    result = call(component_runner, script, "noop")
    assert result.error == "not a WebAssembly component (no \\0asm header)"


def test_a_changed_file_is_read_again(component_runner, test_component, tmp_path):
    copy = tmp_path / "plugin.wasm"
    shutil.copyfile(test_component, copy)
    assert call(component_runner, copy, "noop").ok
    copy.write_bytes(wat.wasm(wat.NOOP))  # same path, new content: not served from the digest memo
    result = call(component_runner, copy, "noop")
    assert (result.error or "").startswith("this is a core WebAssembly module, not a component")


def test_headers_are_checked_for_the_expected_kind(test_component):
    component_header = test_component.read_bytes()[:8]
    module_header = wat.wasm(wat.NOOP)[:8]
    check_wasm_header(component_header, "component")
    check_wasm_header(module_header, "module")
    with pytest.raises(ModuleRejected, match="not a core module"):
        check_wasm_header(component_header, "module")
    with pytest.raises(ModuleRejected, match="not a component"):
        check_wasm_header(module_header, "component")
    with pytest.raises(ModuleRejected, match="unknown binary version"):
        check_wasm_header(b"\0asm\x02\x00\x00\x00", "component")
