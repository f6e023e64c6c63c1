"""Rerun over HTTP: a new attempt of a job that did not succeed (and of the finished jobs after it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kernel.auth import bearer
from kernel.http.serialize import job_json, run_json

if TYPE_CHECKING:
    from kernel.app import Kernel


class RerunRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    async def rerun(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Rerun a job that ended FAILED, TIMEOUT or CANCELLED (by name); a finished run goes on
        description: The job and every finished job that waits for it get a new attempt. The answer is the
          job's new attempt, with the run under "run".
        responses: {201: {description: The new attempt}, 404: {description: No such run or job},
          409: {description: The job succeeded, was skipped or is unfinished, or the run is past its timeout}}
        """
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        who = self.k.tokens.authenticate(bearer(request.headers.get("authorization"))).label
        job_run_id = self.k.engine.rerun_job(run_id, request.path_params["job"], who)
        job, steps = self.k.queries.job(job_run_id)
        run = self.k.queries.run_tree(run_id).run
        return JSONResponse({**job_json(job, steps), "run": run_json(run)}, status_code=201)

    def routes(self) -> list[Route]:
        return [Route("/api/v1/runs/{ref}/jobs/{job}/rerun", self.rerun, methods=["POST"])]
