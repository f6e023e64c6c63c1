"""Client and server classes corresponding to protobuf-defined services."""
import grpc
import warnings
from ....arcade.agent.v1 import agent_pb2 as arcade_dot_agent_dot_v1_dot_agent__pb2
GRPC_GENERATED_VERSION = '1.71.2'
GRPC_VERSION = grpc.__version__
_version_not_supported = False
try:
    from grpc._utilities import first_version_is_lower
    _version_not_supported = first_version_is_lower(GRPC_VERSION, GRPC_GENERATED_VERSION)
except ImportError:
    _version_not_supported = True
if _version_not_supported:
    raise RuntimeError(f'The grpc package installed is at version {GRPC_VERSION},' + f' but the generated code in arcade/agent/v1/agent_pb2_grpc.py depends on' + f' grpcio>={GRPC_GENERATED_VERSION}.' + f' Please upgrade your grpc module to grpcio>={GRPC_GENERATED_VERSION}' + f' or downgrade your generated code using grpcio-tools<={GRPC_VERSION}.')

class AgentServiceStub(object):
    """Missing associated documentation comment in .proto file."""

    def __init__(self, channel):
        """Constructor.

        Args:
            channel: A grpc.Channel.
        """
        self.Register = channel.unary_unary('/arcade.agent.v1.AgentService/Register', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterResponse.FromString, _registered_method=True)
        self.Unregister = channel.unary_unary('/arcade.agent.v1.AgentService/Unregister', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterResponse.FromString, _registered_method=True)
        self.Heartbeat = channel.unary_unary('/arcade.agent.v1.AgentService/Heartbeat', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatResponse.FromString, _registered_method=True)
        self.UpdateLabels = channel.unary_unary('/arcade.agent.v1.AgentService/UpdateLabels', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsResponse.FromString, _registered_method=True)
        self.Connect = channel.stream_stream('/arcade.agent.v1.AgentService/Connect', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectResponse.FromString, _registered_method=True)
        self.FetchJobRun = channel.unary_unary('/arcade.agent.v1.AgentService/FetchJobRun', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunResponse.FromString, _registered_method=True)
        self.ReportStepRunStatus = channel.unary_unary('/arcade.agent.v1.AgentService/ReportStepRunStatus', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusResponse.FromString, _registered_method=True)
        self.ReportJobRunStatus = channel.unary_unary('/arcade.agent.v1.AgentService/ReportJobRunStatus', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusResponse.FromString, _registered_method=True)
        self.UploadArtifact = channel.stream_unary('/arcade.agent.v1.AgentService/UploadArtifact', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactResponse.FromString, _registered_method=True)
        self.DownloadArtifact = channel.unary_stream('/arcade.agent.v1.AgentService/DownloadArtifact', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactResponse.FromString, _registered_method=True)
        self.DownloadPlugin = channel.unary_stream('/arcade.agent.v1.AgentService/DownloadPlugin', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginResponse.FromString, _registered_method=True)
        self.GetRegistryMetadata = channel.unary_unary('/arcade.agent.v1.AgentService/GetRegistryMetadata', request_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataRequest.SerializeToString, response_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataResponse.FromString, _registered_method=True)

class AgentServiceServicer(object):
    """Missing associated documentation comment in .proto file."""

    def Register(self, request, context):
        """Exchanges a registration token (in the request, not in metadata) for the agent's own token.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def Unregister(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def Heartbeat(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def UpdateLabels(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def Connect(self, request_iterator, context):
        """Long-lived stream: the agent sends hello, heartbeats and acks; the kernel sends dispatch, cancel and config.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def FetchJobRun(self, request, context):
        """Fallback for agents that cannot keep a stream open: waits up to wait_seconds for a job.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ReportStepRunStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def ReportJobRunStatus(self, request, context):
        """Missing associated documentation comment in .proto file."""
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def UploadArtifact(self, request_iterator, context):
        """Stores a job's artifact: the first message carries the metadata, the following ones the archive's bytes.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def DownloadArtifact(self, request, context):
        """The newest artifact of that name in the run of the agent's job, as chunks of its archive.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def DownloadPlugin(self, request, context):
        """A published plugin package by its sha256, as chunks (NOT_FOUND unless a published version has it).
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

    def GetRegistryMetadata(self, request, context):
        """One file of the registry's signed metadata (NOT_FOUND when missing, FAILED_PRECONDITION when the
        registry is not set up); agents verify it themselves against the root they were given at install.
        """
        context.set_code(grpc.StatusCode.UNIMPLEMENTED)
        context.set_details('Method not implemented!')
        raise NotImplementedError('Method not implemented!')

