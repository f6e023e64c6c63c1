"""arcade.pipeline.v1.PipelineService: pipelines and their runs."""

from __future__ import annotations

from typing import Any

import grpc

from kernel.auth import TokenService
from kernel.engine import RunEngine
from kernel.pipelines import PipelineCatalog
from kernel.queries import RunQueries
from kernel.services.auth import principal_of
from kernel.services.convert import pipeline_pb, run_pb
from kernel.services.errors import unary
from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    def __init__(
        self, catalog: PipelineCatalog, engine: RunEngine, queries: RunQueries, tokens: TokenService
    ) -> None:
        self.catalog = catalog
        self.engine = engine
        self.queries = queries
        self.tokens = tokens

    @unary
    async def CreatePipeline(
        self, request: pipeline_pb2.CreatePipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.CreatePipelineResponse:
        row = self.catalog.create(request.spec_yaml, request.file_name, upsert=request.upsert)
        return pipeline_pb2.CreatePipelineResponse(pipeline=pipeline_pb(row))

    @unary
    async def UpdatePipeline(
        self, request: pipeline_pb2.UpdatePipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.UpdatePipelineResponse:
        row = self.catalog.update(request.pipeline, request.spec_yaml, request.file_name)
        return pipeline_pb2.UpdatePipelineResponse(pipeline=pipeline_pb(row))

    @unary
    async def GetPipeline(
        self, request: pipeline_pb2.GetPipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.GetPipelineResponse:
        return pipeline_pb2.GetPipelineResponse(pipeline=pipeline_pb(self.catalog.get(request.pipeline)))

    @unary
    async def ListPipelines(
        self, request: pipeline_pb2.ListPipelinesRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.ListPipelinesResponse:
        return pipeline_pb2.ListPipelinesResponse(pipelines=[pipeline_pb(p) for p in self.catalog.list()])

    @unary
    async def DeletePipeline(
        self, request: pipeline_pb2.DeletePipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.DeletePipelineResponse:
        self.catalog.delete(request.pipeline)
        return pipeline_pb2.DeletePipelineResponse()

    @unary
    async def TriggerPipeline(
        self, request: pipeline_pb2.TriggerPipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.TriggerPipelineResponse:
        run_id = self.engine.trigger(
            request.pipeline, dict(request.variables), request.request_id or None, {"type": "api"}
        )
        return pipeline_pb2.TriggerPipelineResponse(run=run_pb(*self.queries.run_tree(run_id)))

    @unary
    async def StopPipeline(
        self, request: pipeline_pb2.StopPipelineRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.StopPipelineResponse:
        run_id = self.queries.resolve_run_id(request.pipeline_run_id)
        self.engine.cancel_run(run_id)
        return pipeline_pb2.StopPipelineResponse(run=run_pb(*self.queries.run_tree(run_id)))

    @unary
    async def GetPipelineRun(
        self, request: pipeline_pb2.GetPipelineRunRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.GetPipelineRunResponse:
        return pipeline_pb2.GetPipelineRunResponse(
            run=run_pb(*self.queries.run_tree(request.pipeline_run_id))
        )

    @unary
    async def ListPipelineRuns(
        self, request: pipeline_pb2.ListPipelineRunsRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.ListPipelineRunsResponse:
        runs = self.queries.list_runs(request.pipeline, request.limit or 50)
        return pipeline_pb2.ListPipelineRunsResponse(runs=[run_pb(run) for run in runs])

    @unary
    async def ValidatePipelineSpec(
        self, request: pipeline_pb2.ValidatePipelineSpecRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.ValidatePipelineSpecResponse:
        errors = self.catalog.validate(request.spec_yaml, request.file_name)
        return pipeline_pb2.ValidatePipelineSpecResponse(
            valid=not errors,
            errors=[
                pipeline_pb2.SpecError(file=e.file, line=e.line, column=e.column, message=e.message)
                for e in errors
            ],
        )

    async def _decide(self, request: Any, context: grpc.aio.ServicerContext, approve: bool) -> Any:
        run_id = self.queries.resolve_run_id(request.pipeline_run_id)
        who = principal_of(self.tokens, context).label
        self.engine.decide_stage(run_id, request.stage, approve, who, request.comment)
        return run_pb(*self.queries.run_tree(run_id))

    @unary
    async def ApproveStage(
        self, request: pipeline_pb2.ApproveStageRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.ApproveStageResponse:
        return pipeline_pb2.ApproveStageResponse(run=await self._decide(request, context, approve=True))

    @unary
    async def RejectStage(
        self, request: pipeline_pb2.RejectStageRequest, context: grpc.aio.ServicerContext
    ) -> pipeline_pb2.RejectStageResponse:
        return pipeline_pb2.RejectStageResponse(run=await self._decide(request, context, approve=False))
