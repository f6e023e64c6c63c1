"""RFC 9457 problem responses for every error the HTTP API returns."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from kernel.errors import KernelError
from kernel.store import StoreError

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


EXCEPTION_HANDLERS = {KernelError: kernel_error, StoreError: store_error, HTTPException: http_error}
