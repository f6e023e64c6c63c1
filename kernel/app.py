"""One kernel instance: store, bus, engine, registries, and the gRPC and HTTP servers."""

from __future__ import annotations

import asyncio
import logging
import socket

import uvicorn

from kernel.agent_reports import AgentReports
from kernel.agents import AgentRegistry
from kernel.artifacts import ArtifactStore
from kernel.auth import TokenService
from kernel.blobstore import open_blob_store
from kernel.config import Settings, split_addr
from kernel.crosskernel import CrossKernel
from kernel.engine import RunEngine
from kernel.events import EventBus
from kernel.extensions import allowed_names, build_plugin_manager
from kernel.grpc_server import build_server
from kernel.hot_reload import start_hot_reload
from kernel.hub import AgentHub, Evict
from kernel.journal import Journal
from kernel.logstore import LogStore
from kernel.masking import SecretMasks
from kernel.metrics import KernelMetrics
from kernel.notifications import RunNotifier
from kernel.pipelines import PipelineCatalog
from kernel.plugin_marketplace import PluginMarketplace
from kernel.plugin_registry import PluginRegistry
from kernel.plugin_watch import PluginFolderWatcher
from kernel.queries import RunQueries
from kernel.sealing import CredentialSeal
from kernel.secrets import SecretStore, resolve_secret_key
from kernel.store import Database
from kernel.triggers import CronScheduler

log = logging.getLogger("arcade.kernel")
TIMESTAMP_REFRESH_SECONDS = 3600.0  # the timestamp is re-signed when it expires within 6 hours (1 day long)


def bind_socket(addr: str) -> socket.socket:
    host, port = split_addr(addr)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {addr}: {exc.strerror}") from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


class Kernel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.database_url)
        self.bus = EventBus()
        self.metrics = KernelMetrics()
        self.journal = Journal(self.db, self.bus)
        self.tokens = TokenService(self.db, settings.admin_token)
        self.hub = AgentHub()
        secret_key = resolve_secret_key(settings)
        self.secrets = SecretStore(self.db, secret_key)
        self.masks = SecretMasks(self.db, self.secrets)
        self.plugins = build_plugin_manager(allowed_names(settings.kernel_plugins))
        self.notifier = RunNotifier(self.journal, self.plugins, self.secrets)
        self.engine = RunEngine(
            self.journal,
            self.hub,
            settings.heartbeat_timeout,
            self.metrics,
            secrets=self.secrets,
            on_run_finished=self.notifier.run_finished,
        )
        self.reports = AgentReports(
            self.journal, self.engine, settings.heartbeat_timeout, self.metrics, self.masks
        )
        self.agents = AgentRegistry(
            self.journal,
            self.tokens,
            self.engine,
            self.reports,
            self.hub,
            settings.heartbeat_timeout,
            self.metrics,
        )
        self.cron = CronScheduler(self.journal, self.engine)
        self.pipelines = PipelineCatalog(
            self.journal, on_schedule_change=self.cron.wake, seal=CredentialSeal(secret_key)
        )
        self.queries = RunQueries(self.db)
        self.logs = LogStore(self.journal, self.metrics, self.masks)
        self.blobs = open_blob_store(settings)
        self.artifacts = ArtifactStore(self.journal, self.blobs)
        self.registry = PluginRegistry.from_settings(settings, self.journal)
        self.marketplace = (
            PluginMarketplace.for_kernel(settings, self.journal, self.registry, self.metrics.registry)
            if self.registry is not None
            else None
        )
        self._registry_task: asyncio.Task[None] | None = None
        self.plugin_watch: PluginFolderWatcher | None = None  # ARCADE_PLUGINS_DIR hot reload
        # Other kernels may share a PostgreSQL database: hear what they commit (see kernel.crosskernel).
        self.crosskernel: CrossKernel | None = None
        if self.db.dialect == "postgresql":
            self.crosskernel = CrossKernel(
                self.db, self.journal, self.logs, self.engine, self.hub, on_pipeline_change=self.cron.wake
            )
        self.grpc_port = 0
        self.http_port = 0
        self._grpc_server = None
        self._http_server: uvicorn.Server | None = None
        self._http_task: asyncio.Task[None] | None = None

    @property
    def grpc_target(self) -> str:
        return f"{split_addr(self.settings.grpc_addr)[0]}:{self.grpc_port}"

    @property
    def http_url(self) -> str:
        return f"http://{split_addr(self.settings.http_addr)[0]}:{self.http_port}"

    async def start(self) -> None:
        from kernel.http.app import build_app  # the HTTP layer depends on a fully built kernel

        self.db.migrate()
        self.pipelines.seal_legacy_webhook_secrets()
        if self.crosskernel is not None:
            await self.crosskernel.start()
        await self.engine.start(others_alive=self.crosskernel is not None and self.crosskernel.others_alive())
        await self.cron.start()
        await self.artifacts.start()
        if self.registry is not None:
            self._registry_task = asyncio.create_task(self._refresh_timestamp(), name="arcade-registry")
        if self.marketplace is not None:
            loop = asyncio.get_running_loop()

            def evict_on_agents(name: str, digests: list[str]) -> None:  # called from worker threads
                evict = Evict(tuple(digests), f"{name} was uninstalled")
                try:
                    loop.call_soon_threadsafe(self.hub.broadcast, evict)
                except RuntimeError:  # the kernel has stopped: no agent is connected any more
                    pass

            self.marketplace.on_uninstalled = evict_on_agents
        self.plugin_watch = await asyncio.to_thread(
            start_hot_reload, self.settings.plugins_dir, self.marketplace, self.journal
        )
        self._grpc_server, self.grpc_port = await build_server(self, self.settings.grpc_addr)
        await self._grpc_server.start()
        sock = bind_socket(self.settings.http_addr)
        self.http_port = sock.getsockname()[1]
        config = uvicorn.Config(build_app(self), log_level="warning", lifespan="off", access_log=False)
        self._http_server = uvicorn.Server(config)
        self._http_task = asyncio.create_task(self._http_server.serve(sockets=[sock]), name="arcade-http")
        while not self._http_server.started:
            if self._http_task.done():
                self._http_task.result()
            await asyncio.sleep(0.01)
        log.info("kernel listening: gRPC %s, HTTP %s", self.grpc_target, self.http_url)

    async def stop(self) -> None:
        self.hub.close_all()
        if self._http_server is not None:
            self._http_server.should_exit = True
        if self._http_task is not None:
            await self._http_task
        if self._grpc_server is not None:
            await self._grpc_server.stop(grace=1.0)
            self._grpc_server = None
        await self.cron.stop()
        await self.artifacts.stop()
        if self._registry_task is not None:
            self._registry_task.cancel()
            await asyncio.gather(self._registry_task, return_exceptions=True)
        if self.plugin_watch is not None:
            await asyncio.to_thread(self.plugin_watch.stop)
        await self.engine.stop()
        await self.notifier.stop()
        if self.crosskernel is not None:
            await self.crosskernel.stop()
        self.db.dispose()

    async def _refresh_timestamp(self) -> None:
        """Re-sign the registry's timestamp (and snapshot) before they expire, hourly, off the event loop."""
        assert self.registry is not None
        while True:
            try:
                await asyncio.to_thread(self.registry.refresh_timestamp)
            except Exception:  # a failed re-sign is retried next hour; agents see an old but valid timestamp
                log.exception("re-signing the plugin registry's timestamp failed")
            await asyncio.sleep(TIMESTAMP_REFRESH_SECONDS)

    async def serve_forever(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
