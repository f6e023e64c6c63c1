"""Test kit for the agent: an in-memory `Peer` (a real implementation of the contract) and a job harness."""

from __future__ import annotations

import hashlib
import os
import select
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from agent.artifacts import ArtifactTransfer
from agent.config import AgentConfig
from agent.errors import PeerRejected, PeerUnavailable
from agent.events import EventShipper
from agent.logship import LogShipper
from agent.peer import (
    AgentEvent,
    AgentInfo,
    CancelRequest,
    JobAssignment,
    JobReport,
    LogBatch,
    LogLine,
    Registration,
    Status,
    StepAssignment,
    StepReport,
    UploadedArtifact,
)
from agent.plugins.steps import PluginSteps
from agent.reports import ReportQueue
from agent.runner import AgentIdentity, JobRunner

WAIT = 15.0


class FakePeer:
    """Records what the agent sends; stores log lines once per seq (like the kernel) and acks them."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.step_reports: list[StepReport] = []
        self.job_reports: list[JobReport] = []
        self.lines: dict[str, dict[int, LogLine]] = defaultdict(dict)
        self.events: dict[int, AgentEvent] = {}
        self.unavailable_reports = 0
        """How many upcoming report calls fail with PeerUnavailable."""
        self.artifacts: dict[str, bytes] = {}
        """Artifact name -> archive: uploads land here and downloads come from here."""
        self.refuse_uploads = ""
        """When set, uploads fail with PeerRejected and this message."""
        self.registry_dir: Path | None = None
        """The plugin registry's metadata folder (an OnlineRepository's); None: the registry is not set up."""
        self.plugin_blobs: dict[str, bytes] = {}
        """sha256 -> package: what DownloadPlugin serves (tests may tamper with it)."""
        self.plugin_downloads: list[str] = []
        """The digest of every DownloadPlugin call, in order."""

    # -- Peer
    def register(self, info: AgentInfo) -> Registration:
        return Registration("agent-1", "token-1", 10.0, 30.0)

    def unregister(self) -> None:
        pass

    def heartbeat(self, running_job_run_ids: Sequence[str]) -> list[CancelRequest]:
        return []

    def connect(self):  # pragma: no cover - the runner never connects
        raise AssertionError("the job runner must not open a dispatch stream")

    def fetch_job(self, wait_seconds: float):  # pragma: no cover
        raise AssertionError("the job runner must not fetch jobs")

    def _report(self, target: list, report: object) -> None:
        with self.cond:
            if self.unavailable_reports > 0:
                self.unavailable_reports -= 1
                self.cond.notify_all()
                raise PeerUnavailable("kernel away", "UNAVAILABLE")
            target.append(report)
            self.cond.notify_all()

    def report_step(self, report: StepReport) -> None:
        self._report(self.step_reports, report)

    def report_job(self, report: JobReport) -> None:
        self._report(self.job_reports, report)

    def push_logs(self, batches: Iterable[LogBatch]) -> dict[str, int]:
        acks: dict[str, int] = {}
        for batch in batches:
            with self.cond:
                stored = self.lines[batch.step_run_id]
                for line in batch.lines:
                    if line.seq == len(stored) + 1:
                        stored[line.seq] = line
                acks[batch.step_run_id] = len(stored)
                self.cond.notify_all()
        return acks

    def push_events(self, batches: Iterable[Sequence[AgentEvent]]) -> int:
        with self.cond:
            for batch in batches:
                for event in batch:
                    self.events.setdefault(event.seq, event)
            self.cond.notify_all()
            return max(self.events, default=0)

    def upload_artifact(
        self, job_run_id: str, name: str, file_count: int, chunks: Iterable[bytes]
    ) -> UploadedArtifact:
        data = b"".join(chunks)
        if self.refuse_uploads:
            raise PeerRejected(self.refuse_uploads, "FAILED_PRECONDITION")
        with self.cond:
            self.artifacts[name] = data
            self.cond.notify_all()
        return UploadedArtifact(name, len(data), hashlib.sha256(data).hexdigest())

    def download_artifact(self, job_run_id: str, name: str) -> Iterator[bytes]:
        with self.cond:
            data = self.artifacts.get(name)
        if data is None:
            raise PeerRejected(f"NOT_FOUND: run has no artifact named '{name}'", "NOT_FOUND")
        yield data

    def get_registry_metadata(self, name: str) -> bytes | None:
        if self.registry_dir is None:
            raise PeerRejected(
                "FAILED_PRECONDITION: the plugin registry is not set up", "FAILED_PRECONDITION"
            )
        path = self.registry_dir / name
        return path.read_bytes() if "/" not in name and path.is_file() else None

    def download_plugin(self, sha256: str) -> Iterator[bytes]:
        with self.cond:
            self.plugin_downloads.append(sha256)
            data = self.plugin_blobs.get(sha256)
        if data is None:
            raise PeerRejected(f"NOT_FOUND: no published plugin version has sha256 {sha256}", "NOT_FOUND")
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    def close(self) -> None:
        pass

    # -- test helpers
    def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def texts(self, step_run_id: str) -> list[str]:
        with self.cond:
            return [line.text for _, line in sorted(self.lines[step_run_id].items())]

    def steps_of(self, step_run_id: str) -> list[StepReport]:
        with self.cond:
            return [r for r in self.step_reports if r.step_run_id == step_run_id]

    def final_step(self, step_run_id: str) -> StepReport:
        reports = [r for r in self.steps_of(step_run_id) if r.status != Status.RUNNING]
        assert len(reports) == 1, reports
        return reports[0]


def step(step_run_id: str, run: str, **fields: object) -> StepAssignment:
    return StepAssignment(
        step_run_id=step_run_id,
        index=int(fields.pop("index", 0)),
        name=fields.pop("name", step_run_id),
        run=run,
        **fields,
    )  # type: ignore[arg-type]


def job(job_run_id: str, *steps: StepAssignment, **fields: object) -> JobAssignment:
    values: dict[str, object] = dict(
        pipeline_run_id="run-1",
        pipeline_name="demo",
        run_number=7,
        job_name="build",
        stage="test",
        attempt=1,
    )
    values.update(fields)
    indexed = tuple(StepAssignment(**{**s.__dict__, "index": i}) for i, s in enumerate(steps))
    return JobAssignment(job_run_id=job_run_id, steps=indexed, **values)  # type: ignore[arg-type]


class Harness:
    """Runs jobs with a JobRunner wired to real report/log/event queues on a FakePeer."""

    def __init__(self, tmp_path: Path, peer: FakePeer | None = None) -> None:
        self.peer = peer if peer is not None else FakePeer()
        self.config = AgentConfig(
            server="127.0.0.1:1",
            registration_token="reg",
            name="agent-test",
            workdir=tmp_path / "work",
            kill_grace_seconds=0.5,
        )
        self.plugins: PluginSteps | None = None
        """Set by plugin tests: what `uses:` steps resolve and run through."""
        self.reports = ReportQueue(self.peer)
        self.logs = LogShipper(self.peer, call_window=0.2)
        self.events = EventShipper(self.peer)
        for worker in (self.reports, self.logs, self.events):
            worker.start()

    def runner(self, assignment: JobAssignment, base_env: dict[str, str] | None = None) -> JobRunner:
        return JobRunner(
            assignment,
            config=self.config,
            identity=AgentIdentity("agent-1", "agent-test"),
            reports=self.reports,
            logs=self.logs,
            events=self.events,
            base_env=base_env,
            artifacts=ArtifactTransfer(self.peer, self.config.workdir / "artifacts"),
            plugins=self.plugins,
        )

    def run(self, assignment: JobAssignment, base_env: dict[str, str] | None = None) -> JobReport:
        final = self.runner(assignment, base_env).run()
        self.flush()
        return final

    def start(self, runner: JobRunner) -> tuple[threading.Thread, list[JobReport]]:
        result: list[JobReport] = []
        thread = threading.Thread(target=lambda: result.append(runner.run()), daemon=True)
        thread.start()
        return thread, result

    def flush(self) -> None:
        assert self.reports.flush(WAIT)
        assert self.logs.flush(WAIT)
        assert self.events.flush(WAIT)

    def close(self) -> None:
        for worker in (self.reports, self.logs, self.events):
            worker.stop(5.0)
        if self.plugins is not None:
            self.plugins.close()


def process_gone(pid: int, timeout: float = 5.0) -> bool:
    """True once `pid` has exited (a zombie counts as gone: orphans may stay unreaped where PID 1 does not
    reap). Waits on a pidfd, which becomes readable when the process exits; no polling."""
    try:
        os.kill(pid, 0)
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)
