"""Client and server classes corresponding to protobuf-defined services."""
import grpc
import warnings
from ....arcade.pipeline.v1 import pipeline_pb2 as arcade_dot_pipeline_dot_v1_dot_pipeline__pb2
GRPC_GENERATED_VERSION = '1.71.2'
GRPC_VERSION = grpc.__version__
_version_not_supported = False
try:
    from grpc._utilities import first_version_is_lower
    _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)
except ImportError:
    _version_not_supported = True
if _version_not_supported:
    raise RuntimeError(f'The grpc package installed is at version {GRPC_VERSION},' + f' but the generated code in arcade/pipeline/v1/pipeline_pb2_grpc.py depends on' + f' grpcio>={GRPC_GENERATED_VERSION}.' + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}' + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.')

class PipelineServiceStub(object):
    """Missing associated documentation comment in .proto file."""

    def __init__(self, channel):
        """Constructor.

        Args:
            channel: A grpc.Channel.
        """
        self.CreatePipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/CreatePipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineResponse.FromString, _registered_method=True)
        self.UpdatePipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/UpdatePipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineResponse.FromString, _registered_method=True)
        self.GetPipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/GetPipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineResponse.FromString, _registered_method=True)
        self.ListPipelines = channel.unary_unary('/arcade.pipeline.v1.PipelineService/ListPipelines', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesResponse.FromString, _registered_method=True)
        self.DeletePipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/DeletePipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineResponse.FromString, _registered_method=True)
        self.TriggerPipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/TriggerPipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineResponse.FromString, _registered_method=True)
        self.StopPipeline = channel.unary_unary('/arcade.pipeline.v1.PipelineService/StopPipeline', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineResponse.FromString, _registered_method=True)
        self.GetPipelineRun = channel.unary_unary('/arcade.pipeline.v1.PipelineService/GetPipelineRun', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunResponse.FromString, _registered_method=True)
        self.ListPipelineRuns = channel.unary_unary('/arcade.pipeline.v1.PipelineService/ListPipelineRuns', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsResponse.FromString, _registered_method=True)
        self.ValidatePipelineSpec = channel.unary_unary('/arcade.pipeline.v1.PipelineService/ValidatePipelineSpec', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecResponse.FromString, _registered_method=True)
        self.ApproveStage = channel.unary_unary('/arcade.pipeline.v1.PipelineService/ApproveStage', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageResponse.FromString, _registered_method=True)
        self.RejectStage = channel.unary_unary('/arcade.pipeline.v1.PipelineService/RejectStage', request_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageRequest.SerializeToString, response_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageResponse.FromString, _registered_method=True)

class PipelineServiceServicer(object):
    """Missing associated documentation comment in .proto file."""

    def CreatePipeline(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def UpdatePipeline(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def GetPipeline(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ListPipelines(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def DeletePipeline(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def TriggerPipeline(self, request, context):
        """Idempotent on (pipeline, request_id): a repeated request returns the run it created first.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StopPipeline(self, request, context):
        """Cancels a run: queued jobs are cancelled, running steps are killed.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def GetPipelineRun(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ListPipelineRuns(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ValidatePipelineSpec(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ApproveStage(self, request, context):
        """Opens a stage's manual gate; who and when are recorded.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def RejectStage(self, request, context):
        """Closes a stage's manual gate for good: the rest of the run is cancelled.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

def add_PipelineServiceServicer_to_server(servicer, server):
    rpc_method_handlers = {'CreatePipeline': grpc.unary_unary_rpc_method_handler(servicer.CreatePipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineResponse.SerializeToString), 'UpdatePipeline': grpc.unary_unary_rpc_method_handler(servicer.UpdatePipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineResponse.SerializeToString), 'GetPipeline': grpc.unary_unary_rpc_method_handler(servicer.GetPipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineResponse.SerializeToString), 'ListPipelines': grpc.unary_unary_rpc_method_handler(servicer.ListPipelines, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesResponse.SerializeToString), 'DeletePipeline': grpc.unary_unary_rpc_method_handler(servicer.DeletePipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineResponse.SerializeToString), 'TriggerPipeline': grpc.unary_unary_rpc_method_handler(servicer.TriggerPipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineResponse.SerializeToString), 'StopPipeline': grpc.unary_unary_rpc_method_handler(servicer.StopPipeline, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineResponse.SerializeToString), 'GetPipelineRun': grpc.unary_unary_rpc_method_handler(servicer.GetPipelineRun, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunResponse.SerializeToString), 'ListPipelineRuns': grpc.unary_unary_rpc_method_handler(servicer.ListPipelineRuns, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsResponse.SerializeToString), 'ValidatePipelineSpec': grpc.unary_unary_rpc_method_handler(servicer.ValidatePipelineSpec, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecResponse.SerializeToString), 'ApproveStage': grpc.unary_unary_rpc_method_handler(servicer.ApproveStage, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageResponse.SerializeToString), 'RejectStage': grpc.unary_unary_rpc_method_handler(servicer.RejectStage, request_deserializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageRequest.FromString, response_serializer=arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageResponse.SerializeToString)}
    generic_handler = grpc.method_handlers_generic_handler('arcade.pipeline.v1.PipelineService', rpc_method_handlers)
    server.add_generic_rpc_handlers((generic_handler,))
    server.add_registered_method_handlers('arcade.pipeline.v1.PipelineService', rpc_method_handlers)

class PipelineService(object):
    """Missing associated documentation comment in .proto file."""

    @staticmethod
    def CreatePipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/CreatePipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.CreatePipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def UpdatePipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/UpdatePipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.UpdatePipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def GetPipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/GetPipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ListPipelines(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/ListPipelines', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelinesResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def DeletePipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/DeletePipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.DeletePipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def TriggerPipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/TriggerPipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.TriggerPipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StopPipeline(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/StopPipeline', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.StopPipelineResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def GetPipelineRun(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/GetPipelineRun', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.GetPipelineRunResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ListPipelineRuns(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/ListPipelineRuns', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ListPipelineRunsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ValidatePipelineSpec(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/ValidatePipelineSpec', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ValidatePipelineSpecResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ApproveStage(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/ApproveStage', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.ApproveStageResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def RejectStage(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.pipeline.v1.PipelineService/RejectStage', arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageRequest.SerializeToString, arcade_dot_pipeline_dot_v1_dot_pipeline__pb2.RejectStageResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)