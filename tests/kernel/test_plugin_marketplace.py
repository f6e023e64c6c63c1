"""PluginMarketplace on a real store (SQLite and PostgreSQL), a real blob store, real TUF metadata and a real
tiered cache: install, update with and without approval, enable/disable, config, uninstall, pins, packages
and their download counts, metrics, manifest validation, list filters and the audit log."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from marketplace_setup import CONFIG_SCHEMA, HELLO_MANIFEST, NAME, NAMESPACE, Publisher, sha256_of, trust_body
from prometheus_client import CollectorRegistry
from sqlalchemy import select

from kernel.blobstore import LocalBlobStore, blob_key
from kernel.errors import Conflict, FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from kernel.events import EventBus
from kernel.journal import Journal
from kernel.plugin_marketplace import PluginMarketplace
from kernel.plugin_registry import PluginRegistry
from kernel.store import models
from registry.blobs import PluginBlobs
from registry.cache import TieredCache
from registry.keys import generate_key
from registry.metrics import PluginCacheMetrics

ADMIN = "admin (test)"


class Market:
    def __init__(self, database, tmp: Path) -> None:
        self.db = database
        self.publisher = Publisher(tmp)
        self.blobs = PluginBlobs(LocalBlobStore(tmp / "blobs"))
        self.registry = PluginRegistry(
            Journal(database, EventBus()), self.publisher.trust / "online", tmp / "registry", self.blobs
        )
        body = trust_body(self.publisher.trust)
        self.registry.update_trust(body["roots"], body["targets"], ADMIN)
        self.cache = TieredCache(
            tmp / "cache", self.blobs.open_verified, metrics=PluginCacheMetrics(CollectorRegistry())
        )
        self.market = PluginMarketplace(self.registry.journal, self.registry, self.cache)

    def publish(self, version: str = "0.1.0", **changes) -> Path:
        package = self.publisher.package(version, **changes)
        signed = self.signed(package)
        self.registry.store_package(package, sha256_of(package))
        assert self.registry.publish(NAMESPACE, signed["role"], "publisher")
        return package

    def signed(self, package: Path) -> dict:
        return self.publisher.signed(self.registry.repo.role_metadata(NAMESPACE), package)

    def audit(self) -> list[tuple[str, str, str]]:
        with self.db.session() as session:
            rows = session.scalars(select(models.RegistryAudit).order_by(models.RegistryAudit.id)).all()
        return [(r.action, r.target, r.actor) for r in rows]

    def events(self) -> list[str]:
        with self.db.session() as session:
            return list(session.scalars(select(models.Event.kind).order_by(models.Event.id)).all())


@pytest.fixture
def m(database, tmp_path) -> Market:
    return Market(database, tmp_path)


def test_install_newest_or_a_version_once(m):
    m.publish("0.1.0")
    m.publish("0.2.0")
    with pytest.raises(NotFound, match=r"version: examples/hello-wat@9\.9\.9 is not published \(published: "):
        m.market.install(NAME, "9.9.9", ADMIN)
    with pytest.raises(NotFound, match="no plugin 'examples/nothing'"):
        m.market.install("examples/nothing", None, ADMIN)
    view = m.market.install(NAME, None, ADMIN)
    assert (view["status"], view["installed_version"], view["enabled"]) == ("enabled", "0.2.0", True)
    assert view["approved_permissions"] == {
        "fs": {"workspace": "none"},
        "limits": {"memory_mb": 4, "timeout": "5s"},
    }
    assert view["installed_by"] == ADMIN and view["installed_at"]
    with pytest.raises(Conflict, match="already installed .version 0.2.0.; use update"):
        m.market.install(NAME, "0.1.0", ADMIN)
    assert m.audit()[-1] == ("plugin.installed", NAME, ADMIN)
    assert m.events()[-1] == "plugin.installed"


def test_update_needs_approval_for_each_new_permission(m):
    m.publish("0.1.0")
    with pytest.raises(FailedPrecondition, match="examples/hello-wat is not installed"):
        m.market.update(NAME, None, actor=ADMIN)
    m.market.install(NAME, None, ADMIN)
    m.publish("0.1.1", description="same permissions")
    wider = {
        "fs": {"workspace": "rw"},
        "network": {"allowed_hosts": ["https://x.example"]},
        "env": ["CI"],
        "secrets": ["TOKEN"],
        "limits": {"memory_mb": 64, "timeout": "5s"},
    }
    m.publish("0.2.0", permissions=wider)

    assert m.market.update(NAME, "0.1.1", actor=ADMIN)["installed_version"] == "0.1.1"  # nothing new
    with pytest.raises(FailedPrecondition) as refused:
        m.market.update(NAME, None, actor=ADMIN)
    assert refused.value.message.startswith("examples/hello-wat@0.2.0 needs approval: ")
    assert refused.value.details["needs_approval"] == [
        "fs.workspace none -> rw",
        "network.allowed_hosts + https://x.example",
        "env + CI",
        "secrets + TOKEN",
        "limits.memory_mb 4 -> 64",
    ]
    assert m.market.catalog.get(NAME)["installed_version"] == "0.1.1"  # unchanged

    view = m.market.update(NAME, None, approve_permissions=True, actor=ADMIN)
    assert view["installed_version"] == "0.2.0" and view["approved_permissions"] == wider
    assert m.market.update(NAME, "0.2.0", actor=ADMIN)["installed_version"] == "0.2.0"  # approved now
    assert [a for a, _, _ in m.audit()].count("plugin.updated") == 3


def test_enable_disable_and_pins(m):
    package = m.publish("1.0.0", config_schema=CONFIG_SCHEMA, default_config={"retries": 1, "greeting": "hi"})
    assert m.market.pin("local/other") is None  # a namespace the registry does not delegate: agent-local
    assert (
        "not in this kernel's registry" in m.market.pin("examples/other").refused
    )  # a publisher's namespace
    assert m.market.pin("not a reference!") is None
    refused = m.market.pin(f"{NAME}@^1").refused
    assert refused == (
        f"plugin {NAME} is not installed on this kernel (an admin installs it: arcade plugin install {NAME})"
    )

    m.market.install(NAME, None, ADMIN)
    pin = m.market.pin(f"{NAME}@^1")
    assert (pin.version, pin.sha256, pin.refused) == ("1.0.0", sha256_of(package), "")
    assert json.loads(pin.config_json) == {"retries": 1, "greeting": "hi"}
    assert "outside the range ^2" in m.market.pin(f"{NAME}@^2").refused

    assert m.market.set_enabled(NAME, False, ADMIN)["status"] == "disabled"
    assert m.market.pin(NAME).refused == (
        f"plugin {NAME} is disabled on this kernel (an admin enables it: arcade plugin enable {NAME})"
    )
    m.market.set_enabled(NAME, False, ADMIN)  # idempotent: no second audit row
    assert m.market.set_enabled(NAME, True, ADMIN)["status"] == "enabled"
    assert m.market.pin(NAME).version == "1.0.0"
    actions = [a for a, _, _ in m.audit()]
    assert actions[-2:] == ["plugin.disabled", "plugin.enabled"] and actions.count("plugin.disabled") == 1
    assert m.events()[-2:] == ["plugin.disabled", "plugin.enabled"]


def test_config_is_checked_against_the_config_schema(m):
    m.publish("1.0.0", config_schema=CONFIG_SCHEMA, default_config={"retries": 1})
    with pytest.raises(FailedPrecondition, match="not installed"):
        m.market.set_config(NAME, {"retries": 2}, ADMIN)
    m.market.install(NAME, None, ADMIN)
    with pytest.raises(InvalidInput) as bad:
        m.market.set_config(NAME, {"retries": "many"}, ADMIN)
    assert bad.value.details["problems"] == ["config.retries: 'many' is not of type 'integer'"]
    with pytest.raises(InvalidInput, match="Additional properties are not allowed .'colour' was unexpected"):
        m.market.set_config(NAME, {"colour": "red"}, ADMIN)
    with pytest.raises(InvalidInput, match="config: expected a JSON object"):
        m.market.set_config(NAME, ["retries"], ADMIN)  # type: ignore[arg-type]
    assert m.market.set_config(NAME, {"greeting": "hello"}, ADMIN)["config"] == {"greeting": "hello"}
    assert json.loads(m.market.pin(NAME).config_json) == {"retries": 1, "greeting": "hello"}
    assert m.audit()[-1] == ("plugin.configured", NAME, ADMIN)

    m.publish("2.0.0")  # no config_schema: the config no longer fits, so the update says so
    with pytest.raises(InvalidInput, match="takes no config"):
        m.market.update(NAME, "2.0.0", actor=ADMIN)
    assert m.market.update(NAME, "2.0.0", actor=ADMIN, config={})["installed_version"] == "2.0.0"


def test_uninstall_removes_rows_blobs_and_cache_and_keeps_the_audit(m):
    first, second = m.publish("0.1.0"), m.publish("0.2.0")
    m.market.install(NAME, None, ADMIN)
    digests = [sha256_of(first), sha256_of(second)]
    for digest, package in zip(digests, (first, second), strict=True):
        assert m.market.package(digest) == package.read_bytes()  # into memory and disk
        assert (m.cache.folder / blob_key(digest)).is_file()

    assert m.market.uninstall(NAME, ADMIN) == {"uninstalled": NAME, "versions": ["0.1.0", "0.2.0"]}
    for digest in digests:
        assert not m.blobs.exists(digest)
        assert not (m.cache.folder / blob_key(digest)).exists()
        with pytest.raises(NotFound):
            m.market.package(digest)
    assert m.cache.stats.memory_entries == 0 and m.cache.stats.disk_entries == 0
    with m.db.session() as session:
        assert session.scalars(select(models.Plugin)).all() == []
        assert session.scalars(select(models.PluginVersion)).all() == []
    actions = [a for a, _, _ in m.audit()]
    assert actions.count("plugin.published") == 2 and actions[-2:] == [
        "plugin.installed",
        "plugin.uninstalled",
    ]
    # Its release stays signed (TUF cannot un-publish) and may sit in an agent's cache: refused, not unpinned.
    assert (
        m.market.pin(NAME).refused
        == f"plugin {NAME} is not in this kernel's registry (never published, or uninstalled)"
    )
    with pytest.raises(NotFound):
        m.market.uninstall(NAME, ADMIN)

    # Published again (the same digest, already in the signed role): recorded again and installable.
    m.registry.store_package(first, digests[0])
    published = m.registry.publish(NAMESPACE, m.signed(first)["role"], "publisher")
    assert [(r.version, r.sha256) for r in published] == [("0.1.0", digests[0])]
    assert m.market.install(NAME, None, ADMIN)["installed_version"] == "0.1.0"


def test_install_package_needs_a_signature(m, tmp_path):
    unsigned = m.publisher.package("0.1.0")
    with pytest.raises(PermissionDenied) as refused:
        m.market.install_package(unsigned, ADMIN)
    digest = sha256_of(unsigned)
    assert refused.value.message == (
        f"unsigned package: no publisher has signed sha256 {digest} "
        "(arcade plugin publish / arcade plugin sign)"
    )
    assert not m.blobs.exists(digest)

    view = m.market.install_package(unsigned, ADMIN, signed=m.signed(unsigned))
    assert (view["installed_version"], view["versions"][0]["sha256"]) == ("0.1.0", digest)
    assert m.market.install_package(unsigned, ADMIN)["installed_version"] == "0.1.0"  # already: no-op

    newer = m.publisher.package("0.2.0", permissions={"env": ["HOME"]})
    with pytest.raises(FailedPrecondition, match=r"needs approval: env \+ HOME"):
        m.market.install_package(newer, ADMIN, signed=m.signed(newer))
    view = m.market.install_package(newer, ADMIN, approve_permissions=True)  # signed by the publish above
    assert view["installed_version"] == "0.2.0"

    other = tmp_path / "other.key"
    generate_key(other)
    m.publisher.key = other  # signed, but not with the namespace's key
    forged = m.publisher.package("0.3.0")
    with pytest.raises(PermissionDenied, match="not signed by the namespace's publisher key"):
        m.market.install_package(forged, ADMIN, signed=m.signed(forged))
    assert not m.blobs.exists(sha256_of(forged))
    with pytest.raises(InvalidInput, match="signed.role: expected"):
        m.market.install_package(forged, ADMIN, signed={"namespace": NAMESPACE})

    m.market.uninstall(NAME, ADMIN)  # the releases stay in the signed role: the package alone installs
    assert m.market.install_package(unsigned, ADMIN)["installed_version"] == "0.1.0"


def test_packages_are_counted_and_metrics_add_up(m):
    package = m.publish("0.1.0")
    m.publish("0.2.0")
    digest = sha256_of(package)
    for _ in range(3):
        assert m.market.package(digest) == package.read_bytes()
    with pytest.raises(NotFound, match="no published plugin version has sha256"):
        m.market.package("0" * 64)
    view = m.market.catalog.get(NAME)
    assert [(v["version"], v["downloads"]) for v in view["versions"]] == [("0.2.0", 0), ("0.1.0", 3)]
    assert view["downloads"] == 3
    m.market.install(NAME, "0.1.0", ADMIN)
    metrics = m.market.metrics()
    assert metrics["plugins"] == {"published": 1, "installed": 1, "enabled": 1}
    assert metrics["downloads"] == {NAME: 3}
    assert metrics["cache"]["hits"] == {"memory": 2, "disk": 0}
    assert (metrics["cache"]["misses"], metrics["cache"]["downloads"]) == (1, 1)
    sizes = package.stat().st_size + m.publisher.tmp.joinpath("package-2.zip").stat().st_size
    assert metrics["store"] == {"packages": 2, "bytes": sizes}
    m.market.set_enabled(NAME, False, ADMIN)
    assert m.market.metrics()["plugins"] == {"published": 1, "installed": 1, "enabled": 0}


def test_a_new_kernel_cache_re_hashes_its_disk_tier(m, tmp_path):
    package = m.publish("0.1.0")
    digest = sha256_of(package)
    m.market.package(digest)
    (m.cache.folder / blob_key(digest)).write_bytes(b"x" * package.stat().st_size)  # tampered on disk
    restarted = TieredCache(m.cache.folder, m.blobs.open_verified)  # as after a kernel restart
    market = PluginMarketplace(m.registry.journal, m.registry, lambda: restarted)
    assert market.package(digest) == package.read_bytes()
    assert (restarted.stats.integrity_failures, restarted.stats.downloads) == (1, 1)
    assert (m.cache.folder / blob_key(digest)).read_bytes() == package.read_bytes()


def test_validate_manifest_reports_every_problem_with_its_field(m):
    manifest = copy.deepcopy(HELLO_MANIFEST)
    assert PluginMarketplace.validate_manifest(manifest) == {"valid": True, "problems": []}
    manifest["permissions"] = {"fs": {"workspace": "write"}, "sudo": True, "network": {"raw_sockets": True}}
    del manifest["type"]
    result = PluginMarketplace.validate_manifest(manifest)
    assert result["valid"] is False
    assert result["problems"] == [
        "manifest: 'type' is a required property",
        "permissions: Additional properties are not allowed ('sudo' was unexpected)",
        "permissions.fs.workspace: 'write' is not one of ['none', 'ro', 'rw']",
        "permissions.network: Additional properties are not allowed ('raw_sockets' was unexpected)",
    ]


def test_list_filters_and_audit(m):
    m.publish("0.1.0")
    assert [p["status"] for p in m.market.catalog.list()] == ["available"]
    assert m.market.catalog.list(status="installed") == []
    m.market.install(NAME, None, ADMIN)
    listed = m.market.catalog.list(status="enabled")
    assert [(p["name"], p["installed_version"], p["enabled"], p["downloads"]) for p in listed] == [
        (NAME, "0.1.0", True, 0)
    ]
    assert m.market.catalog.list(status="available") == []
    assert len(m.market.catalog.list(status="installed", plugin_type="custom", text="hello")) == 1
    m.market.set_enabled(NAME, False, ADMIN)
    assert [p["status"] for p in m.market.catalog.list(status="disabled")] == ["disabled"]
    assert m.market.catalog.list(status="enabled") == []
    with pytest.raises(InvalidInput, match="status: expected one of available, installed, enabled, disabled"):
        m.market.catalog.list(status="broken")

    audit = m.market.catalog.audit(limit=2)
    assert [(a["action"], a["target"], a["actor"]) for a in audit] == [
        ("plugin.disabled", NAME, ADMIN),
        ("plugin.installed", NAME, ADMIN),
    ]
    assert audit[0]["details"] == {"name": NAME, "version": "0.1.0"} and audit[0]["at"]
    with pytest.raises(InvalidInput, match="limit: expected an integer from 1 to 1000"):
        m.market.catalog.audit(limit=0)
