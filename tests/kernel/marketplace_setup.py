"""Marketplace test kit: a publisher with a TUF trust folder, its packages, a kernel with a registry."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from kernel.cli.embedded import EmbeddedKernel
from plugin_sdk.package import pack
from registry.keys import generate_key, load_public_key, load_signer
from registry.trust import add_publisher, init, sign_release
from registry.trust.layout import release_path

ROOT = Path(__file__).resolve().parents[2]
HELLO_MANIFEST: dict[str, Any] = json.loads((ROOT / "examples/plugins/hello-wat/manifest.json").read_text())
NAME = HELLO_MANIFEST["name"]  # examples/hello-wat
NAMESPACE = NAME.split("/")[0]
CONFIG_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"retries": {"type": "integer", "minimum": 0}, "greeting": {"type": "string"}},
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trust_body(trust: Path) -> dict[str, Any]:
    roots = [json.loads(p.read_text()) for p in sorted((trust / "metadata").glob("*.root.json"))]
    newest = max((trust / "metadata").glob("*.targets.json"), key=lambda p: int(p.name.split(".")[0]))
    return {"roots": roots, "targets": json.loads(newest.read_text())}


class Publisher:
    """The admin's TRUST folder with one publisher (namespace `examples`) and the packages it makes."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.trust = tmp / "TRUST"
        init(self.trust)
        self.key = tmp / "publisher.key"
        generate_key(self.key)
        add_publisher(self.trust, NAMESPACE, load_public_key(Path(f"{self.key}.pub")))
        self.count = 0

    def start_kernel(self, data: Path | None = None, **settings: Any) -> EmbeddedKernel:
        """A started embedded kernel (data in `data`, default TMP/data) whose registry signs with this TRUST
        folder's online keys; trust not uploaded yet."""
        data = data or self.tmp / "data"
        return EmbeddedKernel.for_data_dir(
            data,
            grpc_addr="127.0.0.1:0",
            http_addr="127.0.0.1:0",
            trust_online_keys=str(self.trust / "online"),
            registry_dir=str(data / "registry"),
            **settings,
        ).start()

    def package(self, version: str = "0.1.0", readme: str | None = None, **changes: Any) -> Path:
        """A package of the hello-wat manifest at `version`, with `changes` to the manifest (e.g.
        permissions=..., config_schema=...) and a stand-in entry; each package has different bytes unless
        `readme` is given (the same version and readme: the same bytes)."""
        self.count += 1
        folder = self.tmp / f"plugin-{self.count}"
        folder.mkdir()
        document = {**HELLO_MANIFEST, "version": version, **changes}
        (folder / "manifest.json").write_text(json.dumps(document))
        (folder / "plugin.wasm").write_bytes(b"\0asm\1\0\0\0")
        (folder / "README.md").write_text(f"package {self.count}" if readme is None else readme)
        return pack(folder, self.tmp / f"package-{self.count}.zip").path

    def signed(self, role_metadata: bytes | None, package: Path) -> dict[str, Any]:
        """The `{"namespace", "role"}` document `arcade plugin sign` writes for `package`."""
        manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
        role = sign_release(
            role_metadata,
            NAMESPACE,
            load_signer(self.key),
            release_path(NAME, manifest["version"]),
            package.stat().st_size,
            sha256_of(package),
            manifest,
        )
        return {"namespace": NAMESPACE, "role": json.loads(role)}


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


class Admin:
    """An admin's HTTP client on a kernel with a registry, and the publisher of `examples`."""

    def __init__(self, embedded: EmbeddedKernel, publisher: Publisher, api: httpx.Client) -> None:
        self.embedded = embedded
        self.kernel = embedded.kernel
        self.publisher = publisher
        self.api = api

    def publish(self, version: str = "0.1.0", **changes: Any) -> Path:
        """Pack, upload, sign and publish a release (as `arcade plugin publish` does)."""
        package = self.publisher.package(version, **changes)
        ok(self.api.put(f"/plugins/blobs/{sha256_of(package)}", content=package.read_bytes()))
        assert self.kernel.registry is not None
        signed = self.publisher.signed(self.kernel.registry.repo.role_metadata(NAMESPACE), package)
        ok(self.api.post("/plugins/publish", json=signed))
        return package


@contextmanager
def admin_api(embedded: EmbeddedKernel, publisher: Publisher) -> Iterator[httpx.Client]:
    """An admin's client of `embedded`'s /api/v1, after uploading the publisher's trust metadata."""
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
        timeout=30,
    ) as api:
        ok(api.put("/registry/trust", json=trust_body(publisher.trust)))
        yield api


@contextmanager
def registry_kernel(tmp: Path) -> Iterator[Admin]:
    """An embedded kernel whose registry signs with a fresh TRUST folder, trust uploaded."""
    publisher = Publisher(tmp)
    embedded = publisher.start_kernel()
    try:
        with admin_api(embedded, publisher) as api:
            yield Admin(embedded, publisher, api)
    finally:
        embedded.stop()
