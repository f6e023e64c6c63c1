"""Hot reload end to end: a real in-process kernel with ARCADE_PLUGINS_DIR set, its real marketplace,
registry, store and blob store; packages signed by a real publisher key. Checked over the HTTP API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from marketplace_setup import CONFIG_SCHEMA, NAME, NAMESPACE, Publisher, admin_api, ok, sha256_of
from polling import wait_for

from kernel.cli.embedded import EmbeddedKernel
from kernel.errors import InvalidInput
from kernel.hot_reload import start_hot_reload


class Folder:
    """The watched folder, the kernel and an admin client on it."""

    def __init__(self, embedded: EmbeddedKernel, publisher: Publisher, api: httpx.Client, path: Path) -> None:
        self.embedded = embedded
        self.publisher = publisher
        self.api = api
        self.path = path

    def drop(self, package: Path, file: str, signed: bool = True) -> None:
        """Put `package` in the folder as `file` the way a careful copy does: signature first, then the zip
        written as file.part and renamed into place."""
        if signed:
            registry = self.embedded.kernel.registry
            assert registry is not None
            document = self.publisher.signed(registry.repo.role_metadata(NAMESPACE), package)
            (self.path / f"{file}.signed.json").write_text(json.dumps(document))
        (self.path / f"{file}.part").write_bytes(package.read_bytes())
        (self.path / f"{file}.part").rename(self.path / file)

    def plugin(self, name: str = NAME) -> dict[str, Any] | None:
        response = self.api.get(f"/plugins/{name}")
        return None if response.status_code == 404 else ok(response)

    def installed(self, name: str = NAME) -> dict[str, Any] | None:
        """The plugin once installed (a package is published, then installed: two changes)."""
        shown = self.plugin(name)
        return shown if shown is not None and shown["installed_version"] is not None else None

    def audit(self) -> list[dict[str, Any]]:
        return ok(self.api.get("/registry/audit", params={"limit": 1000}))["audit"][::-1]


@contextmanager
def watched_kernel(tmp: Path, publisher: Publisher) -> Iterator[Folder]:
    folder = tmp / "plugins"
    embedded = publisher.start_kernel(tmp / "data", plugins_dir=str(folder))
    try:
        with admin_api(embedded, publisher) as api:
            yield Folder(embedded, publisher, api, folder)
    finally:
        embedded.stop()


@pytest.fixture
def publisher(tmp_path) -> Publisher:
    return Publisher(tmp_path)


def test_drop_configure_break_and_delete(tmp_path, publisher):
    with watched_kernel(tmp_path, publisher) as folder:
        assert folder.embedded.kernel.plugin_watch is not None
        package = publisher.package("0.1.0", config_schema=CONFIG_SCHEMA)
        folder.drop(package, "hello.zip")
        shown = wait_for(folder.installed, what="the install")
        assert (shown["status"], shown["installed_version"], shown["enabled"]) == ("enabled", "0.1.0", True)
        assert shown["versions"][0]["sha256"] == sha256_of(package)
        assert shown["installed_by"] == "hot-reload:hello.zip"

        (folder.path / "plugins.yaml").write_text(
            f"plugins:\n  {NAME}:\n    enabled: false\n    config: {{greeting: hi, retries: 2}}\n"
        )
        wait_for(lambda: not folder.plugin()["enabled"], what="the disable")
        assert folder.plugin()["config"] == {"greeting": "hi", "retries": 2}

        # A broken plugins.yaml: reported (audited, naming line and field), the state stays.
        (folder.path / "plugins.yaml").write_text(
            f"plugins:\n  {NAME}:\n    enabled: true\n    confg: {{}}\n"
        )
        failed = wait_for(
            lambda: [a for a in folder.audit() if a["action"] == "plugin.hot_reload_failed"],
            what="the report",
        )
        assert (failed[0]["actor"], failed[0]["target"]) == ("hot-reload:plugins.yaml", "plugins.yaml")
        assert f"plugins.yaml:4: plugins.{NAME}.confg: unknown field" in failed[0]["details"]["error"]
        # A config the manifest's config_schema refuses: reported for the plugin, the enable still applies.
        (folder.path / "plugins.yaml").write_text(
            f"plugins:\n  {NAME}:\n    enabled: true\n    config: {{retries: -1}}\n"
        )
        wait_for(lambda: folder.plugin()["enabled"], what="the enable")
        failed = [a for a in folder.audit() if a["action"] == "plugin.hot_reload_failed"]
        assert failed[-1]["target"] == NAME and "retries" in failed[-1]["details"]["error"]
        assert folder.plugin()["config"] == {"greeting": "hi", "retries": 2}

        # An unsigned package and a garbage zip disturb nothing.
        other = publisher.package("0.2.0")
        folder.drop(other, "unsigned.zip", signed=False)
        (folder.path / "garbage.zip").write_bytes(b"PK\3\4 not really")
        wait_for(
            lambda: any("unsigned package" in a["details"].get("error", "") for a in folder.audit()),
            what="the refusal",
        )
        assert folder.plugin()["installed_version"] == "0.1.0"
        assert [v["version"] for v in folder.plugin()["versions"]] == ["0.1.0"]

        # Deleting the zip uninstalls what it installed.
        (folder.path / "hello.zip").unlink()
        wait_for(lambda: folder.plugin() is None, what="the uninstall")
        actions = [(a["action"], a["actor"]) for a in folder.audit() if a["actor"] == "hot-reload:hello.zip"]
        assert actions == [
            ("plugin.published", "hot-reload:hello.zip"),
            ("plugin.installed", "hot-reload:hello.zip"),
            ("plugin.uninstalled", "hot-reload:hello.zip"),
        ]


def test_start_up_installs_the_folder_once(tmp_path, publisher):
    with watched_kernel(tmp_path, publisher) as folder:
        package = publisher.package("0.1.0", config_schema=CONFIG_SCHEMA)
        folder.drop(package, "hello.zip")
        wait_for(folder.installed, what="the install")
        ok(folder.api.post(f"/plugins/{NAME}/disable"))
        (folder.path / "plugins.yaml").write_text(f"plugins:\n  {NAME}:\n    config: {{greeting: hi}}\n")
        wait_for(lambda: folder.plugin()["config"] == {"greeting": "hi"}, what="the config")
        newer = publisher.package("0.2.0", config_schema=CONFIG_SCHEMA)
        signed = publisher.signed(folder.embedded.kernel.registry.repo.role_metadata(NAMESPACE), newer)
    # While the kernel is down, a new release arrives in the folder.
    (folder.path / "hello.zip.signed.json").write_text(json.dumps(signed))
    (folder.path / "hello.zip").write_bytes(newer.read_bytes())
    (folder.path / "other.zip.part").write_bytes(b"never looked at")
    with watched_kernel(tmp_path, publisher) as folder:
        wait_for(lambda: folder.plugin()["installed_version"] == "0.2.0", what="the update at start-up")
        assert folder.plugin()["enabled"] is False  # the admin's disable stands
        assert folder.plugin()["config"] == {"greeting": "hi"}
        updates = [a for a in folder.audit() if a["action"] == "plugin.updated"]
        assert [(a["actor"], a["details"]["to"]) for a in updates] == [("hot-reload:hello.zip", "0.2.0")]
    with watched_kernel(tmp_path, publisher) as folder:  # nothing new: nothing installed again
        watcher = folder.embedded.kernel.plugin_watch
        assert watcher is not None
        wait_for(
            lambda: (
                (watcher.outcomes("hello.zip"), watcher.outcomes("plugins.yaml"))
                == (["unchanged"], ["applied"])
            ),
            what="the start-up scan",
        )
        actions = [a["action"] for a in folder.audit()]
        assert (actions.count("plugin.updated"), actions.count("plugin.configured")) == (1, 1)
        assert "plugin.hot_reload_failed" not in actions


def test_a_plugins_dir_that_cannot_be_made_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(InvalidInput, match=r"setting 'plugins_dir' \(ARCADE_PLUGINS_DIR\): cannot watch"):
        start_hot_reload(str(tmp_path / "file" / "plugins"), object(), None)  # type: ignore[arg-type]


def test_no_watcher_without_a_plugins_dir_or_a_marketplace(tmp_path):
    assert start_hot_reload("", object(), None) is None  # type: ignore[arg-type]
    assert start_hot_reload(str(tmp_path), None, None) is None  # type: ignore[arg-type]
