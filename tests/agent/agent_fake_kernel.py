"""A minimal kernel on loopback gRPC: AgentService and GatewayService, recording what agents send.

Not a mock: it checks bearer tokens, stores log lines once per seq (accepting only the contiguous prefix, like
the kernel's log store) and answers with real acks. Tests steer it through its fields and methods.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent import futures

import grpc

from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc
from proto.arcade.gateway.v1 import gateway_pb2, gateway_pb2_grpc
from proto.arcade.types.v1 import types_pb2

REGISTRATION_TOKEN = "reg-secret"
_ABORT = object()


class FakeKernel:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heartbeat_interval = 0.2
        self.connect_implemented = True
        self.tokens: set[str] = set()
        self.registrations: list[agent_pb2.RegisterRequest] = []
        self.unregistered = 0
        self.hellos: list[tuple[str, agent_pb2.Hello]] = []
        self.stream_heartbeats = 0
        self.unary_heartbeats = 0
        self.acks: list[str] = []
        self.step_reports: list[agent_pb2.ReportStepRunStatusRequest] = []
        self.job_reports: list[agent_pb2.ReportJobRunStatusRequest] = []
        self.unavailable_reports = 0
        self.lines: dict[str, dict[int, types_pb2.LogLine]] = defaultdict(dict)
        self.log_requests = 0
        self.duplicate_lines = 0
        self.open_log_calls = 0
        self.abort_log_request: Callable[[int], str] | None = None
        """Called with the running request count; returns "before"/"after" to abort around storing it."""
        self.events: dict[int, str] = {}
        self.connections: list[queue.Queue[object]] = []
        self.fetch_queue: list[agent_pb2.JobAssignment] = []
        self.pending_cancels: list[agent_pb2.CancelJob] = []
        self._serial = 0

    # -- steering -------------------------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def send(self, response: agent_pb2.ConnectResponse) -> None:
        """Send to the newest Connect stream."""
        with self.cond:
            self.connections[-1].put(response)

    def revoke_tokens(self) -> None:
        """Forget every agent token (a kernel reset) and break the open streams with UNAUTHENTICATED."""
        with self.cond:
            self.tokens.clear()
            for connection in self.connections:
                connection.put(_ABORT)

    def job_statuses(self, job_run_id: str) -> list[int]:
        with self.cond:
            return [r.status for r in self.job_reports if r.job_run_id == job_run_id]

    # -- helpers for the servicers ---------------------------------------------------------------------------
    def check(self, context: grpc.ServicerContext) -> None:
        metadata = dict(context.invocation_metadata())
        with self.cond:
            valid = {f"bearer {token}" for token in self.tokens}
        if metadata.get("authorization") not in valid:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown agent token")

    def new_token(self) -> tuple[str, str]:
        with self.cond:
            self._serial += 1
            token = f"agent-token-{self._serial}"
            self.tokens.add(token)
            return f"agent-{self._serial}", token


class _AgentService(agent_pb2_grpc.AgentServiceServicer):
    def __init__(self, kernel: FakeKernel) -> None:
        self.k = kernel

    def Register(self, request, context):
        if request.registration_token != REGISTRATION_TOKEN:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad registration token")
        agent_id, token = self.k.new_token()
        with self.k.cond:
            self.k.registrations.append(request)
            self.k.cond.notify_all()
        return agent_pb2.RegisterResponse(
            agent_id=agent_id,
            agent_token=token,
            heartbeat_interval_seconds=self.k.heartbeat_interval,
            heartbeat_timeout_seconds=5.0,
        )

    def Unregister(self, request, context):
        self.k.check(context)
        with self.k.cond:
            self.k.unregistered += 1
            self.k.cond.notify_all()
        return agent_pb2.UnregisterResponse()

    def Heartbeat(self, request, context):
        self.k.check(context)
        with self.k.cond:
            self.k.unary_heartbeats += 1
            cancels, self.k.pending_cancels = self.k.pending_cancels, []
            self.k.cond.notify_all()
        return agent_pb2.HeartbeatResponse(cancel=cancels)

    def Connect(self, request_iterator, context):
        if not self.k.connect_implemented:
            context.abort(grpc.StatusCode.UNIMPLEMENTED, "no streams here")
        self.k.check(context)
        token = dict(context.invocation_metadata())["authorization"]
        outbox: queue.Queue[object] = queue.Queue()
        with self.k.cond:
            self.k.connections.append(outbox)

        def read() -> None:
            try:
                for request in request_iterator:
                    kind = request.WhichOneof("message")
                    with self.k.cond:
                        if kind == "hello":
                            self.k.hellos.append((token, request.hello))
                        elif kind == "heartbeat":
                            self.k.stream_heartbeats += 1
                        elif kind == "ack":
                            self.k.acks.append(request.ack.job_run_id)
                        self.k.cond.notify_all()
            except grpc.RpcError:
                pass
            outbox.put(None)

        threading.Thread(target=read, daemon=True).start()
        context.add_callback(lambda: outbox.put(None))
        yield agent_pb2.ConnectResponse(
            config=agent_pb2.ConfigUpdate(heartbeat_interval_seconds=self.k.heartbeat_interval)
        )
        while True:
            item = outbox.get()
            if item is None:
                return
            if item is _ABORT:
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "token revoked")
            yield item

    def FetchJobRun(self, request, context):
        self.k.check(context)
        gone = threading.Event()

        def on_done() -> None:
            # grpc runs this holding its own call lock: never take the kernel's lock here (lock order).
            gone.set()
            threading.Thread(target=self._notify, daemon=True).start()

        context.add_callback(on_done)
        with self.k.cond:
            self.k.cond.wait_for(lambda: self.k.fetch_queue or gone.is_set(), min(request.wait_seconds, 5.0))
            if self.k.fetch_queue and not gone.is_set():
                return agent_pb2.FetchJobRunResponse(assignment=self.k.fetch_queue.pop(0))
        return agent_pb2.FetchJobRunResponse()

    def _notify(self) -> None:
        with self.k.cond:
            self.k.cond.notify_all()

    def _report(self, target: list, request, context):
        self.k.check(context)
        with self.k.cond:
            refuse = self.k.unavailable_reports > 0
            if refuse:
                self.k.unavailable_reports -= 1
            else:
                target.append(request)
            self.k.cond.notify_all()
        if refuse:
            context.abort(grpc.StatusCode.UNAVAILABLE, "store unavailable")

    def ReportStepRunStatus(self, request, context):
        self._report(self.k.step_reports, request, context)
        return agent_pb2.ReportStepRunStatusResponse()

    def ReportJobRunStatus(self, request, context):
        self._report(self.k.job_reports, request, context)
        return agent_pb2.ReportJobRunStatusResponse()


class _GatewayService(gateway_pb2_grpc.GatewayServiceServicer):
    def __init__(self, kernel: FakeKernel) -> None:
        self.k = kernel

    def PushLogs(self, request_iterator, context):
        self.k.check(context)
        acks: dict[str, int] = {}
        with self.k.cond:
            self.k.open_log_calls += 1
        try:
            for request in request_iterator:
                with self.k.cond:
                    self.k.log_requests += 1
                    count = self.k.log_requests
                where = self.k.abort_log_request(count) if self.k.abort_log_request else ""
                if where == "before":
                    context.abort(grpc.StatusCode.UNAVAILABLE, "kernel going down")
                with self.k.cond:
                    stored = self.k.lines[request.step_run_id]
                    for line in request.lines:
                        if line.seq in stored:
                            self.k.duplicate_lines += 1
                        elif line.seq == len(stored) + 1:
                            stored[line.seq] = line
                    acks[request.step_run_id] = len(stored)
                    self.k.cond.notify_all()
                if where == "after":
                    context.abort(grpc.StatusCode.UNAVAILABLE, "connection reset")
        finally:
            with self.k.cond:
                self.k.open_log_calls -= 1
        return gateway_pb2.PushLogsResponse(
            acks=[gateway_pb2.LogAck(step_run_id=step, last_accepted_seq=seq) for step, seq in acks.items()]
        )

    def PushEvents(self, request_iterator, context):
        self.k.check(context)
        with self.k.cond:
            for request in request_iterator:
                for event in request.events:
                    self.k.events.setdefault(event.seq, event.kind)
            self.k.cond.notify_all()
            return gateway_pb2.PushEventsResponse(last_accepted_seq=max(self.k.events, default=0))


class KernelServer:
    """FakeKernel served on 127.0.0.1; `restart` brings it back on the same port after `stop`."""

    def __init__(self, kernel: FakeKernel | None = None, port: int = 0) -> None:
        self.kernel = kernel or FakeKernel()
        self.port = port
        self._server: grpc.Server | None = None
        self.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
        agent_pb2_grpc.add_AgentServiceServicer_to_server(_AgentService(self.kernel), server)
        gateway_pb2_grpc.add_GatewayServiceServicer_to_server(_GatewayService(self.kernel), server)
        self.port = server.add_insecure_port(f"127.0.0.1:{self.port}")
        server.start()
        self._server = server

    def stop(self) -> None:
        if self._server is not None:
            with self.kernel.cond:
                for connection in self.kernel.connections:
                    connection.put(None)
                self.kernel.connections.clear()
            self._server.stop(grace=None).wait(5)
            self._server = None


def assignment(job_run_id: str, *steps: tuple[str, str], timeout: float = 0.0) -> agent_pb2.JobAssignment:
    return agent_pb2.JobAssignment(
        job_run_id=job_run_id,
        pipeline_run_id="run-1",
        pipeline_name="demo",
        run_number=1,
        job_name=job_run_id,
        stage="default",
        attempt=1,
        timeout_seconds=timeout,
        steps=[
            agent_pb2.StepAssignment(step_run_id=step_id, index=i, name=step_id, run=run)
            for i, (step_id, run) in enumerate(steps)
        ],
    )


def served(kernel: FakeKernel | None = None) -> Iterator[KernelServer]:
    server = KernelServer(kernel)
    try:
        yield server
    finally:
        server.stop()
