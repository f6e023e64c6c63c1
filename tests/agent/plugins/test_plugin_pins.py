"""The kernel's pin on a plugin step (StepAssignment.plugin): a refusal fails the step with the kernel's
message and nothing is resolved, downloaded or run; a pinned version runs exactly that release (signed
registry or plugin path) and only with the pinned sha256; the pinned config replaces the manifest's
default_config. No pin keeps resolving `uses` as written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from agent_testkit import Harness, job, step
from plugin_kit import manifest, package, plugin_dir
from test_registry_source import SignedRegistry

from agent.peer import PluginPin, Status
from agent.plugins.steps import PluginSteps
from agent.wire import assignment_from_proto
from proto.arcade.agent.v1 import agent_pb2

CONFIG_SCHEMA = {
    "type": "object",
    "properties": {"level": {"enum": ["low", "high"]}},
    "additionalProperties": False,
}


@pytest.fixture
def signed(tmp_path: Path) -> SignedRegistry:
    return SignedRegistry(tmp_path / "registry")


def with_registry(harness: Harness, signed: SignedRegistry, paths: tuple[Path, ...] = ()) -> Harness:
    signed.serve(harness.peer)
    harness.plugins = PluginSteps(paths, harness.config.workdir, trust_root=signed.root, peer=harness.peer)
    return harness


def run_one(harness: Harness, uses: str, pin: PluginPin | None, run_id: str = "s1"):
    final = harness.run(job(f"job-{run_id}", step(run_id, "", uses=uses, args={"n": 1}, plugin=pin)))
    return final, harness.peer.final_step(run_id), harness.peer.texts(run_id)


# ---- refused ----------------------------------------------------------------------------------------------


def test_a_refused_pin_fails_with_exactly_the_kernels_message_and_nothing_is_fetched(
    signed: SignedRegistry, harness: Harness
):
    signed.publish("tests/echo", "1.0.0")
    with_registry(harness, signed)
    refusal = "plugin tests/echo is disabled by an admin"
    final, report, lines = run_one(harness, "tests/echo@^1", PluginPin(refused=refusal))
    assert final.status == Status.FAILED and report.status == Status.FAILED
    assert report.message == refusal
    assert lines == [refusal]  # no "plugin ... from" line: nothing was resolved or run
    assert harness.peer.plugin_downloads == []
    assert not (harness.config.workdir / "plugins").exists()


def test_a_refused_pin_fails_without_a_registry_too(harness: Harness, tmp_path: Path):
    plugin_dir(tmp_path / "path" / "echo")
    harness.plugins = PluginSteps([tmp_path / "path"], harness.config.workdir)
    _, report, _ = run_one(harness, "tests/echo", PluginPin(refused="not installed in the marketplace"))
    assert report.message == "not installed in the marketplace"


# ---- pinned version and sha256 ----------------------------------------------------------------------------


def test_a_pinned_version_runs_exactly_that_release(signed: SignedRegistry, harness: Harness):
    old = signed.publish("tests/echo", "1.0.0")
    signed.publish("tests/echo", "1.3.0")
    with_registry(harness, signed)
    final, report, lines = run_one(harness, "tests/echo@^1", PluginPin(version="1.0.0", sha256=old))
    assert final.status == Status.SUCCESS, report.message
    assert (
        lines[0]
        == f"plugin tests/echo@1.0.0 (wasm, wasi-command) from the signed registry (sha256 {old[:12]})"
    )
    assert harness.peer.plugin_downloads == [old]

    final, _, lines = run_one(harness, "tests/echo@^1", None, "s2")  # no pin: the newest in range
    assert final.status == Status.SUCCESS and lines[0].startswith("plugin tests/echo@1.3.0")


def test_a_pinned_sha256_other_than_the_signed_one_is_refused_before_download(
    signed: SignedRegistry, harness: Harness
):
    digest = signed.publish("tests/echo", "1.0.0")
    with_registry(harness, signed)
    stale = "ab" * 32
    final, report, lines = run_one(harness, "tests/echo", PluginPin(version="1.0.0", sha256=stale))
    assert final.status == Status.FAILED
    assert report.message == (
        f"cannot run tests/echo@1.0.0 from the signed registry: refusing tests/echo@1.0.0: the kernel "
        f"pinned sha256 {stale}, but the signed registry has {digest} for it (the pin is stale or the "
        "release differs)"
    )
    assert lines == [report.message]
    assert harness.peer.plugin_downloads == []


def test_a_pinned_version_that_is_not_published_names_what_is(signed: SignedRegistry, harness: Harness):
    signed.publish("tests/echo", "1.0.0")
    with_registry(harness, signed)
    _, report, _ = run_one(harness, "tests/echo", PluginPin(version="1.1.0"))
    assert "tests/echo@1.1.0: no published version matches (published: 1.0.0)" in report.message


def test_a_plugin_path_package_must_have_the_pinned_sha256(harness: Harness, tmp_path: Path):
    path = tmp_path / "path"
    path.mkdir()
    zipped = package(plugin_dir(tmp_path / "src"), path / "echo.zip")
    digest = hashlib.sha256(zipped.read_bytes()).hexdigest()
    harness.plugins = PluginSteps([path], harness.config.workdir)

    final, report, _ = run_one(harness, "tests/echo", PluginPin(version="1.0.0", sha256=digest))
    assert final.status == Status.SUCCESS, report.message

    other = "cd" * 32
    final, report, lines = run_one(harness, "tests/echo", PluginPin(version="1.0.0", sha256=other), "s2")
    assert final.status == Status.FAILED
    assert report.message.startswith("refusing tests/echo@1.0.0 from ")
    assert report.message.endswith(f"the kernel pinned sha256 {other}, but this package has sha256 {digest}")
    assert lines == [report.message]


def test_a_plugin_path_mismatch_is_not_hidden_by_the_registry(
    signed: SignedRegistry, harness: Harness, tmp_path: Path
):
    """The plugin path has the pinned version with another digest: refused, not silently swapped."""
    digest = signed.publish("tests/echo", "1.0.0")
    path = tmp_path / "path"
    path.mkdir()
    document = manifest(description="a local build")
    package(plugin_dir(tmp_path / "local", document), path / "echo.zip")
    with_registry(harness, signed, (path,))
    _, report, _ = run_one(harness, "tests/echo", PluginPin(version="1.0.0", sha256=digest))
    assert "the kernel pinned sha256" in report.message and "this package has sha256" in report.message
    assert harness.peer.plugin_downloads == []


def test_a_plugin_folder_has_no_digest_to_check(harness: Harness, tmp_path: Path):
    plugin_dir(tmp_path / "path" / "echo")
    harness.plugins = PluginSteps([tmp_path / "path"], harness.config.workdir)
    final, report, _ = run_one(harness, "tests/echo@^1", PluginPin(version="1.0.0", sha256="ef" * 32))
    assert final.status == Status.SUCCESS, report.message


def test_a_pin_version_that_is_not_semver_fails_clearly(harness: Harness, tmp_path: Path):
    plugin_dir(tmp_path / "path" / "echo")
    harness.plugins = PluginSteps([tmp_path / "path"], harness.config.workdir)
    _, report, _ = run_one(harness, "tests/echo", PluginPin(version="^1"))
    assert report.message.startswith(
        "cannot run tests/echo: the kernel's plugin pin version '^1' is not usable"
    )


# ---- pinned config ----------------------------------------------------------------------------------------


@pytest.fixture
def configurable(harness: Harness, tmp_path: Path) -> Harness:
    document = manifest(config_schema=CONFIG_SCHEMA, default_config={"level": "low"})
    plugin_dir(tmp_path / "path" / "echo", document)
    harness.plugins = PluginSteps([tmp_path / "path"], harness.config.workdir)
    return harness


def test_the_pinned_config_replaces_the_default_config(configurable: Harness):
    final, report, _ = run_one(
        configurable, "tests/echo", PluginPin(version="1.0.0", config={"level": "high"})
    )
    assert final.status == Status.SUCCESS, report.message
    assert report.result["echo"]["config"] == {"level": "high"}

    run_one(configurable, "tests/echo", None, "s2")
    assert configurable.peer.final_step("s2").result["echo"]["config"] == {"level": "low"}
    run_one(configurable, "tests/echo", PluginPin(version="1.0.0"), "s3")  # a pin without config
    assert configurable.peer.final_step("s3").result["echo"]["config"] == {"level": "low"}


def test_a_pinned_config_that_breaks_the_config_schema_fails_before_running(configurable: Harness):
    final, report, lines = run_one(configurable, "tests/echo", PluginPin(config={"level": "extreme"}))
    assert final.status == Status.FAILED
    assert report.message.startswith("invalid config for tests/echo: config.level:"), report.message
    assert len(lines) == 2 and lines[1] == report.message  # the plugin line, then the refusal; no output


# ---- the wire ---------------------------------------------------------------------------------------------


def wire_job(**pin_fields: str) -> agent_pb2.JobAssignment:
    plugin_step = agent_pb2.StepAssignment(step_run_id="s1", name="scan", uses="tests/echo@^1")
    if pin_fields:
        plugin_step.plugin.CopyFrom(agent_pb2.PluginPin(**pin_fields))
    return agent_pb2.JobAssignment(job_run_id="j1", steps=[plugin_step])


def test_the_wire_maps_the_pin_and_leaves_an_unset_pin_none():
    assert assignment_from_proto(wire_job()).steps[0].plugin is None
    pin = (
        assignment_from_proto(
            wire_job(version="1.0.0", sha256="ab" * 32, config_json=json.dumps({"level": "high"}))
        )
        .steps[0]
        .plugin
    )
    assert pin == PluginPin("1.0.0", "ab" * 32, {"level": "high"}, "")
    assert assignment_from_proto(wire_job(refused="disabled")).steps[0].plugin == PluginPin(
        refused="disabled"
    )
    assert assignment_from_proto(wire_job(version="1.0.0")).steps[0].plugin == PluginPin("1.0.0")


@pytest.mark.parametrize(
    ("config_json", "got"),
    [("[1, 2]", "got a JSON array"), ("{nope", "got not JSON"), ('"x"', "got a JSON string")],
)
def test_a_pinned_config_that_is_not_a_json_object_refuses_the_step(config_json: str, got: str):
    pin = assignment_from_proto(wire_job(version="1.0.0", config_json=config_json)).steps[0].plugin
    assert pin is not None and pin.config is None
    assert pin.refused.startswith(
        f"cannot run tests/echo@^1: the kernel's plugin.config_json must be a JSON object, {got}"
    )
