"""`Peer` over gRPC: translation between the domain types of `agent.peer` and the arcade.*.v1 messages.

Nothing here decides anything: status codes become `agent.errors` exceptions, messages become dataclasses.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import grpc

from agent.errors import (
    PeerError,
    PeerRejected,
    PeerUnavailable,
    Unauthenticated,
    Unimplemented,
)
from agent.peer import (
    AgentEvent,
    AgentInfo,
    AgentMessage,
    CancelRequest,
    JobAssignment,
    JobReport,
    KernelMessage,
    LogBatch,
    Registration,
    StepReport,
    UploadedArtifact,
)
from agent.wire import (
    agent_message_to_proto,
    assignment_from_proto,
    cancel_from_proto,
    events_to_proto,
    job_status_to_proto,
    kernel_message_from_proto,
    log_batch_to_proto,
    step_status_to_proto,
)
from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc
from proto.arcade.gateway.v1 import gateway_pb2_grpc

__all__ = [
    "GrpcDispatchStream",
    "GrpcPeer",
    "GrpcPendingFetch",
    "agent_message_to_proto",
    "assignment_from_proto",
    "cancel_from_proto",
    "events_to_proto",
    "kernel_message_from_proto",
    "log_batch_to_proto",
    "translate_error",
]

log = logging.getLogger("arcade.agent")

_RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
    }
)

CHANNEL_OPTIONS: tuple[tuple[str, int], ...] = (
    # Come back quickly after a kernel restart instead of grpc's default backoff of up to two minutes.
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 3000),
    # Notice a dead kernel on an idle dispatch stream (5 min is what servers accept by default).
    ("grpc.keepalive_time_ms", 30_000),  # the kernel permits pings every 5 s
    ("grpc.keepalive_timeout_ms", 20_000),
)


def translate_error(error: grpc.RpcError) -> PeerError:
    """Map a failed call's status to the agent's exception tree."""
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = (error.details() if isinstance(error, grpc.Call) else None) or str(code)
    name = code.name if code is not None else "UNKNOWN"
    message = f"{name}: {details}"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return Unauthenticated(message, name)
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return Unimplemented(message, name)
    if code in _RETRYABLE:
        return PeerUnavailable(message, name)
    return PeerRejected(message, name)


# --------------------------------------------------------------------------------------------------
# Message translation
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Calls that outlive one method call
# --------------------------------------------------------------------------------------------------

_CLOSE = object()


class GrpcDispatchStream:
    """The Connect bidi stream: an outbox drained by grpc's request thread, responses read by iteration."""

    def __init__(self, stub: agent_pb2_grpc.AgentServiceStub, metadata: tuple[tuple[str, str], ...]) -> None:
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._closed = threading.Event()
        self._call = stub.Connect(self._requests(), metadata=metadata)

    def _requests(self) -> Iterator[agent_pb2.ConnectRequest]:
        while True:
            item = self._outbox.get()
            if item is _CLOSE:
                return
            yield item  # type: ignore[misc]

    def send(self, message: AgentMessage) -> None:
        if not self._closed.is_set():
            self._outbox.put(agent_message_to_proto(message))

    def __iter__(self) -> Iterator[KernelMessage]:
        try:
            for response in self._call:
                message = kernel_message_from_proto(response)
                if message is not None:
                    yield message
        except grpc.RpcError as error:
            if not self._closed.is_set():
                raise translate_error(error) from None
        finally:
            self._outbox.put(_CLOSE)  # release grpc's request thread

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._outbox.put(_CLOSE)
        self._call.cancel()


class GrpcPendingFetch:
    def __init__(self, future: grpc.Future) -> None:
        self._future = future

    def result(self) -> JobAssignment | None:
        try:
            response = self._future.result()
        except grpc.FutureCancelledError:
            return None
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.CANCELLED and self._future.cancelled():
                return None
            raise translate_error(error) from None
        if not response.HasField("assignment") or not response.assignment.job_run_id:
            return None
        return assignment_from_proto(response.assignment)

    def cancel(self) -> None:
        self._future.cancel()


# --------------------------------------------------------------------------------------------------
# The peer
# --------------------------------------------------------------------------------------------------


