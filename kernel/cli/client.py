"""The CLI's HTTP client for the kernel's /api/v1, with errors users can act on."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from kernel.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "ApiClient", "CliError"]


class ApiClient:
    def __init__(self, server: str, token: str, timeout: float = 30.0) -> None:
        if not server.startswith(("http://", "https://")):
            server = "http://" + server
        self.server = server.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _check(self, response: httpx.Response) -> None:
        if response.is_success:
            return
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text}
        detail = body.get("detail") or body.get("title") or response.reason_phrase
        code = EXIT_USAGE if response.status_code in (400, 401, 403, 404, 422) else EXIT_FAILED
        raise CliError(detail, code, body.get("errors"))

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        try:
            response = self._http.request(method, "/api/v1" + path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach the kernel at {self.server}: {exc}") from exc
        self._check(response)
        return response.json() if response.content else None

    def send_bytes(
        self, method: str, path: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> Any:
        """PUT or POST raw bytes (e.g. a plugin package); returns the JSON answer."""
        try:
            response = self._http.request(
                method, "/api/v1" + path, content=data, headers={"Content-Type": content_type}
            )
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach the kernel at {self.server}: {exc}") from exc
        self._check(response)
        return response.json() if response.content else None

    def get_bytes(self, path: str) -> bytes | None:
        """The body of GET `path`, or None when it answers 404."""
        try:
            response = self._http.get("/api/v1" + path)
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach the kernel at {self.server}: {exc}") from exc
        if response.status_code == 404:
            return None
        self._check(response)
        return response.content

    def stream_lines(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        try:
            with self._http.stream(
                "GET", "/api/v1" + path, params=params, timeout=httpx.Timeout(30.0, read=None)
            ) as response:
                if not response.is_success:
                    response.read()
                    self._check(response)
                for line in response.iter_lines():
                    if line:
                        yield json.loads(line)
        except httpx.HTTPError as exc:
            raise CliError(f"lost the connection to the kernel at {self.server}: {exc}") from exc

    def download(self, path: str, target: Path) -> int:
        """Save the body of GET `path` to `target` (written whole or not at all); returns its size."""
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        size = 0
        try:
            with os.fdopen(handle, "wb") as out, self._http.stream("GET", "/api/v1" + path) as response:
                if not response.is_success:
                    response.read()
                    self._check(response)
                for chunk in response.iter_bytes():
                    out.write(chunk)
                    size += len(chunk)
            os.replace(temp, target)
        except httpx.HTTPError as exc:
            raise CliError(f"lost the connection to the kernel at {self.server}: {exc}") from exc
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
        return size
