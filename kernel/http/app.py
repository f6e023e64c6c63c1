"""The Starlette application of one kernel."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator
from starlette.types import ASGIApp, Receive, Scope, Send

from kernel.auth import bearer
from kernel.errors import Unauthenticated
from kernel.http.approvals import ApprovalRoutes
from kernel.http.artifacts import ArtifactRoutes
from kernel.http.problems import EXCEPTION_HANDLERS, problem
from kernel.http.registry import RegistryRoutes
from kernel.http.reruns import RerunRoutes
from kernel.http.routes import Api
from kernel.http.secrets import SecretRoutes
from kernel.http.webhooks import WEBHOOK_PREFIX, Webhooks
from kernel.metrics import KernelMetrics

if TYPE_CHECKING:
    from kernel.app import Kernel

API_PREFIX = "/api/v1/"
# Signed metadata and packages, which agents read with their own tokens (GET only).
AGENT_READABLE = ("/api/v1/registry/metadata/", "/api/v1/plugins/blobs/")
SCHEMAS = SchemaGenerator({"openapi": "3.0.0", "info": {"title": "Arcade API", "version": "1"}})


class AdminAuth:
    """Every /api/v1 request needs an admin bearer token; others (health, metrics, schema) are open.

    Webhook deliveries (/api/v1/webhooks/) are authenticated by their signature instead; the registry's
    metadata and packages (`AGENT_READABLE`, GET) also take an agent token.
    """

    def __init__(self, app: ASGIApp, kernel: Kernel) -> None:
        self.app = app
        self.kernel = kernel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(API_PREFIX) and not path.startswith(WEBHOOK_PREFIX):
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            try:
                principal = self.kernel.tokens.authenticate(bearer(header))
                agent_read = scope["method"] == "GET" and path.startswith(AGENT_READABLE)
                if not (principal.is_admin or (agent_read and principal.kind == "agent")):
                    raise Unauthenticated("this endpoint needs an admin token")
            except Unauthenticated as exc:
                response = problem(401, "Unauthenticated", exc.message, instance=scope["path"])
                response.headers["WWW-Authenticate"] = "Bearer"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: KernelMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def record(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.http_requests.labels(scope["method"], path, str(status["code"])).observe(
                time.perf_counter() - started
            )


def build_app(kernel: Kernel) -> Starlette:
    api = Api(kernel)

    async def healthz(request: Request) -> JSONResponse:
        """
        ---
        summary: Liveness and store reachability
        responses: {200: {description: OK}, 503: {description: Store unreachable}}
        """
        try:
            with kernel.db.session() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any store failure means "not healthy"
            return problem(503, "Store unavailable", str(exc))
        return JSONResponse({"status": "ok", "agents_connected": len(kernel.hub.connected())})

    async def metrics(request: Request) -> Response:
        """
        ---
        summary: Prometheus metrics
        responses: {200: {description: Text exposition format}}
        """
        return Response(kernel.metrics.render(), media_type="text/plain; version=0.0.4")

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(SCHEMAS.get_schema(request.app.routes))

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
        *api.routes(),
        *ApprovalRoutes(kernel).routes(),
        *ArtifactRoutes(kernel).routes(),
        *RegistryRoutes(kernel).routes(),
        *RerunRoutes(kernel).routes(),
        *SecretRoutes(kernel).routes(),
        *Webhooks(kernel).routes(),
    ]
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)  # type: ignore[arg-type]
    app.add_middleware(AdminAuth, kernel=kernel)
    app.add_middleware(RequestMetrics, metrics=kernel.metrics)
    return app
