"""HTTP through the host: `http.fetch(url)` reaches only the origins the manifest's `network.allowed_hosts`
grants (redirects are followed by the host and checked too); anything else raises `HttpError`."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass, field
from typing import Any

from componentize_py_types import Err
from wit_world.imports import host

__all__ = ["HttpError", "Response", "fetch"]


class HttpError(Exception):
    """The host refused or could not complete the request; the message says why (e.g. denied)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    def json(self) -> Any:
        return jsonlib.loads(self.body)


def fetch(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str = "",
    json: Any = None,
) -> Response:
    """One request; `json`, when given, is sent as the body with a JSON content type."""
    headers = dict(headers or {})
    if json is not None:
        body = jsonlib.dumps(json)
        headers.setdefault("content-type", "application/json")
    try:
        answer = host.http_fetch(method.upper(), url, jsonlib.dumps(headers), body)
    except Err as exc:
        raise HttpError(str(exc.value)) from None
    data = jsonlib.loads(answer)
    return Response(status=int(data["status"]), headers=dict(data["headers"]), body=str(data["body"]))
