"""Wire translation for the agent: arcade.*.v1 messages to and from the domain types of `agent.peer`."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from agent.peer import (
    AgentEvent,
    AgentMessage,
    ArtifactRule,
    CancelRequest,
    ConfigUpdate,
    DispatchAck,
    EvictPlugins,
    Heartbeat,
    Hello,
    JobAssignment,
    KernelMessage,
    LogBatch,
    LogStream,
    PluginPin,
    Status,
    StepAssignment,
)
from proto.arcade.agent.v1 import agent_pb2
from proto.arcade.gateway.v1 import gateway_pb2
from proto.arcade.types.v1 import types_pb2

__all__ = [
    "agent_message_to_proto",
    "assignment_from_proto",
    "cancel_from_proto",
    "events_to_proto",
    "job_status_to_proto",
    "kernel_message_from_proto",
    "log_batch_to_proto",
    "pin_from_proto",
    "step_status_to_proto",
]

log = logging.getLogger("arcade.agent")


def step_status_to_proto(status: Status) -> int:
    return types_pb2.StepRunStatus.Value(f"STEP_RUN_STATUS_{status.value}")


def job_status_to_proto(status: Status) -> int:
    return types_pb2.JobRunStatus.Value(f"JOB_RUN_STATUS_{status.value}")


_STREAMS = {
    LogStream.STDOUT: types_pb2.LOG_STREAM_STDOUT,
    LogStream.STDERR: types_pb2.LOG_STREAM_STDERR,
    LogStream.SYSTEM: types_pb2.LOG_STREAM_SYSTEM,
}


def assignment_from_proto(message: agent_pb2.JobAssignment) -> JobAssignment:
    steps = tuple(
        StepAssignment(
            step_run_id=s.step_run_id,
            index=s.index,
            name=s.name,
            run=s.run,
            env=dict(s.env),
            timeout_seconds=s.timeout_seconds,
            continue_on_error=s.continue_on_error,
            when=s.when,
            uses=s.uses,
            action=s.action,
            args=_json_object(s.args_json, "a plugin step's args"),
            plugin=pin_from_proto(s.plugin, s.uses) if s.HasField("plugin") else None,
        )
        for s in message.steps
    )
    return JobAssignment(
        job_run_id=message.job_run_id,
        pipeline_run_id=message.pipeline_run_id,
        pipeline_name=message.pipeline_name,
        run_number=message.run_number,
        job_name=message.job_name,
        stage=message.stage,
        attempt=message.attempt,
        env=dict(message.env),
        steps=steps,
        timeout_seconds=message.timeout_seconds,
        artifacts=tuple(ArtifactRule(r.name, r.path, r.expire_days) for r in message.artifacts),
        download_artifacts=tuple(message.download_artifacts),
        condition_context=_json_object(message.context_json, "a job's condition context"),
    )


_JSON_TYPES = {
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def pin_from_proto(message: agent_pb2.PluginPin, uses: str) -> PluginPin:
    """The kernel's pin; a `config_json` that is not a JSON object refuses the step (with the reason)."""
    if message.refused:
        return PluginPin(message.version, message.sha256, None, message.refused)
    config: dict[str, Any] | None = None
    if message.config_json:
        try:
            value = json.loads(message.config_json)
        except ValueError as exc:
            value, problem = None, f"not JSON ({exc})"
        else:
            problem = f"a JSON {_JSON_TYPES.get(type(value), type(value).__name__)}"
        if not isinstance(value, dict):
            refused = (
                f"cannot run {uses}: the kernel's plugin.config_json must be a JSON object, got {problem}"
            )
            return PluginPin(message.version, message.sha256, None, refused)
        config = value
    return PluginPin(message.version, message.sha256, config, "")


def _json_object(text: str, what: str) -> dict[str, Any]:
    """The JSON object in `text`; {} when it is empty or not an object."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        log.warning("ignoring %s that is not JSON", what)
        return {}
    return value if isinstance(value, dict) else {}


def cancel_from_proto(message: agent_pb2.CancelJob) -> CancelRequest:
    if message.status == types_pb2.JOB_RUN_STATUS_UNSPECIFIED:
        status = Status.CANCELLED
    else:
        status = Status(types_pb2.JobRunStatus.Name(message.status).removeprefix("JOB_RUN_STATUS_"))
    return CancelRequest(job_run_id=message.job_run_id, reason=message.reason, status=status)


def kernel_message_from_proto(message: agent_pb2.ConnectResponse) -> KernelMessage | None:
    kind = message.WhichOneof("message")
    if kind == "dispatch":
        return assignment_from_proto(message.dispatch)
    if kind == "cancel":
        return cancel_from_proto(message.cancel)
    if kind == "config":
        return ConfigUpdate(
            heartbeat_interval_seconds=message.config.heartbeat_interval_seconds,
            heartbeat_timeout_seconds=message.config.heartbeat_timeout_seconds,
        )
    if kind == "evict":
        return EvictPlugins(tuple(message.evict.sha256), message.evict.reason)
    return None  # a message kind newer than this agent


def agent_message_to_proto(message: AgentMessage) -> agent_pb2.ConnectRequest:
    if isinstance(message, Hello):
        return agent_pb2.ConnectRequest(
            hello=agent_pb2.Hello(running_job_run_ids=message.running_job_run_ids, capacity=message.capacity)
        )
    if isinstance(message, Heartbeat):
        return agent_pb2.ConnectRequest(
            heartbeat=agent_pb2.Heartbeat(running_job_run_ids=message.running_job_run_ids)
        )
    if isinstance(message, DispatchAck):
        return agent_pb2.ConnectRequest(ack=agent_pb2.DispatchAck(job_run_id=message.job_run_id))
    raise TypeError(f"not a dispatch stream message: {message!r}")


def log_batch_to_proto(batch: LogBatch) -> gateway_pb2.PushLogsRequest:
    request = gateway_pb2.PushLogsRequest(step_run_id=batch.step_run_id)
    add = request.lines.add
    streams = _STREAMS
    for line in batch.lines:
        add(seq=line.seq, stream=streams[line.stream], text=line.text, time_unix_ms=line.time_unix_ms)
    return request


def events_to_proto(events: Sequence[AgentEvent]) -> gateway_pb2.PushEventsRequest:
    return gateway_pb2.PushEventsRequest(
        events=[
            gateway_pb2.AgentEvent(
                seq=e.seq,
                kind=e.kind,
                job_run_id=e.job_run_id,
                step_run_id=e.step_run_id,
                message=e.message,
                payload_json=e.payload_json,
                time_unix_ms=e.time_unix_ms,
            )
            for e in events
        ]
    )
