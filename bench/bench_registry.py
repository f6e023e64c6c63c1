"""The signed plugin registry: time to a plugin's first execution on an agent, download throughput of each
cache tier and source, and the cost of refreshing signed metadata with 1,000 plugins published.

(a) `first_run`: an in-process kernel (`EmbeddedKernel`, registry on, local blob store) with a published
    plugin, and agents made of the agents' own in-process pieces (no agent process): a registered
    `GrpcPeer`, `RegistrySource` (TUF refresh over GetRegistryMetadata, find, DownloadPlugin into the
    three-tier cache, verify, unpack, manifest check) and `PluginInvoker` on a `SandboxRunner` (compile +
    run). `fresh` is a new agent (empty cache folders); `second` the same agent again; `other` another agent
    sharing nothing with the first (new folders, new sandbox worker; the kernel's own cache is warm by then).
    The sandbox worker's start is timed apart (`worker_start_ms`), not in the totals. Plugins: examples/
    hello-wat (tiny wasi-command) and, unless BENCH_REGISTRY_COMPONENT=0, examples/hello-python (a ~19 MB
    componentize-py component, built first; its build time is reported, not counted).
(b) `throughput_mb_s`: a BENCH_REGISTRY_BLOB_MB (32) MiB incompressible blob through `TieredCache` hits in
    memory and on disk (both re-hash every load), a verified read from each source (`PluginBlobs` over a
    local folder and over S3 on moto's ThreadedMotoServer), a cache miss written through to disk, and the
    same blob as a published package downloaded from the kernel (DownloadPlugin over gRPC, HTTP GET).
(c) `refresh_1000`: an OnlineRepository with 1,000 plugins published (one namespace of 1,000, and 20
    namespaces of 50), read with `TrustClient` over a `DirectoryFetcher` (no transport): `refresh()`
    (root, timestamp, snapshot, targets) and `find()` of one plugin (index, release and revocation list:
    `get_targetinfo`, loading the delegated role), cold (empty metadata folder), warm (the folder of a
    previous client, as after an agent restart) and steady (one long-lived client refreshed before every
    step, as in a running agent: lookups in an unchanged role version are remembered).
    Medians of BENCH_REGISTRY_REPEATS (5).

Prints one JSON line.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster import log, machine, ms, timed
from registry_refresh import refresh_figures

from agent.grpc_peer import GrpcPeer
from agent.peer import AgentInfo
from agent.plugins import PluginInvoker
from agent.plugins.registry_source import RegistrySource
from agent.plugins.resolver import PluginResolver
from agent.sandbox import SandboxRunner
from kernel.blobstore import LocalBlobStore, S3BlobStore
from kernel.cli.embedded import EmbeddedKernel
from kernel.config import Settings
from plugin_sdk.build import build_plugin
from plugin_sdk.package import pack
from registry.blobs import PluginBlobs
from registry.cache import TieredCache
from registry.keys import generate_key, load_public_key, load_signer
from registry.trust import (
    add_publisher,
    init,
    release_path,
    sign_release,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "plugins"
BLOB_MB = int(os.environ.get("BENCH_REGISTRY_BLOB_MB", "32"))
REPEATS = int(os.environ.get("BENCH_REGISTRY_REPEATS", "5"))
WITH_COMPONENT = os.environ.get("BENCH_REGISTRY_COMPONENT", "1") != "0"
CONTEXT = {"run_id": "bench", "job": "bench", "step": "bench", "workspace": "/workspace"}


def mb_s(size: int, seconds: list[float]) -> float:
    return round(size / 1024**2 / statistics.median(seconds), 1)


# ---- the kernel and its publisher -------------------------------------------------------------------------


class Registry:
    """An in-process kernel with the registry on, trust uploaded, and publisher namespaces `examples` and
    `bench` (one key)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.trust = folder / "TRUST"
        init(self.trust)
        self.key = folder / "publisher.key"
        generate_key(self.key)
        for namespace in ("examples", "bench"):
            add_publisher(self.trust, namespace, load_public_key(Path(f"{self.key}.pub")))
        data = folder / "kernel"
        data.mkdir()
        settings = replace(
            Settings.load(),
            database_url=f"sqlite:///{data / 'arcade.db'}",
            storage_url=f"file://{data / 'blobs'}",
            admin_token=secrets.token_urlsafe(32),
            grpc_addr="127.0.0.1:0",
            http_addr="127.0.0.1:0",
            trust_online_keys=str(self.trust / "online"),
            registry_dir=str(data / "registry"),
        )
        self.embedded = EmbeddedKernel(settings).start()
        self.kernel = self.embedded.kernel
        self.api = httpx.Client(
            base_url=self.kernel.http_url + "/api/v1",
            headers={"Authorization": f"Bearer {self.embedded.admin_token}"},
            timeout=120,
        )
        roots = [json.loads(p.read_text()) for p in sorted((self.trust / "metadata").glob("*.root.json"))]
        targets = max(
            (self.trust / "metadata").glob("*.targets.json"), key=lambda p: int(p.name.split(".")[0])
        )
        self._ok(
            self.api.put("/registry/trust", json={"roots": roots, "targets": json.loads(targets.read_text())})
        )

    @staticmethod
    def _ok(response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
        return response.json()

    def publish(self, package: Path) -> tuple[str, int]:
        """Upload, sign (the publisher key) and publish a package; its sha256 and size."""
        data = package.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        self._ok(self.api.put(f"/plugins/blobs/{digest}", content=data))
        manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
        namespace = manifest["name"].split("/")[0]
        role = sign_release(
            self.kernel.registry.repo.role_metadata(namespace),
            namespace,
            load_signer(self.key),
            release_path(manifest["name"], manifest["version"]),
            len(data),
            digest,
            manifest,
        )
        self._ok(self.api.post("/plugins/publish", json={"namespace": namespace, "role": json.loads(role)}))
        return digest, len(data)

    def close(self) -> None:
        self.api.close()
        self.embedded.stop()


# ---- (a) time to first execution ---------------------------------------------------------------------------


class Agent:
    """The agents' in-process pieces with their own folders: peer, registry source, sandbox, invoker."""

    def __init__(self, registry: Registry, folder: Path) -> None:
        self.peer = GrpcPeer(registry.kernel.grpc_target)
        info = AgentInfo(registry.embedded.registration_token(), folder.name, {}, 1, "bench", "localhost")
        self.peer.register(info)
        self.source = RegistrySource(
            registry.trust / "root.json", folder, self.peer, PluginResolver([], folder / "plugins")
        )
        self.metrics = self.source.cache.metrics
        began = time.perf_counter()
        self.runner = SandboxRunner(cache_dir=folder / "sandbox-cache")
        self.runner.warm()
        self.worker_start = time.perf_counter() - began
        self.invoker = PluginInvoker(self.runner)

    def run(self, reference: str, action: str, args: dict[str, Any]) -> dict[str, float]:
        """One plugin step: resolve (+ download, verify, unpack) then invoke (+ compile); milliseconds."""
        downloads = self.metrics.registry.get_sample_value("plugin_download_duration_seconds_sum") or 0.0
        resolve, found = timed(lambda: self.source.resolve(reference))
        fetched = (
            self.metrics.registry.get_sample_value("plugin_download_duration_seconds_sum") or 0.0
        ) - downloads

        def invoke() -> None:
            outcome = self.invoker.invoke(found.plugin, action, args, CONTEXT, None, {}, lambda line: None)
            if not outcome.ok:
                raise SystemExit(f"{reference}: {outcome.error}")

        run, _ = timed(invoke)
        return {
            "total_ms": ms(resolve + run),
            "resolve_ms": ms(resolve),
            "download_verify_ms": ms(fetched),
            "compile_run_ms": ms(run),
        }

    def close(self) -> None:
        self.runner.close()
        self.peer.close()


def first_run_figures(registry: Registry, folder: Path, reference: str, action: str, args: dict) -> dict:
    first = Agent(registry, folder / f"agent-{uuid.uuid4().hex[:6]}")
    try:
        fresh = first.run(reference, action, args)
        second = first.run(reference, action, args)
    finally:
        first.close()
    other_agent = Agent(registry, folder / f"agent-{uuid.uuid4().hex[:6]}")
    try:
        other = other_agent.run(reference, action, args)
    finally:
        other_agent.close()
    totals = {
        case: figures["total_ms"]
        for case, figures in (("fresh", fresh), ("second", second), ("other", other))
    }
    log(f"{reference}: total ms {totals}")
    return {
        "fresh": fresh,
        "second": second,
        "other": other,
        "worker_start_ms": ms(first.worker_start),
    }


def plugin_package(source: Path, folder: Path) -> tuple[Path, float]:
    """Copy an example plugin, build it, pack it; the package and the build seconds."""
    work = folder / source.name
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("*.wasm", "*.zip", "__pycache__"))
    build, _ = timed(lambda: build_plugin(work))
    return pack(work, folder / f"{source.name}.zip").path, build


