"""RFC 9457 problem responses for every error the HTTP API returns."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from kernel.errors import KernelError
from kernel.store import StoreError
from registry.errors import (
    IntegrityError,
    MetadataUnavailable,
    PackageTooLarge,
    PublishRefused,
    RegistryError,
    TargetNotFound,
    TrustError,
)

PROBLEM_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE)


async def kernel_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KernelError)
    return problem(exc.http_status, exc.title, exc.message, instance=request.url.path, **exc.details)


async def store_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(503, "Store unavailable", str(exc), instance=request.url.path)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(
        exc.status_code,
        "Not found" if exc.status_code == 404 else "HTTP error",
        str(exc.detail),
        instance=request.url.path,
    )


# Most specific first: the first class the error is an instance of gives its status and title.
REGISTRY_PROBLEMS: tuple[tuple[type[RegistryError], int, str], ...] = (
    (PackageTooLarge, 413, "Package too large"),
    (PublishRefused, 422, "Publish refused"),
    (IntegrityError, 422, "Integrity check failed"),
    (TrustError, 422, "Trust verification failed"),
    (TargetNotFound, 404, "Not found"),
    (MetadataUnavailable, 503, "Metadata unavailable"),
    (RegistryError, 500, "Registry error"),
)


async def registry_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RegistryError)
    status, title = next((s, t) for kind, s, t in REGISTRY_PROBLEMS if isinstance(exc, kind))
    return problem(status, title, str(exc), instance=request.url.path)


EXCEPTION_HANDLERS = {
    KernelError: kernel_error,
    StoreError: store_error,
    HTTPException: http_error,
    RegistryError: registry_error,
}