class GrpcPeer:
    """`agent.peer.Peer` over one gRPC channel to the kernel."""

    def __init__(
        self,
        target: str,
        *,
        channel: grpc.Channel | None = None,
        call_timeout: float = 15.0,
        push_timeout: float = 60.0,
        transfer_timeout: float = 3600.0,
    ) -> None:
        self._channel = channel or grpc.insecure_channel(target, options=CHANNEL_OPTIONS)
        self._agent = agent_pb2_grpc.AgentServiceStub(self._channel)
        self._gateway = gateway_pb2_grpc.GatewayServiceStub(self._channel)
        self._call_timeout = call_timeout
        self._push_timeout = push_timeout
        self._transfer_timeout = transfer_timeout
        self._metadata: tuple[tuple[str, str], ...] = ()

    def _unary(
        self, method: grpc.UnaryUnaryMultiCallable, request: object, timeout: float | None = None
    ) -> Any:
        try:
            return method(request, metadata=self._metadata, timeout=timeout or self._call_timeout)
        except grpc.RpcError as error:
            raise translate_error(error) from None

    def register(self, info: AgentInfo) -> Registration:
        request = agent_pb2.RegisterRequest(
            registration_token=info.registration_token,
            name=info.name,
            labels=info.labels,
            capacity=info.capacity,
            version=info.version,
            hostname=info.hostname,
            installed_plugins=[
                agent_pb2.InstalledPlugin(name=p.name, version=p.version, sha256=p.sha256, source=p.source)
                for p in info.installed_plugins
            ],
        )
        try:
            response = self._agent.Register(request, timeout=self._call_timeout)
        except grpc.RpcError as error:
            raise translate_error(error) from None
        self._metadata = (("authorization", f"bearer {response.agent_token}"),)
        return Registration(
            agent_id=response.agent_id,
            agent_token=response.agent_token,
            heartbeat_interval_seconds=response.heartbeat_interval_seconds,
            heartbeat_timeout_seconds=response.heartbeat_timeout_seconds,
        )

    def unregister(self) -> None:
        self._unary(self._agent.Unregister, agent_pb2.UnregisterRequest(), timeout=5.0)

    def heartbeat(self, running_job_run_ids: Sequence[str]) -> list[CancelRequest]:
        response = self._unary(
            self._agent.Heartbeat, agent_pb2.HeartbeatRequest(running_job_run_ids=running_job_run_ids)
        )
        return [cancel_from_proto(c) for c in response.cancel]

    def connect(self) -> GrpcDispatchStream:
        return GrpcDispatchStream(self._agent, self._metadata)

    def fetch_job(self, wait_seconds: float) -> GrpcPendingFetch:
        future = self._agent.FetchJobRun.future(
            agent_pb2.FetchJobRunRequest(wait_seconds=wait_seconds),
            metadata=self._metadata,
            timeout=wait_seconds + self._call_timeout,
        )
        return GrpcPendingFetch(future)

    def report_step(self, report: StepReport) -> None:
        request = agent_pb2.ReportStepRunStatusRequest(
            step_run_id=report.step_run_id,
            status=step_status_to_proto(report.status),
            exit_code=report.exit_code,
            message=report.message,
            start_time_unix_ms=report.start_time_unix_ms,
            finish_time_unix_ms=report.finish_time_unix_ms,
            log_line_count=report.log_line_count,
            result_json=json.dumps(report.result) if report.result is not None else "",
        )
        self._unary(self._agent.ReportStepRunStatus, request)

    def report_job(self, report: JobReport) -> None:
        request = agent_pb2.ReportJobRunStatusRequest(
            job_run_id=report.job_run_id,
            status=job_status_to_proto(report.status),
            exit_code=report.exit_code,
            message=report.message,
            start_time_unix_ms=report.start_time_unix_ms,
            finish_time_unix_ms=report.finish_time_unix_ms,
        )
        self._unary(self._agent.ReportJobRunStatus, request)

    def push_logs(self, batches: Iterable[LogBatch]) -> dict[str, int]:
        requests = (log_batch_to_proto(batch) for batch in batches)
        try:
            response = self._gateway.PushLogs(requests, metadata=self._metadata, timeout=self._push_timeout)
        except grpc.RpcError as error:
            raise translate_error(error) from None
        return {ack.step_run_id: ack.last_accepted_seq for ack in response.acks}

    def push_events(self, batches: Iterable[Sequence[AgentEvent]]) -> int:
        requests = (events_to_proto(batch) for batch in batches)
        try:
            response = self._gateway.PushEvents(requests, metadata=self._metadata, timeout=self._push_timeout)
        except grpc.RpcError as error:
            raise translate_error(error) from None
        return response.last_accepted_seq

    def upload_artifact(
        self, job_run_id: str, name: str, file_count: int, chunks: Iterable[bytes]
    ) -> UploadedArtifact:
        metadata = agent_pb2.UploadArtifactMetadata(job_run_id=job_run_id, name=name, file_count=file_count)

        def requests() -> Iterator[agent_pb2.UploadArtifactRequest]:
            yield agent_pb2.UploadArtifactRequest(metadata=metadata)
            for chunk in chunks:
                yield agent_pb2.UploadArtifactRequest(chunk=chunk)

        try:
            response = self._agent.UploadArtifact(
                requests(), metadata=self._metadata, timeout=self._transfer_timeout
            )
        except grpc.RpcError as error:
            raise translate_error(error) from None
        stored = response.artifact
        return UploadedArtifact(name=stored.name, size=stored.size, sha256=stored.sha256)

    def download_artifact(self, job_run_id: str, name: str) -> Iterator[bytes]:
        request = agent_pb2.DownloadArtifactRequest(job_run_id=job_run_id, name=name)
        try:
            for response in self._agent.DownloadArtifact(
                request, metadata=self._metadata, timeout=self._transfer_timeout
            ):
                yield response.chunk
        except grpc.RpcError as error:
            raise translate_error(error) from None

    def get_registry_metadata(self, name: str) -> bytes | None:
        request = agent_pb2.GetRegistryMetadataRequest(name=name)
        try:
            response = self._agent.GetRegistryMetadata(
                request, metadata=self._metadata, timeout=self._call_timeout
            )
        except grpc.RpcError as error:
            if isinstance(error, grpc.Call) and error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise translate_error(error) from None
        return response.data

    def download_plugin(self, sha256: str) -> Iterator[bytes]:
        request = agent_pb2.DownloadPluginRequest(sha256=sha256)
        try:
            for response in self._agent.DownloadPlugin(
                request, metadata=self._metadata, timeout=self._transfer_timeout
            ):
                yield response.chunk
        except grpc.RpcError as error:
            raise translate_error(error) from None

    def close(self) -> None:
        self._channel.close()
