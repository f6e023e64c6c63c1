"""PluginInvoker: action choice, args and result schemas, manifest grants and limits, deadlines."""

from __future__ import annotations

from pathlib import Path

import sandbox_wat as wat
from plugin_kit import manifest, plugin_dir

from agent.plugins import PluginInvoker, grants_of, limits_of, load_plugin_dir
from agent.sandbox import MIB, Limits, Permissions
from plugin_sdk import load_manifest

CONTEXT = {"run_id": "r1", "job": "build", "workspace": "/workspace"}


def invoke(invoker: PluginInvoker, folder: Path, action: str | None = "echo", args=None, **kw):
    logs: list[str] = []
    plugin = load_plugin_dir(folder)
    outcome = invoker.invoke(plugin, action, args or {}, CONTEXT, None, {}, logs.append, **kw)
    return outcome, logs


def test_the_action_gets_args_config_and_context_and_its_result_comes_back(invoker, tmp_path):
    folder = plugin_dir(
        tmp_path / "p",
        manifest(config_schema={"type": "object"}, default_config={"level": "high"}),
    )
    outcome, logs = invoke(invoker, folder, args={"n": 3})
    assert outcome.ok, outcome.error
    assert outcome.action == "echo"
    assert outcome.result == {
        "echo": {"action": "echo", "args": {"n": 3}, "config": {"level": "high"}, "context": CONTEXT}
    }
    assert logs == ["echo: got request"]


def test_the_only_action_is_used_when_none_is_named(invoker, tmp_path):
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p"), action=None)
    assert outcome.ok and outcome.action == "echo"


def test_several_actions_need_a_name(invoker, tmp_path):
    actions = manifest()["actions"]
    document = manifest(actions={**actions, "other": actions["echo"]})
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p", document), action=None)
    assert outcome.error == "tests/echo has several actions (echo, other): name one with 'action:'"


def test_an_unknown_action_lists_the_actions(invoker, tmp_path):
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p"), action="scan")
    assert outcome.error == "tests/echo@1.0.0 has no action 'scan' (actions: echo)"


def test_args_that_break_the_schema_never_reach_the_plugin(invoker, tmp_path):
    outcome, logs = invoke(invoker, plugin_dir(tmp_path / "p"), args={"n": "three", "x": 1})
    assert not outcome.ok and logs == []
    assert outcome.error.startswith("invalid args for tests/echo action 'echo': ")
    assert "args.n: 'three' is not of type 'integer'" in outcome.error
    assert "Additional properties are not allowed ('x' was unexpected)" in outcome.error


def test_a_result_that_breaks_the_returns_schema_fails_the_action(invoker, tmp_path):
    returns = {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}}
    document = manifest()
    document["actions"]["echo"]["returns"] = returns
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p", document))
    assert not outcome.ok and outcome.result is None
    assert outcome.error == (
        "tests/echo action 'echo' returned a result that breaks its returns schema: "
        "result: 'count' is a required property"
    )


def test_the_manifest_time_limit_is_named_when_it_stops_the_plugin(invoker, tmp_path):
    document = manifest(permissions={"limits": {"timeout": "1s"}})
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p", document, wat.wasm(wat.SLEEP)))
    assert not outcome.ok and not outcome.timed_out
    assert outcome.error.startswith("deadline of 1s exceeded")
    assert outcome.error.endswith("the plugin's time limit (permissions.limits.timeout)")


def test_a_shorter_step_deadline_caps_the_plugin_and_says_it_timed_out(invoker, tmp_path):
    outcome, _ = invoke(invoker, plugin_dir(tmp_path / "p", module=wat.wasm(wat.SLEEP)), timeout_seconds=0.5)
    assert not outcome.ok and outcome.timed_out
    assert outcome.error.startswith("deadline of 0.5s exceeded")


def test_manifest_permissions_become_sandbox_grants_and_limits(tmp_path):
    document = manifest(
        permissions={
            "fs": {"workspace": "ro"},
            "network": {"allowed_hosts": ["https://api.example.com"]},
            "env": ["LANG"],
            "secrets": ["TOKEN"],
            "limits": {"memory_mb": 32, "fuel": 1000, "timeout": "2m"},
        }
    )
    loaded = load_manifest(plugin_dir(tmp_path / "p", document) / "manifest.json")
    assert grants_of(loaded) == Permissions(
        workspace="ro", env=frozenset({"LANG", "TOKEN"}), allowed_hosts=frozenset({"https://api.example.com"})
    )
    limits = limits_of(loaded, Limits(deadline_seconds=600))
    assert (limits.memory_bytes, limits.fuel, limits.deadline_seconds) == (32 * MIB, 1000, 120.0)
    bare = load_manifest(plugin_dir(tmp_path / "q") / "manifest.json")
    assert grants_of(bare) == Permissions()
    assert limits_of(bare, Limits(deadline_seconds=600)) == Limits(deadline_seconds=600)
