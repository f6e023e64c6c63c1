"""Small pieces of the agent: line splitting, durations, config, workspaces, processes, wire translation."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import signal
import threading
from pathlib import Path

import grpc
import pytest
from agent_testkit import FakePeer, process_gone

import agent
from agent.config import AgentConfig, parse_labels
from agent.errors import (
    AgentError,
    ConfigError,
    PeerRejected,
    PeerUnavailable,
    Unauthenticated,
    Unimplemented,
    WorkspaceError,
)
from agent.grpc_peer import GrpcPeer, cancel_from_proto, translate_error
from agent.messages import format_duration
from agent.output import LineSplitter
from agent.peer import LogStream, Peer, Status
from agent.process import StepProcess, describe_returncode, exit_code_of, shell_argv
from agent.workspace import Workspaces
from proto.arcade.agent.v1 import agent_pb2
from proto.arcade.gateway.v1 import gateway_pb2
from proto.arcade.types.v1 import types_pb2


def _split(chunks: list[bytes], limit: int = 64 * 1024) -> list[str]:
    out: list[str] = []
    splitter = LineSplitter(LogStream.STDOUT, lambda stream, lines: out.extend(lines), limit)
    for chunk in chunks:
        splitter.feed(chunk)
    splitter.feed(b"")
    return out


def test_line_splitter_joins_chunks_and_keeps_a_final_partial_line() -> None:
    assert _split([b"a\nb", b"c\n\nd", b"e"]) == ["a", "bc", "", "de"]
    assert _split([b"only\n"]) == ["only"]
    assert _split([]) == []


def test_line_splitter_decodes_utf8_across_chunk_boundaries() -> None:
    data = "héllo wörld\n".encode()
    assert _split([data[:2], data[2:]]) == ["héllo wörld"]
    assert _split([b"\xff\xfe\n"]) == ["\ufffd\ufffd"]


def test_line_splitter_splits_long_lines_without_breaking_characters() -> None:
    assert _split([b"abcdefghij\n"], limit=4) == ["abcd", "efgh", "ij"]
    assert _split([b"abcd", b"efgh", b"ij"], limit=4) == ["abcd", "efgh", "ij"]
    euro = "€€€".encode()  # 3 bytes each: a cut at 4 would split the second one
    assert _split([euro + b"\n"], limit=4) == ["€", "€", "€"]
    assert _split([b"x" * 8 + b"\n"], limit=8) == ["x" * 8]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(90, "1m30s"), (2, "2s"), (0.5, "500ms"), (3600, "1h"), (3661, "1h1m1s"), (1.5, "1s500ms"), (0, "0s")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_returncodes_are_described() -> None:
    assert describe_returncode(3) == "exit code 3"
    assert describe_returncode(-signal.SIGTERM) == "killed by signal SIGTERM"
    assert exit_code_of(-signal.SIGKILL) == 137 and exit_code_of(2) == 2


def test_config_validation_and_labels(tmp_path: Path) -> None:
    config = AgentConfig(server="kernel:9090", registration_token="t", workdir=str(tmp_path))  # type: ignore[arg-type]
    assert config.capacity == 1 and config.workdir == tmp_path and config.name and config.use_stream
    assert "t'" not in repr(config) and "registration_token" not in repr(config)
    with pytest.raises(ConfigError):
        AgentConfig(server="kernel:9090", registration_token="t", capacity=0)
    with pytest.raises(ConfigError):
        AgentConfig(server="no-port", registration_token="t")
    with pytest.raises(ConfigError, match="trust root .* is not a file"):
        AgentConfig(server="kernel:9090", registration_token="t", trust_root=tmp_path / "root.json")
    (tmp_path / "root.json").write_text("{}")
    given = AgentConfig(server="kernel:9090", registration_token="t", trust_root=str(tmp_path / "root.json"))  # type: ignore[arg-type]
    assert given.trust_root == tmp_path / "root.json"
    assert parse_labels(["os=linux", "gpu = a100", "empty="]) == {"os": "linux", "gpu": "a100", "empty": ""}
    with pytest.raises(ConfigError):
        parse_labels(["novalue"])
    assert issubclass(ConfigError, AgentError)


def test_workspaces_reject_unsafe_ids_and_remove_read_only_trees(tmp_path: Path) -> None:
    workspaces = Workspaces(tmp_path)
    for bad in ("../escape", "a/b", "", ".hidden", "x..y"):
        with pytest.raises(WorkspaceError):
            workspaces.create(bad)
    path = workspaces.create("job-1")
    (path / "ro" / "deep").mkdir(parents=True)
    (path / "ro" / "deep" / "file").write_text("x")
    (path / "ro" / "deep").chmod(0o500)
    (path / "ro").chmod(0o500)
    workspaces.remove(path)
    assert not path.exists()
    assert workspaces.create("job-1") == path and not any(path.iterdir())


def test_terminate_kills_the_whole_group_even_when_sigterm_is_ignored(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    exited = threading.Event()
    script = f"trap '' TERM; sleep 1000 & echo $! > {pidfile}; echo ready; wait"
    output: list[bytes] = []
    ready = threading.Event()

    def on_output(stream: LogStream, chunk: bytes) -> None:
        output.append(chunk)
        if b"ready" in chunk:
            ready.set()

    process = StepProcess.spawn(
        shell_argv(script),
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        on_output=on_output,
        on_exit=exited.set,
    )
    assert ready.wait(10)
    child = int(pidfile.read_text())
    process.terminate(grace=0.2)
    assert exited.is_set() and process.returncode == -signal.SIGKILL
    assert process.wait_output(5)
    assert process_gone(child)


def test_leftover_background_processes_are_reaped_after_a_normal_exit(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    exited = threading.Event()
    process = StepProcess.spawn(
        shell_argv(f"sleep 1000 & echo $! > {pidfile}"),
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        on_output=lambda s, c: None,
        on_exit=exited.set,
    )
    assert process.wait_exit(10) and process.returncode == 0
    assert process.reap_leftovers(grace=1.0)
    assert process.wait_output(5)
    assert process_gone(int(pidfile.read_text()))


class _Failed(grpc.RpcError, grpc.Call):
    def __init__(self, code: grpc.StatusCode) -> None:
        self._code = code

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return "details"

    def initial_metadata(self):  # pragma: no cover
        return ()

    def trailing_metadata(self):  # pragma: no cover
        return ()

    def is_active(self) -> bool:  # pragma: no cover
        return False

    def time_remaining(self):  # pragma: no cover
        return None

    def cancel(self) -> bool:  # pragma: no cover
        return False

    def add_callback(self, callback) -> bool:  # pragma: no cover
        return False


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (grpc.StatusCode.UNAVAILABLE, PeerUnavailable),
        (grpc.StatusCode.DEADLINE_EXCEEDED, PeerUnavailable),
        (grpc.StatusCode.UNAUTHENTICATED, Unauthenticated),
        (grpc.StatusCode.UNIMPLEMENTED, Unimplemented),
        (grpc.StatusCode.NOT_FOUND, PeerRejected),
        (grpc.StatusCode.PERMISSION_DENIED, PeerRejected),
    ],
)
def test_status_codes_map_to_the_error_tree(code: grpc.StatusCode, kind: type) -> None:
    error = translate_error(_Failed(code))
    assert type(error) is kind and error.code == code.name


def test_cancel_without_status_means_cancelled() -> None:
    assert cancel_from_proto(agent_pb2.CancelJob(job_run_id="j")).status == Status.CANCELLED
    timeout = agent_pb2.CancelJob(job_run_id="j", reason="r", status=types_pb2.JOB_RUN_STATUS_TIMEOUT)
    assert cancel_from_proto(timeout).status == Status.TIMEOUT


@pytest.mark.parametrize("implementation", [GrpcPeer, FakePeer])
def test_peers_implement_every_method_of_the_contract(implementation: type) -> None:
    contract = {name for name, _ in inspect.getmembers(Peer, inspect.isfunction) if not name.startswith("_")}
    assert contract == {
        "register",
        "unregister",
        "heartbeat",
        "connect",
        "fetch_job",
        "report_step",
        "report_job",
        "push_logs",
        "push_events",
        "upload_artifact",
        "download_artifact",
        "get_registry_metadata",
        "download_plugin",
        "close",
    }
    for name in contract:
        ours = inspect.signature(getattr(implementation, name))
        theirs = inspect.signature(getattr(Peer, name))
        assert list(ours.parameters) == list(theirs.parameters), name


@pytest.mark.parametrize("module_name", sorted(m.name for m in pkgutil.iter_modules(agent.__path__)))
def test_every_module_lists_its_public_surface(module_name: str) -> None:
    module = importlib.import_module(f"agent.{module_name}")
    exported = set(module.__all__)
    assert all(hasattr(module, name) for name in exported)
    defined = {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    }
    assert defined <= exported


def test_every_rpc_the_agent_needs_is_used_by_the_grpc_peer() -> None:
    source = inspect.getsource(importlib.import_module("agent.grpc_peer"))
    agent_rpcs = {m.name for m in agent_pb2.DESCRIPTOR.services_by_name["AgentService"].methods}
    gateway_rpcs = {m.name for m in gateway_pb2.DESCRIPTOR.services_by_name["GatewayService"].methods}
    unused = {rpc for rpc in agent_rpcs | gateway_rpcs if f".{rpc}" not in source}
    assert unused == {"UpdateLabels"}  # labels come from the command line at registration
