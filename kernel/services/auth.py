"""Token checks on every gRPC call: an interceptor refuses before any servicer code runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from kernel.auth import Principal, TokenService, bearer
from kernel.errors import KernelError, PermissionDenied, Unauthenticated
from kernel.metrics import KernelMetrics

OPEN_METHODS = frozenset({"/arcade.agent.v1.AgentService/Register"})
OPEN_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")
AGENT_SERVICES = ("/arcade.agent.v1.AgentService/", "/arcade.gateway.v1.GatewayService/")


def metadata_token(metadata: Any) -> str | None:
    for key, value in metadata or ():
        if key == "authorization":
            return bearer(value)
    return None


def required_kind(method: str) -> str:
    return "agent" if method.startswith(AGENT_SERVICES) else "admin"


def authorize(tokens: TokenService, method: str, metadata: Any) -> Principal:
    principal = tokens.authenticate(metadata_token(metadata))
    wanted = required_kind(method)
    if principal.kind != wanted:
        raise PermissionDenied(f"{method} needs an {wanted} token, got an {principal.kind} token")
    return principal


def _deny(handler: grpc.RpcMethodHandler, error: KernelError) -> grpc.RpcMethodHandler:
    async def abort(context: grpc.aio.ServicerContext) -> None:
        await context.abort(error.grpc_code, error.message)

    if handler.request_streaming and handler.response_streaming:

        async def stream_stream(_: Any, context: grpc.aio.ServicerContext) -> Any:
            await abort(context)
            yield  # pragma: no cover - makes this an async generator

        return grpc.stream_stream_rpc_method_handler(stream_stream)
    if handler.response_streaming:

        async def unary_stream(_: Any, context: grpc.aio.ServicerContext) -> Any:
            await abort(context)
            yield  # pragma: no cover

        return grpc.unary_stream_rpc_method_handler(unary_stream)
    if handler.request_streaming:

        async def stream_unary(_: Any, context: grpc.aio.ServicerContext) -> None:
            await abort(context)

        return grpc.stream_unary_rpc_method_handler(stream_unary)

    async def unary_unary(_: Any, context: grpc.aio.ServicerContext) -> None:
        await abort(context)

    return grpc.unary_unary_rpc_method_handler(unary_unary)


class AuthInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, tokens: TokenService, metrics: KernelMetrics) -> None:
        self._tokens = tokens
        self._metrics = metrics

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        handler = await continuation(handler_call_details)
        if handler is None or method in OPEN_METHODS or method.startswith(OPEN_PREFIXES):
            return handler
        try:
            authorize(self._tokens, method, handler_call_details.invocation_metadata)
        except (Unauthenticated, PermissionDenied) as error:
            self._metrics.grpc_unauthenticated.inc()
            return _deny(handler, error)
        return handler


def principal_of(tokens: TokenService, context: grpc.aio.ServicerContext) -> Principal:
    """The caller, for servicers that need its identity (the interceptor already checked the token)."""
    return tokens.authenticate(metadata_token(context.invocation_metadata()))
