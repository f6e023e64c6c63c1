"""Secrets over HTTP: set, list (names and timestamps only) and delete; `?pipeline=P` scopes to a pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kernel.http.requests import field, json_body
from kernel.http.serialize import iso
from kernel.store import models

if TYPE_CHECKING:
    from kernel.app import Kernel


def secret_json(row: models.Secret, pipeline: str | None) -> dict[str, Any]:
    """A secret's metadata; the value is never returned."""
    return {
        "name": row.name,
        "scope": "pipeline" if row.pipeline_id else "global",
        "pipeline": pipeline,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


class SecretRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    async def list_secrets(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Global secrets, or a pipeline's with ?pipeline=P (names and timestamps, never values)
        responses: {200: {description: The secrets}, 404: {description: Unknown pipeline}}
        """
        rows = self.k.secrets.list(request.query_params.get("pipeline") or None)
        return JSONResponse({"secrets": [secret_json(row, name) for row, name in rows]})

    async def put_secret(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Create or replace a secret (global, or of ?pipeline=P); the value is stored encrypted
        requestBody: {content: {application/json: {schema: {type: object, required: [value],
          properties: {value: {type: string}}}}}}
        responses: {200: {description: The secret's metadata}, 409: {description: Secrets are disabled}}
        """
        body = await json_body(request)
        pipeline = request.query_params.get("pipeline") or None
        row = self.k.secrets.set(
            request.path_params["name"], field(body, "value", str, required=True), pipeline
        )
        return JSONResponse(secret_json(row, pipeline))

    async def delete_secret(self, request: Request) -> Response:
        """
        ---
        summary: Delete a secret (global, or of ?pipeline=P)
        responses: {204: {description: Deleted}, 404: {description: Not found}}
        """
        self.k.secrets.delete(request.path_params["name"], request.query_params.get("pipeline") or None)
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/secrets", self.list_secrets, methods=["GET"]),
            Route("/api/v1/secrets/{name}", self.put_secret, methods=["PUT"]),
            Route("/api/v1/secrets/{name}", self.delete_secret, methods=["DELETE"]),
        ]
