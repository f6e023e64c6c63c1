"""Artifacts over HTTP: a run's list, and one artifact's archive (tar.gz) streamed from the blob store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from kernel.artifacts import ArtifactView
from kernel.http.serialize import iso

if TYPE_CHECKING:
    from kernel.app import Kernel


def artifact_json(view: ArtifactView) -> dict[str, Any]:
    a = view.row
    return {
        "id": a.id,
        "name": a.name,
        "run_id": a.run_id,
        "job": view.job_name,
        "job_run_id": a.job_run_id,
        "step_run_id": a.step_run_id,
        "size": a.size,
        "sha256": a.digest,
        "files": a.file_count,
        "created_at": iso(a.created_at),
        "expires_at": iso(a.expires_at),
    }


class ArtifactRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    async def list_artifacts(self, request: Request) -> JSONResponse:
        """
        ---
        summary: The artifacts a run's jobs uploaded, oldest first
        responses: {200: {description: The artifacts}, 404: {description: No such run}}
        """
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        return JSONResponse({"artifacts": [artifact_json(v) for v in self.k.artifacts.list(run_id)]})

    async def download_artifact(self, request: Request) -> StreamingResponse:
        """
        ---
        summary: Download an artifact (the newest of that name in the run) as a tar.gz archive
        responses: {200: {description: The archive, content: {application/gzip: {}}},
          404: {description: No such run or artifact}}
        """
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        view = self.k.artifacts.newest(run_id, request.path_params["name"])
        chunks = await self.k.artifacts.stream(view.row)
        headers = {
            "Content-Length": str(view.row.size),
            "Content-Disposition": f'attachment; filename="{view.row.name}.tar.gz"',
            "ETag": f'"{view.row.digest}"',
        }
        return StreamingResponse(chunks, media_type="application/gzip", headers=headers)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/runs/{ref}/artifacts", self.list_artifacts, methods=["GET"]),
            Route("/api/v1/runs/{ref}/artifacts/{name}", self.download_artifact, methods=["GET"]),
        ]
