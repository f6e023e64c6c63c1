"""The agent daemon: registration, the dispatch connection (or its polling fallback), capacity, shutdown.

run()  ─ register (retry while the kernel is away; a refused registration token is fatal)
       ─ Connect stream: Hello, a Heartbeat every interval; dispatch -> ack + run, cancel, config
         (reconnect with backoff when it breaks; running jobs go on meanwhile)
       ─ or, when Connect is unimplemented / disabled: unary Heartbeat + FetchJobRun long-poll
       ─ stop(): no new jobs, cancel running ones, flush reports/logs/events (bounded), Unregister
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from agent.artifacts import ArtifactTransfer
from agent.backoff import Backoff
from agent.config import AgentConfig
from agent.download_display import DownloadDisplay
from agent.errors import AgentError, PeerError, RegistrationRejected, Unauthenticated, Unimplemented
from agent.events import EventShipper
from agent.grpc_peer import GrpcPeer
from agent.jobs import JobPool, Start
from agent.logship import LogShipper
from agent.metrics import AgentMetrics, MetricsServer
from agent.peer import (
    AgentInfo,
    CancelRequest,
    ConfigUpdate,
    DispatchAck,
    DispatchStream,
    EvictPlugins,
    Heartbeat,
    Hello,
    JobAssignment,
    KernelMessage,
    Peer,
    PendingFetch,
    Registration,
    Status,
)
from agent.plugins.steps import PluginSteps
from agent.registration import Registrar, recover_unauthenticated
from agent.reports import ReportQueue
from agent.runner import AgentIdentity

__all__ = [
    "REREGISTERED_REASON",
    "AgentDaemon",
    "SHUTDOWN_REASON",
    "run_agent",
]

log = logging.getLogger("arcade.agent")

SHUTDOWN_REASON = "agent shutting down"
REREGISTERED_REASON = "the agent had to register again; the kernel released its jobs"


class AgentDaemon:
    """One agent process's worth of work; `run` blocks until `stop` (thread-safe) or a fatal error."""

    def __init__(self, config: AgentConfig, *, peer: Peer | None = None) -> None:
        self.config = config
        self._peer: Peer = peer if peer is not None else GrpcPeer(config.server)
        info = AgentInfo(
            registration_token=config.registration_token,
            name=config.name,
            labels=dict(config.labels),
            capacity=config.capacity,
            version=config.version,
            hostname=config.hostname,
        )
        self.metrics = AgentMetrics()
        self.plugins = PluginSteps(
            config.plugin_paths,
            config.workdir,
            trust_root=config.trust_root,
            peer=self._peer,
            metrics=self.metrics.plugin_cache,
        )
        self._registrar = Registrar(
            self._peer, info, on_rejected=self._rejected, installed_plugins=self.plugins.installed
        )
        self._registrar.on_registered(self._registered)
        self.reports = ReportQueue(self._peer, renewer=self._registrar)
        self.logs = LogShipper(self._peer, renewer=self._registrar)
        self.events = EventShipper(self._peer, renewer=self._registrar)
        self.jobs = JobPool(
            config,
            reports=self.reports,
            logs=self.logs,
            events=self.events,
            identity=self._identity,
            artifacts=ArtifactTransfer(self._peer, config.workdir / "artifacts"),
            plugins=self.plugins,
        )
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._stream: DispatchStream | None = None
        self._fetch: PendingFetch | None = None
        self._fatal: RegistrationRejected | None = None
        self._metrics_server: MetricsServer | None = None

    # -- public

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """Where `/metrics` is served (the bound port), once `run` started it; None when it is off."""
        server = self._metrics_server
        return server.address if server is not None else None

    @property
    def agent_id(self) -> str | None:
        current = self._registrar.current
        return current.agent_id if current else None

    def running_job_run_ids(self) -> tuple[str, ...]:
        return self.jobs.running_ids()

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block until no job runs here (their final reports are queued); False if `timeout` passed first."""
        return self.jobs.wait_until_idle(timeout)

    def run(self) -> None:
        """Serve until stopped; raises RegistrationRejected when the kernel refuses the registration token."""
        config = self.config
        log.info(
            "agent %s starting: server %s, capacity %d, labels %s, workdir %s",
            config.name,
            config.server,
            config.capacity,
            config.labels or "{}",
            config.workdir,
        )
        if config.metrics_addr is not None:
            self._metrics_server = self.metrics.serve(config.metrics_addr)  # ConfigError if it cannot bind
        for worker in (self.reports, self.logs, self.events):
            worker.start()
        try:
            if self._registrar.establish(self._stopping) is not None:
                if not (config.use_stream and self._serve_stream()):
                    self._serve_polling()
        finally:
            self._shut_down()
        if self._fatal is not None:
            raise self._fatal

    def stop(self) -> None:
        """Stop taking jobs and make `run` return after a graceful shutdown. Thread-safe, idempotent."""
        if not self._stopping.is_set():
            log.info("agent stopping")
        self._stopping.set()
        with self._lock:
            stream, fetch = self._stream, self._fetch
        self.jobs.wake()
        if stream is not None:
            stream.close()
        if fetch is not None:
            fetch.cancel()

    def _registered(self, registration: Registration, generation: int) -> None:
        if generation == 1:
            return
        # Registering again makes the kernel release this agent's jobs (they are retried elsewhere), and after
        # a kernel reset it does not know them at all: running them on would only do the work twice.
        self.jobs.cancel_all(REREGISTERED_REASON)

    def _rejected(self, error: RegistrationRejected) -> None:
        self._fatal = error  # raised by run() once the shutdown is done
        self.stop()

    # -- jobs

    def _identity(self) -> AgentIdentity:
        registration = self._registrar.current
        return AgentIdentity(registration.agent_id if registration else "", self.config.name)

    def _take(self, assignment: JobAssignment, stream: DispatchStream) -> None:
        """A dispatch on the stream: ack and run it if a slot is free; otherwise the kernel's lease lapses."""
        if self._stopping.is_set():
            return
        job_id = assignment.job_run_id
        started = self.jobs.start(assignment, before_start=lambda: stream.send(DispatchAck(job_id)))
        if started is Start.ALREADY_RUNNING:
            stream.send(DispatchAck(job_id))  # a re-dispatch of what already runs here

    def _handle(self, message: KernelMessage, stream: DispatchStream) -> None:
        if isinstance(message, JobAssignment):
            self._take(message, stream)
        elif isinstance(message, CancelRequest):
            self.jobs.cancel(message)
        elif isinstance(message, ConfigUpdate):
            self._registrar.apply_config(
                message.heartbeat_interval_seconds, message.heartbeat_timeout_seconds
            )
        elif isinstance(message, EvictPlugins):
            removed = self.plugins.evict(message.digests)
            log.info("evicted %d cached plugin package(s): %s", len(removed), message.reason or "uninstalled")

    # -- the Connect stream

    def _serve_stream(self) -> bool:
        """Keep a dispatch stream open until stopped; False when the kernel does not implement Connect."""
        backoff = Backoff(0.1, 3.0)
        while not self._stopping.is_set():
            generation = self._registrar.generation
            opened = time.monotonic()
            try:
                self._stream_once(backoff)
                if not self._stopping.is_set():
                    log.info("the kernel closed the dispatch stream; reconnecting")
            except Unimplemented:
                log.warning("the kernel does not offer the Connect stream; falling back to polling")
                return False
            except Unauthenticated:
                if recover_unauthenticated(self._registrar, generation):
                    continue
            except PeerError as error:
                log.warning("dispatch stream lost (%s); reconnecting", error)
            except Exception:
                log.exception("unexpected error on the dispatch stream; reconnecting")
            if time.monotonic() - opened >= backoff.maximum:
                backoff.reset()
            self._stopping.wait(backoff.next_delay())
        return True

    def _stream_once(self, backoff: Backoff) -> None:
        stream = self._peer.connect()
        with self._lock:
            self._stream = stream
        done = threading.Event()
        beats = threading.Thread(
            target=self._stream_heartbeats, args=(stream, done), name="arcade-agent-heartbeat", daemon=True
        )
        try:
            if self._stopping.is_set():
                return
            stream.send(Hello(self.running_job_run_ids(), self.config.capacity))
            beats.start()
            for message in stream:
                backoff.reset()
                self._handle(message, stream)
        finally:
            done.set()
            with self._lock:
                self._stream = None
            stream.close()

    def _stream_heartbeats(self, stream: DispatchStream, done: threading.Event) -> None:
        while not done.wait(self._registrar.heartbeat_interval):
            stream.send(Heartbeat(self.running_job_run_ids()))

    # -- the polling fallback

    def _serve_polling(self) -> None:
        beats = threading.Thread(target=self._unary_heartbeats, name="arcade-agent-heartbeat", daemon=True)
        beats.start()
        backoff = Backoff(0.1, 3.0)
        try:
            while True:
                if not self.jobs.wait_for_slot(self._stopping.is_set):
                    return
                generation = self._registrar.generation
                try:
                    assignment = self._fetch_one()
                except Unauthenticated:
                    if not recover_unauthenticated(self._registrar, generation):
                        self._stopping.wait(backoff.next_delay())
                    continue
                except PeerError as error:
                    delay = backoff.next_delay()
                    log.warning("cannot fetch jobs (%s); retrying in %.1fs", error, delay)
                    self._stopping.wait(delay)
                    continue
                except Exception:
                    log.exception("unexpected error while fetching jobs")
                    self._stopping.wait(backoff.next_delay())
                    continue
                backoff.reset()
                if assignment is not None:
                    self._run_fetched(assignment)
        finally:
            beats.join(timeout=1.0)

    def _run_fetched(self, assignment: JobAssignment) -> None:
        """The kernel already counts a fetched job as ours: run it (and stop it at once if shutting down)."""
        self.jobs.start(assignment)
        if self._stopping.is_set():
            self.jobs.cancel(CancelRequest(assignment.job_run_id, SHUTDOWN_REASON, Status.CANCELLED))

    def _fetch_one(self) -> JobAssignment | None:
        pending = self._peer.fetch_job(self.config.fetch_wait_seconds)
        with self._lock:
            self._fetch = pending
        try:
            if self._stopping.is_set():
                pending.cancel()
            return pending.result()
        finally:
            with self._lock:
                self._fetch = None

    def _unary_heartbeats(self) -> None:
        while not self._stopping.wait(self._registrar.heartbeat_interval):
            generation = self._registrar.generation
            try:
                cancels = self._peer.heartbeat(self.running_job_run_ids())
            except Unauthenticated:
                recover_unauthenticated(self._registrar, generation)
                continue
            except PeerError as error:
                log.warning("heartbeat failed: %s", error)
                continue
            except Exception as error:  # e.g. the channel closed under us during shutdown
                log.debug("heartbeat failed: %s", error)
                continue
            for request in cancels:
                self.jobs.cancel(request)

    # -- shutdown

    def _shut_down(self) -> None:
        self._stopping.set()
        self.jobs.cancel_all(SHUTDOWN_REASON)
        self.jobs.join(self.config.kill_grace_seconds + 10.0)
        self.plugins.close()
        deadline = time.monotonic() + self.config.shutdown_timeout_seconds
        for worker in (self.reports, self.logs, self.events):
            worker.stop(max(0.0, deadline - time.monotonic()))
        if self._registrar.current is not None and self._fatal is None:
            try:
                self._peer.unregister()
            except PeerError as error:
                log.warning("could not unregister: %s", error)
        self._peer.close()
        if self._metrics_server is not None:
            self._metrics_server.close()
        log.info("agent stopped")


def run_agent(config: AgentConfig) -> int:
    """Run an agent until SIGINT/SIGTERM (the `arcade agent` process); 0 after a clean stop, 1 when the kernel
    refused it or its metrics address cannot be served."""
    try:
        daemon = AgentDaemon(config)
    except AgentError as error:
        log.error("cannot start the agent: %s", error)
        return 2
    daemon.plugins.on_download(DownloadDisplay())  # bars on a terminal stderr, else a line per download
    requested = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        requested.set()  # only an Event here: the handler may interrupt any lock holder in the main thread

    def stopper() -> None:
        requested.wait()
        daemon.stop()

    threading.Thread(target=stopper, name="arcade-agent-signals", daemon=True).start()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_signal)
    try:
        daemon.run()
        return 0
    except RegistrationRejected as error:
        log.error("agent stopped: %s", error)
        return 1
    except AgentError as error:
        log.error("agent failed: %s", error)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        requested.set()
