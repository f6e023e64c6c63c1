"""The plugin registry over HTTP: trust updates, package uploads, publishing, signed metadata, packages, and
the marketplace catalog (DESIGN §3, §6).

Reading metadata and packages (GET .../registry/metadata/{file}, GET .../plugins/blobs/{sha256}) takes any
admin or agent token (see `kernel.http.app.AdminAuth`); everything else an admin token.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.routing import Route

from kernel.auth import bearer
from kernel.errors import FailedPrecondition, InvalidInput
from kernel.http.requests import field, json_body
from kernel.plugin_catalog import PluginCatalog
from kernel.plugin_registry import NOT_SET_UP, PluginRegistry
from registry.errors import PackageTooLarge

if TYPE_CHECKING:
    from kernel.app import Kernel

CHUNK = 64 * 1024


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk


class RegistryRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel
        self.catalog = PluginCatalog(kernel.db)

    def _registry(self) -> PluginRegistry:
        if self.k.registry is None:
            raise FailedPrecondition(NOT_SET_UP)
        return self.k.registry

    def _actor(self, request: Request) -> str:
        return self.k.tokens.authenticate(bearer(request.headers.get("authorization"))).label

    async def put_trust(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Upload the admin's newer root versions and targets (the first upload initialises trust)
        requestBody: {content: {application/json: {schema: {type: object, properties: {
          root: {type: object}, roots: {type: array, items: {type: object}}, targets: {type: object}}}}}}
        responses: {200: {description: What changed}, 409: {description: Registry not set up},
          422: {description: Metadata refused}}
        """
        registry = self._registry()
        body = await json_body(request)
        roots = list(field(body, "roots", list, default=[]))
        root = field(body, "root", dict)
        if root is not None:
            roots.append(root)
        targets = field(body, "targets", dict)
        result = await asyncio.to_thread(registry.update_trust, roots, targets, self._actor(request))
        return JSONResponse(result)

    async def get_metadata(self, request: Request) -> FileResponse:
        """
        ---
        summary: A signed metadata file (N.root.json, timestamp.json, N.snapshot.json, N.<role>.json)
        responses: {200: {description: The file as stored}, 404: {description: No such file},
          409: {description: Registry not set up}}
        """
        path = self._registry().metadata_path(request.path_params["file"])
        return FileResponse(path, media_type="application/json")

    async def put_blob(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Upload a plugin package (a zip) stored under its sha256; checked, idempotent
        requestBody: {content: {application/zip: {}}}
        responses: {200: {description: Stored}, 409: {description: Registry not set up},
          413: {description: Over the size limit}, 422: {description: Digest mismatch or invalid package}}
        """
        registry = self._registry()
        sha256 = request.path_params["sha256"]
        limit = registry.blobs.max_package_bytes
        handle, temp = tempfile.mkstemp(prefix="arcade-upload-", suffix=".zip")
        try:
            size = 0
            with os.fdopen(handle, "wb") as out:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise PackageTooLarge(
                            f"plugin package {sha256} is larger than the limit of {limit} bytes", limit=limit
                        )
                    out.write(chunk)
            if size == 0:
                raise InvalidInput("request body: the package zip is empty")
            stored = await asyncio.to_thread(registry.store_package, Path(temp), sha256)
        finally:
            Path(temp).unlink(missing_ok=True)
        return JSONResponse(stored)

    async def get_blob(self, request: Request) -> StreamingResponse:
        """
        ---
        summary: Download a published plugin package, re-hashed as it is read
        responses: {200: {description: The package, content: {application/zip: {}}},
          404: {description: No published version has this digest}, 409: {description: Registry not set up}}
        """
        registry = self._registry()
        sha256 = request.path_params["sha256"]
        stream, size = await asyncio.to_thread(registry.open_blob, sha256)
        headers = {"Content-Length": str(size), "ETag": f'"{sha256}"'}
        return StreamingResponse(_chunks(stream), media_type="application/zip", headers=headers)

    async def publish(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Publish a publisher's signed update of its namespace role (its packages uploaded first)
        requestBody: {content: {application/json: {schema: {type: object, required: [namespace, role],
          properties: {namespace: {type: string}, role: {type: object}}}}}}
        responses: {200: {description: The new versions}, 403: {description: Not signed by the publisher},
          409: {description: Version exists with another digest, package missing, or registry not set up},
          422: {description: Refused (the reason says why)}}
        """
        registry = self._registry()
        body = await json_body(request)
        namespace = field(body, "namespace", str, required=True)
        role = field(body, "role", dict, required=True)
        releases = await asyncio.to_thread(registry.publish, namespace, role, self._actor(request))
        return JSONResponse(
            {
                "published": [
                    {"name": r.name, "version": r.version, "sha256": r.sha256, "size": r.size}
                    for r in releases
                ]
            }
        )

    async def list_plugins(self, request: Request) -> JSONResponse:
        """
        ---
        summary: The registry's plugins, filtered by ?type=T and ?q=TEXT (name or description)
        responses: {200: {description: The plugins with their latest version}}
        """
        params = request.query_params
        plugins = await asyncio.to_thread(self.catalog.list, params.get("type"), params.get("q"))
        return JSONResponse({"plugins": plugins})

    async def get_plugin(self, request: Request) -> JSONResponse:
        """
        ---
        summary: One plugin, ns/name - the latest manifest, permissions, and every version
        responses: {200: {description: The plugin}, 404: {description: No such plugin}}
        """
        name = f"{request.path_params['namespace']}/{request.path_params['name']}"
        return JSONResponse(await asyncio.to_thread(self.catalog.get, name))

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/registry/trust", self.put_trust, methods=["PUT"]),
            Route("/api/v1/registry/metadata/{file}", self.get_metadata, methods=["GET"]),
            Route("/api/v1/plugins", self.list_plugins, methods=["GET"]),
            Route("/api/v1/plugins/publish", self.publish, methods=["POST"]),
            Route("/api/v1/plugins/blobs/{sha256}", self.put_blob, methods=["PUT"]),
            Route("/api/v1/plugins/blobs/{sha256}", self.get_blob, methods=["GET"]),
            Route("/api/v1/plugins/{namespace}/{name}", self.get_plugin, methods=["GET"]),
        ]
