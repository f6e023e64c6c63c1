"""The agent<->kernel contract in domain types: what the agent asks of the kernel and what it gets back.

`Peer` is the only door to the kernel. `agent.grpc_peer.GrpcPeer` implements it over the wire (translation
only); tests implement it in memory. Every call may raise a `agent.errors.PeerError` subclass: retry on
`PeerUnavailable`, register again on `Unauthenticated`, give up on `PeerRejected`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "AgentEvent",
    "ArtifactRule",
    "AgentInfo",
    "AgentMessage",
    "CancelRequest",
    "ConfigUpdate",
    "DispatchAck",
    "DispatchStream",
    "EvictPlugins",
    "Heartbeat",
    "Hello",
    "InstalledPlugin",
    "JobAssignment",
    "JobReport",
    "KernelMessage",
    "LogBatch",
    "LogLine",
    "LogStream",
    "Peer",
    "PendingFetch",
    "PluginPin",
    "Registration",
    "Report",
    "Status",
    "StepAssignment",
    "StepReport",
    "UploadedArtifact",
]

# --------------------------------------------------------------------------------------------------
# Statuses and log streams
# --------------------------------------------------------------------------------------------------


class Status(StrEnum):
    """Status of a job run or a step run (the same set on the wire for both)."""

    PENDING = "PENDING"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMEOUT = "TIMEOUT"
    SKIPPED = "SKIPPED"


class LogStream(StrEnum):
    STDOUT = "STDOUT"
    STDERR = "STDERR"
    SYSTEM = "SYSTEM"
    """Lines the agent writes itself (timeouts, cancellation)."""


# --------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledPlugin:
    """A plugin the agent holds, as reported at registration."""

    name: str
    """`ns/name`."""
    version: str
    sha256: str
    """Of the package; empty for an unpacked plugin folder."""
    source: str
    """"cache" (downloaded from the signed registry) or the plugin-path folder it was found in."""


@dataclass(frozen=True)
class AgentInfo:
    """What the agent says about itself when it registers."""

    registration_token: str = field(repr=False)
    name: str
    labels: dict[str, str]
    capacity: int
    version: str
    hostname: str
    installed_plugins: tuple[InstalledPlugin, ...] = ()


@dataclass(frozen=True)
class Registration:
    """The kernel's answer to a registration; the peer authenticates later calls with `agent_token`."""

    agent_id: str
    agent_token: str = field(repr=False)
    heartbeat_interval_seconds: float
    heartbeat_timeout_seconds: float


# --------------------------------------------------------------------------------------------------
# Work the kernel hands out, and what it asks the agent to do
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginPin:
    """What the kernel's marketplace allows for a plugin step.

    `refused` non-empty: the step fails with that message and nothing is resolved or run. Otherwise
    `version` (when set) is the exact release to run, `sha256` its package digest as published, and `config`
    the plugin's config (the admin's over the manifest's default_config)."""

    version: str = ""
    sha256: str = ""
    config: dict[str, Any] | None = None
    """None: the manifest's default_config."""
    refused: str = ""


@dataclass(frozen=True)
class StepAssignment:
    step_run_id: str
    index: int
    name: str
    run: str
    env: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 0.0
    """0 means no step timeout."""
    continue_on_error: bool = False
    when: str = ""
    """A CEL condition (kernel.conditions); empty means success(): run unless an earlier step failed."""
    uses: str = ""
    """A plugin step (`run` is empty): `ns/name[@range]`, resolved by the agent's plugin resolver."""
    action: str = ""
    """The plugin action; empty means the plugin's only action."""
    args: dict[str, Any] = field(default_factory=dict)
    plugin: PluginPin | None = None
    """The kernel's pin for a `uses:` step; None: the kernel sent none (resolve `uses` as it stands)."""


@dataclass(frozen=True)
class ArtifactRule:
    """Files to upload after the job's steps: `path` is a glob relative to the workspace."""

    name: str
    path: str
    expire_days: int = 0


