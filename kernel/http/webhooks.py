"""`POST /api/v1/webhooks/{pipeline}`: signed event deliveries (GitHub style) that trigger a pipeline.

These requests carry no admin token: a delivery is authenticated by the HMAC-SHA256 of its raw body under
the pipeline's webhook secret (`X-Hub-Signature-256: sha256=<hex>`). A pipeline without a secret refuses
every delivery, with the same answer as a wrong signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kernel.errors import InvalidInput, Unauthenticated
from kernel.http.problems import problem
from kernel.http.serialize import run_json
from kernel.pipelines import parse_or_raise
from kernel.triggers import matching_event_trigger

if TYPE_CHECKING:
    from kernel.app import Kernel

WEBHOOK_PREFIX = "/api/v1/webhooks/"
SIGNATURE_HEADER = "x-hub-signature-256"
EVENT_HEADERS = ("x-github-event", "x-arcade-event")
DELIVERY_HEADERS = ("x-github-delivery", "x-arcade-delivery")
MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps its payloads at 25 MB
MAX_DELIVERY_LENGTH = 150  # "webhook:" + the id must fit a run's request id
# Compared against when a pipeline has no secret, so that case costs the same as a wrong signature.
_NO_SECRET = secrets.token_hex(32)


def signature_matches(secret: str | None, body: bytes, header: str | None) -> bool:
    """Whether `header` is "sha256=" + the hex HMAC-SHA256 of `body` under `secret` (constant time)."""
    expected = "sha256=" + hmac.new((secret or _NO_SECRET).encode(), body, hashlib.sha256).hexdigest()
    given = (header or "").strip().encode("latin-1", "replace")
    matched = hmac.compare_digest(expected.encode(), given)
    return matched and secret is not None


def branch_of(payload: dict[str, Any]) -> str | None:
    """The branch of a delivery: `ref` ("refs/heads/main" -> "main"; other refs/... -> None) or `branch`."""
    ref = payload.get("ref")
    if isinstance(ref, str) and ref:
        if ref.startswith("refs/heads/"):
            return ref.removeprefix("refs/heads/")
        return None if ref.startswith("refs/") else ref
    branch = payload.get("branch")
    return branch if isinstance(branch, str) and branch else None


def _header(request: Request, names: tuple[str, ...]) -> str | None:
    return next((request.headers[name].strip() for name in names if request.headers.get(name)), None)


async def _body(request: Request) -> bytes | None:
    """The raw body, or None when it is larger than MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class Webhooks:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel

    async def receive(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Deliver a signed event (GitHub style); runs the pipeline if one of its event triggers matches
        description: >-
          No admin token: X-Hub-Signature-256 must be "sha256=" and the hex HMAC-SHA256 of the raw body under
          the pipeline's webhook secret. The event type comes from X-GitHub-Event (or X-Arcade-Event), the
          branch from the body's "ref" (refs/heads/NAME) or "branch", and X-GitHub-Delivery (or
          X-Arcade-Delivery) makes a redelivery return the same run.
        responses: {202: {description: Triggered; the run}, 200: {description: No trigger matched},
          401: {description: Missing or bad signature}, 404: {description: Unknown pipeline},
          413: {description: Body too large}, 422: {description: Body not JSON or no event header}}
        """
        body = await _body(request)
        if body is None:
            detail = f"the body is larger than {MAX_BODY_BYTES} bytes"
            return problem(413, "Payload too large", detail, instance=request.url.path)
        pipeline = self.k.pipelines.get(request.path_params["pipeline"])
        secret = self.k.pipelines.webhook_secret(pipeline)
        if not signature_matches(secret, body, request.headers.get(SIGNATURE_HEADER)):
            raise Unauthenticated(f"missing or invalid {SIGNATURE_HEADER} signature")
        payload = _json_object(body)
        event = _header(request, EVENT_HEADERS)
        if event is None:
            raise InvalidInput("missing event type: set the X-GitHub-Event or X-Arcade-Event header")
        delivery = _header(request, DELIVERY_HEADERS)
        if delivery is not None and len(delivery) > MAX_DELIVERY_LENGTH:
            raise InvalidInput(f"delivery id: at most {MAX_DELIVERY_LENGTH} characters")
        branch = branch_of(payload)
        spec = parse_or_raise(pipeline.spec_yaml, f"{pipeline.name}.yaml")
        if matching_event_trigger(spec, event, branch) is None:
            on = f" on branch '{branch}'" if branch is not None else ""
            reason = f"no event trigger of pipeline '{pipeline.name}' matches event '{event}'{on}"
            return JSONResponse({"triggered": False, "reason": reason})
        run_id = self.k.engine.trigger(
            pipeline.id,
            {},
            request_id=f"webhook:{delivery}" if delivery else None,
            trigger={"type": "event", "event": event, "branch": branch, "delivery": delivery},
        )
        tree = self.k.queries.run_tree(run_id)
        return JSONResponse(run_json(tree[0], tree), status_code=202)

    def routes(self) -> list[Route]:
        return [Route(WEBHOOK_PREFIX + "{pipeline}", self.receive, methods=["POST"])]


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"request body: not valid JSON ({exc})") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("request body: expected a JSON object")
    return payload
