"""Manual approval gates over HTTP: approve or reject a run's stage; who and when are recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kernel.auth import bearer
from kernel.http.requests import field, json_body
from kernel.http.serialize import run_json

if TYPE_CHECKING:
    from kernel.app import Kernel


class ApprovalRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    async def _decide(self, request: Request, approve: bool) -> JSONResponse:
        body = await json_body(request)
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        who = self.k.tokens.authenticate(bearer(request.headers.get("authorization"))).label
        self.k.engine.decide_stage(
            run_id, request.path_params["stage"], approve, who, field(body, "comment", str, "")
        )
        tree = self.k.queries.run_tree(run_id)
        return JSONResponse(run_json(tree.run, tree))

    async def approve(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Approve a stage's manual gate; its jobs start
        requestBody: {content: {application/json: {schema: {type: object,
          properties: {comment: {type: string}}}}}}
        responses: {200: {description: The run}, 404: {description: No such run or stage},
          409: {description: No gate, already decided, or the run is over}}
        """
        return await self._decide(request, approve=True)

    async def reject(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Reject a stage's manual gate; the rest of the run is cancelled
        requestBody: {content: {application/json: {schema: {type: object,
          properties: {comment: {type: string}}}}}}
        responses: {200: {description: The run}, 404: {description: No such run or stage},
          409: {description: No gate, already decided, or the run is over}}
        """
        return await self._decide(request, approve=False)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/runs/{ref}/stages/{stage}/approve", self.approve, methods=["POST"]),
            Route("/api/v1/runs/{ref}/stages/{stage}/reject", self.reject, methods=["POST"]),
        ]
