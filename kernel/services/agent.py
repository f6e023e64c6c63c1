"""arcade.agent.v1.AgentService: registration, liveness, dispatch, status reports, artifacts, and the plugin
registry's signed metadata and packages for agents that run plugins on demand."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc
from sqlalchemy import select

from kernel.agent_reports import AgentReports, JobResult, StepResult
from kernel.agents import AgentRegistry
from kernel.artifacts import ArtifactStore
from kernel.auth import TokenService
from kernel.conditions import context
from kernel.dsl.expressions import nested_strings, secret_names, substitute, substitute_nested
from kernel.engine import RunEngine
from kernel.errors import FailedPrecondition, InvalidInput, KernelError, NotFound
from kernel.hub import AgentConnection, AgentHub, Cancel, Dispatch, Evict
from kernel.masking import SecretMasks
from kernel.plugin_marketplace import PluginMarketplace
from kernel.plugin_registry import NOT_SET_UP, PluginRegistry
from kernel.secrets import SecretStore, missing_secret_message
from kernel.services.artifacts import receive_upload
from kernel.services.auth import principal_of
from kernel.services.convert import (
    artifact_pb,
    from_unix_ms,
    job_status_from_pb,
    job_status_pb,
    step_status_from_pb,
)
from kernel.services.errors import streaming, unary
from kernel.status import Status
from kernel.store import Database, models
from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc
from registry.errors import IntegrityError

log = logging.getLogger("arcade.kernel.agents")
MAX_POLL_SECONDS = 30.0
PLUGIN_CHUNK_BYTES = 1024 * 1024


class MissingSecret(KernelError):
    """A job refers to a secret that is not set; the job fails instead of being sent."""


def assignment_pb(
    db: Database,
    job_run_id: str,
    secrets: SecretStore | None = None,
    masks: SecretMasks | None = None,
    marketplace: PluginMarketplace | None = None,
) -> agent_pb2.JobAssignment | None:
    """The job to send to its agent, with `${{ secrets.X }}` replaced by the clear values (never stored).

    With a marketplace, each `uses:` step carries the kernel's pin (installed version, digest, config) or
    its refusal (not installed, disabled, out of range, uninstalled); plugins of namespaces the registry
    does not delegate (agent-local ones) carry none.
    """
    with db.session() as session:
        job = session.get(models.JobRun, job_run_id)
        if job is None or Status(job.status).final:
            return None
        run = session.get(models.PipelineRun, job.run_id)
        assert run is not None
        steps = session.scalars(
            select(models.StepRun)
            .where(models.StepRun.job_run_id == job_run_id)
            .order_by(models.StepRun.index)
        ).all()
        texts = [*map(str, (job.env or {}).values())] + [
            t for s in steps for t in (s.run, *map(str, s.env.values()), *nested_strings(s.args))
        ]
        names = {name for text in texts if "${{" in text for name in secret_names(text)}
        values = secrets.values(session, run.pipeline_id, names) if names and secrets is not None else {}
    missing = sorted(names - set(values))
    if missing:
        raise MissingSecret(missing_secret_message(missing[0], run.pipeline_name))
    if masks is not None:
        masks.remember(job.id, values.values())

    def reveal(namespace: str, name: str) -> str | None:
        return values.get(name) if namespace == "secrets" else None

    def clear(text: str) -> str:
        return substitute(text, reveal)

    pins = marketplace.pins(s.uses for s in steps if s.uses) if marketplace is not None else {}

    def pin(uses: str | None) -> dict[str, agent_pb2.PluginPin]:
        found = pins.get(uses) if uses else None
        return {"plugin": found} if found is not None else {}

    # Conditions see the env as stored: `${{ secrets.X }}` stays a reference there.
    context_json = ""
    if any(s.when for s in steps):
        context_json = json.dumps(context(run.variables, job.env, job.matrix, run.trigger))

    return agent_pb2.JobAssignment(
        job_run_id=job.id,
        pipeline_run_id=run.id,
        pipeline_name=run.pipeline_name,
        run_number=run.number,
        job_name=job.name,
        stage=job.stage,
        attempt=job.attempt,
        env={k: clear(str(v)) for k, v in (job.env or {}).items()},
        timeout_seconds=job.timeout_seconds or 0.0,
        context_json=context_json,
        steps=[
            agent_pb2.StepAssignment(
                step_run_id=s.id,
                index=s.index,
                name=s.name,
                run=clear(s.run),
                env={k: clear(str(v)) for k, v in s.env.items()},
                timeout_seconds=s.timeout_seconds or 0.0,
                continue_on_error=s.continue_on_error,
                when=s.when or "",
                uses=s.uses or "",
                action=s.action or "",
                args_json=json.dumps(substitute_nested(s.args, reveal)) if s.uses else "",
                **pin(s.uses),
            )
            for s in steps
        ],
        artifacts=[
            agent_pb2.ArtifactRule(name=r["name"], path=r["path"], expire_days=int(r.get("expire_days") or 0))
            for r in job.artifacts or ()
        ],
        download_artifacts=[str(name) for name in job.download_artifacts or ()],
    )


MAX_RESULT_BYTES = 1024 * 1024


def plugin_result(text: str) -> dict[str, Any] | None:
    """A reported plugin result: None when empty, else a JSON object of at most MAX_RESULT_BYTES."""
    if not text:
        return None
    if len(text) > MAX_RESULT_BYTES:
        raise InvalidInput(f"result_json is {len(text)} bytes; the limit is {MAX_RESULT_BYTES}")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"result_json is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidInput(f"result_json must be a JSON object, got {type(value).__name__}")
    return value


def cancel_pb(cancel: Cancel) -> agent_pb2.CancelJob:
    return agent_pb2.CancelJob(
        job_run_id=cancel.job_run_id, reason=cancel.reason, status=job_status_pb(cancel.status.value)
    )


class AgentServicer(agent_pb2_grpc.AgentServiceServicer):
    def __init__(
        self,
        db: Database,
        tokens: TokenService,
        registry: AgentRegistry,
        engine: RunEngine,
        reports: AgentReports,
        hub: AgentHub,
        heartbeat_interval: float,
        heartbeat_timeout: float,
        secrets: SecretStore | None = None,
        masks: SecretMasks | None = None,
        artifacts: ArtifactStore | None = None,
        plugin_registry: PluginRegistry | None = None,
        marketplace: PluginMarketplace | None = None,
    ) -> None:
        self.db = db
        self.plugin_registry = plugin_registry
        self.marketplace = marketplace
        self.artifacts = artifacts
        self.secrets = secrets
        self.masks = masks
        self.tokens = tokens
        self.registry = registry
        self.engine = engine
        self.reports = reports
        self.hub = hub
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_timeout = heartbeat_timeout

    def _agent_id(self, context: grpc.aio.ServicerContext) -> str:
        agent_id = principal_of(self.tokens, context).agent_id
        assert agent_id is not None, "the interceptor lets only agent tokens through"
        return agent_id

    @unary
    async def Register(
        self, request: agent_pb2.RegisterRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.RegisterResponse:
        agent, secret = self.registry.register(
            request.registration_token,
            request.name,
            dict(request.labels),
            request.capacity or 1,
            request.version,
            request.hostname,
            [
                {"name": p.name, "version": p.version, "sha256": p.sha256, "source": p.source}
                for p in request.installed_plugins
            ],
        )
        log.info("agent %s registered (%s, capacity %d)", agent.name, agent.id, agent.capacity)
        return agent_pb2.RegisterResponse(
            agent_id=agent.id,
            agent_token=secret,
            heartbeat_interval_seconds=self.heartbeat_interval,
            heartbeat_timeout_seconds=self.heartbeat_timeout,
        )

    @unary
    async def Unregister(
        self, request: agent_pb2.UnregisterRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.UnregisterResponse:
        self.registry.unregister(self._agent_id(context))
        return agent_pb2.UnregisterResponse()

    @unary
    async def Heartbeat(
        self, request: agent_pb2.HeartbeatRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.HeartbeatResponse:
        agent_id = self._agent_id(context)
        self.reports.renew_leases(agent_id)
        return agent_pb2.HeartbeatResponse(
            cancel=[cancel_pb(c) for c in self.reports.pending_cancels(agent_id)]
        )

    @unary
    async def UpdateLabels(
        self, request: agent_pb2.UpdateLabelsRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.UpdateLabelsResponse:
        replace = request.mode == agent_pb2.LABEL_UPDATE_MODE_REPLACE
        labels = self.registry.update_labels(self._agent_id(context), dict(request.labels), replace)
        return agent_pb2.UpdateLabelsResponse(labels=labels)

    def _assignment(self, agent_id: str, job_run_id: str) -> agent_pb2.JobAssignment | None:
        """The assignment, or None; a job whose secret is missing fails as if its agent reported it."""
        try:
            return assignment_pb(self.db, job_run_id, self.secrets, self.masks, self.marketplace)
        except MissingSecret as error:
            result = JobResult(
                job_run_id=job_run_id, status=Status.FAILED, exit_code=0, message=error.message
            )
            self.reports.report_job(agent_id, result)
            return None

    def _outgoing(self, agent_id: str, item: Dispatch | Cancel | Evict) -> agent_pb2.ConnectResponse | None:
        if isinstance(item, Cancel):
            return agent_pb2.ConnectResponse(cancel=cancel_pb(item))
        if isinstance(item, Evict):
            evict = agent_pb2.EvictPlugins(sha256=list(item.digests), reason=item.reason)
            return agent_pb2.ConnectResponse(evict=evict)
        assignment = self._assignment(agent_id, item.job_run_id)
        return None if assignment is None else agent_pb2.ConnectResponse(dispatch=assignment)

    async def _read(
        self, agent_id: str, requests: AsyncIterator[agent_pb2.ConnectRequest], connection: AgentConnection
    ) -> None:
        try:
            async for message in requests:
                kind = message.WhichOneof("message")
                if kind in ("hello", "heartbeat"):
                    self.reports.renew_leases(agent_id)
                    if kind == "hello":
                        for cancel in self.reports.pending_cancels(agent_id):
                            connection.send(cancel)
                elif kind == "ack":
                    # The lease taken at assignment covers the job until the next heartbeat renews it.
                    log.debug("agent %s took job %s", agent_id, message.ack.job_run_id)
        except (asyncio.CancelledError, grpc.aio.AioRpcError):
            pass
        except NotFound as error:
            log.warning("agent %s: %s", agent_id, error.message)
        finally:
            connection.close()

    @streaming
    async def Connect(
        self, request_iterator: AsyncIterator[agent_pb2.ConnectRequest], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[agent_pb2.ConnectResponse]:
        agent_id = self._agent_id(context)
        connection = self.hub.attach(agent_id)
        reader = asyncio.create_task(self._read(agent_id, request_iterator, connection))
        self.registry.connected(agent_id)
        self.reports.renew_leases(agent_id)
        self.engine.wake()
        try:
            yield agent_pb2.ConnectResponse(
                config=agent_pb2.ConfigUpdate(
                    heartbeat_interval_seconds=self.heartbeat_interval,
                    heartbeat_timeout_seconds=self.heartbeat_timeout,
                )
            )
            while True:
                item = await connection.queue.get()
                if item is None:
                    break
                outgoing = self._outgoing(agent_id, item)
                if outgoing is not None:
                    yield outgoing
        finally:
            reader.cancel()
            if self.hub.detach(connection):
                self.registry.disconnected(agent_id)

    @unary
    async def FetchJobRun(
        self, request: agent_pb2.FetchJobRunRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.FetchJobRunResponse:
        agent_id = self._agent_id(context)
        wait = min(max(request.wait_seconds, 0.0), MAX_POLL_SECONDS)
        connection = self.hub.attach(agent_id, polling=True)
        self.reports.renew_leases(agent_id)
        self.engine.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        try:
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0 and connection.queue.empty():
                    return agent_pb2.FetchJobRunResponse()
                try:
                    item = await asyncio.wait_for(connection.queue.get(), max(remaining, 0.0))
                except TimeoutError:
                    continue
                if item is None:
                    return agent_pb2.FetchJobRunResponse()
                if isinstance(item, Dispatch):
                    assignment = self._assignment(agent_id, item.job_run_id)
                    if assignment is not None:
                        return agent_pb2.FetchJobRunResponse(assignment=assignment)
                # Cancels reach polling agents through Heartbeat responses; evictions do not reach them
                # (the kernel's pin refuses steps using an uninstalled plugin all the same).
        finally:
            self.hub.detach(connection)

    @unary
    async def ReportStepRunStatus(
        self, request: agent_pb2.ReportStepRunStatusRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.ReportStepRunStatusResponse:
        status = step_status_from_pb(request.status) if request.status else None
        if status is None:
            raise InvalidInput("ReportStepRunStatus: status is required")
        self.reports.report_step(
            self._agent_id(context),
            StepResult(
                step_run_id=request.step_run_id,
                status=status,
                exit_code=request.exit_code,
                message=request.message,
                started_at=from_unix_ms(request.start_time_unix_ms),
                finished_at=from_unix_ms(request.finish_time_unix_ms),
                log_line_count=request.log_line_count if status.final else None,
                result=plugin_result(request.result_json) if status.final else None,
            ),
        )
        return agent_pb2.ReportStepRunStatusResponse()

    @unary
    async def ReportJobRunStatus(
        self, request: agent_pb2.ReportJobRunStatusRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.ReportJobRunStatusResponse:
        if not request.status:
            raise InvalidInput("ReportJobRunStatus: status is required")
        self.reports.report_job(
            self._agent_id(context),
            JobResult(
                job_run_id=request.job_run_id,
                status=job_status_from_pb(request.status),
                exit_code=request.exit_code,
                message=request.message,
                started_at=from_unix_ms(request.start_time_unix_ms),
                finished_at=from_unix_ms(request.finish_time_unix_ms),
            ),
        )
        return agent_pb2.ReportJobRunStatusResponse()

    def _artifact_store(self) -> ArtifactStore:
        if self.artifacts is None:
            raise FailedPrecondition("this kernel has no blob store for artifacts")
        return self.artifacts

    @unary
    async def UploadArtifact(
        self,
        request_iterator: AsyncIterator[agent_pb2.UploadArtifactRequest],
        context: grpc.aio.ServicerContext,
    ) -> agent_pb2.UploadArtifactResponse:
        store = self._artifact_store()
        agent_id = self._agent_id(context)
        with await receive_upload(request_iterator) as upload:
            view = await asyncio.to_thread(
                store.upload, agent_id, upload.job_run_id, upload.name, upload.file_count, upload.archive
            )
        return agent_pb2.UploadArtifactResponse(artifact=artifact_pb(view))

    @streaming
    async def DownloadArtifact(
        self, request: agent_pb2.DownloadArtifactRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[agent_pb2.DownloadArtifactResponse]:
        store = self._artifact_store()
        agent_id = self._agent_id(context)
        view = await asyncio.to_thread(store.for_agent, agent_id, request.job_run_id, request.name)
        async for chunk in await store.stream(view.row):
            yield agent_pb2.DownloadArtifactResponse(chunk=chunk)

    def _plugin_registry(self) -> PluginRegistry:
        if self.plugin_registry is None:
            raise FailedPrecondition(NOT_SET_UP)
        return self.plugin_registry

    @unary
    async def GetRegistryMetadata(
        self, request: agent_pb2.GetRegistryMetadataRequest, context: grpc.aio.ServicerContext
    ) -> agent_pb2.GetRegistryMetadataResponse:
        self._agent_id(context)
        registry = self._plugin_registry()
        path = await asyncio.to_thread(registry.metadata_path, request.name)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound(f"no registry metadata file {request.name!r}") from None
        return agent_pb2.GetRegistryMetadataResponse(data=data)

    @streaming
    async def DownloadPlugin(
        self, request: agent_pb2.DownloadPluginRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[agent_pb2.DownloadPluginResponse]:
        self._agent_id(context)
        if self.marketplace is None:
            raise FailedPrecondition(NOT_SET_UP)
        try:  # verified in full (cache tiers, then the blob store) before the first chunk; counted
            data = await asyncio.to_thread(self.marketplace.package, request.sha256)
        except IntegrityError as error:  # the stored blob was tampered with: say so, send nothing
            log.error("plugin download refused: %s", error)
            await context.abort(grpc.StatusCode.DATA_LOSS, str(error))
            return
        for start in range(0, len(data), PLUGIN_CHUNK_BYTES):
            yield agent_pb2.DownloadPluginResponse(chunk=data[start : start + PLUGIN_CHUNK_BYTES])
