"""`arcade plugin sign/publish/list/info/install/update/config/enable/disable/uninstall` end to end: the real
CLI against one real kernel (module-scoped) with a signed registry, publisher `examples`.

Each test uses its own plugin name so the tests do not depend on each other's order."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness import ADMIN_TOKEN, Cluster, arcade_command, cli_json, registry_env

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CONFIG_SCHEMA = {
    "type": "object",
    "properties": {"greeting": {"type": "string"}},
    "additionalProperties": False,
}
LIMITS = {"memory_mb": 4, "timeout": "5s"}  # as examples/hello-wat has them


@dataclass
class Market:
    cluster: Cluster
    root: Path
    key: Path
    other_key: Path
    _built: Path

    def plugin(self, name: str, version: str = "0.1.0", **manifest: Any) -> Path:
        """A built copy of examples/hello-wat named `name`@`version`, with `manifest` fields on top."""
        folder = self.root / "plugins" / f"{name.replace('/', '-')}-{version}"
        shutil.copytree(self._built, folder)
        document = json.loads((folder / "manifest.json").read_text())
        document.update(name=name, version=version, config_schema=CONFIG_SCHEMA, **manifest)
        (folder / "manifest.json").write_text(json.dumps(document, indent=2))
        return folder

    def run(self, *args: str) -> tuple[int, str, str]:
        """`arcade ARGS` as the admin: (exit code, stdout, stderr)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCADE_")}
        env.update({"ARCADE_SERVER": self.cluster.http_url, "ARCADE_TOKEN": ADMIN_TOKEN, "COLUMNS": "200"})
        done = subprocess.run(
            arcade_command(*args), env=env, cwd=self.root, capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout, done.stderr

    def json(self, *args: str) -> dict[str, Any]:
        return cli_json(self.cluster, *args)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("market")
    trust, key, other = root / "TRUST", root / "examples.key", root / "other.key"
    cluster = Cluster(root)
    try:
        cluster.kernel_extra_env = registry_env(root, trust)
        cluster.start_kernel()
        cli_json(cluster, "key", "generate", "--out", str(key))
        cli_json(cluster, "key", "generate", "--out", str(other))
        cli_json(cluster, "trust", "init", "--dir", str(trust), "--server", cluster.http_url)
        cli_json(cluster, "trust", "add-publisher", "examples", "--key", f"{key}.pub", "--dir", str(trust))
        cli_json(cluster, "trust", "push", "--dir", str(trust))
        built = root / "hello-wat"
        shutil.copytree(ROOT / "examples/plugins/hello-wat", built, ignore=shutil.ignore_patterns("*.wasm"))
        cli_json(cluster, "plugin", "build", str(built))
        yield Market(cluster, root, key, other, built)
    finally:
        cluster.stop()


def test_sign_then_install_the_package_publishes_and_installs_it(market: Market) -> None:
    folder = market.plugin("examples/signed")
    signed = market.json("plugin", "sign", str(folder), "--key", str(market.key))
    package = folder / "examples-signed-0.1.0.zip"
    assert signed["package"] == str(package) and signed["signed"] == f"{package}.signed.json"
    assert (signed["name"], signed["version"], signed["namespace"]) == (
        "examples/signed",
        "0.1.0",
        "examples",
    )
    document = json.loads(Path(signed["signed"]).read_text())
    assert set(document) == {"namespace", "role"} and document["namespace"] == "examples"
    assert "examples/signed@0.1.0" in document["role"]["signed"]["targets"]

    installed = market.json("plugin", "install", str(package))["plugin"]
    assert (installed["name"], installed["installed_version"], installed["enabled"]) == (
        "examples/signed",
        "0.1.0",
        True,
    )
    info = market.json("plugin", "info", "examples/signed")
    assert info["status"] == "enabled" and info["versions"][0]["sha256"] == signed["sha256"]

    listed = market.json("plugin", "list", "--status", "enabled")["plugins"]
    assert "examples/signed" in [p["name"] for p in listed]
    available = market.json("plugin", "list", "--status", "available")["plugins"]
    assert "examples/signed" not in [p["name"] for p in available]
    # Installing the same package again: already published, so it is not signed twice; it stays installed.
    again = market.json("plugin", "install", str(package))["plugin"]
    assert again["installed_version"] == "0.1.0"


def test_publish_install_by_name_then_update_needs_approval_for_new_permissions(market: Market) -> None:
    first = market.json("plugin", "publish", str(market.plugin("examples/upd")), "--key", str(market.key))
    assert {k: first[k] for k in ("name", "version")} == {"name": "examples/upd", "version": "0.1.0"}
    assert set(first) == {"name", "version", "sha256", "size"}
    installed = market.json("plugin", "install", "examples/upd@0.1.0")["plugin"]
    assert installed["installed_version"] == "0.1.0"

    code, _, err = market.run("plugin", "install", "examples/upd")
    assert code == 1 and "examples/upd" in err  # already installed: the kernel's Conflict

    wider = market.plugin(
        "examples/upd",
        "0.2.0",
        permissions={"fs": {"workspace": "none"}, "env": ["GREETING"], "limits": LIMITS},
    )
    market.json("plugin", "publish", str(wider), "--key", str(market.key))
    code, _, err = market.run("plugin", "update", "examples/upd")
    assert code == 1 and "needs approval" in err and "GREETING" in err, err
    assert market.json("plugin", "info", "examples/upd")["installed_version"] == "0.1.0"

    updated = market.json("plugin", "update", "examples/upd", "--approve-permissions")["plugin"]
    assert updated["installed_version"] == "0.2.0"
    code, out, err = market.run("plugin", "update", "examples/upd", "--version", "0.1.0")
    assert code == 0 and "updated examples/upd@0.1.0" in out, err


def test_config_enable_disable_and_uninstall(market: Market) -> None:
    market.json("plugin", "publish", str(market.plugin("examples/cfg")), "--key", str(market.key))
    market.json("plugin", "install", "examples/cfg")

    configured = market.json("plugin", "config", "examples/cfg", "--set-json", '{"greeting": "hi"}')
    assert configured["plugin"]["config"] == {"greeting": "hi"}
    code, _, err = market.run("plugin", "config", "examples/cfg", "--set-json", '{"greeting": 3}')
    assert code == 2 and "greeting" in err, err

    assert market.json("plugin", "disable", "examples/cfg")["plugin"]["enabled"] is False
    assert market.json("plugin", "info", "examples/cfg")["status"] == "disabled"
    code, out, _ = market.run("plugin", "enable", "examples/cfg")
    assert code == 0 and out.strip() == "enabled examples/cfg"
    assert market.json("plugin", "info", "examples/cfg")["status"] == "enabled"

    removed = market.json("plugin", "uninstall", "examples/cfg")
    assert removed == {"uninstalled": "examples/cfg", "versions": ["0.1.0"]}
    code, _, err = market.run("plugin", "info", "examples/cfg")
    assert code == 1 and "examples/cfg" in err
    assert "examples/cfg" not in [p["name"] for p in market.json("plugin", "list")["plugins"]]


def test_human_output(market: Market) -> None:
    market.json("plugin", "publish", str(market.plugin("examples/human")), "--key", str(market.key))
    code, out, _ = market.run("plugin", "list", "--query", "human")
    assert code == 0 and "examples/human" in out and "NAME" in out and "available" in out
    code, out, _ = market.run("plugin", "info", "examples/human")
    assert code == 0 and out.startswith("examples/human\n") and "versions" in out and "0.1.0" in out
    code, out, _ = market.run("plugin", "install", "examples/human")
    assert code == 0 and out.strip() == "installed examples/human@0.1.0 (enabled)"
    # A path that exists keeps `info`'s local behaviour.
    code, out, _ = market.run("plugin", "info", str(market.plugin("examples/local")), "--json")
    assert code == 0 and json.loads(out)["source"] == "folder"


def test_unknown_plugin_fails_with_the_kernels_message(market: Market) -> None:
    for args in (("info",), ("enable",), ("disable",), ("uninstall",), ("update",), ("install",)):
        code, _, err = market.run("plugin", *args, "examples/nope")
        assert code == 1 and "examples/nope" in err, (args, err)


def test_bad_input_exits_2_naming_the_argument(market: Market) -> None:
    code, _, err = market.run("plugin", "enable", "Not A Name")
    assert code == 2 and "NS/NAME: 'Not A Name' is not a plugin name" in err
    code, _, err = market.run("plugin", "install", "examples/x@latest")
    assert code == 2 and "NS/NAME[@VERSION]" in err and "'latest'" in err
    code, _, err = market.run("plugin", "config", "examples/x", "--set-json", "{nope")
    assert code == 2 and "--set-json: not valid JSON" in err
    code, _, err = market.run("plugin", "config", "examples/x", "--set-json", "[1]")
    assert code == 2 and "--set-json: expected a JSON object, got list" in err
    code, _, err = market.run("plugin", "update", "examples/x", "--version", "two")
    assert code == 2 and "--version: 'two' is not a version" in err
    code, _, err = market.run("plugin", "list", "--status", "broken")
    assert code == 2 and "--status" in err


def test_unsigned_package_is_refused(market: Market) -> None:
    folder = market.plugin("examples/unsigned")
    package = market.json("plugin", "pack", str(folder))["path"]
    code, _, err = market.run("plugin", "install", package)
    assert code == 1 and "unsigned package" in err, err
    Path(f"{package}.signed.json").write_text('{"role": {}}')
    code, _, err = market.run("plugin", "install", package)
    assert code == 2 and f"{package}.signed.json: expected" in err, err


def test_sign_with_a_key_that_is_not_the_publishers(market: Market) -> None:
    folder = market.plugin("examples/wrongkey")
    code, _, err = market.run("plugin", "sign", str(folder), "--key", str(market.other_key))
    assert code == 2 and "is not the publisher key of namespace 'examples'" in err, err
    assert not (folder / "examples-wrongkey-0.1.0.zip.signed.json").exists()

    code, _, err = market.run("plugin", "publish", str(folder), "--key", str(market.other_key))
    assert code == 2 and "is not the publisher key of namespace 'examples'" in err, err

    stranger = market.plugin("nobody/thing")
    code, _, err = market.run("plugin", "sign", str(stranger), "--key", str(market.key))
    assert code == 2 and "nobody: no publisher is registered" in err, err

    code, _, err = market.run("plugin", "sign", str(folder), "--key", f"{market.key}.pub")
    assert code == 2 and "--key" in err and "public key" in err, err
