"""The /api/v1 endpoints. Each docstring's YAML part feeds /openapi.json."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kernel.errors import InvalidInput, NotFound
from kernel.http.requests import bool_param, field, int_param, json_body, string_map
from kernel.http.serialize import agent_json, pipeline_json, run_json, token_json
from kernel.status import RunStatus

if TYPE_CHECKING:
    from kernel.app import Kernel


class Api:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    # ---------------------------------------------------------------- pipelines

    async def list_pipelines(self, request: Request) -> JSONResponse:
        """
        ---
        summary: List pipelines
        responses: {200: {description: The pipelines, without their specs}}
        """
        return JSONResponse(
            {"pipelines": [pipeline_json(p, with_spec=False) for p in self.k.pipelines.list()]}
        )

    async def create_pipeline(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Create a pipeline from an arcade.yaml text (upsert replaces the spec of the same name)
        requestBody: {content: {application/json: {schema: {type: object, required: [spec_yaml],
          properties: {spec_yaml: {type: string}, file_name: {type: string}, upsert: {type: boolean},
          webhook_secret: {type: string, description: 'signs webhooks; never returned; "" removes it'}}}}}}
        responses: {201: {description: Created}, 409: {description: Exists}, 422: {description: Invalid spec}}
        """
        body = await json_body(request)
        row = self.k.pipelines.create(
            field(body, "spec_yaml", str, required=True),
            field(body, "file_name", str, "arcade.yaml"),
            field(body, "upsert", bool, False),
            webhook_secret=field(body, "webhook_secret", str),
        )
        return JSONResponse(pipeline_json(row), status_code=201)

    async def get_pipeline(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Get a pipeline by id or name
        responses: {200: {description: The pipeline}, 404: {description: Not found}}
        """
        return JSONResponse(pipeline_json(self.k.pipelines.get(request.path_params["ref"])))

    async def update_pipeline(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Replace a pipeline's spec (and its webhook secret when webhook_secret is given)
        responses: {200: {description: Updated}, 422: {description: Invalid spec}}
        """
        body = await json_body(request)
        row = self.k.pipelines.update(
            request.path_params["ref"],
            field(body, "spec_yaml", str, required=True),
            field(body, "file_name", str, "arcade.yaml"),
            webhook_secret=field(body, "webhook_secret", str),
        )
        return JSONResponse(pipeline_json(row))

    async def delete_pipeline(self, request: Request) -> Response:
        """
        ---
        summary: Delete a pipeline and its finished runs
        responses: {204: {description: Deleted}, 409: {description: A run is active}}
        """
        self.k.pipelines.delete(request.path_params["ref"])
        return Response(status_code=204)

    async def trigger(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Trigger a run (idempotent on request_id)
        requestBody: {content: {application/json: {schema: {type: object, properties: {
          variables: {type: object, additionalProperties: {type: string}}, request_id: {type: string}}}}}}
        responses: {201: {description: The run}}
        """
        body = await json_body(request)
        run_id = self.k.engine.trigger(
            request.path_params["ref"],
            string_map(body, "variables"),
            field(body, "request_id", str),
            {"type": "api"},
        )
        return JSONResponse(run_json(*self._tree(run_id)), status_code=201)

    async def pipeline_runs(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Runs of one pipeline, newest first
        responses: {200: {description: The runs}}
        """
        runs = self.k.queries.list_runs(request.path_params["ref"], int_param(request, "limit", 50))
        return JSONResponse({"runs": [run_json(run) for run in runs]})

    # ---------------------------------------------------------------- runs

    def _tree(self, ref: str) -> tuple:
        tree = self.k.queries.run_tree(ref)
        return tree[0], tree

    async def list_runs(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Runs of every pipeline (or of ?pipeline=), newest first
        responses: {200: {description: The runs}}
        """
        runs = self.k.queries.list_runs(
            request.query_params.get("pipeline", ""), int_param(request, "limit", 50)
        )
        return JSONResponse({"runs": [run_json(run) for run in runs]})

    async def get_run(self, request: Request) -> JSONResponse:
        """
        ---
        summary: A run with its jobs and steps (by id, id prefix or PIPELINE#NUMBER)
        responses: {200: {description: The run}, 404: {description: Not found}}
        """
        return JSONResponse(run_json(*self._tree(request.path_params["ref"])))

    async def cancel_run(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Cancel a run; running steps are killed with their process groups
        responses: {202: {description: Cancelling}, 409: {description: Already finished}}
        """
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        self.k.engine.cancel_run(run_id)
        return JSONResponse(run_json(*self._tree(run_id)), status_code=202)

    async def run_logs(self, request: Request) -> StreamingResponse:
        """
        ---
        summary: The run's log lines as NDJSON; with follow=true, live until the run is complete
        description: Each line is {"type":"line",...}; the last one is {"type":"end","status":...}.
        responses: {200: {description: NDJSON stream, content: {application/x-ndjson: {}}}}
        """
        run_id = self.k.queries.resolve_run_id(request.path_params["ref"])
        follow = bool_param(request, "follow")
        names = self.k.queries.job_names(run_id)

        async def lines() -> AsyncIterator[bytes]:
            async for batch in self.k.logs.follow_run(run_id, follow):
                if batch.step_run_id not in names:
                    names.update(self.k.queries.job_names(run_id))
                job, step, attempt = names.get(batch.step_run_id, ("", "", 1))
                yield "".join(
                    json.dumps(
                        {
                            "type": "line",
                            "job": job,
                            "step": step,
                            "attempt": attempt,
                            "step_run_id": batch.step_run_id,
                            "seq": line.seq,
                            "stream": line.stream,
                            "time_unix_ms": line.time_unix_ms,
                            "text": line.text,
                        }
                    )
                    + "\n"
                    for line in batch.lines
                ).encode()
            run = self.k.queries.run_tree(run_id).run
            yield (
                json.dumps(
                    {
                        "type": "end",
                        "status": run.status,
                        "message": run.message,
                        "final": RunStatus(run.status).final,
                    }
                )
                + "\n"
            ).encode()

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    # ---------------------------------------------------------------- agents and tokens

    async def list_agents(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Registered agents with their labels, capacity and status
        responses: {200: {description: The agents}}
        """
        return JSONResponse({"agents": [agent_json(view) for view in self.k.agents.list()]})

    async def get_agent(self, request: Request) -> JSONResponse:
        """
        ---
        summary: One agent by id or name
        responses: {200: {description: The agent}, 404: {description: Not found}}
        """
        return JSONResponse(agent_json(self.k.agents.get(request.path_params["ref"])))

    async def list_tokens(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Tokens (metadata only; secrets are never stored)
        responses: {200: {description: The tokens}}
        """
        return JSONResponse({"tokens": [token_json(row) for row in self.k.tokens.list()]})

    async def create_token(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Create a token; kind "agent" makes a registration token for agents. The secret is shown once.
        requestBody: {content: {application/json: {schema: {type: object, properties: {
          kind: {type: string, enum: [agent, admin]}, description: {type: string},
          ttl_seconds: {type: number}}}}}}
        responses: {201: {description: The token with its secret}}
        """
        body = await json_body(request)
        kind = field(body, "kind", str, "agent")
        stored_kind = {"agent": "registration", "admin": "admin"}.get(kind)
        if stored_kind is None:
            raise InvalidInput(f"request body: field 'kind' must be 'agent' or 'admin', got '{kind}'")
        ttl = field(body, "ttl_seconds", float)
        if ttl is None and stored_kind == "registration":
            ttl = self.k.settings.registration_token_ttl
        secret, row = self.k.tokens.create(stored_kind, field(body, "description", str, ""), ttl)  # type: ignore[arg-type]
        return JSONResponse({**token_json(row), "token": secret}, status_code=201)

    async def revoke_token(self, request: Request) -> Response:
        """
        ---
        summary: Revoke a token
        responses: {204: {description: Revoked}, 404: {description: Not found or already revoked}}
        """
        if not self.k.tokens.revoke(request.path_params["id"]):
            raise NotFound(f"token '{request.path_params['id']}' not found or already revoked")
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/pipelines", self.list_pipelines, methods=["GET"]),
            Route("/api/v1/pipelines", self.create_pipeline, methods=["POST"]),
            Route("/api/v1/pipelines/{ref}", self.get_pipeline, methods=["GET"]),
            Route("/api/v1/pipelines/{ref}", self.update_pipeline, methods=["PUT"]),
            Route("/api/v1/pipelines/{ref}", self.delete_pipeline, methods=["DELETE"]),
            Route("/api/v1/pipelines/{ref}/trigger", self.trigger, methods=["POST"]),
            Route("/api/v1/pipelines/{ref}/runs", self.pipeline_runs, methods=["GET"]),
            Route("/api/v1/runs", self.list_runs, methods=["GET"]),
            Route("/api/v1/runs/{ref}", self.get_run, methods=["GET"]),
            Route("/api/v1/runs/{ref}/cancel", self.cancel_run, methods=["POST"]),
            Route("/api/v1/runs/{ref}/logs", self.run_logs, methods=["GET"]),
            Route("/api/v1/agents", self.list_agents, methods=["GET"]),
            Route("/api/v1/agents/{ref}", self.get_agent, methods=["GET"]),
            Route("/api/v1/tokens", self.list_tokens, methods=["GET"]),
            Route("/api/v1/tokens", self.create_token, methods=["POST"]),
            Route("/api/v1/tokens/{id}", self.revoke_token, methods=["DELETE"]),
        ]
