"""The kernel's exception tree, mapped once to gRPC status codes and HTTP problem responses.

KernelError
 ├── NotFound            (NOT_FOUND, 404)
 ├── Conflict            (ALREADY_EXISTS, 409)
 ├── InvalidInput        (INVALID_ARGUMENT, 400/422)
 ├── Unauthenticated     (UNAUTHENTICATED, 401)
 ├── PermissionDenied    (PERMISSION_DENIED, 403)
 └── FailedPrecondition  (FAILED_PRECONDITION, 409)
"""

from __future__ import annotations

from typing import Any

import grpc


class KernelError(Exception):
    grpc_code = grpc.StatusCode.INTERNAL
    http_status = 500
    title = "Internal error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(KernelError):
    grpc_code = grpc.StatusCode.NOT_FOUND
    http_status = 404
    title = "Not found"


class Conflict(KernelError):
    grpc_code = grpc.StatusCode.ALREADY_EXISTS
    http_status = 409
    title = "Conflict"


class InvalidInput(KernelError):
    grpc_code = grpc.StatusCode.INVALID_ARGUMENT
    http_status = 422
    title = "Invalid input"


class Unauthenticated(KernelError):
    grpc_code = grpc.StatusCode.UNAUTHENTICATED
    http_status = 401
    title = "Unauthenticated"


class PermissionDenied(KernelError):
    grpc_code = grpc.StatusCode.PERMISSION_DENIED
    http_status = 403
    title = "Permission denied"


class FailedPrecondition(KernelError):
    grpc_code = grpc.StatusCode.FAILED_PRECONDITION
    http_status = 409
    title = "Failed precondition"
