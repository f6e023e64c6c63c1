"""arcade.steprun.v1.StepRunService: step runs, cancellation and stored logs."""

from __future__ import annotations

import grpc

from kernel.artifacts import ArtifactStore
from kernel.auth import TokenService
from kernel.engine import RunEngine
from kernel.errors import InvalidInput
from kernel.logstore import LogStore
from kernel.queries import RunQueries
from kernel.services.auth import principal_of
from kernel.services.convert import artifact_pb, job_pb, lines_pb, step_pb
from kernel.services.errors import unary
from kernel.status import Status
from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc


class StepRunServicer(steprun_pb2_grpc.StepRunServiceServicer):
    def __init__(
        self,
        queries: RunQueries,
        engine: RunEngine,
        logs: LogStore,
        artifacts: ArtifactStore,
        tokens: TokenService,
    ) -> None:
        self.queries = queries
        self.engine = engine
        self.logs = logs
        self.artifacts = artifacts
        self.tokens = tokens

    @unary
    async def GetStepRun(
        self, request: steprun_pb2.GetStepRunRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.GetStepRunResponse:
        return steprun_pb2.GetStepRunResponse(step_run=step_pb(self.queries.step(request.step_run_id)))

    @unary
    async def ListStepRuns(
        self, request: steprun_pb2.ListStepRunsRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.ListStepRunsResponse:
        steps = self.queries.steps(request.pipeline_run_id, request.job_run_id)
        return steprun_pb2.ListStepRunsResponse(step_runs=[step_pb(s) for s in steps])

    @unary
    async def CancelStepRun(
        self, request: steprun_pb2.CancelStepRunRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.CancelStepRunResponse:
        step = self.queries.step(request.step_run_id)
        self.engine.cancel_job(step.job_run_id, f"step '{step.name}' cancelled by user")
        return steprun_pb2.CancelStepRunResponse(step_run=step_pb(self.queries.step(request.step_run_id)))

    @unary
    async def GetStepRunLog(
        self, request: steprun_pb2.GetStepRunLogRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.GetStepRunLogResponse:
        step = self.queries.step(request.step_run_id)
        lines = self.logs.read(step.id, max(1, request.from_seq), request.limit or None)
        complete = Status(step.status).final and (
            step.log_line_count is None or step.log_seq >= step.log_line_count
        )
        if lines and request.limit and len(lines) == request.limit:
            complete = complete and lines[-1].seq >= step.log_seq
        return steprun_pb2.GetStepRunLogResponse(lines=lines_pb(lines), complete=complete)

    @unary
    async def ListStepRunArtifacts(
        self, request: steprun_pb2.ListStepRunArtifactsRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.ListStepRunArtifactsResponse:
        run_id = self.queries.resolve_run_id(request.pipeline_run_id) if request.pipeline_run_id else ""
        views = self.artifacts.list(run_id, request.job_run_id, request.step_run_id)
        return steprun_pb2.ListStepRunArtifactsResponse(artifacts=[artifact_pb(v) for v in views])

    @unary
    async def RetryStepRun(
        self, request: steprun_pb2.RetryStepRunRequest, context: grpc.aio.ServicerContext
    ) -> steprun_pb2.RetryStepRunResponse:
        if request.step_run_id:
            job_run_id = self.queries.step(request.step_run_id).job_run_id
        elif request.job_run_id:
            job_run_id = request.job_run_id
        else:
            raise InvalidInput("RetryStepRun: give step_run_id or job_run_id")
        job, _ = self.queries.job(job_run_id)
        who = principal_of(self.tokens, context).label
        new_id = self.engine.rerun_job(job.run_id, job.name, who)
        return steprun_pb2.RetryStepRunResponse(job_run=job_pb(*self.queries.job(new_id)))
