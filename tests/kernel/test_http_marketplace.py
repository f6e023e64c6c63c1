"""The marketplace over /api/v1 against a real in-process kernel: install (by name and from an uploaded zip),
update with and without approval, config, enable/disable, uninstall, packages and their download counts,
metrics (the JSON ones and Prometheus' /metrics), validate-manifest, list filters and the audit log."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from marketplace_setup import CONFIG_SCHEMA, HELLO_MANIFEST, NAME, ok, registry_kernel, sha256_of


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def admin(tmp_path):
    with registry_kernel(tmp_path) as started:
        yield started


def test_the_lifecycle_of_an_installed_plugin(admin):
    api = admin.api
    first = admin.publish("0.1.0", config_schema=CONFIG_SCHEMA, default_config={"retries": 1})
    assert [p["status"] for p in ok(api.get("/plugins", params={"status": "available"}))["plugins"]] == [
        "available"
    ]
    installed = ok(api.post("/plugins/install", json={"name": NAME}))["plugin"]
    assert (installed["status"], installed["installed_version"], installed["enabled"]) == (
        "enabled",
        "0.1.0",
        True,
    )
    assert "already installed" in problem(api.post("/plugins/install", json={"name": NAME}), 409)["detail"]
    assert "'name' is required" in problem(api.post("/plugins/install", json={}), 422)["detail"]
    problem(api.post("/plugins/install", json={"name": "examples/nothing"}), 404)

    bad = problem(api.put(f"/plugins/{NAME}", json={"config": {"retries": "many"}}), 422)
    assert bad["problems"] == ["config.retries: 'many' is not of type 'integer'"]
    assert ok(api.put(f"/plugins/{NAME}", json={"config": {"retries": 3}}))["plugin"]["config"] == {
        "retries": 3
    }
    problem(api.put(f"/plugins/{NAME}", json={}), 422)

    admin.publish(
        "0.2.0",
        config_schema=CONFIG_SCHEMA,
        permissions={**HELLO_MANIFEST["permissions"], "network": {"allowed_hosts": ["https://x.example"]}},
    )
    refused = problem(api.put(f"/plugins/{NAME}", json={"version": "0.2.0"}), 409)
    assert "needs approval: network.allowed_hosts + https://x.example" in refused["detail"]
    assert refused["needs_approval"] == ["network.allowed_hosts + https://x.example"]
    updated = ok(api.put(f"/plugins/{NAME}", json={"version": "0.2.0", "approve_permissions": True}))[
        "plugin"
    ]
    assert updated["installed_version"] == "0.2.0" and updated["config"] == {"retries": 3}
    assert updated["approved_permissions"]["network"] == {"allowed_hosts": ["https://x.example"]}

    assert ok(api.post(f"/plugins/{NAME}/disable"))["plugin"]["status"] == "disabled"
    assert [p["name"] for p in ok(api.get("/plugins", params={"status": "disabled"}))["plugins"]] == [NAME]
    assert ok(api.post(f"/plugins/{NAME}/enable"))["plugin"]["status"] == "enabled"
    assert (
        ok(api.get("/plugins", params={"status": "installed"}))["plugins"][0]["installed_version"] == "0.2.0"
    )
    problem(api.get("/plugins", params={"status": "broken"}), 422)

    digest = sha256_of(first)
    for _ in range(2):
        assert api.get(f"/plugins/blobs/{digest}").content == first.read_bytes()
    shown = ok(api.get(f"/plugins/{NAME}"))
    assert shown["downloads"] == 2 and [v["downloads"] for v in shown["versions"]] == [0, 2]
    metrics = ok(api.get("/plugins/metrics"))
    assert metrics["plugins"] == {"published": 1, "installed": 1, "enabled": 1}
    assert metrics["downloads"] == {NAME: 2}
    assert metrics["cache"]["hits"] == {"memory": 1, "disk": 0} and metrics["cache"]["misses"] == 1
    assert metrics["store"]["packages"] == 2
    prometheus = httpx.get(admin.kernel.http_url + "/metrics").text
    assert 'plugin_cache_hit_total{tier="memory"} 1.0' in prometheus
    assert "plugin_download_total 1.0" in prometheus and "plugin_cache_miss_total 1.0" in prometheus

    cached = admin.kernel.marketplace.cache.folder
    assert any(cached.rglob(digest))
    assert ok(api.delete(f"/plugins/{NAME}")) == {"uninstalled": NAME, "versions": ["0.1.0", "0.2.0"]}
    assert not any(cached.rglob(digest)) and not admin.kernel.registry.blobs.exists(digest)
    problem(api.get(f"/plugins/blobs/{digest}"), 404)
    problem(api.get(f"/plugins/{NAME}"), 404)
    audit = ok(api.get("/registry/audit", params={"limit": 7}))["audit"]
    assert [a["action"] for a in audit] == [
        "plugin.uninstalled",
        "plugin.enabled",
        "plugin.disabled",
        "plugin.updated",
        "plugin.published",
        "plugin.configured",
        "plugin.installed",
    ]
    assert all(a["actor"] == "admin (configured token)" and a["target"].startswith(NAME) for a in audit)
    problem(api.get("/registry/audit", params={"limit": "lots"}), 422)


def zip_of(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def post_zip(api: httpx.Client, path: Path) -> httpx.Response:
    return api.post(
        "/plugins/install", content=path.read_bytes(), headers={"Content-Type": "application/zip"}
    )


def test_install_from_an_uploaded_package(admin, tmp_path):
    api = admin.api
    unsigned = admin.publisher.package("0.1.0")
    body = problem(post_zip(api, unsigned), 403)
    assert body["detail"].startswith(
        f"unsigned package: no publisher has signed sha256 {sha256_of(unsigned)}"
    )
    assert not admin.kernel.registry.blobs.exists(sha256_of(unsigned))

    signed = admin.publish("0.2.0")
    view = ok(post_zip(api, signed))["plugin"]
    assert (view["installed_version"], view["status"]) == ("0.2.0", "enabled")

    manifest = json.dumps({**HELLO_MANIFEST, "version": "0.3.0"}).encode()
    traversal = zip_of(tmp_path / "t.zip", {"manifest.json": manifest, "plugin.wasm": b"\0asm", "../x": b"x"})
    assert problem(post_zip(api, traversal), 422)["entry"] == "../x"
    bomb = zip_of(tmp_path / "b.zip", {"manifest.json": manifest, "plugin.wasm": bytes(8 * 1024**2)})
    assert "inflates" in problem(post_zip(api, bomb), 422)["detail"]
    unknown = {**HELLO_MANIFEST, "version": "0.3.0", "permissions": {"raw_sockets": True}}
    odd = zip_of(tmp_path / "u.zip", {"manifest.json": json.dumps(unknown).encode(), "plugin.wasm": b"\0asm"})
    assert any("'raw_sockets' was unexpected" in p for p in problem(post_zip(api, odd), 422)["problems"])
    problem(api.post("/plugins/install", content=b"", headers={"Content-Type": "application/zip"}), 422)

    admin.kernel.registry.blobs.max_package_bytes = signed.stat().st_size - 1
    assert str(signed.stat().st_size - 1) in problem(post_zip(api, signed), 413)["detail"]


def test_validate_manifest(admin):
    api = admin.api
    assert ok(api.post("/plugins/validate-manifest", json=HELLO_MANIFEST)) == {"valid": True, "problems": []}
    broken = {**HELLO_MANIFEST, "permissions": {"sudo": True, "fs": {"workspace": "write"}}, "version": "one"}
    result = ok(api.post("/plugins/validate-manifest", json=broken))
    assert result["valid"] is False
    assert "permissions: Additional properties are not allowed ('sudo' was unexpected)" in result["problems"]
    assert "permissions.fs.workspace: 'write' is not one of ['none', 'ro', 'rw']" in result["problems"]
    assert any(p.startswith("version: 'one' is not") for p in result["problems"])
    problem(api.post("/plugins/validate-manifest", content=b"[1]"), 422)


def test_marketplace_routes_answer_409_when_the_registry_is_off(embedded):
    with httpx.Client(
        base_url=embedded.kernel.http_url + "/api/v1",
        headers={"Authorization": f"Bearer {embedded.admin_token}"},
    ) as client:
        for method, path in (
            ("POST", "/plugins/install"),
            ("PUT", f"/plugins/{NAME}"),
            ("DELETE", f"/plugins/{NAME}"),
            ("POST", f"/plugins/{NAME}/enable"),
            ("GET", "/plugins/metrics"),
        ):
            body = problem(client.request(method, path, json={"name": NAME}), 409)
            assert body["detail"].startswith("the plugin registry is not set up: ")
        assert client.get("/registry/audit").json() == {"audit": []}
        digest = hashlib.sha256(b"").hexdigest()
        problem(client.get(f"/plugins/blobs/{digest}"), 409)