@dataclass(frozen=True)
class UploadedArtifact:
    """What the kernel stored for an upload."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class JobAssignment:
    """One job to run: its steps run in order on this agent, in one workspace."""

    job_run_id: str
    pipeline_run_id: str
    pipeline_name: str
    run_number: int
    job_name: str
    stage: str
    attempt: int
    env: dict[str, str] = field(default_factory=dict)
    steps: tuple[StepAssignment, ...] = ()
    timeout_seconds: float = 0.0
    """0 means no job timeout."""
    artifacts: tuple[ArtifactRule, ...] = ()
    download_artifacts: tuple[str, ...] = ()
    """Artifact names (of earlier jobs of the run) to unpack into the workspace before the first step."""
    condition_context: dict[str, Any] = field(default_factory=dict)
    """What step conditions see: `variables`, `env`, `matrix` and `trigger` maps."""


@dataclass(frozen=True)
class CancelRequest:
    """Stop a job: `status` CANCELLED for a user cancel, TIMEOUT when a stage or pipeline deadline passed."""

    job_run_id: str
    reason: str = ""
    status: Status = Status.CANCELLED


@dataclass(frozen=True)
class ConfigUpdate:
    """New liveness settings from the kernel; a zero field leaves the current value alone."""

    heartbeat_interval_seconds: float = 0.0
    heartbeat_timeout_seconds: float = 0.0


@dataclass(frozen=True)
class EvictPlugins:
    """Plugin packages the kernel uninstalled: drop them from the download cache and unpacked copies."""

    digests: tuple[str, ...]
    reason: str = ""


# --------------------------------------------------------------------------------------------------
# What the agent sends on the dispatch stream
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    """First message on every new dispatch stream."""

    running_job_run_ids: tuple[str, ...]
    capacity: int


@dataclass(frozen=True)
class Heartbeat:
    running_job_run_ids: tuple[str, ...]


@dataclass(frozen=True)
class DispatchAck:
    """The agent took the dispatched job (no ack: the kernel re-queues it when the lease lapses)."""

    job_run_id: str


AgentMessage = Hello | Heartbeat | DispatchAck
KernelMessage = JobAssignment | CancelRequest | ConfigUpdate | EvictPlugins


# --------------------------------------------------------------------------------------------------
# Reports, log lines and agent events
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepReport:
    step_run_id: str
    status: Status
    exit_code: int = 0
    message: str = ""
    start_time_unix_ms: int = 0
    finish_time_unix_ms: int = 0
    log_line_count: int = 0
    result: dict[str, Any] | None = None
    """What a plugin step returned (final reports of plugin steps only)."""


@dataclass(frozen=True)
class JobReport:
    job_run_id: str
    status: Status
    exit_code: int = 0
    message: str = ""
    start_time_unix_ms: int = 0
    finish_time_unix_ms: int = 0


Report = StepReport | JobReport


@dataclass(slots=True)
class LogLine:
    """One line of a step's output; `seq` is dense per step run, starting at 1."""

    seq: int
    stream: LogStream
    text: str
    time_unix_ms: int


@dataclass(frozen=True)
class LogBatch:
    """Consecutive lines of one step run, sent as one unit."""

    step_run_id: str
    lines: Sequence[LogLine]


@dataclass(frozen=True)
class AgentEvent:
    """Something that happened on the agent; `seq` is dense per agent process, starting at 1."""

    seq: int
    kind: str
    job_run_id: str = ""
    step_run_id: str = ""
    message: str = ""
    payload_json: str = ""
    time_unix_ms: int = 0


# --------------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------------


class DispatchStream(Protocol):
    """A live dispatch connection; `send` is thread-safe, iteration yields what the kernel sends."""

    def send(self, message: AgentMessage) -> None:
        """Queue a message for the kernel; never blocks on the network."""

    def __iter__(self) -> Iterator[KernelMessage]:
        """Messages from the kernel; ends when the stream is closed, raises PeerError when it breaks."""
        ...

    def close(self) -> None:
        """End the stream from the agent's side; a blocked iteration returns. Idempotent, thread-safe."""


class PendingFetch(Protocol):
    """A long-poll for a job that another thread may cancel."""

    def result(self) -> JobAssignment | None:
        """Block until the kernel answers; None when it had no job or the fetch was cancelled."""
        ...

    def cancel(self) -> None:
        """Abandon the fetch; `result` returns None soon after."""


class Peer(Protocol):
    """Everything the agent asks of the kernel. Calls after `register` are authenticated with its token."""

    def register(self, info: AgentInfo) -> Registration:
        """Exchange the registration token for an agent identity; later calls use the returned token."""
        ...

    def unregister(self) -> None:
        """Tell the kernel this agent is going away."""

    def heartbeat(self, running_job_run_ids: Sequence[str]) -> list[CancelRequest]:
        """Liveness without a stream; the answer lists jobs to stop."""
        ...

    def connect(self) -> DispatchStream:
        """Open the dispatch stream (raises Unimplemented, possibly only on first iteration)."""
        ...

    def fetch_job(self, wait_seconds: float) -> PendingFetch:
        """Start a long-poll that waits up to `wait_seconds` for a job."""
        ...

    def report_step(self, report: StepReport) -> None:
        """Record a step run's status."""

    def report_job(self, report: JobReport) -> None:
        """Record a job run's status."""

    def push_logs(self, batches: Iterable[LogBatch]) -> dict[str, int]:
        """Send batches in one call as `batches` yields them; returns step_run_id -> last accepted seq."""
        ...

    def push_events(self, batches: Iterable[Sequence[AgentEvent]]) -> int:
        """Send event batches in one call; returns the last accepted event seq."""
        ...

    def upload_artifact(
        self, job_run_id: str, name: str, file_count: int, chunks: Iterable[bytes]
    ) -> UploadedArtifact:
        """Store the archive `chunks` yields as the job's artifact `name`."""
        ...

    def download_artifact(self, job_run_id: str, name: str) -> Iterator[bytes]:
        """The newest artifact `name` of the job's run, as chunks of its archive."""
        ...

    def get_registry_metadata(self, name: str) -> bytes | None:
        """The plugin registry's signed metadata file `name` (`timestamp.json`, `N.root.json`, ...) as the
        kernel stores it, unverified; None when the kernel has no such file."""
        ...

    def download_plugin(self, sha256: str) -> Iterator[bytes]:
        """The published plugin package with this digest, as chunks (unverified: the caller checks)."""
        ...

    def close(self) -> None:
        """Release the connection; no calls after this."""