def add_AgentServiceServicer_to_server(servicer, server):
    rpc_method_handlers = {'Register': grpc.unary_unary_rpc_method_handler(servicer.Register, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterResponse.SerializeToString), 'Unregister': grpc.unary_unary_rpc_method_handler(servicer.Unregister, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterResponse.SerializeToString), 'Heartbeat': grpc.unary_unary_rpc_method_handler(servicer.Heartbeat, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatResponse.SerializeToString), 'UpdateLabels': grpc.unary_unary_rpc_method_handler(servicer.UpdateLabels, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsResponse.SerializeToString), 'Connect': grpc.stream_stream_rpc_method_handler(servicer.Connect, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectResponse.SerializeToString), 'FetchJobRun': grpc.unary_unary_rpc_method_handler(servicer.FetchJobRun, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunResponse.SerializeToString), 'ReportStepRunStatus': grpc.unary_unary_rpc_method_handler(servicer.ReportStepRunStatus, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusResponse.SerializeToString), 'ReportJobRunStatus': grpc.unary_unary_rpc_method_handler(servicer.ReportJobRunStatus, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusResponse.SerializeToString), 'UploadArtifact': grpc.stream_unary_rpc_method_handler(servicer.UploadArtifact, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactResponse.SerializeToString), 'DownloadArtifact': grpc.unary_stream_rpc_method_handler(servicer.DownloadArtifact, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactResponse.SerializeToString), 'DownloadPlugin': grpc.unary_stream_rpc_method_handler(servicer.DownloadPlugin, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginResponse.SerializeToString), 'GetRegistryMetadata': grpc.unary_unary_rpc_method_handler(servicer.GetRegistryMetadata, request_deserializer=arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataRequest.FromString, response_serializer=arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataResponse.SerializeToString)}
    generic_handler = grpc.method_handlers_generic_handler('arcade.agent.v1.AgentService', rpc_method_handlers)
    server.add_generic_rpc_handlers((generic_handler,))
    server.add_registered_method_handlers('arcade.agent.v1.AgentService', rpc_method_handlers)

class AgentService(object):
    """Missing associated documentation comment in .proto file."""

    @staticmethod
    def Register(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/Register', arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.RegisterResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def Unregister(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/Unregister', arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.UnregisterResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def Heartbeat(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/Heartbeat', arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.HeartbeatResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def UpdateLabels(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/UpdateLabels', arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.UpdateLabelsResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def Connect(request_iterator, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.stream_stream(request_iterator, target, '/arcade.agent.v1.AgentService/Connect', arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.ConnectResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def FetchJobRun(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/FetchJobRun', arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.FetchJobRunResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ReportStepRunStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/ReportStepRunStatus', arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.ReportStepRunStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def ReportJobRunStatus(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/ReportJobRunStatus', arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.ReportJobRunStatusResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def UploadArtifact(request_iterator, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.stream_unary(request_iterator, target, '/arcade.agent.v1.AgentService/UploadArtifact', arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.UploadArtifactResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def DownloadArtifact(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.agent.v1.AgentService/DownloadArtifact', arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadArtifactResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def DownloadPlugin(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_stream(request, target, '/arcade.agent.v1.AgentService/DownloadPlugin', arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.DownloadPluginResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)

    @staticmethod
    def GetRegistryMetadata(request, target, options=(), channel_credentials=None, call_credentials=None, insecure=False, compression=None, wait_for_ready=None, timeout=None, metadata=None):
        return grpc.experimental.unary_unary(request, target, '/arcade.agent.v1.AgentService/GetRegistryMetadata', arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataRequest.SerializeToString, arcade_dot_agent_dot_v1_dot_agent__pb2.GetRegistryMetadataResponse.FromString, options, channel_credentials, insecure, call_credentials, compression, wait_for_ready, timeout, metadata, _registered_method=True)