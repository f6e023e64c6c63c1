"""The plugin registry over /api/v1 against a real in-process kernel: trust upload, package upload, publish,
signed metadata and packages, the catalog, and each refusal (nothing stored when refused)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from marketplace_setup import HELLO_MANIFEST, NAME, NAMESPACE, Publisher, trust_body
from sqlalchemy import select
from tuf.api.metadata import Metadata

from kernel.cli.embedded import EmbeddedKernel
from kernel.store import models
from registry.keys import generate_key, load_signer
from registry.trust import HttpFetcher, TrustClient, kernel_metadata_url, sign_release
from registry.trust.layout import release_path
from registry.trust.releases import release_target


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def setup(tmp_path):
    return Publisher(tmp_path)


@pytest.fixture
def kernel(setup):
    embedded = setup.start_kernel()
    try:
        yield embedded
    finally:
        embedded.stop()


@pytest.fixture
def api(kernel, setup):
    with httpx.Client(
        base_url=kernel.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {kernel.admin_token}"},
        timeout=30,
    ) as client:
        assert client.put("/registry/trust", json=trust_body(setup.trust)).status_code == 200
        yield client


def upload(api: httpx.Client, package: Path) -> tuple[str, int]:
    data = package.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    response = api.put(f"/plugins/blobs/{sha256}", content=data)
    assert response.status_code == 200, response.text
    return sha256, len(data)


def signed_role(kernel, setup, package: Path, key: Path | None = None, manifest: dict | None = None) -> dict:
    data = package.read_bytes()
    document = manifest or json.loads(zipfile.ZipFile(package).read("manifest.json"))
    role = sign_release(
        kernel.kernel.registry.repo.role_metadata(NAMESPACE),
        NAMESPACE,
        load_signer(key or setup.key),
        release_path(NAME, document["version"]),
        len(data),
        hashlib.sha256(data).hexdigest(),
        document,
    )
    return json.loads(role)


def publish(api, kernel, setup, package: Path, **kwargs) -> httpx.Response:
    upload(api, package)
    return api.post(
        "/plugins/publish",
        json={"namespace": NAMESPACE, "role": signed_role(kernel, setup, package, **kwargs)},
    )


def test_publish_then_read_metadata_and_package_and_verify_over_http(api, kernel, setup, tmp_path):
    package = setup.package()
    response = publish(api, kernel, setup, package)
    assert response.status_code == 200, response.text
    sha256 = hashlib.sha256(package.read_bytes()).hexdigest()
    assert response.json()["published"] == [
        {"name": NAME, "version": "0.1.0", "sha256": sha256, "size": package.stat().st_size}
    ]
    metadata_dir = kernel.kernel.registry.repo.metadata_dir
    assert (
        api.get("/registry/metadata/timestamp.json").content == (metadata_dir / "timestamp.json").read_bytes()
    )
    assert api.get("/registry/metadata/1.root.json").content == (metadata_dir / "1.root.json").read_bytes()
    for name in ("nope.json", "..%2Farcade.db", ".timestamp.json", "1.root.json.tmp"):
        problem(api.get(f"/registry/metadata/{name}"), 404)
    assert api.get(f"/plugins/blobs/{sha256}").content == package.read_bytes()
    problem(api.get(f"/plugins/blobs/{'0' * 64}"), 404)

    # An agent's token reads metadata and packages, but cannot publish.
    agent_token, _ = kernel.kernel.tokens.create("agent")
    fetcher = HttpFetcher(kernel_metadata_url(kernel.kernel.http_url), agent_token)
    client = TrustClient(
        setup.trust / "root.json",
        tmp_path / "agent-metadata",
        fetcher,
        base_url=kernel_metadata_url(kernel.kernel.http_url),
    )
    found = client.find(NAME, "^0.1")
    assert (found.version, found.sha256, found.length) == ("0.1.0", sha256, package.stat().st_size)
    assert found.manifest == HELLO_MANIFEST
    agent = {"Authorization": f"Bearer {agent_token}"}
    assert (
        httpx.get(f"{kernel.kernel.http_url}/api/v1/plugins/blobs/{sha256}", headers=agent).content
        == package.read_bytes()
    )
    assert (
        httpx.post(f"{kernel.kernel.http_url}/api/v1/plugins/publish", headers=agent, json={}).status_code
        == 401
    )

    with kernel.kernel.db.session() as session:
        kinds = session.scalars(select(models.Event.kind)).all()
        audit = session.scalars(select(models.RegistryAudit)).all()
    assert "plugin.published" in kinds and "registry.trust_updated" in kinds
    assert [(a.action, a.target, a.actor) for a in audit][-1] == (
        "plugin.published",
        f"{NAME}@0.1.0",
        "admin (configured token)",
    )


def test_catalog_lists_and_shows_plugins(api, kernel, setup):
    for version in ("0.1.0", "0.2.0"):
        assert publish(api, kernel, setup, setup.package(version)).status_code == 200
    listed = api.get("/plugins").json()["plugins"]
    assert [(p["name"], p["latest_version"], p["versions"], p["type"]) for p in listed] == [
        (NAME, "0.2.0", 2, "custom")
    ]
    assert api.get("/plugins", params={"type": "ci"}).json()["plugins"] == []
    assert len(api.get("/plugins", params={"q": "HELLO"}).json()["plugins"]) == 1
    assert api.get("/plugins", params={"q": "nothing-like-it"}).json()["plugins"] == []
    shown = api.get(f"/plugins/{NAME}").json()
    assert shown["manifest"]["version"] == "0.2.0"
    assert shown["permissions"] == HELLO_MANIFEST["permissions"]
    assert [v["version"] for v in shown["versions"]] == ["0.2.0", "0.1.0"]
    assert all(len(v["sha256"]) == 64 and v["size"] > 0 and v["published_by"] for v in shown["versions"])
    problem(api.get("/plugins/examples/nothing"), 404)


def test_trust_upload_is_idempotent_and_refuses_forged_roots(api, setup):
    again = api.put("/registry/trust", json=trust_body(setup.trust)).json()
    assert again["changed"] == [] and again["root_version"] == 1
    forged = trust_body(setup.trust)["roots"][0]
    forged["signed"]["version"] = 2
    assert "root" in problem(api.put("/registry/trust", json={"root": forged}), 422)["detail"]


def test_wrong_publisher_key_and_unsigned_role_are_refused(api, kernel, setup, tmp_path):
    other = tmp_path / "other.key"
    generate_key(other)
    package = setup.package()
    body = problem(publish(api, kernel, setup, package, key=other), 403)
    assert "not signed by the namespace's publisher key" in body["detail"]
    role = signed_role(kernel, setup, package)
    role["signatures"] = []
    problem(api.post("/plugins/publish", json={"namespace": NAMESPACE, "role": role}), 403)
    assert api.get("/plugins").json()["plugins"] == []
    assert kernel.kernel.registry.repo.role_metadata(NAMESPACE) is None


def test_upload_refuses_digest_mismatch_oversize_and_unsafe_zips(api, kernel, setup, tmp_path):
    data = setup.package().read_bytes()
    body = problem(api.put(f"/plugins/blobs/{'a' * 64}", content=data), 422)
    assert "a" * 64 in body["detail"]
    problem(api.put("/plugins/blobs/not-a-digest", content=data), 422)

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("manifest.json", json.dumps(HELLO_MANIFEST))
        archive.writestr("plugin.wasm", b"\0asm")
        archive.writestr("../escape.txt", b"x")
    evil_data = evil.read_bytes()
    body = problem(api.put(f"/plugins/blobs/{hashlib.sha256(evil_data).hexdigest()}", content=evil_data), 422)
    assert body["entry"] == "../escape.txt" and "../escape.txt" in body["detail"]

    kernel.kernel.registry.blobs.max_package_bytes = len(data) - 1
    body = problem(api.put(f"/plugins/blobs/{hashlib.sha256(data).hexdigest()}", content=data), 413)
    assert str(len(data) - 1) in body["detail"]
    assert not kernel.kernel.registry.blobs.exists(hashlib.sha256(data).hexdigest())


def test_publish_refuses_a_manifest_that_is_not_the_package_manifest(api, kernel, setup):
    package = setup.package()
    lying = dict(HELLO_MANIFEST, description="something else entirely")
    body = problem(publish(api, kernel, setup, package, manifest=lying), 422)
    assert "custom.manifest differs" in body["detail"]
    assert api.get("/plugins").json()["plugins"] == []


def test_publish_refuses_a_missing_package(api, kernel, setup):
    package = setup.package()
    role = signed_role(kernel, setup, package)
    body = problem(api.post("/plugins/publish", json={"namespace": NAMESPACE, "role": role}), 409)
    assert "upload its package first" in body["detail"]


def test_publish_refuses_an_existing_version_with_another_digest(api, kernel, setup):
    assert publish(api, kernel, setup, setup.package()).status_code == 200
    other = setup.package(readme="changed")
    sha256, size = upload(api, other)
    md = Metadata.from_bytes(kernel.kernel.registry.repo.role_metadata(NAMESPACE))
    path = release_path(NAME, "0.1.0")
    md.signed.targets[path] = release_target(path, size, sha256, HELLO_MANIFEST)
    md.signed.version += 1
    md.signatures.clear()
    md.sign(load_signer(setup.key))
    body = problem(
        api.post("/plugins/publish", json={"namespace": NAMESPACE, "role": json.loads(md.to_bytes())}), 409
    )
    assert "exists with sha256" in body["detail"]
    assert [v["sha256"] for v in api.get(f"/plugins/{NAME}").json()["versions"]] != [sha256]


def test_registry_routes_answer_409_when_not_set_up(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        for method, path in (
            ("PUT", "/registry/trust"),
            ("GET", "/registry/metadata/timestamp.json"),
            ("PUT", f"/plugins/blobs/{'a' * 64}"),
            ("GET", f"/plugins/blobs/{'a' * 64}"),
            ("POST", "/plugins/publish"),
        ):
            body = problem(client.request(method, path, json={}), 409)
            assert body["detail"].startswith("the plugin registry is not set up: ")
        assert client.get("/plugins").json() == {"plugins": []}


def test_missing_online_keys_leave_the_registry_not_set_up(tmp_path):
    embedded = EmbeddedKernel.for_data_dir(
        tmp_path / "data",
        grpc_addr="127.0.0.1:0",
        http_addr="127.0.0.1:0",
        trust_online_keys=str(tmp_path / "no-such-folder"),
    )
    embedded.start()
    try:
        assert embedded.kernel.registry.refresh_timestamp() is False
        response = httpx.get(
            embedded.kernel.http_url + "/api/v1/registry/metadata/timestamp.json",
            headers={"Authorization": f"Bearer {embedded.admin_token}"},
        )
        detail = problem(response, 409)["detail"]
        assert detail.startswith("the plugin registry is not set up: ") and "no-such-folder" in detail
    finally:
        embedded.stop()


def test_timestamp_is_re_signed_only_when_it_nears_expiry(api, kernel):
    registry = kernel.kernel.registry
    before = registry.repo.timestamp().signed.version
    assert registry.refresh_timestamp() is False
    assert registry.repo.timestamp().signed.version == before
