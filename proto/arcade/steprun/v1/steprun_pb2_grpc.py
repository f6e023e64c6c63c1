"""Client and server classes corresponding to protobuf-defined services."""
import grpc
import warnings
from ....arcade.steprun.v1 import steprun_pb2 as arcade_dot_steprun_dot_v1_dot_steprun__pb2
GRPC_GENERATED_VERSION = '1.71.2'
GRPC_VERSION = grpc.__version__
_version_not_supported = False
try:
    from grpc._utilities import first_version_is_lower
    _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)
except ImportError:
    _version_not_supported = True
if _version_not_supported:
    raise RuntimeError(f'The grpc package installed is at version {GRPC_VERSION},' + f' but the generated code in arcade/steprun/v1/steprun_pb2_grpc.py depends on' + f' grpcio>={GRPC_GENERATED_VERSION}.' + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}' + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.')

class StepRunServiceStub(object):
    """Missing associated documentation comment in .proto file."""

    def __init__(self, channel):
        """Constructor.

        Args:
            channel: A grpc.Channel.
        """
        self.GetStepRun = channel.unary_unary('/arcade.steprun.v1.StepRunService/GetStepRun', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunResponse.FromString, _registered_method=True)
        self.ListStepRuns = channel.unary_unary('/arcade.steprun.v1.StepRunService/ListStepRuns', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsResponse.FromString, _registered_method=True)
        self.CancelStepRun = channel.unary_unary('/arcade.steprun.v1.StepRunService/CancelStepRun', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunResponse.FromString, _registered_method=True)
        self.GetStepRunLog = channel.unary_unary('/arcade.steprun.v1.StepRunService/GetStepRunLog', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogResponse.FromString, _registered_method=True)
        self.ListStepRunArtifacts = channel.unary_unary('/arcade.steprun.v1.StepRunService/ListStepRunArtifacts', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsResponse.FromString, _registered_method=True)
        self.RetryStepRun = channel.unary_unary('/arcade.steprun.v1.StepRunService/RetryStepRun', request_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunRequest.SerializeToString, response_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunResponse.FromString, _registered_method=True)

class StepRunServiceServicer(object):
    """Missing associated documentation comment in .proto file."""

    def GetStepRun(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ListStepRuns(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def CancelStepRun(self, request, context):
        """Kills the step; the rest of its job is cancelled.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def GetStepRunLog(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ListStepRunArtifacts(self, request, context):
        """Artifacts of a run, a job run or a step run (set exactly one of the ids), oldest first.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def RetryStepRun(self, request, context):
        """Reruns the job of a step run (or a job run) that ended FAILED, TIMEOUT or CANCELLED: its latest
        attempt and every finished job that waits for it get a new attempt; a finished run goes on.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

def add_StepRunServiceServicer_to_server(servicer, server):
    rpc_method_handlers = {'GetStepRun': grpc.unary_unary_rpc_method_handler(servicer.GetStepRun, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunResponse.SerializeToString), 'ListStepRuns': grpc.unary_unary_rpc_method_handler(servicer.ListStepRuns, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsResponse.SerializeToString), 'CancelStepRun': grpc.unary_unary_rpc_method_handler(servicer.CancelStepRun, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunResponse.SerializeToString), 'GetStepRunLog': grpc.unary_unary_rpc_method_handler(servicer.GetStepRunLog, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogResponse.SerializeToString), 'ListStepRunArtifacts': grpc.unary_unary_rpc_method_handler(servicer.ListStepRunArtifacts, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsResponse.SerializeToString), 'RetryStepRun': grpc.unary_unary_rpc_method_handler(servicer.RetryStepRun, request_deserializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunRequest.FromString, response_serializer=arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunResponse.SerializeToString)}
    generic_handler = grpc.method_handlers_generic_handler('arcade.steprun.v1.StepRunService', rpc_method_handlers)
    server.add_generic_rpc_handlers((generic_handler,))
    server.add_registered_method_handlers('arcade.steprun.v1.StepRunService', rpc_method_handlers)

class StepRunService(object):
    """Missing associated documentation comment in .proto file."""

    @staticmethod
    def GetStepRun(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/GetStepRun', arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ListStepRuns(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/ListStepRuns', arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def CancelStepRun(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/CancelStepRun', arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.CancelStepRunResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def GetStepRunLog(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/GetStepRunLog', arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.GetStepRunLogResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ListStepRunArtifacts(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/ListStepRunArtifacts', arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.ListStepRunArtifactsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def RetryStepRun(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.steprun.v1.StepRunService/RetryStepRun', arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunRequest.SerializeToString, arcade_dot_steprun_dot_v1_dot_steprun__pb2.RetryStepRunResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)