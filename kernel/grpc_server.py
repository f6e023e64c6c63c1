"""The kernel's gRPC server: the five Arcade services, health checking and reflection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from kernel.services.agent import AgentServicer
from kernel.services.auth import AuthInterceptor
from kernel.services.gateway import GatewayServicer
from kernel.services.pipeline import PipelineServicer
from kernel.services.steprun import StepRunServicer
from kernel.services.stream import StreamServicer
from proto.arcade.agent.v1 import agent_pb2, agent_pb2_grpc
from proto.arcade.gateway.v1 import gateway_pb2, gateway_pb2_grpc
from proto.arcade.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from proto.arcade.steprun.v1 import steprun_pb2, steprun_pb2_grpc
from proto.arcade.stream.v1 import stream_pb2, stream_pb2_grpc

if TYPE_CHECKING:
    from kernel.app import Kernel

SERVICE_NAMES = (
    agent_pb2.DESCRIPTOR.services_by_name["AgentService"].full_name,
    gateway_pb2.DESCRIPTOR.services_by_name["GatewayService"].full_name,
    pipeline_pb2.DESCRIPTOR.services_by_name["PipelineService"].full_name,
    steprun_pb2.DESCRIPTOR.services_by_name["StepRunService"].full_name,
    stream_pb2.DESCRIPTOR.services_by_name["StreamService"].full_name,
)
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


def _credentials(kernel: Kernel) -> grpc.ServerCredentials | None:
    s = kernel.settings
    if not s.tls_cert:
        return None
    with open(s.tls_cert, "rb") as cert, open(s.tls_key, "rb") as key:
        pair = (key.read(), cert.read())
    if s.tls_ca:
        with open(s.tls_ca, "rb") as ca:
            return grpc.ssl_server_credentials([pair], root_certificates=ca.read(), require_client_auth=True)
    return grpc.ssl_server_credentials([pair])


async def build_server(kernel: Kernel, addr: str) -> tuple[grpc.aio.Server, int]:
    """A configured server bound to `addr`; returns it and the bound port."""
    server = grpc.aio.server(
        interceptors=[AuthInterceptor(kernel.tokens, kernel.metrics)],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.keepalive_time_ms", 20_000),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
        ],
    )
    s = kernel.settings
    agent_pb2_grpc.add_AgentServiceServicer_to_server(
        AgentServicer(
            kernel.db,
            kernel.tokens,
            kernel.agents,
            kernel.engine,
            kernel.reports,
            kernel.hub,
            s.heartbeat_interval,
            s.heartbeat_timeout,
            kernel.secrets,
            kernel.masks,
            kernel.artifacts,
            kernel.registry,
            kernel.marketplace,
        ),
        server,
    )
    gateway_pb2_grpc.add_GatewayServiceServicer_to_server(
        GatewayServicer(kernel.tokens, kernel.logs, kernel.journal), server
    )
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(
        PipelineServicer(kernel.pipelines, kernel.engine, kernel.queries, kernel.tokens), server
    )
    steprun_pb2_grpc.add_StepRunServiceServicer_to_server(
        StepRunServicer(kernel.queries, kernel.engine, kernel.logs, kernel.artifacts, kernel.tokens), server
    )
    stream_pb2_grpc.add_StreamServiceServicer_to_server(
        StreamServicer(kernel.db, kernel.bus, kernel.queries, kernel.logs, kernel.agents), server
    )

    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in (*SERVICE_NAMES, ""):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (*SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )

    credentials = _credentials(kernel)
    port = server.add_secure_port(addr, credentials) if credentials else server.add_insecure_port(addr)
    if port == 0:
        raise OSError(f"cannot bind the gRPC server to {addr}")
    return server, port
