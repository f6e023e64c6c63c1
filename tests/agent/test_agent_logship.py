"""LogShipper over real gRPC to the fake kernel: live delivery, failures, restarts, throughput."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_fake_kernel import REGISTRATION_TOKEN, FakeKernel, KernelServer
from agent_testkit import WAIT, job, step

from agent import logship
from agent.backoff import Backoff
from agent.config import AgentConfig
from agent.events import EventShipper
from agent.grpc_peer import GrpcPeer
from agent.logship import LogShipper
from agent.peer import AgentInfo, LogStream, Status
from agent.registration import Registrar
from agent.reports import ReportQueue
from agent.runner import AgentIdentity, JobRunner

INFO = AgentInfo(REGISTRATION_TOKEN, "logs-test", {}, 1, "test", "localhost")


@pytest.fixture
def server() -> Iterator[KernelServer]:
    server = KernelServer(FakeKernel())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def peer(server: KernelServer) -> Iterator[GrpcPeer]:
    peer = GrpcPeer(server.address)
    peer.register(INFO)
    try:
        yield peer
    finally:
        peer.close()


def _shipper(peer: GrpcPeer, **options: object) -> LogShipper:
    shipper = LogShipper(peer, **options)  # type: ignore[arg-type]
    shipper.start()
    return shipper


def _stored(kernel: FakeKernel, step_run_id: str) -> list[str]:
    with kernel.cond:
        stored = kernel.lines[step_run_id]
        assert sorted(stored) == list(range(1, len(stored) + 1))
        return [stored[seq].text for seq in sorted(stored)]


def test_lines_reach_the_kernel_while_the_call_is_still_open(server: KernelServer, peer: GrpcPeer) -> None:
    kernel = server.kernel
    shipper = _shipper(peer, call_window=60.0)
    try:
        log = shipper.open_step("live")
        log.write(LogStream.STDOUT, ["first"])
        assert kernel.wait_for(lambda: len(kernel.lines["live"]) == 1)
        assert kernel.open_log_calls == 1  # delivered in the open call, not at its end
        log.write(LogStream.STDERR, ["second", "third"])
        assert kernel.wait_for(lambda: len(kernel.lines["live"]) == 3)
        log.system("agent says hi")
        assert log.close() == 4
        assert shipper.flush(WAIT)
        assert shipper.buffered() == 0
        with kernel.cond:
            stored = kernel.lines["live"]
            assert [(s.seq, s.stream, s.text) for s in stored.values()] == [
                (1, 1, "first"),
                (2, 2, "second"),
                (3, 2, "third"),
                (4, 3, "agent says hi"),
            ]
    finally:
        shipper.stop(5.0)


def test_no_line_lost_or_duplicated_when_calls_are_aborted(
    server: KernelServer, peer: GrpcPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logship, "MAX_BATCH_LINES", 1000)  # enough requests for every planned abort
    kernel = server.kernel
    aborts = {3: "after", 7: "before", 12: "after", 13: "before", 20: "after"}
    kernel.abort_log_request = lambda n: aborts.get(n, "")
    shipper = _shipper(peer, call_window=0.5, backoff=Backoff(0.01, 0.05))
    try:
        logs = {name: shipper.open_step(name) for name in ("a", "b", "c")}
        for chunk in range(40):
            for name, log in logs.items():
                log.write(LogStream.STDOUT, [f"{name}-{chunk}-{i}" for i in range(150)])
        for log in logs.values():
            log.close()
        assert shipper.flush(WAIT)
    finally:
        shipper.stop(5.0)
    for name in logs:
        assert _stored(kernel, name) == [f"{name}-{chunk}-{i}" for chunk in range(40) for i in range(150)]
    assert kernel.log_requests > 20
    assert kernel.duplicate_lines > 0  # lines stored before an abort were sent again and dropped by seq


def test_lines_written_while_the_kernel_is_down_arrive_after_restart(
    server: KernelServer, peer: GrpcPeer
) -> None:
    kernel = server.kernel
    shipper = _shipper(peer, call_window=0.2)
    try:
        log = shipper.open_step("restart")
        log.write(LogStream.STDOUT, ["before"])
        assert shipper.flush(WAIT)
        server.stop()
        log.write(LogStream.STDOUT, [f"down-{i}" for i in range(500)])
        assert not shipper.flush(0.3)
        server.start()
        log.write(LogStream.STDOUT, ["after"])
        assert shipper.flush(WAIT)
    finally:
        shipper.stop(5.0)
    assert _stored(kernel, "restart") == ["before", *[f"down-{i}" for i in range(500)], "after"]


def test_revoked_token_is_renewed(server: KernelServer) -> None:
    kernel = server.kernel
    peer = GrpcPeer(server.address)
    registrar = Registrar(peer, INFO)
    assert registrar.establish(threading.Event()) is not None
    shipper = LogShipper(peer, renewer=registrar, call_window=0.2)
    shipper.start()
    try:
        kernel.revoke_tokens()
        log = shipper.open_step("renew")
        log.write(LogStream.STDOUT, ["after reset"])
        assert shipper.flush(WAIT)
    finally:
        shipper.stop(5.0)
        peer.close()
    assert _stored(kernel, "renew") == ["after reset"]
    assert len(kernel.registrations) == 2


def test_stop_flushes(server: KernelServer, peer: GrpcPeer) -> None:
    shipper = _shipper(peer, call_window=30.0)
    log = shipper.open_step("stop")
    log.write(LogStream.STDOUT, [str(i) for i in range(2500)])
    log.close()
    assert shipper.stop(WAIT)
    assert _stored(server.kernel, "stop") == [str(i) for i in range(2500)]


def test_throughput_smoke_200k_lines_from_one_step(
    server: KernelServer, peer: GrpcPeer, tmp_path: Path
) -> None:
    config = AgentConfig(server=server.address, registration_token="x", workdir=tmp_path)
    reports, logs, events = ReportQueue(peer), LogShipper(peer), EventShipper(peer)
    for worker in (reports, logs, events):
        worker.start()
    try:
        runner = JobRunner(
            job("job-flood", step("flood", "seq 1 200000")),
            config=config,
            identity=AgentIdentity("agent-1", "flood"),
            reports=reports,
            logs=logs,
            events=events,
        )
        final = runner.run()
        assert final.status == Status.SUCCESS
        assert logs.flush(60.0) and reports.flush(WAIT)
    finally:
        for worker in (reports, logs, events):
            worker.stop(5.0)
    assert _stored(server.kernel, "flood") == [str(i) for i in range(1, 200001)]
    step_final = [r for r in server.kernel.step_reports if r.step_run_id == "flood"][-1]
    assert step_final.log_line_count == 200000