# ---- (b) throughput --------------------------------------------------------------------------------------


def big_package(folder: Path) -> Path:
    """A valid plugin package of about BLOB_MB MiB (random README bytes do not compress)."""
    work = folder / "big"
    shutil.copytree(EXAMPLES / "hello-wat", work, ignore=shutil.ignore_patterns("*.wasm"))
    manifest = json.loads((work / "manifest.json").read_text())
    (work / "manifest.json").write_text(json.dumps({**manifest, "name": "bench/big", "version": "1.0.0"}))
    (work / "README.md").write_bytes(os.urandom(BLOB_MB * 1024**2))
    build_plugin(work)
    return pack(work, folder / "big.zip").path


def tier_figures(data: bytes, folder: Path, s3_endpoint: str | None) -> dict[str, float]:
    digest, size = hashlib.sha256(data).hexdigest(), len(data)
    local = PluginBlobs(LocalBlobStore(folder / "store"), max_package_bytes=2 * size)
    local.put(io.BytesIO(data))
    figures: dict[str, float] = {}

    cache = TieredCache(folder / "tiers", local.open_verified)
    cache.get(digest, size)
    figures["memory"] = mb_s(size, [timed(lambda: cache.get(digest, size))[0] for _ in range(REPEATS)])
    disk_only = TieredCache(folder / "tiers", local.open_verified, memory_max_bytes=0)
    figures["disk"] = mb_s(size, [timed(lambda: disk_only.get(digest, size))[0] for _ in range(REPEATS)])
    figures["source_local"] = mb_s(
        size, [timed(lambda: local.read_verified(digest, size))[0] for _ in range(REPEATS)]
    )

    def miss() -> float:
        fresh = TieredCache(folder / f"miss-{uuid.uuid4().hex[:6]}", local.open_verified, memory_max_bytes=0)
        seconds, _ = timed(lambda: fresh.get(digest, size))
        shutil.rmtree(fresh.folder)
        return seconds

    figures["miss_local_to_disk"] = mb_s(size, [miss() for _ in range(REPEATS)])
    if s3_endpoint is not None:
        import boto3

        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
        s3 = PluginBlobs(S3BlobStore(bucket, "plugins", s3_endpoint), max_package_bytes=2 * size)
        s3.put(io.BytesIO(data))
        figures["source_s3_moto"] = mb_s(
            size, [timed(lambda: s3.read_verified(digest, size))[0] for _ in range(REPEATS)]
        )
    return figures


