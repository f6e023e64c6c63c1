"""Client and server classes corresponding to protobuf-defined services."""
import grpc
import warnings
from ....arcade.stream.v1 import stream_pb2 as arcade_dot_stream_dot_v1_dot_stream__pb2
GRPC_GENERATED_VERSION = '1.71.2'
GRPC_VERSION = grpc.__version__
_version_not_supported = False
try:
    from grpc._utilities import first_version_is_lower
    _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)
except ImportError:
    _version_not_supported = True
if _version_not_supported:
    raise RuntimeError(f'The grpc package installed is at version {GRPC_VERSION},' + f' but the generated code in arcade/stream/v1/stream_pb2_grpc.py depends on' + f' grpcio>={GRPC_GENERATED_VERSION}.' + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}' + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.')

class StreamServiceStub(object):
    """Missing associated documentation comment in .proto file."""

    def __init__(self, channel):
        """Constructor.

        Args:
            channel: A grpc.Channel.
        """
        self.StreamStepRunLog = channel.unary_stream('/arcade.stream.v1.StreamService/StreamStepRunLog', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogResponse.FromString, _registered_method=True)
        self.StreamStepRunStatus = channel.unary_stream('/arcade.stream.v1.StreamService/StreamStepRunStatus', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusResponse.FromString, _registered_method=True)
        self.StreamJobStatus = channel.unary_stream('/arcade.stream.v1.StreamService/StreamJobStatus', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusResponse.FromString, _registered_method=True)
        self.StreamPipelineStatus = channel.unary_stream('/arcade.stream.v1.StreamService/StreamPipelineStatus', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusResponse.FromString, _registered_method=True)
        self.StreamAgentStatus = channel.unary_stream('/arcade.stream.v1.StreamService/StreamAgentStatus', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusResponse.FromString, _registered_method=True)
        self.StreamEvents = channel.unary_stream('/arcade.stream.v1.StreamService/StreamEvents', request_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsRequest.SerializeToString, response_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsResponse.FromString, _registered_method=True)

class StreamServiceServicer(object):
    """Missing associated documentation comment in .proto file."""

    def StreamStepRunLog(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StreamStepRunStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StreamJobStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StreamPipelineStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StreamAgentStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def StreamEvents(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

def add_StreamServiceServicer_to_server(servicer, server):
    rpc_method_handlers = {'StreamStepRunLog': grpc.unary_stream_rpc_method_handler(servicer.StreamStepRunLog, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogResponse.SerializeToString), 'StreamStepRunStatus': grpc.unary_stream_rpc_method_handler(servicer.StreamStepRunStatus, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusResponse.SerializeToString), 'StreamJobStatus': grpc.unary_stream_rpc_method_handler(servicer.StreamJobStatus, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusResponse.SerializeToString), 'StreamPipelineStatus': grpc.unary_stream_rpc_method_handler(servicer.StreamPipelineStatus, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusResponse.SerializeToString), 'StreamAgentStatus': grpc.unary_stream_rpc_method_handler(servicer.StreamAgentStatus, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusResponse.SerializeToString), 'StreamEvents': grpc.unary_stream_rpc_method_handler(servicer.StreamEvents, request_deserializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsRequest.FromString, response_serializer=arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsResponse.SerializeToString)}
    generic_handler = grpc.method_handlers_generic_handler('arcade.stream.v1.StreamService', rpc_method_handlers)
    server.add_generic_rpc_handlers((generic_handler,))
    server.add_registered_method_handlers('arcade.stream.v1.StreamService', rpc_method_handlers)

class StreamService(object):
    """Missing associated documentation comment in .proto file."""

    @staticmethod
    def StreamStepRunLog(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamStepRunLog', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunLogResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StreamStepRunStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamStepRunStatus', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamStepRunStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StreamJobStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamJobStatus', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamJobStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StreamPipelineStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamPipelineStatus', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamPipelineStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StreamAgentStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamAgentStatus', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamAgentStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def StreamEvents(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.stream.v1.StreamService/StreamEvents', arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsRequest.SerializeToString, arcade_dot_stream_dot_v1_dot_stream__pb2.StreamEventsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)