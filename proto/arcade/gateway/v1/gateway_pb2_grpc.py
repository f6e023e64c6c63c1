"""Client and server classes corresponding to protobuf-defined services."""
import grpc
import warnings
from ....arcade.gateway.v1 import gateway_pb2 as arcade_dot_gateway_dot_v1_dot_gateway__pb2
GRPC_GENERATED_VERSION = '1.71.2'
GRPC_VERSION = grpc.__version__
_version_not_supported = False
try:
    from grpc._utilities import first_version_is_lower
    _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)
except ImportError:
    _version_not_supported = True
if _version_not_supported:
    raise RuntimeError(f'The grpc package installed is at version {GRPC_VERSION},' + f' but the generated code in arcade/gateway/v1/gateway_pb2_grpc.py depends on' + f' grpcio>={GRPC_GENERATED_VERSION}.' + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}' + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.')

class GatewayServiceStub(object):
    """Missing associated documentation comment in .proto file."""

    def __init__(self, channel):
        """Constructor.

        Args:
            channel: A grpc.Channel.
        """
        self.PushLogs = channel.stream_unary('/arcade.gateway.v1.GatewayService/PushLogs', request_serializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsRequest.SerializeToString, response_deserializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsResponse.FromString, _registered_method=True)
        self.PushEvents = channel.stream_unary('/arcade.gateway.v1.GatewayService/PushEvents', request_serializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsRequest.SerializeToString, response_deserializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsResponse.FromString, _registered_method=True)

class GatewayServiceServicer(object):
    """Missing associated documentation comment in .proto file."""

    def PushLogs(self, request_iterator, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def PushEvents(self, request_iterator, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

def add_GatewayServiceServicer_to_server(servicer, server):
    rpc_method_handlers = {'PushLogs': grpc.stream_unary_rpc_method_handler(servicer.PushLogs, request_deserializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsRequest.FromString, response_serializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsResponse.SerializeToString), 'PushEvents': grpc.stream_unary_rpc_method_handler(servicer.PushEvents, request_deserializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsRequest.FromString, response_serializer=arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsResponse.SerializeToString)}
    generic_handler = grpc.method_handlers_generic_handler('arcade.gateway.v1.GatewayService', rpc_method_handlers)
    server.add_generic_rpc_handlers((generic_handler,))
    server.add_registered_method_handlers('arcade.gateway.v1.GatewayService', rpc_method_handlers)

class GatewayService(object):
    """Missing associated documentation comment in .proto file."""

    @staticmethod
    def PushLogs(request_iterator, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.stream_unary(request_iterator, target, '/arcade.gateway.v1.GatewayService/PushLogs', arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsRequest.SerializeToString, arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushLogsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def PushEvents(request_iterator, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.stream_unary(request_iterator, target, '/arcade.gateway.v1.GatewayService/PushEvents', arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsRequest.SerializeToString, arcade_dot_gateway_dot_v1_dot_gateway__pb2.PushEventsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)