def kernel_download_figures(registry: Registry, package: Path) -> dict[str, float]:
    digest, size = registry.publish(package)
    peer = GrpcPeer(registry.kernel.grpc_target)
    info = AgentInfo(registry.embedded.registration_token(), "bench-download", {}, 1, "bench", "localhost")
    peer.register(info)
    try:

        def grpc() -> None:
            data = b"".join(peer.download_plugin(digest))
            assert len(data) == size

        def http() -> None:
            assert len(registry.api.get(f"/plugins/blobs/{digest}").content) == size

        grpc()  # the kernel's cache tiers are warm from here on
        figures = {
            "kernel_grpc_download": mb_s(size, [timed(grpc)[0] for _ in range(REPEATS)]),
            "kernel_http_download": mb_s(size, [timed(http)[0] for _ in range(REPEATS)]),
        }
    finally:
        peer.close()
    return figures


def start_moto() -> tuple[Any, str] | None:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        log("moto is not installed: no S3 figure")
        return None
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ.setdefault(name, value)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


# ---- main --------------------------------------------------------------------------------------------------


def main() -> None:
    context = machine()
    began = time.perf_counter()
    result: dict[str, Any] = {"bench": "registry"}
    with tempfile.TemporaryDirectory(prefix="arcade-bench-registry-") as scratch:
        folder = Path(scratch)
        registry = Registry(folder / "registry")
        try:
            hello, _ = plugin_package(EXAMPLES / "hello-wat", folder)
            registry.publish(hello)
            first_run: dict[str, Any] = {
                "agents": "in-process: GrpcPeer to an in-process EmbeddedKernel, RegistrySource "
                "(TrustClient over GetRegistryMetadata, TieredCache over DownloadPlugin), PluginInvoker + "
                "SandboxRunner; not agent processes",
                "hello_wat": first_run_figures(registry, folder, "examples/hello-wat@^0", "hello", {}),
            }
            if WITH_COMPONENT:
                greet, build = plugin_package(EXAMPLES / "hello-python", folder)
                registry.publish(greet)
                log(f"hello-python built in {ms(build)} ms, package {greet.stat().st_size} bytes")
                component = first_run_figures(registry, folder, "examples/greet@^1", "greet", {"name": "Ada"})
                first_run["greet_python_component"] = {
                    **component,
                    "package_bytes": greet.stat().st_size,
                    "build_ms_not_counted": ms(build),
                }
            result["first_run"] = first_run

            package = big_package(folder)
            data = package.read_bytes()
            moto = start_moto()
            try:
                throughput = tier_figures(data, folder / "tiers", moto[1] if moto else None)
            finally:
                if moto:
                    moto[0].stop()
            throughput.update(kernel_download_figures(registry, package))
            result["throughput_mb_s"] = {"blob_bytes": len(data), "repeats": REPEATS, **throughput}
            log(f"throughput: {result['throughput_mb_s']}")
        finally:
            registry.close()
        result["refresh_1000"] = {
            "fetcher": "DirectoryFetcher (no transport); TrustClient.refresh() + find() of one plugin",
            "one_namespace": refresh_figures(folder / "refresh-1", 1, REPEATS),
            "twenty_namespaces": refresh_figures(folder / "refresh-20", 20, REPEATS),
        }
    result["seconds"] = round(time.perf_counter() - began, 1)
    result["machine"] = context
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
