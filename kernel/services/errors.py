"""Map the kernel's exceptions to gRPC status codes, once, for every servicer method."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc

from kernel.errors import KernelError
from kernel.store import StoreError

log = logging.getLogger("arcade.kernel.grpc")
T = TypeVar("T")


async def _abort(context: grpc.aio.ServicerContext, error: Exception) -> None:
    if isinstance(error, KernelError):
        await context.abort(error.grpc_code, error.message)
    log.error("store error: %s", error)
    await context.abort(grpc.StatusCode.UNAVAILABLE, f"store unavailable: {error}")


def unary(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> T:
        try:
            return await method(self, request, context)
        except (KernelError, StoreError) as error:
            await _abort(context, error)
            raise  # unreachable: abort raises

    return wrapper


def streaming(method: Callable[..., AsyncIterator[T]]) -> Callable[..., AsyncIterator[T]]:
    @functools.wraps(method)
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[T]:
        try:
            async for item in method(self, request, context):
                yield item
        except (KernelError, StoreError) as error:
            await _abort(context, error)

    return wrapper
