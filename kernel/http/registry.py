"""The plugin registry over HTTP: trust updates, package uploads, publishing, signed metadata, packages, the
marketplace (list, get, install, update, config, enable/disable, uninstall, metrics, validate-manifest) and
the registry's audit log (DESIGN §3, §6).

Reading metadata and packages (GET .../registry/metadata/{file}, GET .../plugins/blobs/{sha256}) takes any
admin or agent token (see `kernel.http.app.AdminAuth`); everything else an admin token.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.routing import Route

from kernel.auth import bearer
from kernel.errors import FailedPrecondition, InvalidInput
from kernel.http.requests import field, int_param, json_body
from kernel.plugin_catalog import PluginCatalog
from kernel.plugin_marketplace import PluginMarketplace
from kernel.plugin_registry import NOT_SET_UP, PluginRegistry
from registry.errors import PackageTooLarge

if TYPE_CHECKING:
    from kernel.app import Kernel

CHUNK = 64 * 1024


def _slices(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _plugin_name(request: Request) -> str:
    return f"{request.path_params['namespace']}/{request.path_params['name']}"


async def _receive_zip(request: Request, limit: int, what: str) -> Path:
    """The request body in a temporary file (the caller deletes it); PackageTooLarge past `limit` bytes."""
    handle, temp = tempfile.mkstemp(prefix="arcade-upload-", suffix=".zip")
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise PackageTooLarge(f"{what} is larger than the limit of {limit} bytes", limit=limit)
                out.write(chunk)
        if size == 0:
            raise InvalidInput("request body: the package zip is empty")
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


class RegistryRoutes:
    def __init__(self, kernel: Kernel) -> None:
        self.k = kernel
        self.catalog = PluginCatalog(kernel.db)

    def _registry(self) -> PluginRegistry:
        if self.k.registry is None:
            raise FailedPrecondition(NOT_SET_UP)
        return self.k.registry

    def _marketplace(self) -> PluginMarketplace:
        if self.k.marketplace is None:
            raise FailedPrecondition(NOT_SET_UP)
        return self.k.marketplace

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
        temp = await _receive_zip(request, limit, f"plugin package {sha256}")
        try:
            stored = await asyncio.to_thread(registry.store_package, temp, sha256)
        finally:
            temp.unlink(missing_ok=True)
        return JSONResponse(stored)

    async def get_blob(self, request: Request) -> StreamingResponse:
        """
        ---
        summary: Download a published plugin package (verified, through the kernel's cache tiers; counted)
        responses: {200: {description: The package, content: {application/zip: {}}},
          404: {description: No published version has this digest}, 409: {description: Registry not set up},
          422: {description: The stored package failed verification}}
        """
        marketplace = self._marketplace()
        sha256 = request.path_params["sha256"]
        data = await asyncio.to_thread(marketplace.package, sha256)
        headers = {"Content-Length": str(len(data)), "ETag": f'"{sha256}"'}
        return StreamingResponse(_slices(data), media_type="application/zip", headers=headers)

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
        summary: The registry's plugins, filtered by ?type=T, ?status=available|installed|enabled|disabled
          and ?q=TEXT (name or description)
        responses: {200: {description: The plugins with their latest version and install state},
          422: {description: Unknown status}}
        """
        params = request.query_params
        plugins = await asyncio.to_thread(
            self.catalog.list, params.get("type"), params.get("q"), params.get("status")
        )
        return JSONResponse({"plugins": plugins})

    async def get_plugin(self, request: Request) -> JSONResponse:
        """
        ---
        summary: One plugin, ns/name - the latest manifest, permissions, install state, config, downloads,
          and every version
        responses: {200: {description: The plugin}, 404: {description: No such plugin}}
        """
        return JSONResponse(await asyncio.to_thread(self.catalog.get, _plugin_name(request)))

    async def install(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Install a plugin from the marketplace (JSON {name, version?}) or an uploaded signed package
          (a zip body)
        requestBody: {content: {application/json: {schema: {type: object, required: [name], properties: {
          name: {type: string}, version: {type: string}}}}, application/zip: {}}}
        responses: {200: {description: The installed plugin}, 403: {description: Unsigned package},
          404: {description: No such plugin or version}, 409: {description: Already installed, or new
          permissions need approval}, 413: {description: Over the size limit},
          422: {description: Invalid package (zip bomb, path traversal, manifest)}}
        """
        marketplace = self._marketplace()
        actor = self._actor(request)
        if request.headers.get("content-type", "").split(";")[0].strip() == "application/zip":
            limit = marketplace.registry.blobs.max_package_bytes
            temp = await _receive_zip(request, limit, "the plugin package")
            try:
                view = await asyncio.to_thread(marketplace.install_package, temp, actor)
            finally:
                temp.unlink(missing_ok=True)
            return JSONResponse({"plugin": view})
        body = await json_body(request)
        name = field(body, "name", str, required=True)
        version = field(body, "version", str)
        view = await asyncio.to_thread(marketplace.install, name, version, actor)
        return JSONResponse({"plugin": view})

    async def update_plugin(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Update an installed plugin (version, approving new permissions) and/or replace its config
        requestBody: {content: {application/json: {schema: {type: object, properties: {version: {type:
          string}, approve_permissions: {type: boolean}, config: {type: object}}}}}}
        responses: {200: {description: The plugin}, 404: {description: No such plugin or version},
          409: {description: Not installed, or new permissions need approval},
          422: {description: Config refused by the plugin's config_schema}}
        """
        marketplace = self._marketplace()
        body = await json_body(request)
        version = field(body, "version", str)
        approve = field(body, "approve_permissions", bool, default=False)
        config = field(body, "config", dict)
        name, actor = _plugin_name(request), self._actor(request)
        if version is not None or approve:
            view = await asyncio.to_thread(marketplace.update, name, version, approve, actor, config)
        elif config is not None:
            view = await asyncio.to_thread(marketplace.set_config, name, config, actor)
        else:
            raise InvalidInput(
                "request body: expected at least one of 'version', 'approve_permissions', 'config'"
            )
        return JSONResponse({"plugin": view})

    async def uninstall(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Uninstall a plugin - its catalog rows, packages in the store and the kernel's cache tiers
        responses: {200: {description: What was removed}, 404: {description: No such plugin}}
        """
        marketplace = self._marketplace()
        result = await asyncio.to_thread(marketplace.uninstall, _plugin_name(request), self._actor(request))
        return JSONResponse(result)

    async def enable(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Enable an installed plugin (steps using it run again)
        responses: {200: {description: The plugin}, 404: {description: No such plugin},
          409: {description: Not installed}}
        """
        return await self._set_enabled(request, True)

    async def disable(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Disable an installed plugin (steps using it fail, refused by the kernel)
        responses: {200: {description: The plugin}, 404: {description: No such plugin},
          409: {description: Not installed}}
        """
        return await self._set_enabled(request, False)

    async def _set_enabled(self, request: Request, enabled: bool) -> JSONResponse:
        marketplace = self._marketplace()
        name, actor = _plugin_name(request), self._actor(request)
        return JSONResponse(
            {"plugin": await asyncio.to_thread(marketplace.set_enabled, name, enabled, actor)}
        )

    async def metrics(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Marketplace figures - plugins published/installed/enabled, downloads, cache and store
        responses: {200: {description: The figures}}
        """
        return JSONResponse(await asyncio.to_thread(self._marketplace().metrics))

    async def validate_manifest(self, request: Request) -> JSONResponse:
        """
        ---
        summary: Check a plugin manifest against the SDK's schema and rules; every problem with its field
        requestBody: {content: {application/json: {schema: {type: object}}}}
        responses: {200: {description: '{valid, problems}'}}
        """
        body = await json_body(request)
        return JSONResponse(PluginMarketplace.validate_manifest(body))

    async def audit(self, request: Request) -> JSONResponse:
        """
        ---
        summary: The registry's audit log, newest first (?limit=N, 1 to 1000, default 100)
        responses: {200: {description: '{audit: [{at, actor, action, target, details}]}'},
          422: {description: Bad limit}}
        """
        limit = int_param(request, "limit", 100)
        return JSONResponse({"audit": await asyncio.to_thread(self.catalog.audit, limit)})

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/registry/trust", self.put_trust, methods=["PUT"]),
            Route("/api/v1/registry/metadata/{file}", self.get_metadata, methods=["GET"]),
            Route("/api/v1/plugins", self.list_plugins, methods=["GET"]),
            Route("/api/v1/plugins/publish", self.publish, methods=["POST"]),
            Route("/api/v1/plugins/blobs/{sha256}", self.put_blob, methods=["PUT"]),
            Route("/api/v1/plugins/blobs/{sha256}", self.get_blob, methods=["GET"]),
            Route("/api/v1/registry/audit", self.audit, methods=["GET"]),
            Route("/api/v1/plugins/install", self.install, methods=["POST"]),
            Route("/api/v1/plugins/metrics", self.metrics, methods=["GET"]),
            Route("/api/v1/plugins/validate-manifest", self.validate_manifest, methods=["POST"]),
            Route("/api/v1/plugins/{namespace}/{name}", self.get_plugin, methods=["GET"]),
            Route("/api/v1/plugins/{namespace}/{name}", self.update_plugin, methods=["PUT"]),
            Route("/api/v1/plugins/{namespace}/{name}", self.uninstall, methods=["DELETE"]),
            Route("/api/v1/plugins/{namespace}/{name}/enable", self.enable, methods=["POST"]),
            Route("/api/v1/plugins/{namespace}/{name}/disable", self.disable, methods=["POST"]),
        ]
