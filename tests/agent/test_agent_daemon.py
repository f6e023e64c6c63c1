"""AgentDaemon end to end against the fake kernel: stream, fallback, capacity, renewal, restart, stop."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_fake_kernel import REGISTRATION_TOKEN, FakeKernel, KernelServer, assignment
from agent_testkit import WAIT

from agent.config import AgentConfig
from agent.daemon import REREGISTERED_REASON, AgentDaemon, run_agent
from proto.arcade.agent.v1 import agent_pb2
from proto.arcade.types.v1 import types_pb2

JOB = types_pb2.JobRunStatus
STEP = types_pb2.StepRunStatus


@pytest.fixture
def server() -> Iterator[KernelServer]:
    server = KernelServer(FakeKernel())
    try:
        yield server
    finally:
        server.stop()


def _config(server: KernelServer, tmp_path: Path, **fields: object) -> AgentConfig:
    values: dict[str, object] = dict(
        server=server.address,
        registration_token=REGISTRATION_TOKEN,
        name="daemon-test",
        labels={"os": "linux"},
        workdir=tmp_path / "agent",
        kill_grace_seconds=0.5,
        fetch_wait_seconds=1.0,
        shutdown_timeout_seconds=5.0,
    )
    values.update(fields)
    return AgentConfig(**values)  # type: ignore[arg-type]


class Running:
    """A daemon running in a thread."""

    def __init__(self, config: AgentConfig) -> None:
        self.daemon = AgentDaemon(config)
        self.error: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.daemon.run()
        except BaseException as error:
            self.error.append(error)

    def stop(self) -> None:
        self.daemon.stop()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
        assert not self.error, self.error


@pytest.fixture
def start(server: KernelServer, tmp_path: Path) -> Iterator:
    started: list[Running] = []

    def start(**fields: object) -> Running:
        running = Running(_config(server, tmp_path, **fields))
        started.append(running)
        return running

    yield start
    for running in started:
        if running.thread.is_alive():
            running.daemon.stop()
            running.thread.join(WAIT)


def _final(kernel: FakeKernel, job_run_id: str) -> bool:
    return any(s not in (JOB.JOB_RUN_STATUS_RUNNING,) for s in kernel.job_statuses(job_run_id))


def test_registers_connects_runs_a_dispatched_job_and_unregisters(server: KernelServer, start) -> None:
    kernel = server.kernel
    agent = start()
    assert kernel.wait_for(lambda: kernel.hellos)
    registration = kernel.registrations[0]
    assert (registration.name, dict(registration.labels), registration.capacity) == (
        "daemon-test",
        {"os": "linux"},
        1,
    )
    assert registration.hostname and registration.version
    assert kernel.hellos[0][1].capacity == 1 and list(kernel.hellos[0][1].running_job_run_ids) == []

    kernel.send(
        agent_pb2.ConnectResponse(
            dispatch=assignment("job-1", ("s1", "echo hello from $ARCADE_JOB"), ("s2", "true"))
        )
    )
    assert kernel.wait_for(lambda: _final(kernel, "job-1"))
    assert kernel.acks == ["job-1"]
    assert kernel.job_statuses("job-1") == [JOB.JOB_RUN_STATUS_RUNNING, JOB.JOB_RUN_STATUS_SUCCESS]
    assert [(r.step_run_id, r.status) for r in kernel.step_reports] == [
        ("s1", STEP.STEP_RUN_STATUS_RUNNING),
        ("s1", STEP.STEP_RUN_STATUS_SUCCESS),
        ("s2", STEP.STEP_RUN_STATUS_RUNNING),
        ("s2", STEP.STEP_RUN_STATUS_SUCCESS),
    ]
    assert kernel.wait_for(
        lambda: [line.text for line in kernel.lines["s1"].values()] == ["hello from job-1"]
    )
    assert kernel.wait_for(lambda: kernel.stream_heartbeats >= 1)
    assert kernel.wait_for(lambda: "agent.job.accepted" in kernel.events.values())
    agent.stop()
    assert kernel.unregistered == 1


def test_capacity_is_respected_and_cancel_over_the_stream(
    server: KernelServer, start, tmp_path: Path
) -> None:
    kernel = server.kernel
    agent = start(capacity=1)
    assert kernel.wait_for(lambda: kernel.hellos)
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("long", ("wait", "echo go; sleep 1000"))))
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["wait"].values()] == ["go"])
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("extra", ("never", "true"))))
    kernel.send(
        agent_pb2.ConnectResponse(
            cancel=agent_pb2.CancelJob(
                job_run_id="long", reason="user cancel", status=JOB.JOB_RUN_STATUS_CANCELLED
            )
        )
    )
    assert kernel.wait_for(lambda: _final(kernel, "long"))
    final = [r for r in kernel.job_reports if r.job_run_id == "long"][-1]
    assert (final.status, final.message) == (JOB.JOB_RUN_STATUS_CANCELLED, "user cancel")
    assert kernel.acks == ["long"]
    assert kernel.job_statuses("extra") == []
    kernel.send(agent_pb2.ConnectResponse(cancel=agent_pb2.CancelJob(job_run_id="unknown", reason="x")))
    agent.stop()


@pytest.mark.parametrize("mode", ["unimplemented", "disabled"])
def test_polling_fallback_fetches_jobs_and_takes_cancels_from_heartbeats(
    server: KernelServer, start, mode
) -> None:
    kernel = server.kernel
    if mode == "unimplemented":
        kernel.connect_implemented = False
        agent = start()
    else:
        agent = start(use_stream=False)
    with kernel.cond:
        kernel.fetch_queue.append(assignment("polled", ("s", "echo polled")))
        kernel.fetch_queue.append(assignment("polled-long", ("long", "echo go; sleep 1000")))
        kernel.cond.notify_all()
    assert kernel.wait_for(lambda: _final(kernel, "polled"))
    assert kernel.job_statuses("polled")[-1] == JOB.JOB_RUN_STATUS_SUCCESS
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["long"].values()] == ["go"])
    with kernel.cond:
        kernel.pending_cancels.append(
            agent_pb2.CancelJob(
                job_run_id="polled-long", reason="too slow", status=JOB.JOB_RUN_STATUS_TIMEOUT
            )
        )
    assert kernel.wait_for(lambda: _final(kernel, "polled-long"))
    final = [r for r in kernel.job_reports if r.job_run_id == "polled-long"][-1]
    assert (final.status, final.message) == (JOB.JOB_RUN_STATUS_TIMEOUT, "too slow")
    assert kernel.unary_heartbeats >= 1 and kernel.hellos == []
    agent.stop()
    assert kernel.unregistered == 1


def test_unauthenticated_stream_makes_the_agent_register_again(server: KernelServer, start) -> None:
    kernel = server.kernel
    agent = start()
    assert kernel.wait_for(lambda: kernel.hellos)
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("orphan", ("s", "echo go; sleep 1000"))))
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["s"].values()] == ["go"])
    kernel.revoke_tokens()
    assert kernel.wait_for(lambda: len(kernel.hellos) == 2)
    assert len(kernel.registrations) == 2
    assert kernel.hellos[0][0] != kernel.hellos[1][0]  # the new stream uses the new token
    # The kernel released the jobs of the old registration: the agent stops running them.
    assert kernel.wait_for(lambda: _final(kernel, "orphan"))
    final = [r for r in kernel.job_reports if r.job_run_id == "orphan"][-1]
    assert (final.status, final.message) == (JOB.JOB_RUN_STATUS_CANCELLED, REREGISTERED_REASON)
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("after-reset", ("s2", "true"))))
    assert kernel.wait_for(lambda: _final(kernel, "after-reset"))
    assert kernel.job_statuses("after-reset")[-1] == JOB.JOB_RUN_STATUS_SUCCESS
    agent.stop()


def test_kernel_restart_mid_job_loses_nothing(server: KernelServer, start, tmp_path: Path) -> None:
    kernel = server.kernel
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    agent = start()
    assert kernel.wait_for(lambda: kernel.hellos)
    script = f"echo before; cat {gate} > /dev/null; echo after"
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("survivor", ("s", script))))
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["s"].values()] == ["before"])
    server.stop()
    with open(gate, "w") as fifo:  # let the step finish while the kernel is away
        fifo.write("go\n")
    assert agent.daemon.wait_until_idle(WAIT)
    assert agent.daemon.reports.pending() >= 2  # the final step and job reports wait for the kernel
    server.start()
    assert kernel.wait_for(lambda: _final(kernel, "survivor"))
    # At least once: a report in flight when the kernel went down may arrive twice, never out of order.
    statuses = kernel.job_statuses("survivor")
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        JOB.JOB_RUN_STATUS_RUNNING,
        JOB.JOB_RUN_STATUS_SUCCESS,
    ]
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["s"].values()] == ["before", "after"])
    assert kernel.wait_for(lambda: len(kernel.hellos) >= 2)
    agent.stop()


def test_stop_cancels_running_jobs_and_flushes(server: KernelServer, start) -> None:
    kernel = server.kernel
    agent = start()
    assert kernel.wait_for(lambda: kernel.hellos)
    kernel.send(agent_pb2.ConnectResponse(dispatch=assignment("busy", ("s", "echo go; sleep 1000"))))
    assert kernel.wait_for(lambda: [line.text for line in kernel.lines["s"].values()] == ["go"])
    agent.stop()
    final = [r for r in kernel.job_reports if r.job_run_id == "busy"][-1]
    assert (final.status, final.message) == (JOB.JOB_RUN_STATUS_CANCELLED, "agent shutting down")
    texts = [line.text for _, line in sorted(kernel.lines["s"].items())]
    assert texts[0] == "go" and "agent shutting down" in texts[-1]
    assert kernel.unregistered == 1


def test_registration_waits_for_the_kernel(server: KernelServer, start) -> None:
    kernel = server.kernel
    server.stop()
    agent = start()
    assert not kernel.wait_for(lambda: kernel.registrations, timeout=0.3)
    server.start()
    assert kernel.wait_for(lambda: kernel.hellos)
    agent.stop()


def test_rejected_registration_token_makes_run_agent_fail(
    server: KernelServer, tmp_path: Path, caplog
) -> None:
    config = _config(server, tmp_path, registration_token="wrong-token")
    assert run_agent(config) == 1
    assert "rejected the registration" in caplog.text
    assert "wrong-token" not in caplog.text


def test_run_agent_stops_cleanly_on_sigterm(server: KernelServer, tmp_path: Path) -> None:
    kernel = server.kernel

    def terminate_when_connected() -> None:
        if kernel.wait_for(lambda: kernel.hellos):
            os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=terminate_when_connected, daemon=True).start()
    assert run_agent(_config(server, tmp_path)) == 0
    assert kernel.unregistered == 1
    assert signal.getsignal(signal.SIGTERM) is previous
