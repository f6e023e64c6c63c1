"""ReportQueue and EventShipper: in-order delivery, retries while the kernel is away, renewal, stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from agent_fake_kernel import REGISTRATION_TOKEN, FakeKernel, KernelServer
from agent_testkit import WAIT, FakePeer

from agent.backoff import Backoff
from agent.errors import PeerRejected
from agent.events import EventShipper
from agent.grpc_peer import GrpcPeer
from agent.peer import AgentInfo, JobReport, Status, StepReport
from agent.registration import Registrar
from agent.reports import ReportQueue
from proto.arcade.types.v1 import types_pb2

INFO = AgentInfo(REGISTRATION_TOKEN, "reports-test", {}, 1, "test", "localhost")


def fast() -> Backoff:
    return Backoff(0.01, 0.05)


@pytest.fixture
def server() -> Iterator[KernelServer]:
    server = KernelServer(FakeKernel())
    try:
        yield server
    finally:
        server.stop()


def _reports(job_run_id: str) -> list[StepReport | JobReport]:
    return [
        JobReport(job_run_id, Status.RUNNING, start_time_unix_ms=1),
        StepReport("s1", Status.RUNNING, start_time_unix_ms=2),
        StepReport("s1", Status.SUCCESS, finish_time_unix_ms=3, log_line_count=5),
        JobReport(job_run_id, Status.SUCCESS, finish_time_unix_ms=4),
    ]


def test_delivery_is_retried_in_order_while_unavailable() -> None:
    peer = FakePeer()
    peer.unavailable_reports = 4
    queue = ReportQueue(peer, backoff=fast())
    queue.start()
    try:
        for report in _reports("job-1"):
            queue.put(report)
        assert queue.flush(WAIT)
    finally:
        queue.stop(1.0)
    assert [r.status for r in peer.job_reports] == [Status.RUNNING, Status.SUCCESS]
    assert [r.status for r in peer.step_reports] == [Status.RUNNING, Status.SUCCESS]
    assert peer.unavailable_reports == 0


def test_reports_survive_a_kernel_restart(server: KernelServer) -> None:
    kernel = server.kernel
    peer = GrpcPeer(server.address)
    peer.register(INFO)
    queue = ReportQueue(peer, backoff=fast())
    queue.start()
    try:
        server.stop()
        for report in _reports("job-restart"):
            queue.put(report)
        assert not queue.flush(0.3)
        assert queue.pending() == 4
        server.start()
        assert queue.flush(WAIT)
    finally:
        queue.stop(1.0)
        peer.close()
    assert kernel.job_statuses("job-restart") == [
        types_pb2.JOB_RUN_STATUS_RUNNING,
        types_pb2.JOB_RUN_STATUS_SUCCESS,
    ]
    assert [(r.status, r.log_line_count) for r in kernel.step_reports] == [
        (types_pb2.STEP_RUN_STATUS_RUNNING, 0),
        (types_pb2.STEP_RUN_STATUS_SUCCESS, 5),
    ]


def test_unavailable_kernel_answers_are_retried(server: KernelServer) -> None:
    server.kernel.unavailable_reports = 3
    peer = GrpcPeer(server.address)
    peer.register(INFO)
    queue = ReportQueue(peer, backoff=fast())
    queue.start()
    try:
        for report in _reports("job-flaky"):
            queue.put(report)
        assert queue.flush(WAIT)
    finally:
        queue.stop(1.0)
        peer.close()
    assert len(server.kernel.job_reports) == 2 and len(server.kernel.step_reports) == 2


def test_revoked_token_is_renewed_and_the_report_delivered(server: KernelServer) -> None:
    peer = GrpcPeer(server.address)
    registrar = Registrar(peer, INFO)
    registrar.establish(threading.Event())
    queue = ReportQueue(peer, renewer=registrar, backoff=fast())
    queue.start()
    try:
        server.kernel.revoke_tokens()
        queue.put(JobReport("job-renew", Status.SUCCESS))
        assert queue.flush(WAIT)
    finally:
        queue.stop(1.0)
        peer.close()
    assert server.kernel.job_statuses("job-renew") == [types_pb2.JOB_RUN_STATUS_SUCCESS]
    assert len(server.kernel.registrations) == 2


class _RejectingPeer(FakePeer):
    def report_job(self, report: JobReport) -> None:
        if report.job_run_id == "bad":
            raise PeerRejected("no such job", "NOT_FOUND")
        super().report_job(report)


def test_a_refused_report_is_dropped_and_does_not_block_the_rest() -> None:
    peer = _RejectingPeer()
    queue = ReportQueue(peer, backoff=fast())
    queue.start()
    try:
        queue.put(JobReport("bad", Status.SUCCESS))
        queue.put(JobReport("good", Status.SUCCESS))
        assert queue.flush(WAIT)
    finally:
        queue.stop(1.0)
    assert [r.job_run_id for r in peer.job_reports] == ["good"]


def test_stop_is_bounded_when_the_kernel_never_comes_back() -> None:
    peer = FakePeer()
    peer.unavailable_reports = 10**9
    queue = ReportQueue(peer, backoff=fast())
    queue.start()
    queue.put(JobReport("lost", Status.SUCCESS))
    started = time.monotonic()
    assert queue.stop(0.3) is False
    assert time.monotonic() - started < 5.0


def test_events_are_numbered_and_resent_after_a_kernel_restart(server: KernelServer) -> None:
    kernel = server.kernel
    peer = GrpcPeer(server.address)
    peer.register(INFO)
    events = EventShipper(peer, backoff=fast())
    events.start()
    try:
        events.emit("agent.job.accepted", job_run_id="j1")
        assert events.flush(WAIT)
        server.stop()
        events.emit("agent.step.process_started", job_run_id="j1", step_run_id="s1", payload={"pid": 42})
        events.emit("agent.workspace.cleanup_failed", job_run_id="j1", message="busy")
        assert not events.flush(0.2)
        server.start()
        assert events.flush(WAIT)
    finally:
        events.stop(1.0)
        peer.close()
    assert kernel.events == {
        1: "agent.job.accepted",
        2: "agent.step.process_started",
        3: "agent.workspace.cleanup_failed",
    }
